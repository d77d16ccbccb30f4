"""The README keeps its promises: its commands exist, and CI runs its test command."""

from __future__ import annotations

import subprocess

from extractor.cli import build_parser
from extractor.export import EXPORT_FIELDS

from .conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_every_command_is_documented():
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices  # noqa: SLF001 (argparse has no public way)
    for name in commands:
        assert f"wujin {name}" in README, name


def test_every_export_field_is_documented():
    for field in EXPORT_FIELDS:
        assert f"`{field}`" in README, field


def test_ci_runs_the_readme_test_command():
    script = REPO / ".ci" / "run"
    extracted = subprocess.run(
        ["awk", "/<!-- test-command/ {found=1; next} found && /^```/ {if (inblock) exit; inblock=1; next} inblock {print}",
         str(REPO / "README.md")], capture_output=True, text=True, check=True).stdout.strip()
    assert "pytest" in extracted and "pip install" in extracted
    assert extracted in README
    assert "README.md" in script.read_text()
