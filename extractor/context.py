"""Sentence and clause boundaries in the repaired text, which the meaning rules scope by.

A sentence ends at 。!? (or a paragraph edge); a statement also ends at ; (a list of results
separated by semicolons shares a sentence but not a topic); a clause ends at , and : too. The
enumeration comma 、 never ends anything: "新增上市企业2家、省智能制造示范工厂6家" is one clause.
"""

from __future__ import annotations

from dataclasses import dataclass

# Look-back and look-ahead are bounded, so a page of one giant sentence costs linear time: no
# rule reads further than this from a figure.
SENTENCE_WINDOW = 400
PARAGRAPH_WINDOW = 2000

SENTENCE_ENDS = "。!?\n"
STATEMENT_ENDS = SENTENCE_ENDS + ";"
CLAUSE_ENDS = STATEMENT_ENDS + ",:"


@dataclass(frozen=True, slots=True)
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


def _back(text: str, pos: int, floor: int, stops: str) -> int:
    """Just after the last stop character in ``text[floor:pos]`` (``floor`` if none)."""
    return max(floor, max(text.rfind(c, floor, pos) for c in stops) + 1)


def _forward(text: str, pos: int, ceiling: int, stops: str) -> int:
    """The first stop character in ``text[pos:ceiling]`` (``ceiling`` if none)."""
    found = [i for i in (text.find(c, pos, ceiling) for c in stops) if i >= 0]
    return min(found) if found else ceiling


def locate(text: str, pos: int, end: int, seg_start: int, seg_end: int, first_figure: int = -1) -> Context:
    """The context of the figure at ``text[pos:end]`` inside the segment ``seg_start..seg_end``.

    >>> c = locate("全年收入5亿元。今年产值达3亿元,增长5%。", 19, 21, 0, 22)
    >>> c.sentence_start, c.clause_start
    (8, 17)
    """
    near = max(seg_start, pos - SENTENCE_WINDOW)
    ahead = min(seg_end, end + SENTENCE_WINDOW)
    return Context(
        paragraph_start=_back(text, pos, max(0, pos - PARAGRAPH_WINDOW), "\n"),
        sentence_start=_back(text, pos, near, SENTENCE_ENDS),
        statement_start=_back(text, pos, near, STATEMENT_ENDS),
        clause_start=_back(text, pos, near, CLAUSE_ENDS),
        pos=pos,
        end=end,
        sentence_end=min(_forward(text, end, ahead, SENTENCE_ENDS) + 1, ahead),
        clause_end=_forward(text, end, ahead, CLAUSE_ENDS),
        first_figure=first_figure,
    )


def nearest_word(text: str, lo: int, hi: int, words) -> tuple[int, str] | None:
    """The word of ``words`` ending nearest before ``hi`` in ``text[lo:hi]`` (longest on ties).

    Returns (start, word).
    """
    best: tuple[int, int, str] | None = None  # (end, length, word)
    window = text[lo:hi]
    for word in words:
        at = window.rfind(word)
        if at < 0:
            continue
        key = (at + len(word), len(word), word)
        if best is None or key[:2] > best[:2]:
            best = key
    if best is None:
        return None
    return lo + best[0] - best[1], best[2]
