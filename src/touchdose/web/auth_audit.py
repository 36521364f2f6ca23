"""Sign-ins on the audit trail (issue 13, finding 6): Django's ``user_logged_in``,
``user_logged_out`` and ``user_login_failed`` signals, recorded through :mod:`touchdose.web.audit`.

A failed sign-in names an account only when the name typed is that account's own username; any
other text (a mistyped name, a password typed into the name field) is never stored: the event then
has no name at all. No password, no address, no health data.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from touchdose.web import access, audit, selectors
from touchdose.web.audit import Action


def _client_ref(user: Any) -> int | None:
    client = access.client_of(user)
    return client.pk if client is not None else None


def logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit.record(actor=user, client_ref=_client_ref(user), action=Action.LOGGED_IN)


def logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:  # signing out while not signed in sends None
        audit.record(actor=user, client_ref=_client_ref(user), action=Action.LOGGED_OUT)


def login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    typed = credentials.get(get_user_model().USERNAME_FIELD)
    account = selectors.account_by_username(typed) if isinstance(typed, str) and typed else None
    audit.record(actor=account, client_ref=_client_ref(account), action=Action.LOGIN_FAILED)


def connect() -> None:
    """Listen to the three signals (once; called from the app's ``ready``)."""
    user_logged_in.connect(logged_in, dispatch_uid="touchdose_audit_logged_in")
    user_logged_out.connect(logged_out, dispatch_uid="touchdose_audit_logged_out")
    user_login_failed.connect(login_failed, dispatch_uid="touchdose_audit_login_failed")
