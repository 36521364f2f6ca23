from django.apps import AppConfig


class LearnConfig(AppConfig):
    name = "touchdose.web.learn"
    label = "learn"
    verbose_name = "touchdose Learn pages"
