"""Sentence and clause boundaries in the repaired text, which the meaning rules scope by.

A sentence ends at 。!? (or a paragraph edge); a statement also ends at ; (a list of results
separated by semicolons shares a sentence but not a topic); a clause ends at , and : too. The
enumeration comma 、 never ends anything: "新增上市企业2家、省智能制造示范工厂6家" is one clause.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

# Look-back and look-ahead are bounded, so a page of one giant sentence costs linear time: no
# rule reads further than this from a figure.
SENTENCE_WINDOW = 400
PARAGRAPH_WINDOW = 2000

SENTENCE_ENDS = "。!?\n"
STATEMENT_ENDS = SENTENCE_ENDS + ";"
CLAUSE_ENDS = STATEMENT_ENDS + ",:"
_SENTENCE, _STATEMENT, _CLAUSE = (re.compile("[" + re.escape(s) + "]") for s in (SENTENCE_ENDS, STATEMENT_ENDS, CLAUSE_ENDS))
_NEWLINE = re.compile("\n")
STATEMENT_BREAK = _STATEMENT  # a statement ends between two positions when this finds something


@dataclass(slots=True)  # not frozen: a frozen init costs ~4x; made for every figure and never changed after
class Context:
    """Where a figure stands: the bounds that scope each rule, as repaired-text offsets."""

    paragraph_start: int
    sentence_start: int
    statement_start: int
    clause_start: int
    pos: int  # first character of the figure
    end: int  # one past its last character
    sentence_end: int
    clause_end: int
    first_figure: int = -1  # where the sentence's first figure starts (set by the pipeline)


class Boundaries:
    """Where the sentences, statements, clauses and paragraphs of one segment end, found once,
    so that locating each figure is a lookup (bisect) rather than a rescan."""

    def __init__(self, text: str, seg_start: int, seg_end: int):
        self.seg_start, self.seg_end = seg_start, seg_end
        lo = max(0, seg_start - PARAGRAPH_WINDOW)
        self.sentence = [m.start() for m in _SENTENCE.finditer(text, seg_start, seg_end)]
        self.statement = [m.start() for m in _STATEMENT.finditer(text, seg_start, seg_end)]
        self.clause = [m.start() for m in _CLAUSE.finditer(text, seg_start, seg_end)]
        self.newline = [m.start() for m in _NEWLINE.finditer(text, lo, seg_end)]

    @staticmethod
    def _back(marks: list[int], pos: int, floor: int) -> int:
        """Just after the last mark before ``pos`` (``floor`` if none at or after it)."""
        i = bisect_left(marks, pos) - 1
        return marks[i] + 1 if i >= 0 and marks[i] >= floor else floor

    @staticmethod
    def _forward(marks: list[int], pos: int, ceiling: int) -> int:
        """The first mark at or after ``pos`` (``ceiling`` if none before it)."""
        i = bisect_left(marks, pos)
        return marks[i] if i < len(marks) and marks[i] < ceiling else ceiling

    def sentence_start(self, pos: int) -> int:
        return self._back(self.sentence, pos, max(self.seg_start, pos - SENTENCE_WINDOW))

    def locate(self, pos: int, end: int, first_figure: int = -1) -> Context:
        near = max(self.seg_start, pos - SENTENCE_WINDOW)
        ahead = min(self.seg_end, end + SENTENCE_WINDOW)
        return Context(
            paragraph_start=self._back(self.newline, pos, max(0, pos - PARAGRAPH_WINDOW)),
            sentence_start=self._back(self.sentence, pos, near),
            statement_start=self._back(self.statement, pos, near),
            clause_start=self._back(self.clause, pos, near),
            pos=pos,
            end=end,
            sentence_end=min(self._forward(self.sentence, end, ahead) + 1, ahead),
            clause_end=self._forward(self.clause, end, ahead),
            first_figure=first_figure,
        )


def locate(text: str, pos: int, end: int, seg_start: int, seg_end: int, first_figure: int = -1) -> Context:
    """The context of the figure at ``text[pos:end]`` inside the segment ``seg_start..seg_end``.

    >>> c = locate("全年收入5亿元。今年产值达3亿元,增长5%。", 19, 21, 0, 22)
    >>> c.sentence_start, c.clause_start
    (8, 17)
    """
    return Boundaries(text, seg_start, seg_end).locate(pos, end, first_figure)


_FINDERS: dict[int, tuple[object, re.Pattern | None]] = {}  # id(words) -> (words, reversed pattern)


def _reversed_words(words) -> re.Pattern | None:
    """One pattern of the words spelled backwards, longest first, compiled once per word list
    (the rule tables' lists live as long as the rules; the entry holds them, so ids stay theirs)."""
    entry = _FINDERS.get(id(words))
    if entry is None or entry[0] is not words:
        if len(_FINDERS) >= 256:
            _FINDERS.clear()
        ordered = sorted({w for w in words if w}, key=len, reverse=True)
        entry = (words, re.compile("|".join(re.escape(w[::-1]) for w in ordered)) if ordered else None)
        _FINDERS[id(words)] = entry
    return entry[1]


def nearest_word(text: str, lo: int, hi: int, words) -> tuple[int, str] | None:
    """The word of ``words`` ending nearest before ``hi`` in ``text[lo:hi]`` (longest on ties).

    Returns (start, word). ``words`` (any collection of strings, not changed afterwards) is
    searched as one pattern over the window read backwards: the first match there is the word
    ending nearest ``hi``, and longest-first alternation breaks ties by length.

    >>> nearest_word("贷款余额增加,存款余额", 0, 11, ("余额", "存款余额", "增加"))
    (7, '存款余额')
    """
    pattern = _reversed_words(words)
    if pattern is None:
        return None
    window = text[lo:hi]
    found = pattern.search(window[::-1])
    if found is None:
        return None
    return lo + len(window) - found.end(), found.group()[::-1]
