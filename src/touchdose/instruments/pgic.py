"""Patient Global Impression of Change (PGIC): one 7-point answer, "very much improved" to "very much worse".

Coding is the standard one (1 = very much improved ... 7 = very much worse; NINDS Common Data
Elements, Farrar 2001). The Hurst & Bolton (2004) variant runs the other way round and is not
accepted here.
"""

from __future__ import annotations

from dataclasses import dataclass

from touchdose.types import Result

#: Labels of the standard seven-point PGIC (NINDS CDE "Patient Global Impression of Change Scale";
#: labels 2-6 in the standard CGI-I/PGIC wording, docs/instruments.md 3.5).
PGIC_LABELS: dict[int, str] = {
    1: "Very much improved",
    2: "Much improved",
    3: "Minimally improved",
    4: "No change",
    5: "Minimally worse",
    6: "Much worse",
    7: "Very much worse",
}
#: "Much improved" or "very much improved" = clinically important improvement (Farrar JT et al.
#: Pain 2001;94:149-58).
PGIC_RESPONDER_CODES: frozenset[int] = frozenset({1, 2})
#: IMMPACT benchmark per answer (Dworkin RH et al. J Pain 2008;9:105-21, Table 1): minimally important
#: = minimally improved, moderately important = much improved, substantial = very much improved.
PGIC_IMMPACT: dict[int, str] = {
    1: "substantial",
    2: "moderate",
    3: "minimal",
    4: "none",
    5: "worse",
    6: "worse",
    7: "worse",
}


@dataclass(frozen=True)
class PgicResult(Result):
    """One PGIC answer, its label, the Farrar responder flag and the IMMPACT level."""

    code: int
    label: str
    responder: bool
    immpact: str


def score_pgic(code: int) -> PgicResult:
    """Interpret a Patient Global Impression of Change answer.

    Parameters
    ----------
    code : int
        The answer, 1 (very much improved) to 7 (very much worse).

    Returns
    -------
    PgicResult
        Label, ``responder`` (code 1 or 2, Farrar 2001) and the IMMPACT level
        (substantial, moderate, minimal, none, worse).

    Raises
    ------
    ValueError
        If ``code`` is not a whole number 1-7.

    Notes
    -----
    ``responder = code in {1, 2}``. IMMPACT: 1 substantial, 2 moderate, 3 minimal, 4 none, 5-7 worse.

    References
    ----------
    .. [1] Farrar JT, Young JP, LaMoreaux L, Werth JL, Poole RM. Pain 2001;94(2):149-158.
    .. [2] Dworkin RH, Turk DC, Wyrwich KW, et al. J Pain 2008;9(2):105-121.

    Examples
    --------
    >>> r = score_pgic(2)
    >>> r.label, r.responder, r.immpact
    ('Much improved', True, 'moderate')
    """
    if isinstance(code, bool) or not isinstance(code, int) or code not in PGIC_LABELS:
        allowed = "a whole number 1-7, 1 = very much improved"
        raise ValueError(f"pgic = {code!r} is not allowed (allowed: {allowed})")
    return PgicResult(code, PGIC_LABELS[code], code in PGIC_RESPONDER_CODES, PGIC_IMMPACT[code])
