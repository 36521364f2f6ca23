"""Docs are tested: the CLI reference matches ``--help``, every command is in the guide."""

from __future__ import annotations

from pathlib import Path

from touchdose.cli._docs import cli_reference, command_names

DOCS = Path(__file__).parents[2] / "docs"


def test_cli_reference_is_current() -> None:
    # Regenerate with: python -m touchdose.cli._docs > docs/cli.md
    assert (DOCS / "cli.md").read_text(encoding="utf-8") == cli_reference()


def test_every_command_is_described_in_the_user_guide() -> None:
    guide = (DOCS / "guide.md").read_text(encoding="utf-8")
    missing = [name for name in command_names() if f"touchdose {name}" not in guide]
    assert not missing, f"commands missing from docs/guide.md: {missing}"
