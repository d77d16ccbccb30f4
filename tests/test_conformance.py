"""Peer conformance cases under pytest: one test per case, named by the case id.

The cases come from Recognizers-Text, JioNLP and cn2an (../shared/conformance); how each is run
is in tests/conformance.py. tests/conformance_scope.toml decides how a case shows here: out of
scope is skipped with its documented reason, a listed gap is a strict xfail (fixing it turns the
suite red until the gap is removed from the list), and every other case must pass. Without the
shared folder every test here skips.
"""

from __future__ import annotations

import pytest

from . import conformance

HAVE_DATA = conformance.DATA.is_dir()
NO_DATA = f"the peer cases are not here ({conformance.DATA}); CI has them"
SCOPE = conformance.load_scope()
CASES = conformance.load_cases() if HAVE_DATA else []

needs_data = pytest.mark.skipif(not HAVE_DATA, reason=NO_DATA)


def _params():
    if not CASES:
        yield pytest.param(None, id="no-peer-cases", marks=pytest.mark.skip(reason=NO_DATA))
    for case in CASES:
        out_of_scope = SCOPE.out_of_scope_reason(case.id)
        gap = SCOPE.gap_reason(case.id)
        if out_of_scope:
            marks = [pytest.mark.skip(reason=out_of_scope)]
        elif gap:
            marks = [pytest.mark.xfail(strict=True, reason=gap)]
        else:
            marks = []
        yield pytest.param(case, id=case.id, marks=marks)


@pytest.mark.parametrize("case", list(_params()))
def test_peer_case(case):
    assert conformance.check(case) == []


@needs_data
def test_every_scope_id_names_a_case():
    """A typo or a case that left the data would otherwise hide silently."""
    ids = [case.id for case in CASES]
    for entry in SCOPE.out_of_scope + SCOPE.gaps:
        for pattern in entry.ids:
            one = conformance.Entry((pattern,), entry.reason)
            assert any(one.matches(case_id) for case_id in ids), pattern


@needs_data
def test_each_case_has_at_most_one_entry():
    """One reason per case: a case is out of scope for one reason, or one gap, or neither."""
    for case in CASES:
        entries = [e for e in SCOPE.out_of_scope + SCOPE.gaps if e.matches(case.id)]
        assert len(entries) <= 1, (case.id, [e.reason[:40] for e in entries])


@needs_data
def test_table_has_a_row_per_file(capsys):
    """`python -m tests.conformance` prints the table; failing cases are test_peer_case's job."""
    conformance.main()
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:2] == ["file", "cases"]
    for name in (*conformance.FILES, "total"):
        assert any(line.startswith(name + " ") for line in lines), name
