"""What a figure measures and how it is stated: metric, measure, direction, status.

Policy (the words themselves are in metrics.toml and cues.toml):
- money and area: the metric keyword nearest before the figure in its clause; else, for a
  threshold ("10亿元以上项目"), a threshold keyword right after; else the metric of the previous
  figure of the same kind in the statement ("贷款余额达3764亿元,较年初增加435.92亿元"); else
  the nearest keyword before it in the sentence.
- percent: the nearest of the percent keywords and the change verbs; a change verb makes it a
  growth or decline rate, a keyword a share or rate.
- measure: a change verb in the clause before the figure makes money, area and counts a delta.
- status: the nearest status cue before the figure in its sentence; none means actual.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from .context import Context, nearest_word
from .facts import Quantity
from .rules import RuleSet
from .vocab import DEFAULT_METRIC, Direction, Kind, Measure, Metric, Qualifier, Status


@dataclass(frozen=True, slots=True)
class Meaning:
    metric: Metric
    metric_phrase: str | None
    measure: Measure
    direction: Direction | None
    status: Status


@cache
def _keywords(rules: RuleSet, kind: Kind) -> dict[str, Metric]:
    return {word: m.metric for m in rules.metrics if m.kind is kind for word in m.keywords}


@cache
def _threshold_keywords(rules: RuleSet, kind: Kind) -> dict[str, Metric]:
    return {word: m.metric for m in rules.metrics if m.kind is kind for word in m.threshold_keywords}


@cache
def _change_words(rules: RuleSet, percent: bool) -> dict:
    return {w: c for w, c in rules.change_cues.items() if percent or not c.percent_only}


def classify(q: Quantity, text: str, ctx: Context, previous: list[tuple[Quantity, Meaning]], rules: RuleSet) -> Meaning:
    """The meaning of figure ``q``; ``previous`` holds the figures before it in its statement."""
    status = _status(text, ctx, rules)
    if q.kind is Kind.PERCENT:
        return _percent(text, ctx, rules, status)
    if q.kind is Kind.PP:
        change = nearest_word(text, ctx.statement_start, ctx.pos, _change_words(rules, True))
        direction = rules.change_cues[change[1]].direction if change else None
        return Meaning(Metric.PP_CHANGE, change[1] if change else None, Measure.DELTA, direction, status)

    change = nearest_word(text, ctx.clause_start, ctx.pos, _change_words(rules, False))
    measure = Measure.DELTA if change else Measure.LEVEL
    direction = rules.change_cues[change[1]].direction if change else None
    if q.kind is Kind.COUNT:
        return Meaning(Metric.COUNT, q.counted, measure, direction, status)

    keywords = _keywords(rules, q.kind)
    found = nearest_word(text, ctx.clause_start, ctx.pos, keywords)
    if found:
        return Meaning(keywords[found[1]], found[1], measure, direction, status)
    if q.qualifier in (Qualifier.OVER, Qualifier.UNDER):
        thresholds = _threshold_keywords(rules, q.kind)
        found = nearest_word(text, ctx.end, ctx.clause_end, thresholds)
        if found:
            return Meaning(thresholds[found[1]], found[1], measure, direction, status)
    for prev_q, prev_meaning in reversed(previous):
        if prev_q.kind is q.kind and prev_meaning.metric is not DEFAULT_METRIC[q.kind]:
            return Meaning(prev_meaning.metric, prev_meaning.metric_phrase, measure, direction, status)
    found = nearest_word(text, ctx.sentence_start, ctx.pos, keywords)
    if found:
        return Meaning(keywords[found[1]], found[1], measure, direction, status)
    return Meaning(DEFAULT_METRIC[q.kind], None, measure, direction, status)


def _percent(text: str, ctx: Context, rules: RuleSet, status: Status) -> Meaning:
    keywords = _keywords(rules, Kind.PERCENT)
    changes = _change_words(rules, True)
    found = nearest_word(text, ctx.clause_start, ctx.pos, {**keywords, **changes})
    if found is None:
        found = nearest_word(text, ctx.statement_start, ctx.pos, {**keywords, **changes})
    if found is None:
        return Meaning(Metric.OTHER_PERCENT, None, Measure.RATIO, None, status)
    word = found[1]
    if word in keywords:
        return Meaning(keywords[word], word, Measure.RATIO, None, status)
    direction = changes[word].direction
    metric = Metric.GROWTH_RATE if direction is Direction.UP else Metric.DECLINE_RATE
    return Meaning(metric, word, Measure.RATE, direction, status)


def _status(text: str, ctx: Context, rules: RuleSet) -> Status:
    found = nearest_word(text, ctx.sentence_start, ctx.pos, rules.status_cues)
    return rules.status_cues[found[1]] if found else Status.ACTUAL
