"""The real corpus in ../shared: every cell against gold, every known anomaly found, no false errors."""

from __future__ import annotations

import json

import pytest
from conftest import GOLD, REAL, all_reports, needs_shared, text_reports

from reviewer.goldcompare import CellComparison, compare_tables, gold_path_for
from reviewer.pipeline import parse_file, review_file

pytestmark = needs_shared
REPORTS = all_reports()
IDS = [p.name for p in REPORTS]
TEXT_REPORTS = text_reports()


def _gold(path):
    return json.loads(gold_path_for(path, GOLD).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def reviews():
    return {p.name: review_file(p) for p in REPORTS}


@pytest.mark.parametrize("path", REPORTS, ids=IDS)
def test_cells_template_and_sections_match_gold(path, reviews) -> None:
    gold = _gold(path)
    report = reviews[path.name].report
    result = compare_tables(gold, report.gold_view())
    assert result.accuracy >= 0.90, result.mismatches[:10]
    assert report.template == gold["template"]
    assert report.sections_present == gold["sections_present"]


@pytest.mark.parametrize("kind", ["text", "structured"])
def test_overall_cell_agreement_at_least_99_percent(reviews, kind) -> None:
    paths = TEXT_REPORTS if kind == "text" else [p for p in REPORTS if p not in TEXT_REPORTS]
    total = CellComparison()
    for path in paths:
        total.add(compare_tables(_gold(path), reviews[path.name].report.gold_view()))
    assert total.total > (4000 if kind == "text" else 700)
    assert total.accuracy >= 0.99, total.mismatches


@pytest.mark.parametrize("path", REPORTS, ids=IDS)
def test_every_known_anomaly_is_reported_under_its_rule(path, reviews) -> None:
    gold = _gold(path)
    found = {f.rule for f in reviews[path.name].findings}
    missing = [a for a in gold["known_anomalies"] if a["rule"] not in found]
    assert missing == []


@pytest.mark.parametrize("path", REPORTS, ids=IDS)
def test_no_error_on_reports_whose_gold_lists_no_anomaly(path, reviews) -> None:
    gold = _gold(path)
    if gold["known_anomalies"]:
        pytest.skip("gold lists anomalies for this report")
    errors = [(f.rule, f.message) for f in reviews[path.name].findings if f.severity.value == "error"]
    assert errors == []


def test_2022_hebei_kjt_root_cause_reported_once(reviews) -> None:
    findings = reviews["2022_hebei-kjt.txt"].findings
    errors = [f for f in findings if f.severity.value == "error" and f.rule.startswith("T3-")]
    assert len(errors) == 1
    root = errors[0]
    assert (root.rule, root.where, root.figures["printed"], root.figures["implied"]) == (
        "T3-ROW-SUM",
        "t3.total_processed.natural_person",
        2,
        11,
    )
    consequences = sorted(
        (f.rule, f.where) for f in findings if f.rule.startswith("T3-") and f.severity.value == "info"
    )
    assert consequences == [("T3-COL-BALANCE", "t3.*.natural_person"), ("T3-RESULT-TOTAL", "t3.*.natural_person")]


def test_2023_huaian_table4_defects(reviews) -> None:
    t4 = [f for f in reviews["2023_huaian-hongzequ.pdf.txt"].findings if f.rule == "T4-SUM"]
    assert sorted((f.where, f.figures["sum_of_results"], f.figures["printed_total"]) for f in t4) == [
        ("t4.litigation_after_review.total", 5, 0),
        ("t4.reconsideration.total", 11, 0),
    ]


def test_2020_pingtan_result_totals(reviews) -> None:
    res = [f for f in reviews["2020_pingtan.txt"].findings if f.rule == "T3-RESULT-TOTAL"]
    assert sorted(
        (f.where, f.figures["sum_of_outcomes"], f.figures["printed_total_processed"], f.severity.value) for f in res
    ) == [
        ("t3.*.natural_person", 26, 20, "error"),
        ("t3.*.total", 27, 21, "info"),
    ]


def test_glued_row_split_settled_by_identities_is_not_ambiguous(reviews) -> None:
    """'121010014' has several row-sum splits (12/1/0/1/0/0/14, 1/2/1/0/10/0/14 …); the column identities of the
    table leave one: evidence, so the cells are read (not ambiguous) and the settlement is noted."""
    t3 = reviews["2022_hebei-gxt.txt"].report.t3
    assert [c.value for c in t3.rows["new_received"].values()] == [12, 1, 0, 1, 0, 0, 14]
    assert not any(c.ambiguous for c in t3.rows["new_received"].values()) and t3.state == "read"
    assert any(n.startswith("split-settled:new_received: by the column identities") for n in t3.notes)


def test_glued_table2_row_nothing_settles_is_ambiguous_with_every_split(reviews) -> None:
    """2020_hebei-kjt '0+34636' (上一年项目数量/本年增减/处理决定数量): no identity, no narrative figure: ambiguous;
    the printed 0/+34/636 is among the readings and no rule reads the cells as printed."""
    review = reviews["2020_hebei-kjt.txt"]
    t2 = review.report.t2
    amb = {a.row: a for a in t2.ambiguities}["other_services"]
    readings = [amb.chosen, *amb.alternatives]
    assert ["0", "+34", "636"] in readings and len(readings) == amb.count
    cells = t2.rows["other_services"]
    assert cells["change"].ambiguous and cells["decisions"].ambiguous and not cells["prev_year_items"].ambiguous
    assert t2.state == "read_with_ambiguity"
    assert not [f for f in review.findings if f.category == "report" and f.where.startswith("t2.other_services")]


@pytest.mark.parametrize(
    "path", sorted(p for p in REAL.iterdir() if p.is_file()) if REAL.is_dir() else [], ids=lambda p: p.name
)
def test_no_traceback_for_any_corpus_file(path) -> None:
    from reviewer.errors import InputError

    try:
        parse_file(path)
    except InputError as err:
        assert str(err).startswith(str(path))
