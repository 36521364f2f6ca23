"""Who may see and change what. Every page (and the API) goes through these helpers.

Rules (docs/design.md "Security and privacy"):
- a client reads and writes their own records;
- a therapist reads a client's records only while the client shares with them, and may log a
  session for that client and correct the sessions they logged; they never change the client's
  diary, intake, sharing or ratings;
- anyone else gets 404 (we do not confirm that a record exists); a reader who tries to change
  something gets 403.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.http import Http404

from touchdose.web import selectors
from touchdose.web.models import CheckIn, Client, MassageSession, Therapist

T = TypeVar("T", Client, MassageSession, CheckIn)


def client_of(user: Any) -> Client | None:
    """The client account of ``user``, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return getattr(user, "client", None)


def therapist_of(user: Any) -> Therapist | None:
    """The therapist account of ``user``, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return getattr(user, "therapist", None)


def _not_found() -> Http404:
    return Http404("Not found")


def get_client_for_user(user: Any, client_id: int) -> tuple[Client, bool]:
    """``(client, can_write)``; Http404 unless ``user`` is the client or a therapist they share with."""
    client = selectors.client_by_id(client_id)
    if client is None:
        raise _not_found()
    own = client_of(user)
    if own is not None and own.pk == client.pk:
        return client, True
    therapist = therapist_of(user)
    if therapist is not None and selectors.share_is_active(client=client, therapist=therapist):
        return client, False
    raise _not_found()


def _writable(found: tuple[T, bool], refusal: str) -> T:
    """The record of ``found = (record, can_write)``, or 403 with ``refusal`` if it is read-only."""
    record, can_write = found
    if not can_write:
        raise PermissionDenied(refusal)
    return record


def require_client_rw(user: Any, client_id: int) -> Client:
    """The client, if ``user`` may change it (only the client themselves); else 403/404."""
    return _writable(get_client_for_user(user, client_id), "Only the client can change this.")


def require_linked_therapist(user: Any, client_id: int) -> tuple[Client, Therapist]:
    """A therapist the client shares with (to log a session); 404 for strangers, 403 for the client."""
    client, _ = get_client_for_user(user, client_id)
    therapist = therapist_of(user)
    if therapist is None:
        raise PermissionDenied("Only a therapist can do this.")
    return client, therapist


def get_session_for_user(user: Any, session_id: int) -> tuple[MassageSession, bool]:
    """``(session, can_write)`` with the same rules as the session's client, except that the
    therapist who logged a session may also correct it while the client shares with them."""
    session = selectors.session_by_id(session_id)
    if session is None:
        raise _not_found()
    _, can_write = get_client_for_user(user, session.client_id)
    if not can_write:
        therapist = therapist_of(user)
        can_write = therapist is not None and session.therapist_id == therapist.pk
    return session, can_write


def require_session_rw(user: Any, session_id: int) -> MassageSession:
    refusal = "Only the client, or the therapist who logged it, can change this session."
    return _writable(get_session_for_user(user, session_id), refusal)


def require_session_of_client(user: Any, session_id: int) -> MassageSession:
    """A session, for its client to answer about (a follow-up, the ratings): 404 for strangers,
    403 for the therapist (who may read the session but never answer for the client)."""
    session, _ = get_session_for_user(user, session_id)
    _writable(get_client_for_user(user, session.client_id), "Only the client can answer this.")
    return session


def get_checkin_for_user(user: Any, checkin_id: int) -> tuple[CheckIn, bool]:
    """``(check-in, can_write)`` with the same rules as the check-in's client."""
    checkin = selectors.checkin_by_id(checkin_id)
    if checkin is None:
        raise _not_found()
    _, can_write = get_client_for_user(user, checkin.client_id)
    return checkin, can_write


def require_checkin_rw(user: Any, checkin_id: int) -> CheckIn:
    return _writable(get_checkin_for_user(user, checkin_id), "Only the client can change this check-in.")


def require_client_account(user: Any) -> Client:
    """The signed-in user's own client account; 403 for therapists and staff without one."""
    client = client_of(user)
    if client is None:
        raise PermissionDenied("This page is for clients.")
    return client


def require_therapist_account(user: Any) -> Therapist:
    therapist = therapist_of(user)
    if therapist is None:
        raise PermissionDenied("This page is for therapists.")
    return therapist
