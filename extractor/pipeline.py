"""Page text to articles and facts: wires the stages in order.

The only policy here is what crosses stages: a statement's figures are remembered for the ones
after them, and a rate compared year on year with a balance is dated like the balance.

pages -> (text.normalize) repaired text -> (articles.split_articles) articles
      -> (quantities.extract_quantities) quantities -> (classify, periods, subjects) facts
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import date

from . import periods
from .articles import split_articles
from .classify import Meaning, classify_all, is_threshold, settle_thresholds, status_for
from .context import Boundaries
from .facts import Article, Fact, Quantity
from .quantities import extract_quantities
from .rules import RuleSet, load_rules
from .subjects import SubjectTracker
from .text import NormText, normalize
from .vocab import ArticleKind, Kind, Measure, Precision


MAX_STATEMENT_FIGURES = 12  # the figures of a statement a later one may refer back to
_YEAR_ON_YEAR_RATE = re.compile("同比(?![多少])")  # 同比增长 compares rates; 同比多增 compares the change


@dataclass(frozen=True)
class PageExtraction:
    """What the rules found in one page."""

    norm: NormText
    articles: list[Article]
    facts: list[Fact]


def extract_page(raw: str, published: date | None, rules: RuleSet | None = None,
                 precision: Precision = Precision.DAY) -> PageExtraction:
    """Split ``raw`` into articles and extract every fact; offsets point into ``raw``.

    ``published`` is the publication date; with ``precision`` month or year it is the first day
    of the month or year the paper is known to have come out in.
    """
    rules = rules or load_rules()
    norm = normalize(raw)
    articles = split_articles(norm)
    until = window_end(published, precision)
    facts: list[Fact] = []
    for article in articles:
        facts.extend(_article_facts(norm, article, published, until, rules))
    return PageExtraction(norm, articles, facts)


def _balance_compared_year_on_year(q: Quantity, text: str, statement: list[tuple[Quantity, Meaning]],
                                   meaning: Meaning):
    """The balance metric a rate compares year on year, when the rate follows a balance in its
    statement and is not a change since the start of the year (较年初) unless 同比 follows that;
    a share of the balance (not a change) is read like the balance too."""
    if q.kind not in (Kind.PERCENT, Kind.PP):
        return None
    for prev_q, prev in reversed(statement):
        if prev.metric in periods.BALANCES and prev.measure is Measure.LEVEL:
            between = text[prev_q.norm_end:q.norm_start]
            since_start = max(between.rfind("年初"), between.rfind("年末"))
            if (since_start >= 0 and meaning.measure is not Measure.RATIO
                    and not _YEAR_ON_YEAR_RATE.search(between, since_start)):
                return None  # "较年初增加435.9亿元,增长13.1%" goes on from the start of the year
            return prev.metric  # "较年初增加386.5亿元,同比增长16.3%": year on year, like the balance
    return None


def _headline_facts(facts: list[Fact], article: Article, until: date | None) -> list[Fact]:
    """A headline figure whose headline names no one is the lead's: the subject of the body's
    first figure ("12345热线受理诉求超42万件" over "…全区12345热线共受理…"); one without a period
    takes the period of the same value in the body ("村均收入达780万元" over "去年,…村均780万元")."""
    if not article.heading_count:
        return facts
    heading_end = article.segments[article.heading_count - 1][1]
    body = [f for f in facts if f.quantity.norm_start >= heading_end]
    lead = next((f.subject for f in body if f.subject), None)
    dated = {}  # a headline figure the body states again is dated as the body dates it
    for f in body:
        if f.period is not None:
            dated.setdefault((f.quantity.value, f.quantity.unit), f.period)
    out = []
    for f in facts:
        if f.quantity.norm_start < heading_end:
            if f.subject is None and lead is not None:
                f = replace(f, subject=lead)
            if f.period is None and (f.quantity.value, f.quantity.unit) in dated:
                period = dated[(f.quantity.value, f.quantity.unit)]
                f = replace(f, period=period, status=status_for(f.status, period, until))
        out.append(f)
    return out


def window_end(published: date | None, precision: Precision) -> date | None:
    """The last day a paper dated ``published`` with ``precision`` may have come out."""
    if published is None or precision is Precision.DAY:
        return published
    if precision is Precision.MONTH:
        return date(published.year, published.month, calendar.monthrange(published.year, published.month)[1])
    return date(published.year, 12, 31)


def _article_facts(norm: NormText, article: Article, published: date | None, until: date | None,
                   rules: RuleSet) -> list[Fact]:
    text = norm.text
    title = " ".join(t for t in (article.title, article.subtitle) if t)
    tracker = SubjectTracker(rules, title, photo=article.kind is ArticleKind.PHOTO, raw_words=norm.raw_words)
    dates = periods.ArticlePeriods.of(text, list(article.segments[article.heading_count:]), published, rules, title,
                                      until)
    facts: list[Fact] = []
    statement: list[tuple[Quantity, Meaning]] = []
    statement_at = -1
    sentence_at, first_figure = -1, -1
    read_from = read_to = -1
    remembered = min((s for s, _ in article.segments), default=0)
    for seg_start, seg_end in article.segments:
        segment = bounds = None  # the segment's period phrases and boundaries, read once if it has a figure
        for q in extract_quantities(norm, seg_start, seg_end, rules):
            if segment is None:
                paragraph = text.rfind("\n", 0, seg_start) + 1
                segment = periods.SegmentPeriods(text, paragraph, seg_end, published, rules)
                bounds = Boundaries(text, seg_start, seg_end)
            sentence_start = bounds.sentence_start(q.norm_start)
            if sentence_start != sentence_at:  # the first figure of its sentence
                sentence_at, first_figure = sentence_start, q.norm_start
            ctx = bounds.locate(q.norm_start, q.norm_end, first_figure)
            if ctx.statement_start != statement_at:
                statement, statement_at = [], ctx.statement_start
            if remembered < ctx.sentence_start:
                tracker.remember(text, remembered, ctx.sentence_start,
                                 read_to if read_from == remembered else None)
                remembered = ctx.sentence_start
            subjects = tracker.subjects(text, ctx, ctx.clause_end if q.kind in (Kind.MONEY, Kind.AREA) else None)
            read_from, read_to = ctx.sentence_start, ctx.sentence_end  # the sentence whose names were read
            meanings = classify_all(q, text, ctx, statement, rules)
            threshold = is_threshold(q, text, rules)
            for meaning in meanings:
                metric, level = meaning.metric, meaning.measure is Measure.LEVEL
                balance = _balance_compared_year_on_year(q, text, statement, meaning)
                if balance is not None:  # "存款余额4218.6亿元,同比增长11.7%": read like the balance
                    metric, level = balance, True
                for subject in subjects:
                    period = periods.period_for(text, ctx.sentence_start, ctx.pos, ctx.paragraph_start, dates,
                                                segment, metric, level,
                                                tracker.is_property(text, ctx, subject) and not threshold)
                    facts.append(Fact(
                        article_seq=article.seq,
                        quantity=q,
                        metric=meaning.metric,
                        metric_phrase=meaning.metric_phrase,
                        measure=meaning.measure,
                        direction=meaning.direction,
                        status=status_for(meaning.status, period, until),
                        subject=subject,
                        period=period,
                        sentence=text[ctx.sentence_start:ctx.sentence_end].strip(),
                    ))
            statement.append((q, meanings[0]))
            del statement[:-MAX_STATEMENT_FIGURES]
    facts = _headline_facts(facts, article, until)
    full = {name: tracker.in_full(name) for name in {f.subject for f in facts}}
    facts = [f if full[f.subject] == f.subject else replace(f, subject=full[f.subject])
             for f in facts]  # a short name (in a headline) is the article's longer one
    return settle_thresholds(facts, text, rules)
