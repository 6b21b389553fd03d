"""Tests of the deterministic narrative-figure extractor (reviewer.narrative.extract).

Unit tests use short invented sentences (offices and figures made up for these tests). The corpus tests read the
real reports and gold files from the shared data directory (``$REVIEWER_SHARED`` or ``<repo>/../shared``) and are
skipped when it is absent.
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
from pathlib import Path

import pytest

from reviewer.models import NarrativeFigure
from reviewer.narrative import detect_template, extract_figures

REPO = Path(__file__).resolve().parents[1]
LITIGATION_TOTAL = "t4.litigation_direct.total+t4.litigation_after_review.total"


def shared_dir() -> Path:
    env = os.environ.get("REVIEWER_SHARED")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "shared"


def require_shared() -> Path:
    shared = shared_dir()
    if not (shared / "corpus" / "gold").is_dir():
        pytest.skip(f"shared corpus not found at {shared} (set REVIEWER_SHARED to run the corpus tests)")
    return shared


def split_lines(text: str) -> list[tuple[int, str]]:
    """Test loader: split on CRLF, CR and LF; 1-based line numbers."""
    return list(enumerate(re.split(r"\r\n|\r|\n", text), start=1))


def run(text: str, **kw) -> list[NarrativeFigure]:
    return extract_figures(split_lines(text), **kw)


def triples(figs: list[NarrativeFigure]) -> set[tuple[str, int | float, int]]:
    return {(f.metric, f.value, f.line) for f in figs}


def only(figs: list[NarrativeFigure], metric: str) -> NarrativeFigure:
    hits = [f for f in figs if f.metric == metric]
    assert len(hits) == 1, (metric, figs)
    return hits[0]


# ------------------------------------------------------------------------------------------------ number forms


def test_arabic_number_received():
    figs = run("一、总体情况\n2024年，青石县数据局全年共收到政府信息公开申请25件，均按期答复。")
    assert triples(figs) == {("t3.new_received.total", 25, 2)}
    f = figs[0]
    assert f.quote == "青石县数据局全年共收到政府信息公开申请25件"
    assert f.unit == "件" and f.section == 1 and not f.approximate


def test_spaced_number():
    figs = run("本年度受理政府信息公开申请 17 件，办结 16 件。")
    assert triples(figs) == {("t3.new_received.total", 17, 1), ("t3.total_processed.total", 16, 1)}


def test_full_width_digits():
    figs = run("云岭区教育局收到政府信息公开申请１２件。")
    assert triples(figs) == {("t3.new_received.total", 12, 1)}
    assert figs[0].quote.endswith("１２件")  # quote keeps the original characters


def test_chinese_numerals():
    figs = run("全年受理政府信息公开申请十八件，共办结二十一件。\n因政府信息公开被申请行政复议两起。")
    assert triples(figs) == {
        ("t3.new_received.total", 18, 1),
        ("t3.total_processed.total", 21, 1),
        ("t4.reconsideration.total", 2, 2),
    }


def test_thousands_separator_and_decimal():
    figs = run("全年作出行政许可决定1,234件，收取行政事业性收费12.5万元。")
    assert triples(figs) == {("t2.licensing.decisions", 1234, 1), ("t2.admin_fees.amount_wan_yuan", 12.5, 1)}
    assert only(figs, "t2.admin_fees.amount_wan_yuan").unit == "万元"


# ------------------------------------------------------------------------------------------------ non-figures


def test_percentages_are_not_counts():
    figs = run("其中予以公开9件，占45.5%；办结率100%，满意率为98.2%。")
    assert triples(figs) == {("t3.granted.total", 9, 1)}


def test_years_and_dates_are_not_figures():
    figs = run("2023年1月1日至2023年12月31日，松溪镇人民政府于2024年收到政府信息公开申请6件。")
    assert triples(figs) == {("t3.new_received.total", 6, 1)}


def test_counts_without_table_metric_are_not_emitted():
    figs = run("全年主动公开政府信息184条，推送信息1203篇，召开培训会2次，办理人大代表建议12件。")
    assert figs == []


def test_other_verbs_reject_document_counts():
    figs = run("向市档案馆移交规范性文件10份，牵头起草规章1件，清理规范性文件30件。")
    assert figs == []


def test_application_channel_counts_are_not_received():
    figs = run("从申请方式看，网络申请8件，信函申请2件。")
    assert figs == []


# ------------------------------------------------------------------------------------------------ negative statements


def test_negative_t4_statement_gives_two_zeros():
    figs = run("一、总体情况\n本年度未发生因政府信息公开引起的行政复议、行政诉讼案件。")
    assert triples(figs) == {("t4.reconsideration.total", 0, 2), (LITIGATION_TOTAL, 0, 2)}


def test_negative_reconsideration_only():
    figs = run("在依申请公开工作中，无行政复议事项。")
    assert triples(figs) == {("t4.reconsideration.total", 0, 1)}


def test_short_negative_form():
    figs = run("全年收到申请4件，无行政复议、诉讼等情况。")
    assert triples(figs) == {
        ("t3.new_received.total", 4, 1),
        ("t4.reconsideration.total", 0, 1),
        (LITIGATION_TOTAL, 0, 1),
    }


def test_not_corrected_is_not_a_zero_total():
    figs = run("本年因政府信息公开被申请行政复议1件，该件未被复议机关纠错。")
    assert triples(figs) == {("t4.reconsideration.total", 1, 1), ("t4.reconsideration.corrected", 0, 1)}


def test_no_requests_received():
    figs = run("三、收到和处理政府信息公开申请情况\n2021年未收到政府信息公开申请。")
    assert triples(figs) == {("t3.new_received.total", 0, 2)}
    assert figs[0].section == 3


def test_unrelated_negation_is_ignored():
    figs = run("评查中发现2件答复书未写明申请行政复议和提起诉讼的期限；着力降低行政复议、行政诉讼发生率。")
    assert figs == []


# ------------------------------------------------------------------------------------------------ scope, approximate


def test_scope_aggregate():
    assert run("全区共收到申请75件。")[0].scope == "aggregate"


def test_scope_organ():
    assert run("我局收到申请3件。")[0].scope == "organ"


def test_scope_unknown():
    assert run("收到政府信息公开申请3件。")[0].scope == "unknown"


def test_approximate():
    figs = run("全年收到政府信息公开申请20余件，办结近20件。")
    received = only(figs, "t3.new_received.total")
    assert (received.value, received.approximate) == (20, True)
    assert only(figs, "t3.total_processed.total").approximate is True


# ------------------------------------------------------------------------------------------------ fees (section 六)


def test_fee_not_collected():
    figs = run("六、其他需要报告的事项\n本单位未收取信息处理费。")
    assert triples(figs) == {("x.fee.collected", 0, 2)}
    assert figs[0].unit == "元" and figs[0].section == 6 and figs[0].scope == "organ"


def test_fee_no_charge_situation():
    figs = run("2024年，无收取信息处理费情况。")
    assert triples(figs) == {("x.fee.collected", 0, 1)}


def test_fee_collected_amount():
    figs = run("全年收取信息处理费共计380元。")
    assert triples(figs) == {("x.fee.collected", 380, 1)}
    assert figs[0].quote == "全年收取信息处理费共计380元"


def test_fee_in_wan_yuan_converted_to_yuan():
    figs = run("收取信息处理费0.5万元。")
    assert triples(figs) == {("x.fee.collected", 5000, 1)}
    assert figs[0].unit == "元"


def test_fee_notice_triple():
    figs = run("本年度发出收费通知2件，金额共计600元，实际收取信息处理费400元。")
    assert triples(figs) == {
        ("x.fee_notice.count", 2, 1),
        ("x.fee_notice.amount", 600, 1),
        ("x.fee.collected", 400, 1),
    }


def test_fee_all_zero_sentence():
    figs = run("我单位本年度发出收费通知的件数和总金额以及实际收取的总金额均为0。")
    assert triples(figs) == {("x.fee_notice.count", 0, 1), ("x.fee_notice.amount", 0, 1), ("x.fee.collected", 0, 1)}


def test_no_fee_notice_issued():
    figs = run("本年度未发出收费通知，未收取信息处理费。")
    assert triples(figs) == {("x.fee_notice.count", 0, 1), ("x.fee.collected", 0, 1)}


# ------------------------------------------------------------------------------------------------ table 3 metrics


def test_t3_flow_figures():
    figs = run("本年度新收申请12件，上年结转2件，办结13件，1件结转下年度继续办理。")
    assert triples(figs) == {
        ("t3.new_received.total", 12, 1),
        ("t3.carried_over.total", 2, 1),
        ("t3.total_processed.total", 13, 1),
        ("t3.carried_forward.total", 1, 1),
    }


def test_t3_outcome_groups():
    figs = run("其中，予以公开及部分公开7件，不予公开1件，无法提供3件，不予处理1件，其他处理1件。")
    assert triples(figs) == {
        ("t3.granted.total+t3.partially_granted.total", 7, 1),
        ("t3.denied_*.total", 1, 1),
        ("t3.unable_*.total", 3, 1),
        ("t3.not_processed_*.total", 1, 1),
        ("t3.other_*.total", 1, 1),
    }


def test_t3_applicants():
    figs = run("全县共受理政府信息公开申请40件，其中自然人申请35件，法人或其他组织申请5件。")
    org = "+".join(
        f"t3.new_received.{c}" for c in ("commercial", "research", "public_interest", "legal_service", "other_org")
    )
    assert triples(figs) == {
        ("t3.new_received.total", 40, 1),
        ("t3.new_received.natural_person", 35, 1),
        (org, 5, 1),
    }


def test_carried_forward_after_another_clause():
    figs = run("另有3件因年底收到、尚在答复期内，结转下年度继续办理。")
    assert triples(figs) == {("t3.carried_forward.total", 3, 1)}


# ------------------------------------------------------------------------------------------------ table 4 metrics


def test_t4_results_follow_the_case_type():
    figs = run("因政府信息公开被申请行政复议3件，其中结果维持2件，尚未审结1件；被提起行政诉讼1件，结果纠正1件。")
    assert triples(figs) == {
        ("t4.reconsideration.total", 3, 1),
        ("t4.reconsideration.upheld", 2, 1),
        ("t4.reconsideration.pending", 1, 1),
        (LITIGATION_TOTAL, 1, 1),
        ("t4.litigation_direct.corrected+t4.litigation_after_review.corrected", 1, 1),
    }


def test_t4_counts_need_disclosure_context():
    # a reconsideration body's own caseload is not a table-4 figure ...
    assert run("全年受理行政复议案件120件，审结115件。") == []
    # ... but under the section-4 heading the context is given
    figs = run("四、政府信息公开行政复议、行政诉讼情况\n本年度行政复议1件，行政诉讼0件。")
    assert triples(figs) == {("t4.reconsideration.total", 1, 2), (LITIGATION_TOTAL, 0, 2)}
    assert {f.section for f in figs} == {4}


def test_t4_related_cases_cover_both_types():
    figs = run("依法做好政府信息公开行政复议、行政诉讼案件应诉工作，全市共办理相关案件9件。")
    assert triples(figs) == {("t4.reconsideration.total+" + LITIGATION_TOTAL, 9, 1)}


# ------------------------------------------------------------------------------------------------ table 2 metrics


def test_t2_documents():
    figs = run("全年制发行政规范性文件5件，废止2件，现行有效38件；新增公开规章1件。")
    assert triples(figs) == {
        ("t2.normative_documents.issued", 5, 1),
        ("t2.normative_documents.repealed", 2, 1),
        ("t2.normative_documents.in_force", 38, 1),
        ("t2.rules.issued", 1, 1),
    }


def test_t2_decisions():
    figs = run("作出行政处罚决定56件，行政强制决定7件。")
    assert triples(figs) == {("t2.penalty.decisions", 56, 1), ("t2.coercion.decisions", 7, 1)}


def test_fmt2019_keys():
    text = "2019年印发的4个规范性文件全部在门户网站主动公开。其他处理2件。"
    figs = run(text, template="FMT-2019")
    assert triples(figs) == {
        ("t2.normative_documents.new_made", 4, 1),
        ("t2.normative_documents.new_published", 4, 1),
        ("t3.other_handling.total", 2, 1),
    }


def test_detect_template():
    assert detect_template("信息内容本年新制作数量本年新公开数量对外公开总数量") == "FMT-2019"
    assert detect_template("信息内容本年制发件数本年废止件数现行有效件数") == "FMT-2021"
    assert detect_template("本报告所列数据统计期限自2020年1月1日起至2020年12月31日止。") == "FMT-2019"
    assert detect_template("本报告所列数据统计期限自2023年1月1日起至2023年12月31日止。") == "FMT-2021"


# ------------------------------------------------------------------------------------------------ layout


def test_flattened_tables_are_skipped():
    flat = (
        "一、总体情况全年共受理依申请公开案件9件。二、主动公开政府信息情况第二十条第（一）项信息内容本年制发件数"
        "本年废止件数现行有效件数规章000行政规范性文件3112三、收到和处理政府信息公开申请情况（本列数据的勾稽关系为："
        "第一项加第二项之和，等于第三项加第四项之和）申请人情况自然人法人或其他组织总计一、本年新收政府信息公开申请数量"
        "900000 9（一）予以公开6000006（七）总计9000009四、结转下年度继续办理0000000四、政府信息公开行政复议、"
        "行政诉讼情况行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计000000000000000五、存在的主要问题及改进情况"
        "答复规范性有待提高。六、其他需要报告的事项未收取信息处理费。"
    )
    figs = run(flat)
    assert triples(figs) == {("t3.new_received.total", 9, 1), ("x.fee.collected", 0, 1)}
    assert [f.section for f in figs] == [1, 6]


def test_line_based_table_is_skipped():
    text = "\n".join(
        [
            "三、收到和处理政府信息公开申请情况",
            "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
            "申请人情况",
            "一、本年新收政府信息公开申请数量 5 0 0 0 0 0 5",
            "（一）予以公开 3 0 0 0 0 0 3",
            "四、政府信息公开行政复议、行政诉讼情况",
            "行政复议 行政诉讼",
            "结果维持 结果纠正 其他结果 尚未审结 总计",
            "0 0 0 0 0 0 0 0 0 0 0 0 0 0 0",
            "五、存在的主要问题及改进情况",
            "本年收到申请5件，答复文书仍需规范。",
        ]
    )
    assert triples(run(text)) == {("t3.new_received.total", 5, 11)}


def test_wrapped_lines_join_and_keep_line_numbers():
    text = "2024 年，全市共受理政府信息公开申请 31\n件，答复 30 件（含上年结转 2 件），另有 3 件顺延到下\n年度答复。\n- 2 -"
    figs = run(text)
    assert triples(figs) == {
        ("t3.new_received.total", 31, 1),
        ("t3.total_processed.total", 30, 2),
        ("t3.carried_over.total", 2, 2),
        ("t3.carried_forward.total", 3, 2),
    }
    assert only(figs, "t3.new_received.total").quote == "全市共受理政府信息公开申请 31件"


def test_cr_only_line_endings_in_loader():
    text = "一、总体情况\r收到政府信息公开申请3件。\r\r六、其他需要报告的事项\r未收取信息处理费。"
    assert triples(run(text)) == {("t3.new_received.total", 3, 2), ("x.fee.collected", 0, 5)}


def test_section_of_line_callback_is_used():
    figs = extract_figures([(7, "收到政府信息公开申请3件。")], section_of_line=lambda n: 3 if n == 7 else None)
    assert [(f.line, f.section) for f in figs] == [(7, 3)]


def test_traditional_script():
    figs = run("全年新收政府信息公開申請65件，上年結轉3件，辦結64件。")
    assert triples(figs) == {
        ("t3.new_received.total", 65, 1),
        ("t3.carried_over.total", 3, 1),
        ("t3.total_processed.total", 64, 1),
    }


def test_empty_input():
    assert extract_figures([]) == []
    assert extract_figures([(1, ""), (2, "   ")]) == []


# ------------------------------------------------------------------------------------------------ corpus


def _load_eval():
    spec = importlib.util.spec_from_file_location("narrative_gold_eval", REPO / "evals" / "narrative_gold.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is created
    spec.loader.exec_module(module)
    return module


def test_seed_figures_and_lines():
    shared = require_shared()
    seed = shared / "seeds" / "000_f6c1ae60807b909e.txt"
    if not seed.exists():
        pytest.skip(f"seed report not found at {seed}")
    figs = extract_figures(split_lines(seed.read_text(encoding="utf-8")))
    assert triples(figs) == {
        ("t3.new_received.total", 18, 12),
        ("t4.reconsideration.total", 0, 12),
        (LITIGATION_TOTAL, 0, 12),
        ("x.fee_notice.count", 0, 424),
        ("x.fee_notice.amount", 0, 424),
        ("x.fee.collected", 0, 424),
    }
    assert only(figs, "t3.new_received.total").quote == "全年共受理依申请公开案件18件"


def test_corpus_precision_recall():
    shared = require_shared()
    score = _load_eval().evaluate(shared)
    assert len(score.files) >= 20
    assert score.recall >= 0.85, [(f.name, f.missed) for f in score.files if f.missed]
    assert score.precision >= 0.85, [(f.name, f.false_pos) for f in score.files if f.false_pos]


def test_clause_bounds_match_a_plain_scan() -> None:
    """_back_to/_forward_to (delimiter runs + bisect) give the same bounds as scanning the text, including masked
    runs of line breaks, the search window and positions at both ends."""
    import random

    from reviewer.narrative import extract as ex

    rng = random.Random(3)
    for _ in range(300):
        text = "".join(rng.choice("申请件，。\n\n\n、；0") for _ in range(rng.randint(0, 60)))
        for delims in (ex._CLAUSE_DELIMS, ex._SENTENCE_DELIMS, "\n"):
            for pos in range(0, len(text) + 1):
                lo, hi = max(0, pos - ex.SEARCH_WINDOW), min(len(text), pos + ex.SEARCH_WINDOW)
                back = max([i + 1 for i in range(lo, pos) if text[i] in delims], default=lo)
                fwd = min([i for i in range(pos, hi) if text[i] in delims], default=hi)
                assert ex._back_to(text, pos, delims) == back, (text, pos)
                assert ex._forward_to(text, pos, delims) == fwd, (text, pos)
    long = "，" + "申" * 5000
    assert ex._back_to(long, 4000, "，") == 4000 - ex.SEARCH_WINDOW  # the delimiter is outside the window


def test_label_prefilter_changes_no_choice() -> None:
    """_label skips rules whose possible first characters are absent; on every segment of the fixtures (and on
    substrings of them) it picks the same label as trying every rule."""
    from conftest import FIXTURES

    from reviewer.narrative import extract as ex

    assert ex._first_chars(r"\d+") is None and ex._first_chars(r"(?i)ab") is None and ex._first_chars(r"a?") is None
    assert ex._first_chars(r"(?:x|y)?z") == frozenset("xyz") and ex._first_chars(r"[a-c]q") == frozenset("abc")
    assert all(first is not None for first, _, _ in ex._PRE_FILTERED)  # every pre-number rule is prefiltered

    def brute(segment: str):
        best = None
        for order, (rid, rx) in enumerate(ex._PRE_COMPILED):
            m = rx.search(segment)
            if m:
                key = (m.start(), order, m.end("label"), rid)
                best = key if best is None or key < best else best
        return (best[0], best[2], best[3]) if best else None

    checked = 0
    for path in sorted(FIXTURES.glob("*.txt")) + sorted(FIXTURES.glob("*.md")):
        text = path.read_bytes().decode("utf-8", errors="ignore")
        for seg in re.split(r"[，。；\n]", text):
            for cut in range(0, len(seg), 3):
                piece = seg[:cut]
                assert ex._label(piece) == brute(piece), piece
                checked += 1
    assert checked > 5000


def test_late_answers_are_not_a_count_of_requests_handled():
    """'全年发生超期答复3件' counts the late answers (found as a false XS-NARR-T3 error on a fixture of issue 11)."""
    figs = run(
        "五、存在的主要问题及改进情况\n二是部分部门依申请公开答复超过法定期限，全年发生超期答复3件。\n全年办结申请40件。"
    )
    assert triples(figs) == {("t3.total_processed.total", 40, 3)}
