"""Every document the code cites is in the repository, and every cited section exists.

Code, tests and docs cite the contract by path and section: ``docs/instruments.md 1.3-1.4``,
``docs/references.md §2.2``, ``docs/references.md SMD-4``, ``docs/design.md item 2``,
``docs/formats.md "Errors"`` or a key such as ``docs/formats.md ``plan```` (docs/design.md
"Architecture"). This test reads each citation and fails when the file, the numbered heading, the
quoted heading or the key is missing, when a citation names a document without its ``docs/``
directory, or when anything still points outside the repository. It also checks the links between
the docs pages and the constants table of docs/design.md against the code.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
DOCS = ROOT / "docs"
SCANNED = [*sorted((ROOT / "src").rglob("*")), *sorted((ROOT / "tests").rglob("*")), ROOT / "README.md",
           *sorted(DOCS.glob("*.md"))]  # fmt: skip
SUFFIXES = {".py", ".md", ".html", ".txt", ".toml", ".cfg", ".json"}

#: Names of documents outside the repository that code once cited (split so this file passes).
OUTSIDE = ("FORMATS" + ".md", "DESIGN" + ".md", "stats" + "-reference", "research" + "/", "seeds" + "/")

_PATH = re.compile(r"docs/(?P<name>[a-z_]+)\.md(?:\]\([^)]*\))?")
_NUMBER = r"\d+(?:\.\d+)*[a-z]?"
_NUMBERS = re.compile(
    rf"\s(?:§\s?|sections?\s+|appendix\s+|item\s+)?(?P<first>{_NUMBER})\b"
    rf"(?P<more>(?:\s*(?:-|–|,|and|/)\s*(?:§\s?|sections?\s+|appendix\s+)?{_NUMBER}\b)*)"
)
_MORE = re.compile(rf"(?:§\s?|sections?\s+|appendix\s+)?({_NUMBER})\b")
_QUOTED = re.compile(r'\s\(?"(?P<text>[^"\n]+)"')
_KEY = re.compile(r"\s`{1,2}(?P<key>[^`\n]+)`{1,2}")
_LABEL = re.compile(r"\s(?:§\s?)?(?P<label>[A-Z]+-\d+)\b")
#: A document named without its directory, e.g. "(evidence.md §1)": ambiguous, so not allowed.
_BARE = re.compile(
    r"(?<![/\w\"'\[])(?<!\]\()(?P<name>formats|design|references|sources|evidence|instruments)\.md\b"
)


@dataclass(frozen=True)
class Citation:
    where: str
    doc: str
    kind: str  # "file", "number", "heading", "key", "label"
    target: str

    def __str__(self) -> str:
        return f"{self.where}: docs/{self.doc}.md {self.kind} {self.target!r}"


@cache
def _text(doc: str) -> str | None:
    path = DOCS / f"{doc}.md"
    return path.read_text(encoding="utf-8") if path.is_file() else None


@cache
def _headings(doc: str) -> tuple[str, ...]:
    text = _text(doc) or ""
    return tuple(m.group(1).strip() for m in re.finditer(r"^#{1,6}\s+(.+)$", text, flags=re.MULTILINE))


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")


def citations(text: str, where: str) -> list[Citation]:
    """Every docs citation in ``text``, each with what it points at."""
    found: list[Citation] = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        at = f"{where}:{line_no}"
        for m in _PATH.finditer(line):
            doc, rest = m.group("name"), line[m.end() :]
            found.append(Citation(at, doc, "file", doc))
            if n := _NUMBERS.match(rest):
                numbers = [n.group("first"), *_MORE.findall(n.group("more"))]
                found += [Citation(at, doc, "number", x) for x in numbers]
            elif q := _QUOTED.match(rest):
                found.append(Citation(at, doc, "heading", q.group("text")))
            elif k := _KEY.match(rest):
                found.append(Citation(at, doc, "key", k.group("key")))
            elif lab := _LABEL.match(rest):
                found.append(Citation(at, doc, "label", lab.group("label")))
    return found


def resolves(c: Citation) -> bool:
    """Whether the cited document (and section, heading, key or label) exists."""
    text = _text(c.doc)
    if text is None:
        return False
    headings = _headings(c.doc)
    if c.kind == "number":
        return any(re.match(rf"{re.escape(c.target)}[.\s]", h + " ") for h in headings)
    if c.kind == "heading":
        wanted = c.target.lower()
        return any(wanted in h.lower() for h in headings) or f"`{c.target}`" in text
    if c.kind == "key":
        key = c.target.removesuffix("[]").removeprefix("touchdose ")
        parts = [key] if " " in key else key.split(".")
        return all(any(p in h for h in headings) or f"`{p}`" in text for p in parts)
    if c.kind == "label":
        return re.search(rf"\b{re.escape(c.target)}\b", text) is not None
    return True


def _files() -> list[Path]:
    skip = {Path(__file__).resolve()}
    return [p for p in SCANNED if p.is_file() and p.suffix in SUFFIXES and p.resolve() not in skip]


def _all_citations() -> list[Citation]:
    out: list[Citation] = []
    for path in _files():
        out += citations(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    return out


def test_every_citation_resolves_to_a_document_and_section_in_the_repository() -> None:
    found = _all_citations()
    assert len(found) > 200  # the scan sees the code's citations at all
    broken = [str(c) for c in found if not resolves(c)]
    assert not broken, "citations without a target in docs/:\n" + "\n".join(broken)


def test_no_document_is_cited_without_its_directory() -> None:
    bare = []
    for path in _files():
        for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            bare += [f"{path.relative_to(ROOT)}:{line_no}: {m.group(0)}" for m in _BARE.finditer(line)]
    assert not bare, "cite docs/<name>.md, not <name>.md:\n" + "\n".join(bare)


def test_nothing_points_outside_the_repository() -> None:
    outside = []
    for path in _files():
        if path.suffix == ".md" and path.parent == DOCS:
            continue  # the docs may name what they replaced; code and tests may not
        text = path.read_text(encoding="utf-8")
        outside += [f"{path.relative_to(ROOT)}: {name}" for name in OUTSIDE if name in text]
    assert not outside, "\n".join(outside)


def _link_is_broken(page: Path, target: str) -> bool:
    """A link from one docs page to a file that is missing, or to a heading that is missing."""
    file_part, _, anchor = target.partition("#")
    if file_part and not (DOCS / file_part).exists() and not (ROOT / file_part).exists():
        return True
    doc = Path(file_part).stem if file_part else page.stem
    return bool(anchor) and _text(doc) is not None and anchor not in map(_slug, _headings(doc))


def test_links_between_docs_pages_resolve() -> None:
    broken = [
        f"{page.name}: {target}"
        for page in sorted(DOCS.glob("*.md"))
        for target in re.findall(r"\]\(([^)\s]+)\)", page.read_text(encoding="utf-8"))
        if "://" not in target and _link_is_broken(page, target)
    ]
    assert not broken, "\n".join(broken)
    assert _link_is_broken(DOCS / "design.md", "formats.md#no-such-heading")


# --- the checker itself ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "ok"),
    [
        ("see docs/instruments.md 1.3-1.4 for the rule", True),
        ("(docs/references.md §2.2; their script)", True),
        ("docs/references.md SMD-4 (pure Wan)", True),
        ("docs/design.md item 2, default 7", True),
        ('docs/formats.md "Errors": at most 50', True),
        ("docs/formats.md ``plan``).", True),
        ("docs/instruments.md 1.6 and appendix 8", True),
        ("docs/instruments.md 9.9", False),
        ("docs/instruments.md 1.1, 1.9", False),
        ('docs/formats.md "No such heading"', False),
        ("docs/formats.md ``no_such_key``", False),
        ("docs/references.md SMD-9", False),
        ("docs/nowhere.md", False),
    ],
)
def test_the_checker_reports_a_missing_target(line: str, ok: bool) -> None:
    found = citations(line, "example")
    assert found
    assert all(resolves(c) for c in found) is ok


def test_the_checker_flags_bare_and_outside_names() -> None:
    assert _BARE.search("(evidence.md §1)") and not _BARE.search("docs/evidence.md 12")
    assert not _BARE.search('(DOCS / "evidence.md")')


# --- the constants table of docs/design.md -------------------------------------------------------

_ROW = re.compile(
    r"^\| `(?P<path>touchdose\.[\w.]+)\.(?P<name>[A-Z][A-Z0-9_]*)` \| `(?P<value>[^`]+)` \|", re.MULTILINE
)


def test_design_constants_table_matches_the_code() -> None:
    rows = list(_ROW.finditer(_text("design") or ""))
    assert len(rows) >= 20
    wrong = []
    for row in rows:
        module = importlib.import_module(row.group("path"))
        actual = repr(getattr(module, row.group("name"), "<missing>"))
        if actual != row.group("value"):
            wrong.append(f"{row.group('path')}.{row.group('name')}: docs {row.group('value')}, code {actual}")
    assert not wrong, "docs/design.md 'Constants and their sources' disagrees with the code:\n" + "\n".join(
        wrong
    )
