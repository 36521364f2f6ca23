"""What the evidence page shows, gathered from :mod:`touchdose.evidence` (filled in as it lands)."""

from __future__ import annotations

from typing import Any


def page_data(condition: str | None) -> dict[str, Any]:
    return {"condition": condition, "studies": [], "pooled": [], "guidelines": [], "forest": None}
