"""URL map. Every client-scoped page takes the client's id and checks access in ``access``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path, reverse_lazy
from django.views import View
from django.views.generic import RedirectView

from touchdose.web import throttle
from touchdose.web.api.app import api
from touchdose.web.throttle import one_attempt_at_a_time
from touchdose.web.views import accounts, client, data, followups, pages, pwa, reminders, sessions, therapist

T = "touchdose/"


def _auth_page(view: type[View], template: str, **options: Any) -> Any:
    """One of Django's account views, shown with our template."""
    return view.as_view(template_name=T + template, **options)


account_patterns = [
    path("signup/", accounts.signup, name="signup"),
    path("me/", accounts.account, name="account"),
    path("login/", one_attempt_at_a_time(_auth_page(auth_views.LoginView, "login.html")), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("delete/", accounts.account_delete, name="account_delete"),
    path("password/change/", _auth_page(accounts.PasswordChange, "password_change.html"),
         name="password_change"),
    path("password/change/done/", _auth_page(auth_views.PasswordChangeDoneView, "password_done.html"),
         name="password_change_done"),
    path(
        "password/reset/",
        throttle.throttled(throttle.PASSWORD_RESET, _auth_page(
            auth_views.PasswordResetView, "password_reset.html",
            email_template_name=T + "password_reset_email.txt",
            subject_template_name=T + "password_reset_subject.txt",
        )),
        name="password_reset",
    ),
    path("password/reset/sent/", _auth_page(auth_views.PasswordResetDoneView, "password_reset_sent.html"),
         name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        _auth_page(accounts.PasswordResetConfirm, "password_reset_confirm.html",
                   success_url=reverse_lazy("password_reset_complete")),
        name="password_reset_confirm",
    ),
    path("password/reset/done/", _auth_page(auth_views.PasswordResetCompleteView, "password_done.html"),
         name="password_reset_complete"),
]  # fmt: skip

client_patterns = [
    path("", client.dashboard, name="dashboard"),
    path("checkin/", client.checkin_new, name="checkin_new"),
    path("checkin/queued/", pwa.checkin_queued, name="checkin_queued"),
    path("checkins/", client.checkin_list, name="checkin_list"),
    path("sessions/", sessions.session_list, name="session_list"),
    path("sessions/new/", sessions.session_new, name="session_new"),
    path("intake/", client.intake, name="intake"),
    path("sharing/", client.sharing, name="sharing"),
    path("sharing/<int:share_id>/revoke/", client.share_revoke, name="share_revoke"),
    path("export/", client.export, name="export"),
    path("audit/", client.audit_log, name="audit_log"),
    path("data/", data.your_data, name="your_data"),
    path("data/import/", data.import_file, name="data_import"),
    path("data/import/save/", data.import_confirm, name="data_import_confirm"),
    path("data/download/<str:fmt>/", data.download, name="data_download"),
    path("report/<str:fmt>/", data.report, name="report_download"),
]

urlpatterns = [
    path("", pages.home, name="home"),
    # Browsers ask for /favicon.ico on every page that names none (a JSON answer, a download).
    path("favicon.ico", RedirectView.as_view(url=static("touchdose/favicon.ico"), permanent=True)),
    path("accounts/", include(account_patterns)),
    path("clients/<int:client_id>/", include(client_patterns)),
    path("checkins/<int:checkin_id>/edit/", client.checkin_edit, name="checkin_edit"),
    path("checkins/<int:checkin_id>/delete/", client.checkin_delete, name="checkin_delete"),
    path("sessions/<int:session_id>/edit/", sessions.session_edit, name="session_edit"),
    path("sessions/<int:session_id>/delete/", sessions.session_delete, name="session_delete"),
    path("sessions/<int:session_id>/followup/<int:hours>/", followups.followup, name="followup"),
    path(
        "sessions/<int:session_id>/followup/<int:hours>/queued/", pwa.followup_queued, name="followup_queued"
    ),
    path("sessions/<int:session_id>/rate/", followups.session_rate, name="session_rate"),
    path("therapist/", therapist.therapist_home, name="therapist_home"),
    path("therapist/link/", therapist.link_client, name="link_client"),
    # the admin's own login, throttled like ours (the admin's URL name "admin:login" still points here)
    path("admin/login/", one_attempt_at_a_time(admin.site.login)),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("accounts/tokens/", data.tokens, name="api_tokens"),
    # reminders (docs/reminders.md)
    path("accounts/reminders/", reminders.reminder_settings, name="reminder_settings"),
    path("accounts/reminders/calendar/new/", reminders.calendar_link_reset, name="calendar_link_reset"),
    path("accounts/reminders/calendar/off/", reminders.calendar_link_remove, name="calendar_link_remove"),
    path("reminders/stop/<str:token>/", reminders.unsubscribe, name="reminder_unsubscribe"),
    path("calendar/<str:token>.ics", reminders.calendar_feed, name="calendar_feed"),
    # the installable app: manifest and service worker (scope: the whole app)
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="service_worker"),
]
if settings.HAS_LEARN:
    urlpatterns.append(path("learn/", include("touchdose.web.learn.urls")))

handler400 = "touchdose.web.views.pages.bad_request"
handler403 = "touchdose.web.views.pages.forbidden"
handler404 = "touchdose.web.views.pages.not_found"
handler500 = "touchdose.web.views.pages.server_error"
