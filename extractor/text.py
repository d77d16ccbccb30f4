"""Repair the page text that the rules read, keeping a map back to raw page offsets.

PDF extraction breaks lines mid-word and mid-number ("37⏎⏎64亿元"). ``normalize`` folds
full-width ASCII to half-width (one character for one, so positions survive) and joins the
lines of a paragraph that the extraction broke, so the rules read "3764亿元". Every character
of the repaired text remembers where it came from in the raw text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from .facts import Span

# Full-width ASCII (！ .. ～) to ASCII, ideographic space to space: one character for one.
_FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_FULL_WIDTH = re.compile("[\uFF01-\uFF5E\u3000]+")

# A line ends its paragraph when its last visible character ends a sentence.
_SENTENCE_END = re.compile(r"[。!?;:…]['\"”’」』)]*$")
# Body lines carry clause punctuation; headlines and labels rarely do.
CLAUSE_PUNCT = re.compile(r"[,;。!?]")
# A photo credit closes a caption: "陆新 徐芊卉 摄".
PHOTO_CREDIT = re.compile(r"(?:^|[\s。])(?P<names>[\u4e00-\u9fff](?: ?[\u4e00-\u9fff]){1,3}(?:[\s、]+[\u4e00-\u9fff](?: ?[\u4e00-\u9fff]){1,3})*)\s*摄$")
# A line that starts a byline: "本报讯(记者 …)" or "□ 记者 …".
BYLINE_START = re.compile(r"^(?:本报讯|[□■]\s*(?:本报)?记者|记者\s)")

BODY_MIN_CHARS = 40  # a line this long is body text even without punctuation


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A logical paragraph: ``start``..``end`` in the repaired text."""

    start: int
    end: int


@dataclass(frozen=True)
class NormText:
    """The repaired text, its paragraphs, and for each character its raw offset.

    The offset map is kept as runs (one per line and per paragraph break: repaired characters
    from ``run_starts[k]`` on come from raw offsets ``run_raw[k]`` on), so its size grows with the
    lines of a page, not its characters: a page of tens of MB needs no map of tens of millions.
    """

    raw: str
    text: str
    run_starts: list[int]
    run_raw: list[int]
    paragraphs: tuple[Paragraph, ...]

    def to_raw(self, i: int) -> int:
        """The raw offset of repaired character ``i``."""
        k = bisect_right(self.run_starts, i) - 1
        return self.run_raw[k] + i - self.run_starts[k]

    def raw_words(self, start: int, end: int) -> str:
        """The raw text of repaired characters ``start``..``end``, line breaks dropped: names
        and nouns keep their own characters (full-width brackets stay full-width)."""
        parts = []
        k = bisect_right(self.run_starts, start) - 1
        while start < end:
            run_end = self.run_starts[k + 1] if k + 1 < len(self.run_starts) else len(self.text)
            stop = min(end, run_end)
            raw_from = self.run_raw[k] + start - self.run_starts[k]
            parts.append(self.raw[raw_from:raw_from + stop - start])
            start, k = stop, k + 1
        return "".join(parts)

    def span(self, start: int, end: int) -> Span:
        """The raw span covering repaired characters ``start``..``end``."""
        raw_start = self.to_raw(start)
        raw_end = self.to_raw(end - 1) + 1
        return Span(raw_start, raw_end, self.raw[raw_start:raw_end])


def fold_width(text: str) -> str:
    """Full-width ASCII to half-width, one character for one.

    >>> fold_width("１２．５亿元，增长１３％")
    '12.5亿元,增长13%'
    """
    # only the runs that need it: translate reads every character through the table (~8x slower)
    return _FULL_WIDTH.sub(lambda m: m.group().translate(_FOLD), text)


def _lines(folded: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank line, stripped of surrounding whitespace."""
    out = []
    for match in re.finditer(r"[^\n\r]+", folded):
        start, end = match.span()
        while start < end and folded[start].isspace():
            start += 1
        while end > start and folded[end - 1].isspace():
            end -= 1
        if start < end:
            out.append((start, end))
    return out


def _continues(line: str, next_line: str) -> bool:
    """Whether PDF extraction broke ``line`` mid-paragraph, so ``next_line`` goes on with it."""
    if BYLINE_START.match(next_line) or BYLINE_START.match(line) and len(line) < 20:
        return False
    if _SENTENCE_END.search(line) or PHOTO_CREDIT.search(line):
        return False
    if line[-1].isdigit() and next_line[0].isdigit():
        return True  # a number broken across the line break
    return bool(CLAUSE_PUNCT.search(line)) or len(line) >= BODY_MIN_CHARS


def normalize(raw: str) -> NormText:
    """Fold widths and join broken lines; paragraphs are separated by one newline.

    >>> n = normalize("总额达37\\n\\n64亿元,增长5%。\\n\\n下一段")
    >>> n.text
    '总额达3764亿元,增长5%。\\n下一段'
    >>> n.span(3, 9).text
    '37\\n\\n64亿元'
    """
    folded = fold_width(raw)
    lines = _lines(folded)
    parts: list[str] = []
    run_starts: list[int] = []
    run_raw: list[int] = []
    paragraphs: list[Paragraph] = []
    para_start = length = 0
    for i, (start, end) in enumerate(lines):
        parts.append(folded[start:end])
        run_starts.append(length)
        run_raw.append(start)
        length += end - start
        last = i == len(lines) - 1
        if not last and _continues(folded[start:end], folded[lines[i + 1][0]:lines[i + 1][1]]):
            continue
        paragraphs.append(Paragraph(para_start, length))
        if not last:
            parts.append("\n")
            run_starts.append(length)  # the newline maps to the character after the line (a break or a space)
            run_raw.append(end)
            length += 1
        para_start = length
    return NormText(raw, "".join(parts), run_starts, run_raw, tuple(paragraphs))
