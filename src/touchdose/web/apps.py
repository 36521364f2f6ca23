from django.apps import AppConfig


class TouchdoseWebConfig(AppConfig):
    name = "touchdose.web"
    label = "touchdose"
    verbose_name = "touchdose"
    default_auto_field = "django.db.models.BigAutoField"
