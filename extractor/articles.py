"""Split a page's repaired text into articles: headline block, byline, body; photo captions.

How a page is read:
- A byline paragraph ("本报讯(记者 …)…" or "□ 记者 …") starts a news article; the short
  unpunctuated paragraphs right before it are its headline (first) and subtitle (the rest).
- A paragraph ending in a photo credit ("… 陆新 徐芊卉 摄", or followed by a credit line) is a
  caption: an article of kind photo. Its label is the short paragraphs right before it, or, when
  there are none, those right after it that no byline claims.
- Short unpunctuated paragraphs anywhere else are section subheads and stay in their article.
- A news article runs to the next news article; a photo set inside it is its own article, and
  the paragraphs after the photo go on belonging to the news article (whose range then holds
  the photo article's).
- Text before the first article (a page with no byline at all) becomes an article of its own.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from .facts import Article
from .text import BODY_MIN_CHARS, BYLINE_START, CLAUSE_PUNCT, PHOTO_CREDIT, NormText
from .vocab import ArticleKind

MAX_HEADLINE_LINES = 4
_BYLINE_PARENS = re.compile(r"^本报讯\s*[(]([^()]{1,60})[)]\s*")
_BYLINE_LINE = re.compile(r"^[□■]?\s*((?:本报)?记者.{0,40})$")
_ROLE_WORDS = re.compile(r"(?:本报)?(?:记者|通讯员|见习记者|实习生)")


@dataclass(slots=True)
class _Para:
    start: int
    end: int
    text: str
    role: str  # heading | byline | credit | caption | body


def _role(text: str, next_text: str | None) -> str:
    if BYLINE_START.match(text):
        return "byline"
    credited = "摄" in text and PHOTO_CREDIT.search(text)  # the credit's 摄 is looked for first: one fast scan
    if credited and (PHOTO_CREDIT.fullmatch(text) or (len(text) <= 20 and " " in text)):
        return "credit" if len(text) <= 20 else "caption"
    if credited:
        return "caption"
    if next_text is not None and "摄" in next_text and PHOTO_CREDIT.fullmatch(next_text) and CLAUSE_PUNCT.search(text):
        return "caption"
    if len(text) < BODY_MIN_CHARS and not CLAUSE_PUNCT.search(text):
        return "heading"
    return "body"


def reporter_names(byline: str) -> str:
    """The names in a byline, role words dropped.

    >>> reporter_names("舒泉清 记者 张可馨")
    '舒泉清 张可馨'
    """
    return " ".join(_ROLE_WORDS.sub(" ", byline).split())


def split_articles(norm: NormText) -> list[Article]:
    """The page's articles in page order, with offsets into the raw text."""
    texts = [norm.text[p.start:p.end] for p in norm.paragraphs]
    paras = [
        _Para(p.start, p.end, t, _role(t, texts[i + 1] if i + 1 < len(texts) else None))
        for i, (p, t) in enumerate(zip(norm.paragraphs, texts))
    ]
    n = len(paras)
    if n == 0:
        return []
    owner: list[int | None] = [None] * n  # which article (by start index) each paragraph belongs to
    starts: dict[int, dict] = {}

    def heading_run_before(i: int) -> int:
        j = i
        while j > 0 and paras[j - 1].role == "heading" and owner[j - 1] is None and i - j < MAX_HEADLINE_LINES:
            j -= 1
        return j

    for i, para in enumerate(paras):
        if para.role == "byline":
            h = heading_run_before(i)
            starts[h] = {"kind": ArticleKind.NEWS, "headings": list(range(h, i)), "byline": i}
            for k in range(h, i + 1):
                owner[k] = h
    for i, para in enumerate(paras):
        if para.role != "caption":
            continue
        h = heading_run_before(i)
        last = i + 1 if i + 1 < n and paras[i + 1].role == "credit" else i
        labels = list(range(h, i))
        if not labels:
            k = last + 1
            while k < n and paras[k].role == "heading" and owner[k] is None:
                k += 1
            if k >= n or paras[k].role != "byline":
                labels = list(range(last + 1, k))
        start = min([h, i] + labels)
        starts[start] = {"kind": ArticleKind.PHOTO, "headings": labels, "caption": i, "last": max([last] + labels)}
        for k in range(start, starts[start]["last"] + 1):
            owner[k] = start

    if not starts or min(starts) > 0:
        starts[0] = {"kind": ArticleKind.NEWS, "headings": [0] if n and paras[0].role == "heading" else []}
    order = sorted(starts)
    news = [s for s in order if starts[s]["kind"] is ArticleKind.NEWS]
    articles = []
    for seq, first in enumerate(order, start=1):
        info = starts[first]
        if info["kind"] is ArticleKind.NEWS:
            # a news article runs until the next news article, around any photo set inside it
            after = bisect_right(news, first)
            until = news[after] if after < len(news) else n
            own = [k for k in range(first, until) if owner[k] in (None, first)]
        else:
            own = list(range(first, info["last"] + 1))
        articles.append(_make_article(seq, info, own, paras, norm))
    return articles


def _make_article(seq: int, info: dict, own: list[int], paras: list[_Para], norm: NormText) -> Article:
    first, last = own[0], own[-1]
    headings = [paras[k] for k in info["headings"]]
    segments = [(p.start, p.end) for p in headings]
    byline = None
    if info["kind"] is ArticleKind.NEWS:
        title = headings[0].text if headings else None
        subtitle = " ".join(p.text for p in headings[1:]) or None
        body_from = info["byline"] if "byline" in info else first + len(headings)
        body_start = paras[body_from].start if body_from <= last else paras[last].end
        if "byline" in info:
            b = paras[info["byline"]]
            match = _BYLINE_PARENS.match(b.text) or _BYLINE_LINE.match(b.text)
            if match:
                byline = reporter_names(match.group(1)) or None
                if match.end() < len(b.text):
                    body_start = b.start + match.end()
                elif info["byline"] < last:  # the byline is a line of its own
                    body_start = paras[info["byline"] + 1].start
        for k in own:
            if k >= body_from:
                seg_start = max(paras[k].start, body_start)
                if seg_start < paras[k].end:
                    segments.append((seg_start, paras[k].end))
    else:
        title = " ".join(p.text for p in headings) or None
        subtitle = None
        caption = paras[info["caption"]]
        body_start = caption.start
        segments.append((caption.start, caption.end))
        after = info["caption"] + 1
        credit_para = paras[after] if after <= last and paras[after].role == "credit" else caption
        credit = PHOTO_CREDIT.search(credit_para.text)
        byline = " ".join(credit.group("names").split()) if credit else None
    start = norm.span(paras[first].start, paras[first].end).start
    end = norm.span(paras[last].start, paras[last].end).end
    raw_body_start = norm.to_raw(body_start) if body_start < len(norm.text) else end
    return Article(seq, info["kind"], title, subtitle, byline, start, end, min(raw_body_start, end),
                   tuple(segments), len(headings) if info["kind"] is ArticleKind.NEWS else 0)
