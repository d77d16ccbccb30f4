"""Every row of every rule table has examples, and each example triggers that row."""

from __future__ import annotations

import pytest

from extractor.numbers import parse_number
from extractor.periods import find_phrases
from extractor.pipeline import extract_page
from extractor.rules import RuleError, _build, _read_tables, load_rules
from extractor.subjects import mentions
from extractor.text import fold_width

RULES = load_rules()
RAW = RULES.raw


def rows(table: str, key: str):
    return [pytest.param(row, id=f"{table}:{i + 1}") for i, row in enumerate(RAW[table][key])]


def quantities(text: str):
    return [f.quantity for f in extract_page(text, None).facts]


def facts(text: str):
    return extract_page(text, None).facts


@pytest.mark.parametrize("row", rows("units", "unit"))
def test_unit_examples_parse_to_the_unit(row):
    for example in row["examples"]:
        placed = str.startswith if row.get("prefix") else str.endswith
        found = [q for q in quantities(example) if placed(fold_width(q.span.text), row["surface"])]
        assert found, example
        assert all(q.kind == row["kind"] and q.unit == row["unit"] for q in found), example


@pytest.mark.parametrize("row", rows("numbers", "multiplier"))
def test_multiplier_examples(row):
    for example in row["examples"]:
        assert parse_number(example).multiplier == int(row["factor"]), example


@pytest.mark.parametrize("row", rows("numbers", "inner_qualifier"))
def test_inner_qualifier_examples(row):
    for example in row["examples"]:
        [q] = quantities(example)
        assert q.qualifier == row["qualifier"], example


@pytest.mark.parametrize("row", rows("cues", "qualifier"))
def test_qualifier_examples(row):
    for example in row["examples"]:
        [q] = quantities(example)
        assert q.qualifier == row["qualifier"], example


@pytest.mark.parametrize("row", rows("cues", "status"))
def test_status_examples(row):
    for example in row["examples"]:
        found = facts(example)
        assert found and all(f.status == row["status"] for f in found), example


@pytest.mark.parametrize("row", rows("cues", "change"))
def test_change_examples(row):
    for example in row["examples"]:
        [fact] = facts(example)
        assert fact.direction == row["direction"], example


@pytest.mark.parametrize("row", rows("metrics", "metric"))
def test_metric_examples(row):
    for example in row["examples"]:
        found = [f for f in facts(example) if f.kind == row["kind"]]
        assert found and found[0].metric == row["name"], example


@pytest.mark.parametrize("row", rows("stoplist", "stop"))
def test_stop_examples_yield_no_fact_and_need_their_row(row):
    for example in row["examples"]:
        assert row["reason"] and quantities(example) == [], example
    tables = _read_tables()
    data, parsed = tables["stoplist"]
    without = _build({**tables, "stoplist": (data, {"stop": [r for r in parsed["stop"] if r is not row
                                                           and r["pattern"] != row["pattern"]]})})
    assert any(extract_page(example, None, without).facts for example in row["examples"]), \
        "the row changes nothing: without it its examples still give no fact"


@pytest.mark.parametrize("row", rows("periods", "period"))
def test_period_examples_match_their_row(row):
    for example in row["examples"]:
        phrases = find_phrases(example, 0, len(example), RULES)
        assert phrases and phrases[0].rule.pattern.pattern == row["pattern"], example


@pytest.mark.parametrize("row", rows("places", "alias"))
def test_alias_examples_name_the_home_place(row):
    for example in row["examples"]:
        [fact, *_] = facts(example)
        home = RAW["places"]["home"]
        assert fact.subject == (row["name"].format(**home) if "name" in row else home[row["place"]]), example


@pytest.mark.parametrize("row", rows("places", "entity"))
def test_entity_examples_are_mentions(row):
    for example in row["examples"]:
        found = mentions(example, 0, len(example), RULES)
        assert any(m.name or m.sort >= 0 for m in found), example


@pytest.mark.parametrize("table", ["alias_not_followed_by", "alias_not_after", "non_names", "name_breaks", "descriptive"])
def test_place_word_lists_have_examples_that_hold(table):
    for example in RAW["places"][table]["examples"]:
        found = mentions(example, 0, len(example), RULES)
        if table in ("alias_not_followed_by", "alias_not_after"):
            assert not [m for m in found if m.sort < 0], example
        elif table in ("non_names", "descriptive"):
            assert not [m for m in found if m.name], example
        else:
            assert all(not m.name or not m.name.startswith(tuple(RULES.name_breaks)) for m in found), example


def test_a_name_after_an_oblique_word_is_not_whose_figure():
    for example in RAW["places"]["oblique_after"]["examples"]:
        [fact, *_] = facts(example)
        assert fact.subject and not any(example.startswith(fact.subject, example.find(w) + len(w))
                                         for w in RULES.oblique_after if w in example), example


def test_names_run_on_through_their_own_words():
    for example in RAW["places"]["unbroken"]["examples"]:
        [fact, *_] = facts(example)
        assert fact.subject and any(w in fact.subject for w in RULES.unbroken), example


def test_a_name_set_up_by_the_subject_is_not_it():
    for example in RAW["places"]["created_after"]["examples"]:
        found = facts(example)
        assert found and all(f.subject and not f.subject.endswith("专营支行") for f in found), example


def test_counted_examples():
    for example in RAW["units"]["counted"]["examples"]:
        [q] = quantities(example)
        assert q.counted not in (None, q.span.text[-1]), example


def test_chinese_numeral_examples():
    for example in RAW["numbers"]["chinese"]["examples"]:
        assert parse_number(example).value > 0


def test_range_examples_give_low_and_high():
    for example in RAW["numbers"]["range"]["examples"]:
        [q] = quantities(example)
        assert q.value_high is not None and q.value < q.value_high, example


def test_a_bad_table_is_refused_with_its_row_named():
    tables = _read_tables()
    data, parsed = tables["units"]
    broken = {**parsed, "unit": parsed["unit"] + [{"surface": "元", "kind": "money", "unit": "CNY", "factor": "1",
                                                    "examples": ["1元"]}]}
    with pytest.raises(RuleError, match="units.toml row .*: surface '元' appears twice"):
        _build({**tables, "units": (data, broken)})
    broken = {**parsed, "unit": [{"surface": "斤", "kind": "weight", "unit": "kg", "factor": "1/2", "examples": ["3斤"]}]}
    with pytest.raises(RuleError, match="'weight' is not one of"):
        _build({**tables, "units": (data, broken)})


def test_rules_version_is_a_hash_of_the_tables():
    assert len(RULES.version) == 16 and _build(_read_tables()).version == RULES.version


def test_cues_that_end_another_word_are_not_cues():
    for example in RAW["cues"]["qualifier_not_after"]["examples"]:
        assert all(q.qualifier == "none" for q in quantities(example)), example


def test_change_verbs_inside_nouns_and_to_levels_are_not_changes():
    for example in RAW["cues"]["change_not_followed_by"]["examples"] + RAW["cues"]["change_to_level"]["examples"]:
        assert all(f.measure in ("level", "ratio") and f.direction is None for f in facts(example)), example


def test_comparison_baselines_are_not_periods():
    for example in RAW["periods"]["not_a_period"]["examples"]:
        [fact] = facts(example)
        assert fact.period is None, example


def test_a_sentence_at_the_event_takes_no_inherited_period():
    for example in RAW["periods"]["scene_openers"]["examples"]:
        *_, fact = facts(example)
        assert fact.period is None, example


def test_what_a_project_does_once_built_has_no_period():
    for example in RAW["periods"]["once_built"]["examples"]:
        *_, fact = facts(example)
        assert fact.period is None, example


def test_a_count_gathered_over_the_months_is_not_a_stock():
    for example in RAW["periods"]["count_flows"]["examples"]:
        *_, fact = facts(example)
        assert fact.period is not None and fact.period.start.month == 1, example


def test_a_projects_progress_takes_the_paragraphs_period():
    for example in RAW["periods"]["project_progress"]["examples"]:
        *_, fact = facts(example)
        assert fact.period is not None, example


def test_a_breakdown_speaks_of_the_paragraphs_main_period():
    for example in RAW["periods"]["breakdown"]["examples"]:
        *_, fact = facts(example)
        assert fact.period is not None and fact.period.phrase.startswith("2025年1"), example


def test_status_cues_naming_a_plan_are_not_statuses():
    for example in RAW["cues"]["status_not_followed_by"]["examples"]:
        assert all(f.status == "actual" for f in facts(example)), example


def test_a_period_after_a_reporting_clause_heads_the_paragraph():
    for example in RAW["periods"]["clause_heads"]["examples"]:
        [fact] = facts(example)
        assert fact.period is not None and fact.period.phrase.startswith("2023"), example


def test_home_prefixed_names_are_the_home_places():
    for example in RAW["places"]["home_prefix"]["examples"]:
        [fact, *_] = facts(example)
        assert fact.subject.startswith(RAW["places"]["home"]["district"]), example


def test_short_names_of_home_places_are_read_in_full():
    for example in RAW["places"]["short_names"]["examples"]:
        [fact, *_] = facts(example)
        assert fact.subject in RAW["places"]["short_names"].values(), example


def test_date_words_examples_tell_the_date():
    from extractor.dates import infer_date
    forward = RAW["dates"]["forward"]["examples"]
    assert infer_date("2024年,全区新增企业10家。" + forward[0]).day.year == 2024  # the year ahead is not counted
    assert infer_date("2023年,全区新增企业10家。" + RAW["dates"]["year_end"]["examples"][0]).day.month == 12
    assert infer_date("2023年,全区新增企业10家。" + RAW["dates"]["new_year"]["examples"][0]).day == __import__(
        "datetime").date(2024, 1, 1)


def test_carry_openers_continue_the_topic():
    for example in RAW["cues"]["carry_openers"]["examples"]:
        metrics = [f.metric for f in facts(example) if f.kind == "money"]
        assert len(metrics) >= 2 and len(set(metrics)) == 1, example


def test_generic_names_refer_back():
    for example in RAW["places"]["generic"]["examples"]:
        found = mentions(example, 0, len(example), RULES)
        assert not any(m.name and m.name.startswith("省重大") for m in found), example


def test_a_word_listed_twice_is_refused():
    tables = _read_tables()
    data, parsed = tables["places"]
    broken = {**parsed, "non_names": {"words": ["乡村", "乡村"], "examples": ["x"]}}
    with pytest.raises(RuleError, match="places.toml non_names words: '乡村' appears twice"):
        _build({**tables, "places": (data, broken)})


def test_this_year_names_the_year_of_a_narrower_phrase():
    from datetime import date

    for example in RAW["periods"]["same_year"]["examples"]:
        *_, fact = extract_page(example, date(2024, 11, 5)).facts
        assert (fact.period.start, fact.period.end) == (date(2024, 1, 1), date(2024, 9, 30)), example



def test_bureaus_are_named_with_their_place_and_not_as_a_speakers_office():
    [row] = [r for r in RAW["places"]["entity"] if "speaker_after" in r]
    for example in row["speaker_examples"]:
        found = facts(example)
        assert found and not any(f.subject and f.subject.endswith(tuple(row["endings"])) for f in found), example
    for example in row["not_examples"]:
        assert not [m for m in mentions(example, 0, len(example), RULES) if m.name], example
    for example in row["examples"]:
        [fact, *_] = facts(example)
        assert fact.subject == example[:example.index("局") + 1], example  # as written, not home-prefixed


def test_a_name_in_a_legal_form_is_a_name_in_full():
    for example in RAW["places"]["legal_forms"]["examples"]:
        [fact, *_] = facts(example)
        assert fact.subject and fact.subject in example and "有限公司" in fact.subject, example


def test_a_place_before_a_companys_name_is_where_it_is():
    [row] = [r for r in RAW["places"]["entity"] if r.get("apart_from_place")]
    for example in row["apart_examples"]:
        [fact, *_] = facts(example)
        assert fact.subject and fact.subject.startswith("江苏") and fact.subject.endswith("项目"), example
    for example in row["joined_examples"]:
        [fact, *_] = facts(example)
        assert fact.subject and example.startswith(fact.subject), example


def test_a_project_built_by_a_company_is_named_with_it():
    for example in RAW["places"]["built_by"]["examples"]:
        found = [f for f in facts(example) if f.kind == "money"]
        assert found and all("有限公司" in f.subject and f.subject.endswith("项目") for f in found), example
    by_whom = "其中,由常州锐驰热管理科技有限公司投资建设的新能源汽车热管理系统项目总投资25亿元"
    assert facts(by_whom)[0].subject == "新能源汽车热管理系统项目"  # 由: by whom, the project as written


def test_list_items_take_the_period_heading_their_list():
    from datetime import date

    for example in RAW["periods"]["list_items"]["examples"]:
        found = extract_page(example, date(2026, 12, 28)).facts
        assert found and all(f.period is not None and f.period.phrase == "2026年" for f in found), example


def test_a_leads_event_dates_its_figures_by_its_day():
    from datetime import date

    published = date(2024, 12, 29)
    for example in RAW["periods"]["event_day"]["examples"]:
        found = extract_page(example, published).facts
        assert found and all(f.period is not None and f.period.start == f.period.end for f in found), example
    for example in RAW["periods"]["event_day"]["dated_examples"]:
        found = extract_page(example, published).facts
        assert found and all(f.period is None or f.period.start != f.period.end for f in found), example
