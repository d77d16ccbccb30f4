"""Shared fixtures: real database files in a temp folder, the CLI, and ../shared when present."""

from __future__ import annotations

import tomllib
from pathlib import Path

import os

import pytest
from hypothesis import settings

from extractor.cli import main

# `HYPOTHESIS_PROFILE=campaign pytest tests/test_properties.py` runs the long fuzz campaign whose
# figures the README reports; the default profile keeps the suite quick.
settings.register_profile("campaign", max_examples=25_000, deadline=None, derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
CASES = Path(__file__).parent / "cases"


def load_cases(name: str) -> dict:
    return tomllib.loads((CASES / name).read_text(encoding="utf-8"))


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"the sample pages are not here ({CORPUS}); CI has them")
    return CORPUS


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "t.db"


@pytest.fixture
def wujin(capsys):
    """Run the CLI in-process: returns (exit status, stdout, stderr)."""

    def run(*args: str):
        status = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return status, out, err

    return run


@pytest.fixture
def page(tmp_path):
    """Write a page file (text or bytes) and return its path."""

    def write(name: str, content: str | bytes) -> Path:
        path = tmp_path / "pages" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
        return path

    return write
