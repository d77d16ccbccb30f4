"""The evaluation command scores honestly, and the rules keep their measured accuracy."""

from __future__ import annotations


import pytest

from extractor.evaluate import ATTRIBUTES, evaluate

from .conftest import REPO

PAGE = "本报讯(记者 周一)截至9月末,全区贷款余额达2865.4亿元,同比增长11.2%。新增企业30家。\n"
GOLD = """
page = "p.txt"
published = "2024-10-15"

[[fact]]
surface = "2865.4亿元"
kind = "money"
value = "286540000000"
unit = "CNY"
metric = "loan_balance"
measure = "level"
qualifier = "none"
status = "actual"
subject = "武进区"
period_start = "2024-09-01"
period_end = "2024-09-30"

[[fact]]
surface = "11.2%"
kind = "percent"
value = "11.3"
unit = "percent"
metric = "growth_rate"

[[fact]]
surface = "30家"
kind = "count"
value = "30"
unit = "count"
borderline = true
"""


def test_scores_right_wrong_and_borderline_facts(tmp_path):
    (tmp_path / "pages").mkdir()
    (tmp_path / "gold").mkdir()
    (tmp_path / "pages" / "p.txt").write_text(PAGE, encoding="utf-8")
    (tmp_path / "gold" / "p.toml").write_text(GOLD, encoding="utf-8")
    score = evaluate(tmp_path / "gold", tmp_path / "pages")
    assert score.gold == {"money": 1, "percent": 1}  # the borderline count is not counted
    assert score.predicted == {"money": 1, "percent": 1}
    assert score.correct == {"money": 1}  # 11.2 is not the gold 11.3
    assert score.attr_right["period"] == score.attr_total["period"] == 1
    assert any("wrong '11.2%'" in m for m in score.misses)


def _check(score, precision=0.98, recall=0.95, attributes=0.95, subject=0.9, counted=None, skip_kinds=()):
    for kind, gold in score.gold.items():
        if kind in skip_kinds:
            continue
        assert score.correct[kind] / max(score.predicted[kind], 1) >= precision, kind
        assert score.correct[kind] / gold >= recall, kind
    for attr in ATTRIBUTES:
        floor = subject if attr in ("subject", "counted") else attributes
        if attr == "counted" and counted is not None:
            floor = counted
        assert score.attr_right[attr] / score.attr_total[attr] >= floor, attr


def test_sample_pages_meet_the_targets(corpus):
    _check(evaluate(REPO / "tests" / "gold" / "sample", corpus))


def test_development_set_meets_the_targets():
    _check(evaluate(REPO / "tests" / "devset" / "gold", REPO / "tests" / "devset" / "pages"), attributes=0.94)


# devset5 (an independent annotator): its kind-other units are the text's words (公里, 吨) where
# the earlier sets and the rules write km, t; and its counted strips modifiers (上市企业 -> 企业)
# where the earlier sets keep them. Kind other is optional (ANNOTATION.md), so it is not scored
# here, and counted has its own floor. Two of its pages are other papers' (新北区, 江阴市): their
# 全区/全市 are read as the configured home (武进区, 常州市), so its subject floor is lower; inferring a
# page's home from the names it uses was tried and lowered held-out subject 0.887 -> 0.804.
@pytest.mark.parametrize("folder,attributes,subject,options", [
    ("devset2", 0.94, 0.84, {}), ("devset3", 0.95, 0.90, {}), ("devset4", 0.91, 0.91, {}),
    ("devset5", 0.93, 0.80, {"precision": 0.97, "counted": 0.76, "skip_kinds": ("other",)}),
])
def test_later_development_sets_keep_their_accuracy(folder, attributes, subject, options):
    _check(evaluate(REPO / "tests" / folder / "gold", REPO / "tests" / folder / "pages"),
           attributes=attributes, subject=subject, **options)


def test_held_out_set_does_not_fall_below_its_measured_accuracy():
    """Floors a little under the figures measured when the held-out set was last scored (see
    README): a rule change that loses ground on unseen pages turns this red."""
    score = evaluate(REPO / "tests" / "heldout" / "gold", REPO / "tests" / "heldout" / "pages")
    _check(score, precision=0.99, recall=0.98, attributes=0.96, subject=0.88)
