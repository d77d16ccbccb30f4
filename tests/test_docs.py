"""The README keeps its promises: its commands exist, and CI runs its test command."""

from __future__ import annotations

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
    """.ci/run runs the code line after the README's test-command marker: it must be the tests."""
    after_marker = README.split("<!-- test-command", 1)[1].split("```sh\n", 1)[1].split("\n", 1)[0]
    assert "pip install -e '.[test]'" in after_marker and after_marker.endswith("python -m pytest")
    script = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "test-command" in script and "README.md" in script
