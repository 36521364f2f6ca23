"""Numbers in words: counts with the right plural, shares as percents.

Every sentence the product shows goes through these helpers, so "1 session", "2 sessions" and
"15 %" are written the same way in the engine, the reports, the CLI and the web pages
(docs/design.md item 7). Pure Python, no I/O.

Examples
--------
>>> count(1, "session"), count(2, "session"), count(0, "more session")
('1 session', '2 sessions', '0 more sessions')
>>> count(1, "session is", "sessions are"), count(3, "session is", "sessions are")
('1 session is', '3 sessions are')
>>> percent(0.15), percent(0.004, ends=True), percent(0.9999, ends=True)
('15 %', '<1 %', '>99 %')
"""

from __future__ import annotations

__all__ = ["count", "noun", "percent", "words"]


def noun(n: int, singular: str, plural: str | None = None) -> str:
    """The noun that goes with ``n``: ``singular`` for exactly 1, otherwise the plural.

    Parameters
    ----------
    n : int
        How many.
    singular : str
        The words for one ("session", "more session", "session is").
    plural : str, optional
        The words for any other number; default ``singular`` with an "s" added.

    Returns
    -------
    str

    Examples
    --------
    >>> noun(1, "day"), noun(0, "day"), noun(2, "day")
    ('day', 'days', 'days')
    """
    if n == 1:
        return singular
    return plural if plural is not None else singular + "s"


def count(n: int, singular: str, plural: str | None = None) -> str:
    """``n`` and its noun: "1 session", "2 sessions", "0 sessions" (see :func:`noun`).

    Examples
    --------
    >>> count(2, "time"), count(1, "time")
    ('2 times', '1 time')
    """
    return f"{n} {noun(n, singular, plural)}"


def percent(share: float, *, ends: bool = False) -> str:
    """A share 0-1 as a whole percent with a space before the sign: "15 %".

    Parameters
    ----------
    share : float
        The share, 0-1.
    ends : bool
        Write shares that would round to 0 or 100 as "<1 %" and ">99 %", so a probability
        is never shown as certain.

    Returns
    -------
    str

    Examples
    --------
    >>> percent(0.614), percent(0.0), percent(0.0), percent(0.0, ends=True)
    ('61 %', '0 %', '0 %', '<1 %')
    """
    if ends and share < 0.005:
        return "<1 %"
    if ends and share > 0.995:
        return ">99 %"
    return f"{round(100 * float(share))} %"


def words(code: str, *, capital: bool = True) -> str:
    """A vocabulary code as words for people: "deep_tissue" -> "Deep tissue".

    Parameters
    ----------
    code : str
        A code from one of the vocabularies of :mod:`touchdose.records` (or an outcome name).
    capital : bool
        Begin with a capital letter (a label); ``False`` for words inside a sentence.

    Examples
    --------
    >>> words("deep_tissue"), words("low_back_pain", capital=False)
    ('Deep tissue', 'low back pain')
    """
    text = code.replace("_", " ")
    return text.capitalize() if capital else text
