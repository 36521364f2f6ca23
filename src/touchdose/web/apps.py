from django.apps import AppConfig


class TouchdoseWebConfig(AppConfig):
    name = "touchdose.web"
    label = "touchdose"
    verbose_name = "touchdose"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from touchdose.web import auth_audit
        from touchdose.web.middleware import session_start

        user_logged_in.connect(session_start, dispatch_uid="touchdose_session_start")
        auth_audit.connect()
