"""Peer conformance: other projects' test expectations, run through our extractor.

Recognizers-Text, JioNLP and cn2an test the constructions we read too (amounts, areas,
percentages, Chinese numerals). Running their cases shows where we agree, where we differ on
purpose, and where we fall short. The cases live outside the repository, in
``../shared/conformance`` (its README.md describes every field); ``conformance_scope.toml``
beside this file is the data that says which cases we hold ourselves to:

- ``[[out_of_scope]]``: cases we do not run, each family with the convention or scope decision
  that sets it apart (we extract no bare numbers, ordinals are not facts, ...);
- ``[[gap]]``: cases in scope that fail today, with what is missing.

How a case runs depends on its file. Recognizers-Text currency, dimension and percentage spans,
and JioNLP's money strings and sentences, go through ``extract_page`` and are compared with our
facts in our canonical units (an area in 亩 becomes hectares). Bare numbers are not facts, so
Recognizers-Text number spans and cn2an's rows go through ``parse_number`` alone.

A case is then ``out_of_scope``, ``pass``, ``gap`` (fails, listed), ``fail`` (fails, not
listed: a regression or an unrecorded gap) or ``fixed`` (listed as a gap, passes now: promote
it). ``tests/test_conformance.py`` runs the same cases under pytest;
``python -m tests.conformance`` prints a table per file.
"""

from __future__ import annotations

import json
import sys
import tomllib
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

from extractor.numbers import NumberError, parse_number
from extractor.pipeline import extract_page
from extractor.text import fold_width
from extractor.vocab import Kind

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "conformance"
SCOPE_FILE = Path(__file__).with_name("conformance_scope.toml")

FILES = (
    "recognizers-text-zh/number.jsonl",
    "recognizers-text-zh/currency.jsonl",
    "recognizers-text-zh/dimension.jsonl",
    "recognizers-text-zh/age.jsonl",
    "recognizers-text-zh/temperature.jsonl",
    "recognizers-text-zh/numberrange.jsonl",
    "recognizers-text-zh/datetime.jsonl",
    "jionlp-money.jsonl",
    "jionlp-money-extract.jsonl",
    "cn2an-tests.jsonl",
)

# Recognizers-Text dimension units that are areas, as hectares per unit (ANNOTATION.md).
AREA_HECTARES = {
    "Mu": Fraction(1, 15),
    "Hectare": Fraction(1),
    "Square meter": Fraction(1, 10000),
    "Square kilometer": Fraction(100),
}
HECTARE_PLACES = Decimal("0.0001")  # we keep hectares to 4 decimals, so the peer's value is rounded the same

# JioNLP's currency names (its `case`) to our units.
JIONLP_CURRENCIES = {
    "元": "CNY", "美元": "USD", "港元": "HKD", "欧元": "EUR", "日元": "JPY", "英镑": "GBP",
    "韩元": "KRW", "澳元": "AUD", "新台币": "TWD", "泰铢": "THB", "卢布": "RUB",
}

# Recognizers-Text prints fractions and powers as .NET doubles with 15 significant digits.
DOUBLE_DIGITS = 15
DOUBLE_TOLERANCE = Decimal("1e-12")


@dataclass(frozen=True)
class Case:
    """One line of a peer file: ``data`` is the JSON object as converted."""

    file: str
    id: str
    data: dict


@dataclass(frozen=True)
class Entry:
    """A scope entry: case ids, or prefixes written with a trailing ``*`` ("AgeModel-*")."""

    ids: tuple[str, ...]
    reason: str

    def matches(self, case_id: str) -> bool:
        """
        >>> entry = Entry(("AgeModel-*", "NumberModel-007"), "why")
        >>> entry.matches("AgeModel-003"), entry.matches("NumberModel-007"), entry.matches("NumberModel-0")
        (True, True, False)
        """
        return any(case_id.startswith(p[:-1]) if p.endswith("*") else case_id == p for p in self.ids)


@dataclass(frozen=True)
class Scope:
    out_of_scope: tuple[Entry, ...]
    gaps: tuple[Entry, ...]

    def out_of_scope_reason(self, case_id: str) -> str | None:
        return next((e.reason for e in self.out_of_scope if e.matches(case_id)), None)

    def gap_reason(self, case_id: str) -> str | None:
        return next((e.reason for e in self.gaps if e.matches(case_id)), None)


@dataclass(frozen=True)
class Outcome:
    """How a case fares: ``status`` is out_of_scope, pass, gap, fail or fixed."""

    case: Case
    status: str
    reason: str | None  # the scope or gap entry's reason
    problems: tuple[str, ...]  # why the case fails; empty when it passes or was not run


def load_cases(data: Path = DATA) -> list[Case]:
    """Every case of every peer file, in file order; ids are unique across files."""
    cases = []
    for name in FILES:
        with (data / name).open(encoding="utf-8") as lines:
            cases.extend(Case(name, record["id"], record) for record in map(json.loads, lines))
    ids = [c.id for c in cases]
    if len(set(ids)) != len(ids):
        raise ValueError(f"duplicate case ids in {data}")
    return cases


def load_scope(path: Path = SCOPE_FILE) -> Scope:
    """The scope file; an entry without ids or a reason, or with other keys, is refused."""
    table = tomllib.loads(path.read_text(encoding="utf-8"))
    if set(table) - {"out_of_scope", "gap"}:
        raise ValueError(f"{path.name}: unknown sections {sorted(set(table) - {'out_of_scope', 'gap'})}")

    def entries(key: str) -> tuple[Entry, ...]:
        found = []
        for n, entry in enumerate(table.get(key, []), 1):
            if set(entry) != {"ids", "reason"} or not entry["ids"] or not entry["reason"].strip():
                raise ValueError(f"{path.name}: [[{key}]] number {n} needs exactly ids and a reason")
            found.append(Entry(tuple(entry["ids"]), entry["reason"]))
        return tuple(found)

    return Scope(entries("out_of_scope"), entries("gap"))


def classify(case: Case, scope: Scope) -> Outcome:
    """Run the case unless it is out of scope, and say how it fares against the scope file."""
    reason = scope.out_of_scope_reason(case.id)
    if reason:
        return Outcome(case, "out_of_scope", reason, ())
    problems = tuple(check(case))
    gap = scope.gap_reason(case.id)
    if gap:
        return Outcome(case, "gap" if problems else "fixed", gap, problems)
    return Outcome(case, "fail" if problems else "pass", None, problems)


# ---- checks: each returns the list of problems, empty when the case passes -------------------

def check(case: Case) -> list[str]:
    if case.file == "recognizers-text-zh/number.jsonl":
        return _check_rt_number(case.data)
    if case.file == "recognizers-text-zh/currency.jsonl":
        return _check_rt_spans(case.data, {Kind.MONEY})
    if case.file == "recognizers-text-zh/dimension.jsonl":
        return _check_rt_spans(case.data, {Kind.AREA, Kind.OTHER})
    if case.file == "jionlp-money.jsonl":
        return _check_parse_money(case.data)
    if case.file == "jionlp-money-extract.jsonl":
        return _check_extract_money(case.data)
    if case.file == "cn2an-tests.jsonl":
        return _check_cn2an(case.data)
    return [f"no check for {case.file}: the whole file is out of scope"]


def _quantities(text: str):
    return [fact.quantity for fact in extract_page(text, None).facts]


def _read_number(text: str) -> Decimal:
    """A number as our grammar reads it: widths folded first, as the pipeline does."""
    return parse_number(fold_width(text)).value


def _same(got: Decimal | None, want: str | None, double: bool = False) -> bool:
    """Exact equality; for a peer value printed as a double (15 significant digits), 1e-12 relative."""
    if got is None or want is None:
        return got is None and want is None
    expected = Decimal(want)
    if got == expected:
        return True
    digits = len(expected.normalize().as_tuple().digits)
    return double and digits >= DOUBLE_DIGITS and abs(got - expected) <= abs(expected) * DOUBLE_TOLERANCE


def _rt_expected_value(span: dict) -> tuple[str | None, set[Kind], str | None]:
    """(value in our canonical unit, acceptable kinds, unit to require) for a Recognizers span."""
    if span["type"] == "percentage":
        kind = Kind.PP if "percentage_point" in span.get("tags", []) else Kind.PERCENT
        return span["value"], {kind}, None
    if span["type"] == "dimension":
        factor = AREA_HECTARES.get(span["unit"])
        if factor is None:
            return span["value"], {Kind.OTHER}, None
        hectares = Decimal(span["value"]) * factor.numerator / factor.denominator
        return str(hectares.quantize(HECTARE_PLACES, rounding=ROUND_HALF_UP)), {Kind.AREA}, "ha"
    return span["value"], {Kind.MONEY}, span.get("iso")  # currency: no ISO code, no unit check


def _check_rt_spans(record: dict, kinds: set[Kind]) -> list[str]:
    """Each expected span is one of our facts (same span or surface, value, unit); no extra facts."""
    text = record["input"]
    found = [q for q in _quantities(text) if q.kind in kinds]
    problems = []
    matched = []
    for span in record["expected"]:
        raw = text[span["start"]:span["end"]]
        value, want_kinds, unit = _rt_expected_value(span)
        at = [q for q in found if (q.span.start, q.span.end) == (span["start"], span["end"]) or q.span.text == raw]
        good = [q for q in at if q.kind in want_kinds and _same(q.value, value, double=True)
                and q.value_high is None and unit in (None, q.unit)]
        matched += at
        if not at:
            problems.append(f"{raw!r}: not found")
        elif not good:
            problems.append(f"{raw!r}: got {_show(at)}, want {value} {unit or ''}".rstrip())
    problems += [f"{q.span.text!r}: not expected" for q in found if q not in matched]
    return problems


def _check_rt_number(record: dict) -> list[str]:
    """Number spans through parse_number (we extract no bare numbers); percentages as facts."""
    spans = record["expected"]
    if not spans:  # a word that merely contains a numeral (一切, 四川): no fact at all
        return [f"{q.span.text!r}: not expected" for q in _quantities(record["input"])]
    percentages = [s for s in spans if s["type"] == "percentage"]
    problems = _check_rt_spans(dict(record, expected=percentages), {Kind.PERCENT, Kind.PP}) if percentages else []
    for span in spans:
        raw = record["input"][span["start"]:span["end"]]
        if span["type"] == "percentage":
            continue
        if span["type"] != "number":
            problems.append(f"{raw!r}: {span['type']} spans are not checked")
            continue
        try:
            value = _read_number(raw)
        except NumberError as exc:
            problems.append(f"{raw!r}: {exc}")
            continue
        if not _same(value, span["value"], double=True):
            problems.append(f"{raw!r}: got {value}, want {span['value']}")
    return problems


def _check_parse_money(record: dict) -> list[str]:
    """The money string as a sentence: exactly one money fact, with the value or range and currency."""
    expected = record["expected"]
    money = [q for q in _quantities(record["input"]) if q.kind is Kind.MONEY]
    if len(money) != 1:
        return [f"{len(money)} money facts: {_show(money)}"]
    low, high = (expected["value"], None) if expected["range"] is None else expected["range"]
    unit = JIONLP_CURRENCIES.get(expected["unit"], expected["unit"])
    q = money[0]
    if _same(q.value, low) and _same(q.value_high, high) and q.unit == unit:
        return []
    return [f"got {_show(money)}, want {low}{'..' + high if high else ''} {unit}"]


def _check_extract_money(record: dict) -> list[str]:
    """The money spans of a sentence, in order, and nothing else."""
    got = [(q.span.start, q.span.end, q.span.text) for q in _quantities(record["input"]) if q.kind is Kind.MONEY]
    want = [(s["start"], s["end"], s["text"]) for s in record["expected"]]
    return [] if got == want else [f"got {[g[2] for g in got]}, want {[w[2] for w in want]}"]


def _check_cn2an(record: dict) -> list[str]:
    """cn2an's Chinese-to-number rows through parse_number; its errors must be NumberError."""
    if record["api"] != "cn2an":
        return [f"{record['api']} rows are not checked"]
    try:
        value = _read_number(record["input"])
    except NumberError as exc:
        return [] if record.get("expected_error") else [f"{exc}"]
    if record.get("expected_error"):
        return [f"read as {value}, want {record['expected_error']}"]
    return [] if _same(value, record["expected"]) else [f"got {value}, want {record['expected']}"]


def _show(quantities) -> str:
    return ", ".join(f"{q.span.text!r}={q.value}{'..' + str(q.value_high) if q.value_high is not None else ''} "
                     f"{q.unit} ({q.kind})" for q in quantities) or "nothing"


# ---- the table ---------------------------------------------------------------------------------

def summarize(outcomes: list[Outcome]) -> list[tuple]:
    """Per file, then in total: (file, cases, out of scope, in scope, passing, gaps, pass rate)."""
    rows = []
    for name in (*FILES, "total"):
        mine = [o for o in outcomes if name in ("total", o.case.file)]
        out = sum(o.status == "out_of_scope" for o in mine)
        passing = sum(o.status in ("pass", "fixed") for o in mine)
        gaps = sum(o.status == "gap" for o in mine)
        in_scope = len(mine) - out
        rate = f"{100 * passing / in_scope:.1f}%" if in_scope else "-"
        rows.append((name, len(mine), out, in_scope, passing, gaps, rate))
    return rows


ROW = "{:<38}{:>7}{:>14}{:>10}{:>9}{:>6}{:>11}"


def main() -> int:
    if not DATA.is_dir():
        print(f"the peer cases are not here: {DATA}", file=sys.stderr)
        return 1
    scope = load_scope()
    outcomes = [classify(case, scope) for case in load_cases()]
    print(ROW.format("file", "cases", "out of scope", "in scope", "passing", "gaps", "pass rate"))
    for row in summarize(outcomes):
        print(ROW.format(*row))
    unexpected = [o for o in outcomes if o.status in ("fail", "fixed")]
    for o in unexpected:
        if o.status == "fail":
            print(f"{o.case.id}: fails and is not listed as a gap: {'; '.join(o.problems)}")
        else:
            print(f"{o.case.id}: passes but is still listed as a gap")
    return 1 if unexpected else 0


if __name__ == "__main__":
    raise SystemExit(main())
