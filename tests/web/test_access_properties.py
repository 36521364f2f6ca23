"""Property: whatever sequence of shares and revocations happens, a therapist reads a client's
records exactly when the client's last word for that therapist was "share", never writes them,
and the client always reads and writes their own."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase
from tests.web.conftest import make_client, make_therapist

from touchdose.web import access, services
from touchdose.web.models import Share

# (client index, therapist index, grant?)
steps = st.lists(st.tuples(st.integers(0, 1), st.integers(0, 1), st.booleans()), max_size=12)


class AccessFollowsTheLastWord(TestCase):
    @settings(max_examples=25, deadline=None)
    @given(steps)
    def test_access_matches_the_last_share_or_revoke(self, ops: list[tuple[int, int, bool]]) -> None:
        clients = [make_client("c0"), make_client("c1")]
        therapists = [make_therapist("t0"), make_therapist("t1")]
        last: dict[tuple[int, int], bool] = {}
        for c, t, grant in ops:
            client, therapist = clients[c], therapists[t]
            if grant:
                code = services.share_code_create(actor=client.user, client=client)
                services.share_code_redeem(actor=therapist.user, therapist=therapist, code=code)
            else:
                for share in Share.objects.filter(
                    client=client, therapist=therapist, revoked_at__isnull=True
                ):
                    services.share_revoke(actor=client.user, client=client, share_id=share.pk)
            last[(c, t)] = grant
        for c, client in enumerate(clients):
            assert access.get_client_for_user(client.user, client.pk) == (client, True)
            for t, therapist in enumerate(therapists):
                if last.get((c, t), False):
                    assert access.get_client_for_user(therapist.user, client.pk) == (client, False)
                    with self.assertRaises(PermissionDenied):
                        access.require_client_rw(therapist.user, client.pk)
                else:
                    with self.assertRaises(Http404):
                        access.get_client_for_user(therapist.user, client.pk)
            other = clients[1 - c]
            with self.assertRaises(Http404):
                access.get_client_for_user(other.user, client.pk)
