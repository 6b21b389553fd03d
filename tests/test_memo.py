"""The memo on the seed report: the issue's acceptance points, and groundedness of its figures."""

from __future__ import annotations

import re

from conftest import FIXTURES, REAL, SEED, needs_shared

from reviewer.memo import build_memo, render_markdown
from reviewer.pipeline import review_file


@needs_shared
def test_seed_memo_acceptance_points() -> None:
    memo = build_memo(review_file(SEED))
    md = render_markdown(memo)
    figures = {k["path"]: k["value"] for k in memo.key_figures}
    # 18 received, 16 granted, 1 refused under other laws, 1 refused as process information
    assert figures["t3.new_received.total"] == 18
    assert figures["t3.granted.total"] == 16
    assert figures["t3.denied_prohibited_by_law.total"] == 1
    assert figures["t3.denied_process_info.total"] == 1
    assert "| 表三 | 不予公开·其他法律行政法规禁止公开 | 1 |" in md
    assert "| 表三 | 不予公开·属于四类过程性信息 | 1 |" in md
    # table 3 identities confirmed
    assert "每行总计 = 六类申请人之和（25 行全部成立）" in md and "一 + 二 = 三（七）+ 四（7 列全部成立）" in md
    # numbering slips
    for slip in ("“2、”应为“二、”", "“3、”应为“三、”", "“（5）”应为“（五）”"):
        assert slip in md
    # table 2 blank cells reported as blank, not zero
    assert figures["t2.rules.issued"] is None and figures["t2.penalty.decisions"] == 627
    assert "| 表二 | 规章·本年制发 | 空白 |" in md
    # narrative 18 and "no reconsideration or litigation" checked against tables 3 and 4
    checks = {(c["metric"], c["narrative"], c["verdict"]) for c in memo.narrative_checks}
    assert ("t3.new_received.total", 18, "一致") in checks
    assert ("t4.reconsideration.total", 0, "一致") in checks
    assert ("t4.litigation_direct.total+t4.litigation_after_review.total", 0, "一致") in checks
    assert [f.rule for f in memo.findings if f.severity.value == "error"] == []


def _numbers(text: str) -> set[str]:
    return set(re.findall(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.])", text))


def test_every_memo_number_is_in_the_report_or_computed() -> None:
    """Groundedness: numbers in the memo's findings and comparisons occur in the report text, or are sums/
    differences/counts computed by code (listed in the finding's figures)."""
    path = FIXTURES / "defects_tab_2023.txt"
    review = review_file(path)
    memo = build_memo(review)
    source = path.read_text(encoding="utf-8")
    allowed = _numbers(source)
    for f in memo.findings:
        allowed |= _numbers(str(f.figures)) | {str(n) for n in f.lines}
    allowed |= {str(i) for i in range(0, 30)}  # list numbering, counts of items, section numbers
    for c in memo.narrative_checks:
        allowed |= _numbers(str(c))
    allowed |= {str(k["line"]) for k in memo.key_figures}  # source line numbers (provenance)
    md = render_markdown(memo)
    body = md.split("## 七、已核对的内容")[0]
    from reviewer import __version__
    from reviewer.models import SCHEMA_VERSION

    ungrounded = sorted(_numbers(body) - allowed - {"2021", SCHEMA_VERSION, __version__})
    assert ungrounded == []


def test_report_text_cannot_inject_markdown_or_html() -> None:
    import re

    from reviewer.ingest import document_from_bytes
    from reviewer.parse import parse_document
    from reviewer.pipeline import review_report

    text = (FIXTURES / "clean_spaced_2023.txt").read_text(encoding="utf-8")
    evil = "[点击领取](http://evil.example) ![x](http://evil.example/i.png) <img src=x onerror=alert(1)> <script>alert(1)</script> `code` | 断表"
    text = text.replace("（二）依申请公开情况。全年新收", "（二）依申请公开情况。" + evil + "全年新收", 1)
    text = text.replace("五、存在的主要问题及改进情况\n", "五、存在的主要问题及改进情况\n# 伪标题 " + evil + "\n", 1)
    md = render_markdown(
        build_memo(review_report(parse_document(document_from_bytes(text.encode("utf-8"), "evil.txt"))))
    )
    assert "\\</script\\> \\`code\\` \\| 断表全年新收政府信息公开申请 65 件" in md  # the text is quoted, escaped …
    assert not re.search(r"(?<!\\)\]\(http", md)  # … but no link or image survives
    assert not re.search(r"(?<!\\)<(?:img|script)", md)  # only escaped forms (\<script) remain
    assert not any(line.startswith("# 伪标题") for line in md.splitlines())


@needs_shared
def test_questions_name_each_table_once() -> None:
    """The questions to the organ name a cell as 表三“…”行“…”列 once (no 表三“表三“…” nesting), for row sums
    (2022 河北科技厅) and table-4 sums (2023 洪泽区 PDF)."""
    from reviewer.memo import build_memo, render_markdown
    from reviewer.pipeline import review_file

    for name, expected in (
        ("2022_hebei-kjt.txt", "表三“（七）总计”行“自然人”列：行合计与各列之和不一致"),
        ("2023_huaian-hongzequ.pdf", "：总计与各项结果之和不一致"),
    ):
        md = render_markdown(build_memo(review_file(REAL / name)))
        questions = md.split("建议向报告机关提出的问题", 1)[1]
        assert expected in questions, name
        assert "表三“表三" not in questions and "表四“表四" not in questions, name
