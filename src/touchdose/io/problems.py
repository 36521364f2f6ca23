"""How a rejected file reports what is wrong: every bad row, at most 50 listed, then a count."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from touchdose.records import Problem, RecordError, is_text
from touchdose.text import count

#: docs/formats.md "Errors": list at most this many problems, then a count of the rest.
MAX_LISTED_PROBLEMS = 50


@dataclass(frozen=True)
class RowProblem:
    """One bad field of one row: where it is, what it holds, and what is allowed."""

    where: str  # "line 4" for CSV, "sessions[2]" for JSON
    record: str
    field: str
    value: Any
    allowed: str

    def __str__(self) -> str:
        what = f"{_safe(self.field)} = {self.value!r}"
        return f"{_safe(self.where)} ({_safe(self.record)}): {what} is not allowed (allowed: {self.allowed})"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready; text that UTF-8 cannot carry (a lone surrogate, from a damaged file) as its repr."""
        plain = isinstance(self.value, (int, float, bool, type(None))) or is_text(self.value)
        return {"where": _safe(self.where), "record": _safe(self.record), "field": _safe(self.field),
                "value": self.value if plain else repr(self.value), "allowed": self.allowed}  # fmt: skip


def _safe(text: str) -> str:
    return text if is_text(text) else repr(text)


class FileRejected(ValueError):
    """A client file broke the format's rules; nothing from it was used.

    ``problems`` holds every problem found (the message lists at most
    :data:`MAX_LISTED_PROBLEMS` of them, then how many more there are).
    """

    def __init__(self, source: str, problems: list[RowProblem]) -> None:
        self.source = source
        self.problems = list(problems)
        super().__init__(self.describe())

    def lines(self) -> list[str]:
        """The human-readable lines: one per problem, capped, then a count."""
        shown = [str(p) for p in self.problems[:MAX_LISTED_PROBLEMS]]
        hidden = len(self.problems) - len(shown)
        if hidden > 0:
            shown.append(f"... and {count(hidden, 'more problem')}")
        return shown

    def describe(self) -> str:
        n = len(self.problems)
        head = f"{self.source}: rejected, {count(n, 'problem')}; nothing was read or written"
        return "\n".join([head, *self.lines()])


def problems_from(error: RecordError, where: str) -> list[RowProblem]:
    """Attach a location to the problems of a record that failed validation."""
    return [_located(p, where) for p in error.problems]


def _located(p: Problem, where: str) -> RowProblem:
    return RowProblem(where=where, record=p.record, field=p.field, value=p.value, allowed=p.allowed)
