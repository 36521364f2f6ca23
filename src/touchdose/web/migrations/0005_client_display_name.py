from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('touchdose', '0004_reminders'),
    ]

    operations = [
        migrations.AddField(
            model_name='client',
            name='display_name',
            field=models.CharField(blank=True, default='', max_length=120),
        ),
    ]
