from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('touchdose', '0005_client_display_name'),
    ]

    operations = [
        migrations.AddField(
            model_name='checkin',
            name='red_flags',
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name='client',
            name='contraindications',
            field=models.JSONField(blank=True, default=list),
        ),
    ]
