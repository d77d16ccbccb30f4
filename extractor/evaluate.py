"""Score the rules against gold annotations: precision and recall by kind, attribute accuracy.

A gold fact (tests/gold/FORMAT.md) is located in the page by its surface (line breaks ignored)
and occurrence. A predicted fact matches a gold fact at the same place; it is correct when its
value, value_high and unit agree. Precision is correct / predicted, recall correct / gold, by
kind; figures the gold marks borderline count neither way. Attributes are scored on matches.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from .errors import BadInput
from .pages import decode_page
from .pipeline import extract_page
from .export import record_of_fact

ATTRIBUTES = ("metric", "measure", "direction", "qualifier", "status", "period", "subject", "counted")


@dataclass
class Score:
    predicted: Counter = field(default_factory=Counter)  # by kind
    gold: Counter = field(default_factory=Counter)
    correct: Counter = field(default_factory=Counter)
    attr_right: Counter = field(default_factory=Counter)
    attr_total: Counter = field(default_factory=Counter)
    misses: list[str] = field(default_factory=list)


def _locate(raw: str, surface: str, occurrence: int) -> tuple[int, int] | None:
    pattern = re.compile(r"\s*".join(re.escape(c) for c in surface if not c.isspace()))
    for i, m in enumerate(pattern.finditer(raw), start=1):
        if i == occurrence:
            return m.start(), m.end()
    return None


def _norm(value) -> str:
    if value in (None, ""):
        return ""
    try:
        return format(Decimal(str(value)).normalize(), "f")
    except ArithmeticError:
        return str(value)


def score_page(raw: str, gold: dict, score: Score, name: str) -> None:
    published = date.fromisoformat(gold["published"]) if gold.get("published") else None
    extraction = extract_page(raw, published)
    articles = {a.seq: a for a in extraction.articles}
    predicted = [record_of_fact(f, articles[f.article_seq], name, None, published, None) for f in extraction.facts]
    gold_at: dict[tuple[int, int], list[dict]] = defaultdict(list)
    borderline: set[tuple[int, int]] = set()
    for g in gold.get("fact", []):
        where = _locate(raw, g["surface"], g.get("occurrence", 1))
        if where is None:
            raise BadInput(name, f"gold surface {g['surface']!r} (occurrence {g.get('occurrence', 1)}) not in the page")
        if g.get("borderline"):
            borderline.add(where)
            continue
        gold_at[where].append(g)
        score.gold[g["kind"]] += 1
    for p in predicted:
        where = (p["source_start"], p["source_end"])
        if where in borderline:
            continue
        score.predicted[p["kind"]] += 1
        candidates = gold_at.get(where, [])
        if not candidates:
            score.misses.append(f"{name}: extra {p['surface']!r} {p['kind']} {p['value']}")
            continue
        g = next((c for c in candidates if c.get("metric") == p["metric"]), candidates[0])
        candidates.remove(g)
        value_ok = (_norm(p["value"]), _norm(p["value_high"]), p["unit"]) == (
            _norm(g["value"]), _norm(g.get("value_high")), g["unit"])
        if not value_ok:
            score.misses.append(f"{name}: wrong {p['surface']!r}: {p['value']} {p['unit']} != {g['value']} {g['unit']}")
            continue
        score.correct[g["kind"]] += 1
        for attr in ATTRIBUTES:
            want = (g.get("period_start", ""), g.get("period_end", "")) if attr == "period" else g.get(attr, "")
            got = ((p["period_start"] or "", p["period_end"] or "") if attr == "period" else (p[attr] or ""))
            score.attr_total[attr] += 1
            if got == want:
                score.attr_right[attr] += 1
            else:
                score.misses.append(f"{name}: {attr} of {p['surface']!r}: {got!r} != {want!r}")
    for where, left in gold_at.items():
        for g in left:
            score.misses.append(f"{name}: missed {g['surface']!r} {g['kind']} {g['value']}")


def evaluate(gold_dir: Path, pages_dir: Path) -> Score:
    """Score every gold file in ``gold_dir`` against its page in ``pages_dir``."""
    score = Score()
    files = sorted(gold_dir.glob("*.toml"))
    if not files:
        raise BadInput(str(gold_dir), "no gold *.toml files in this folder")
    for path in files:
        try:
            gold = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise BadInput(str(path), f"cannot read gold annotation: {exc}") from None
        if "page" not in gold:
            raise BadInput(str(path), "gold annotation names no page (key 'page')")
        page_path = pages_dir / gold["page"]
        try:
            raw, _ = decode_page(page_path.read_bytes(), str(page_path))
        except OSError as exc:
            raise BadInput(str(page_path), f"cannot read: {exc.strerror}") from None
        score_page(raw, gold, score, gold["page"])
    return score


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.3f}" if b else "  -  "


def report(score: Score) -> str:
    lines = [f"{'kind':<8} {'gold':>5} {'found':>6} {'right':>6} {'precision':>9} {'recall':>7}"]
    for kind in sorted(set(score.gold) | set(score.predicted)):
        lines.append(f"{kind:<8} {score.gold[kind]:>5} {score.predicted[kind]:>6} {score.correct[kind]:>6} "
                     f"{_ratio(score.correct[kind], score.predicted[kind]):>9} {_ratio(score.correct[kind], score.gold[kind]):>7}")
    total_gold, total_pred, total_ok = sum(score.gold.values()), sum(score.predicted.values()), sum(score.correct.values())
    lines.append(f"{'all':<8} {total_gold:>5} {total_pred:>6} {total_ok:>6} {_ratio(total_ok, total_pred):>9} "
                 f"{_ratio(total_ok, total_gold):>7}")
    lines.append("")
    lines.append("attribute accuracy on matched facts:")
    for attr in ATTRIBUTES:
        lines.append(f"  {attr:<10} {_ratio(score.attr_right[attr], score.attr_total[attr])}"
                     f"  ({score.attr_right[attr]}/{score.attr_total[attr]})")
    return "\n".join(lines)
