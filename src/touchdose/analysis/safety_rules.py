"""The screening rules: what each red flag and each contraindication does (docs/safety.md).

One table per kind, each rule with its plain words and its source (or saying it is our choice).
:mod:`touchdose.analysis.safety` applies them.

Examples
--------
>>> RED_FLAG_RULES["chest_pain_breathless"].level
'emergency'
>>> CONTRAINDICATION_RULES["osteoporosis"].max_pressure
1
"""

from __future__ import annotations

from dataclasses import dataclass

from touchdose.records import CONTRAINDICATIONS, RED_FLAGS

__all__ = [
    "CONTRAINDICATION_RULES",
    "RED_FLAG_RULES",
    "SAFETY_LEVELS",
    "SAFETY_LEVEL_WORDS",
    "ContraindicationRule",
    "RedFlagRule",
]

#: Safety levels, most urgent first (the ``level`` of docs/formats.md ``verdict.safety``).
SAFETY_LEVELS: tuple[str, ...] = ("emergency", "see_doctor", "caution")
#: Each level in a few words, for a one-line flag (the therapist's client list).
SAFETY_LEVEL_WORDS: dict[str, str] = {
    "emergency": "Emergency",
    "see_doctor": "See a doctor today",
    "caution": "Caution",
}

_LEGS = ("upper_leg_left", "lower_leg_left", "upper_leg_right", "lower_leg_right")


@dataclass(frozen=True)
class RedFlagRule:
    """How urgent one red flag is and what to do, in plain words."""

    level: str
    action: str


#: Each red flag: its urgency and the action (docs/safety.md). Emergency for chest pain or
#: breathlessness and new bladder or bowel trouble (possible pulmonary embolism, heart attack or
#: cauda equina syndrome); the doctor today for the others (Finucane 2020; NICE NG59).
RED_FLAG_RULES: dict[str, RedFlagRule] = {
    "chest_pain_breathless": RedFlagRule(
        "emergency",
        "Chest pain or trouble breathing: call emergency services now (112 in Europe, 911 in the US).",
    ),
    "bowel_bladder_change": RedFlagRule(
        "emergency",
        "New trouble with your bladder or bowels, or numbness between your legs: go to an emergency "
        "department today. It can mean pressure on the nerves at the bottom of the spine, which needs "
        "treatment within hours.",
    ),
    "numbness_weakness": RedFlagRule(
        "see_doctor",
        "New numbness or weakness: contact your doctor today. If it came on suddenly in your face, arm "
        "or leg, or with trouble speaking, call emergency services.",
    ),
    "weight_loss": RedFlagRule(
        "see_doctor", "Losing weight without trying: contact your doctor today and ask to be checked."
    ),
    "fever_night_sweats": RedFlagRule(
        "see_doctor", "Fever or night sweats: contact your doctor today and ask to be checked."
    ),
    "swollen_calf": RedFlagRule(
        "see_doctor",
        "A swollen, warm or painful calf can be a blood clot: contact your doctor today, and let nobody "
        "massage that leg.",
    ),
    "unusual_bruising": RedFlagRule(
        "see_doctor",
        "Bruises that came without a knock: contact your doctor today, all the more if you take "
        "blood thinners.",
    ),
}


@dataclass(frozen=True)
class ContraindicationRule:
    """What one contraindication does to the plan.

    ``max_pressure`` caps the pressure (``None``: no cap); ``avoid_regions`` are left out;
    ``stop`` pauses massage until the contraindication is removed from the intake; ``level``
    is its safety level; ``why`` is the plain sentence shown; ``source`` names where the rule
    comes from, or says it is ours.
    """

    level: str
    why: str
    source: str
    max_pressure: int | None = None
    avoid_regions: tuple[str, ...] = ()
    stop: bool = False


#: Each contraindication's rule (docs/safety.md). Pressures are on the 1-5 scale of docs/design.md,
#: which runs like the oncology massage pressure scale (Walton 2011: 1 the lightest, 5 deep).
#: Sources disagree widely on what massage must avoid (Batavia 2004: 21 sources listed 3 to 86
#: contraindications, three quarters without references), so where they do the rule asks the
#: client's doctor first.
CONTRAINDICATION_RULES: dict[str, ContraindicationRule] = {
    "blood_thinners": ContraindicationRule(
        "caution",
        "You take blood thinners: very light pressure only (1), because firmer pressure can cause "
        "bruising or bleeding under the skin.",
        "Walton 2011 (pressure limits with a bleeding risk)",
        max_pressure=1,
    ),
    "bleeding_disorder": ContraindicationRule(
        "caution",
        "A bleeding or clotting disorder: very light pressure only (1), and ask your doctor before the "
        "first massage.",
        "Walton 2011 (pressure limits with a bleeding risk); Batavia 2004 (ask the physician)",
        max_pressure=1,
    ),
    "dvt": ContraindicationRule(
        "see_doctor",
        "A blood clot in a vein, or a swollen and painful calf: no massage until a doctor has checked "
        "it and said massage is safe (contact your doctor today if it is new). Massage could loosen a "
        "clot. Even then, leave the legs out.",
        "Walton 2011 (no pressure where a clot may be); leaving the legs out is our choice",
        avoid_regions=_LEGS,
        stop=True,
    ),
    "recent_surgery_or_fracture": ContraindicationRule(
        "caution",
        "Surgery or a broken bone in the last 3 months: light pressure at most (2), keep away from the "
        "healing area, and ask your surgeon or doctor before massage near it.",
        "Walton 2011 (no pressure on unstable tissue); the cap of 2 is our choice",
        max_pressure=2,
    ),
    "osteoporosis": ContraindicationRule(
        "caution",
        "Osteoporosis: very light pressure only (1), because fragile bones can break under firm "
        "pressure, the ribs and the spine most of all.",
        "docs/design.md; Walton 2011 (pressure limits where bone is weak)",
        max_pressure=1,
    ),
    "cancer": ContraindicationRule(
        "caution",
        "Cancer: light pressure at most (2), as oncology massage does. Tell your therapist about your "
        "treatment (ports, radiation areas, removed lymph nodes) and ask your cancer team before the "
        "first massage.",
        "Walton 2011 (oncology pressure scale; pressure limits over a tumour); Batavia 2004",
        max_pressure=2,
    ),
    "bone_metastases": ContraindicationRule(
        "caution",
        "Cancer in the bones: very light pressure only (1), because those bones can break; ask your "
        "cancer team before the first massage.",
        "Walton 2011 (pressure limits where bone is involved)",
        max_pressure=1,
    ),
    "fever_or_infection": ContraindicationRule(
        "caution",
        "A fever or an infection: no massage until it is over; then untick it in your intake.",
        "Batavia 2004 (listed by most sources); the pause is our rule",
        stop=True,
    ),
    "pregnancy": ContraindicationRule(
        "caution",
        "Pregnancy: no firm or deep pressure (moderate at most, 3), leave the belly out, and ask your "
        "midwife or doctor before massage.",
        "Batavia 2004 (sources disagree, so ask first); the cap and the belly are our choice",
        max_pressure=3,
        avoid_regions=("abdomen",),
    ),
    "broken_skin": ContraindicationRule(
        "caution",
        "Broken, infected or raw skin: your therapist keeps well away from that area until it has "
        "healed (tell them where it is).",
        "Batavia 2004 (listed by most sources)",
    ),
}


if set(RED_FLAG_RULES) != set(RED_FLAGS) or set(CONTRAINDICATION_RULES) != set(CONTRAINDICATIONS):
    raise RuntimeError(
        "every red flag and contraindication of touchdose.records needs a rule"
    )  # pragma: no cover
