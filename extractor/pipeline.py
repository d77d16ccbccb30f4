"""Page text to articles and facts: wires the stages in order, and nothing else.

pages -> (text.normalize) repaired text -> (articles.split_articles) articles
      -> (quantities.extract_quantities) quantities -> (classify, periods, subjects) facts
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from . import periods
from .articles import split_articles
from .classify import Meaning, classify
from .context import locate
from .facts import Article, Fact, Quantity
from .quantities import extract_quantities
from .rules import RuleSet, load_rules
from .subjects import SubjectTracker
from .text import NormText, normalize
from .vocab import Kind


@dataclass(frozen=True)
class PageExtraction:
    """What the rules found in one page."""

    norm: NormText
    articles: list[Article]
    facts: list[Fact]


def extract_page(raw: str, published: date | None, rules: RuleSet | None = None) -> PageExtraction:
    """Split ``raw`` into articles and extract every fact; offsets point into ``raw``."""
    rules = rules or load_rules()
    norm = normalize(raw)
    articles = split_articles(norm)
    facts: list[Fact] = []
    for article in articles:
        facts.extend(_article_facts(norm, article, published, rules))
    return PageExtraction(norm, articles, facts)


def _article_facts(norm: NormText, article: Article, published: date | None, rules: RuleSet) -> list[Fact]:
    text = norm.text
    title = " ".join(t for t in (article.title, article.subtitle) if t)
    tracker = SubjectTracker(rules, title)
    head = _head_period(text, article, rules)
    facts: list[Fact] = []
    statement: list[tuple[Quantity, Meaning]] = []
    statement_at = -1
    remembered = article.segments[0][0] if article.segments else 0
    for seg_start, seg_end in article.segments:
        for q in extract_quantities(norm, seg_start, seg_end, rules):
            ctx = locate(text, q.norm_start, q.norm_end, seg_start, seg_end)
            if ctx.statement_start != statement_at:
                statement, statement_at = [], ctx.statement_start
            if remembered < ctx.sentence_start:
                tracker.remember(text, remembered, ctx.sentence_start)
                remembered = ctx.sentence_start
            meaning = classify(q, text, ctx, statement, rules)
            statement.append((q, meaning))
            subject = tracker.subject(text, ctx.sentence_start, ctx.paragraph_start, ctx.pos,
                                      counted_from=ctx.clause_start if q.kind is Kind.COUNT else None)
            facts.append(Fact(
                article_seq=article.seq,
                quantity=q,
                metric=meaning.metric,
                metric_phrase=meaning.metric_phrase,
                measure=meaning.measure,
                direction=meaning.direction,
                status=meaning.status,
                subject=subject,
                period=periods.period_for(text, ctx.sentence_start, ctx.pos, ctx.paragraph_start, head,
                                          published, meaning.metric, rules, tracker.is_project(subject)),
                sentence=text[ctx.sentence_start:ctx.sentence_end].strip(),
            ))
    return facts


def _head_period(text: str, article: Article, rules: RuleSet):
    """A period opening the article's first body paragraph ("2024年,…"), with its year."""
    body = article.segments[article.heading_count:]
    if not body:
        return None
    phrase = periods.head_phrase(text, body[0][0], rules)
    return (phrase, periods.context_year(text, body[0][0], phrase.end)) if phrase else None
