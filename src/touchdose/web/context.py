"""Template context: which kind of account is looking, and the anchor words of every 0-10 scale."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

#: Anchor words shown at the ends of each 0-10 scale. Pain and tiredness: higher is worse;
#: sleep, mood and relaxation: higher is better (the direction the engine reads them).
ANCHORS = {
    "pain_anchors": ("0 no pain", "10 worst pain imaginable"),
    "fatigue_anchors": ("0 not tired", "10 exhausted"),
    "sleep_anchors": ("0 very badly", "10 very well"),
    "mood_anchors": ("0 very low", "10 very good"),
    "relax_anchors": ("0 not at all", "10 completely"),
}


def roles(request: HttpRequest) -> dict[str, Any]:
    context: dict[str, Any] = {
        **ANCHORS,
        "learn_installed": settings.HAS_LEARN,
        "code_hours": settings.SHARE_CODE_HOURS,
    }
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {**context, "me_client": None, "me_therapist": None}
    return {
        **context,
        "me_client": getattr(user, "client", None),
        "me_therapist": getattr(user, "therapist", None),
    }
