"""Structure, template compliance and year checks (rulebook C.1, C.2): STR-*, YR-*."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from reviewer.checks.registry import Context, finding, rule
from reviewer.models import Finding
from reviewer.template import FMT_2019, SECTIONS, chinese_ordinal

SECTION_NAME = {s.number: s.canonical for s in SECTIONS}
TABLE_NAME = {"t2": "表二（主动公开）", "t3": "表三（依申请公开）", "t4": "表四（复议诉讼）"}
TABLE_SECTION = {"t2": 2, "t3": 3, "t4": 4}


@rule("STR-SECTIONS-PRESENT", "error", "六个部分齐全", "rulebook C.1; 条例第五十条 [V]")
def sections_present(ctx: Context) -> Iterator[Finding]:
    """All six template sections are present (heading aliases of rulebook A.1 accepted)."""
    r = ctx.report
    if not r.is_report:
        yield finding(
            "STR-SECTIONS-PRESENT",
            f"未识别到年度报告的标题、统计表，章节标题仅识别到 {len(r.sections)} 个：该文件可能不是政府信息公开工作年度报告，未做审查。",
            where="sections",
            figures={"sections_found": len(r.sections)},
        )
        return
    missing = [n for n in range(1, 7) if r.section(n) is None]
    for n in missing:
        yield finding(
            "STR-SECTIONS-PRESENT",
            f"缺少第{chinese_ordinal(n)}部分“{SECTION_NAME[n]}”。",
            where=f"section {n}",
            figures={"missing_section": n},
        )


_TOP_NUMBER = re.compile(r"^\s*(?:#+\s*)?([一二三四五六七八九十])、")


@rule("STR-SECTION-ORDER", "warning", "章节按一至六顺序排列", "rulebook C.1 [V]")
def section_order(ctx: Context) -> Iterator[Finding]:
    """Sections in template order; also flags a report whose top-level numbering restarts (two numbering schemes)."""
    r = ctx.report
    offsets = [s.offset for s in r.sections]
    if offsets != sorted(offsets):
        yield finding(
            "STR-SECTION-ORDER",
            "章节顺序与模板不一致。",
            where="sections",
            figures={"order": [s.number for s in sorted(r.sections, key=lambda s: s.offset)]},
        )
        return
    numbers = []
    for line in r.lines:
        m = _TOP_NUMBER.match(line.text) if "、" in line.text else None
        if m and not any(
            w in line.text for w in ("本年新收", "上年结转", "本年度办理结果", "结转下年度", "结转下一年度", "|")
        ):
            numbers.append(("一二三四五六七八九十".index(m.group(1)) + 1, line.number, line.text.strip()[:20]))
    restarts = [(prev, cur) for prev, cur in zip(numbers, numbers[1:]) if cur[0] <= prev[0] and cur[0] == 1]
    if restarts and len(numbers) > 6:
        prev, cur = restarts[0]
        yield finding(
            "STR-SECTION-ORDER",
            f"一级标题编号重新从“一、”开始（第{cur[1]}行“{cur[2]}”），报告混用了两套章节编号。",
            where="sections",
            figures={"top_level_numbers": [n for n, _, _ in numbers]},
            lines=[prev[1], cur[1]],
        )


@rule("STR-HEADING-NUMBER", "warning", "标题编号规范连续", "rulebook C.1 [P]")
def heading_number(ctx: Context) -> Iterator[Finding]:
    """Headings numbered 一、…六、 and sub-headings （一）（二）…; slips such as ``2、``, ``（5）``, ``一是…三是…三是``."""
    for slip in ctx.report.heading_slips:
        level = {"section": "章节标题", "subsection": "小标题", "list": "分项列举"}[slip.level]
        yield finding(
            "STR-HEADING-NUMBER",
            f"{level}编号“{slip.printed}”应为“{slip.expected}”：{slip.heading}",
            where=f"line {slip.line}",
            figures={"printed": slip.printed, "expected": slip.expected},
            lines=[slip.line],
            quotes=[slip.heading],
        )


_PART_CLAIM = re.compile(r"(?:由|包括|分为|包含)(?P<list>[^。]{4,120}?)(?:等)?(?:六|6)个?部分")
_PART_KEYS = {1: ("总体",), 2: ("主动公开",), 3: ("申请",), 4: ("复议", "诉讼"), 5: ("问题", "改进"), 6: ("其他",)}


@rule("STR-PART-COUNT-CLAIM", "warning", "前言所列部分与报告一致", "rulebook C.1 [V]")
def part_count_claim(ctx: Context) -> Iterator[Finding]:
    """A preamble that claims six parts must list the six template parts (real case: a list omitting 复议诉讼)."""
    r = ctx.report
    first = r.section(1)
    head = "".join(ln.text for ln in r.lines)[: (first.offset if first else 600) + 1]
    head = re.sub(r"\s+", "", head)
    m = _PART_CLAIM.search(head)
    if not m:
        return
    listed = m.group("list")
    missing = [n for n, keys in _PART_KEYS.items() if not any(k in listed for k in keys)]
    if missing:
        yield finding(
            "STR-PART-COUNT-CLAIM",
            f"前言称报告由六部分组成，但所列为“{listed}”，未包含："
            + "、".join(SECTION_NAME[n] for n in missing)
            + "。",
            where="preamble",
            figures={"listed": listed, "missing_sections": missing},
            quotes=[m.group(0)],
        )


@rule("STR-TABLES-PRESENT", "error", "表二、三、四以表格形式给出", "rulebook C.1 [V]")
def tables_present(ctx: Context) -> Iterator[Finding]:
    """Tables 2, 3 and 4 are given as table text; an absent or sentence-replaced table is not assessable."""
    r = ctx.report
    for name in ("t2", "t3", "t4"):
        t = getattr(r, name)
        if t.ok:
            continue
        if t.status == "replaced_by_text":
            msg = f"{TABLE_NAME[name]}未以表格给出，以文字代替：“{t.replacement_text[:60]}”。"
        else:
            msg = f"{TABLE_NAME[name]}在文本中不存在（可能为图片或被删除），无法核对。"
        yield finding("STR-TABLES-PRESENT", msg, where=name, figures={"status": t.status}, lines=[t.line_start])


@rule("STR-TABLE-IMAGE", "info", "表格缺失（疑为图片）", "rulebook C.1 [V]")
def table_image(ctx: Context) -> Iterator[Finding]:
    """A section heading followed by no table text at all: the table was probably an image (needs OCR)."""
    r = ctx.report
    for name in ("t2", "t3", "t4"):
        t = getattr(r, name)
        sec = r.section(TABLE_SECTION[name])
        if t.status == "absent" and sec is not None:
            yield finding(
                "STR-TABLE-IMAGE",
                f"第{chinese_ordinal(TABLE_SECTION[name])}部分标题后没有表格文字，表格可能以图片发布，需人工或 OCR 核对。",
                where=name,
                lines=[sec.line],
            )


_FMT2019_T2 = ("本年新制作数量", "本年新公开数量", "对外公开总数量", "政府集中采购", "上一年项目数量")


@rule("STR-TEMPLATE-VERSION", "error", "2021 年起使用新版格式", "rulebook C.1; 国办公开办函〔2021〕30号 [V]")
def template_version(ctx: Context) -> Iterator[Finding]:
    """Statistical year ≥ 2021 must use FMT-2021: old table-2 labels, a single （六）其他处理 row, or a preamble
    citing 国办公开办函〔2019〕60号 are findings (the last one as a warning: only the cited basis is outdated)."""
    r = ctx.report
    if r.year is None or r.year < 2021:
        return
    compact = "".join(ln.text for ln in r.lines).replace(" ", "")
    if r.template == FMT_2019:
        used = [m for m in _FMT2019_T2 if m in compact]
        yield finding(
            "STR-TEMPLATE-VERSION",
            f"{r.year}年度报告仍使用2019年试行格式的表格标签：" + "、".join(used) + "。",
            where="t2",
            figures={"year": r.year, "labels": used},
            lines=[r.t2.line_start],
        )
    elif r.t3.ok and "other_handling" in r.t3.rows:
        yield finding(
            "STR-TEMPLATE-VERSION",
            f"{r.year}年度报告表三“（六）其他处理”只有一行（2019年试行格式），新版格式应分为三个细项。",
            where="t3.other_handling",
            figures={"year": r.year},
            lines=[r.t3.row_lines.get("other_handling")],
        )
    if "2019)60号" in compact or "2019〕60号" in compact:
        idx = next((ln.number for ln in r.lines if "60号" in ln.text), None)
        yield finding(
            "STR-TEMPLATE-VERSION",
            f"{r.year}年度报告引用的格式依据为国办公开办函〔2019〕60号（已由〔2021〕30号替代）。",
            severity="warning",
            where="preamble",
            figures={"year": r.year},
            lines=[idx],
        )


_ACCEPTED_VARIANTS = {"total_processed", "carried_forward", "partially_granted"}


@rule("STR-LABELS-EXACT", "warning", "行列标签与模板一致", "rulebook C.1 [V]")
def labels_exact(ctx: Context) -> Iterator[Finding]:
    """Row labels match the template after normalisation; a missing required row is an error."""
    r = ctx.report
    for name in ("t2", "t3"):
        t = getattr(r, name)
        if not t.ok:
            continue
        for note in t.notes:
            if note.startswith("label-variant:"):
                key = note.split(":", 1)[1]
                if key in _ACCEPTED_VARIANTS or (name == "t2" and key == "normative_documents"):
                    continue
                label = t.row_labels.get(key, "")
                yield finding(
                    "STR-LABELS-EXACT",
                    f"{TABLE_NAME[name]}行标签与模板不一致：“{_printed_label(r, t, key) or label}”（模板：{_template_label(name, key, r.template)}）。",
                    where=f"{name}.{key}",
                    figures={"row": key},
                    lines=[t.row_lines.get(key)],
                )
            elif note.startswith("row ") and "not found" in note:
                key = note.split()[1]
                yield finding(
                    "STR-LABELS-EXACT",
                    f"{TABLE_NAME[name]}缺少模板行“{_template_label(name, key, r.template)}”。",
                    severity="error",
                    where=f"{name}.{key}",
                    figures={"row": key},
                )
    if r.template != FMT_2019 and r.t2.ok:
        label = r.t2.row_labels.get("normative_documents", "")
        if label == "规范性文件":
            yield finding(
                "STR-LABELS-EXACT",
                "表二行标签为“规范性文件”（2019年格式用语），新版格式为“行政规范性文件”。",
                where="t2.normative_documents",
                lines=[r.t2.row_lines.get("normative_documents")],
            )
    compact = "".join(ln.text for ln in r.lines).replace(" ", "")
    if "本年度新制作数量" in compact or "本年度公开数量" in compact:
        yield finding(
            "STR-LABELS-EXACT",
            "表二列名印为“本年度新制作数量/本年度公开数量”，与模板“本年新制作数量/本年新公开数量”不一致。",
            where="t2",
        )


def _template_label(table: str, key: str, template: str) -> str:
    from reviewer.template import T2_ROWS_2019, T2_ROWS_2021, T3_ROWS_SINGLE_OTHER, T3_ROWS_SPLIT_OTHER

    specs = (
        (T2_ROWS_2019 if template == FMT_2019 else T2_ROWS_2021)
        if table == "t2"
        else T3_ROWS_SPLIT_OTHER + T3_ROWS_SINGLE_OTHER
    )
    return next((s.label for s in specs if s.key == key), key)


def _printed_label(r, t, key: str) -> str:
    line_no = t.row_lines.get(key)
    if not line_no:
        return ""
    for ln in r.lines:
        if ln.number == line_no:
            text = re.sub(r"[\d\s|]+$", "", ln.original.strip()).strip("| ").split("|")[0].strip()
            return text[:40] if len(text) <= 40 else ""
    return ""


_RESIDUE = re.compile(r"编写说明|XX(?:局|县|市|区|单位)|××|\(此处填写|（此处填写|可先适当综述")


@rule("STR-NO-TEMPLATE-RESIDUE", "warning", "无模板说明或占位符残留", "rulebook C.1 [V]")
def template_residue(ctx: Context) -> Iterator[Finding]:
    """Drafting notes, placeholders or instructions left in the text (编写说明, XX局, ××, （此处填写…）)."""
    for ln in ctx.report.lines:
        m = _RESIDUE.search(ln.text)
        if m:
            yield finding(
                "STR-NO-TEMPLATE-RESIDUE",
                f"文中残留模板说明或占位符“{m.group(0)}”。",
                where=f"line {ln.number}",
                lines=[ln.number],
                quotes=[ln.original.strip()[:80]],
            )
            return


@rule("STR-GOV-EXTRA", "warning", "人民政府报告写明考核、评议、追究情况", "rulebook C.1; 条例第五十条第（四）项 [V]")
def gov_extra(ctx: Context) -> Iterator[Finding]:
    """For 人民政府 reports: 工作考核、社会评议和责任追究结果 addressed. Shipped as a warning (rulebook: error)
    because the corpus shows clean government reports that word it differently; a human confirms."""
    r = ctx.report
    if r.office_level != "government":
        return
    text = "".join(ln.text for ln in r.lines)
    missing = [k for k in ("考核", "评议", "追究") if k not in text]
    if missing:
        yield finding(
            "STR-GOV-EXTRA",
            "人民政府年度报告未见"
            + "、".join({"考核": "工作考核", "评议": "社会评议", "追究": "责任追究"}[k] for k in missing)
            + "结果情况。",
            where="section 1",
            figures={"missing": missing},
        )


_SEC1_THEMES = {
    "主动公开": ("主动公开",),
    "依申请公开": ("依申请", "申请公开"),
    "政府信息管理": ("信息管理", "管理"),
    "平台建设": ("平台",),
    "监督保障": ("监督", "保障", "考核", "培训"),
}


@rule("STR-SEC1-COMPONENTS", "warning", "总体情况覆盖五个方面", "rulebook C.1; FMT-2021 (一) [V]")
def sec1_components(ctx: Context) -> Iterator[Finding]:
    """Section 一 covers 主动公开, 依申请公开, 政府信息管理, 平台建设 and 监督保障."""
    sec = ctx.report.section(1)
    if sec is None or len(sec.text.strip()) < 50:
        return
    missing = [theme for theme, keys in _SEC1_THEMES.items() if not any(k in sec.text for k in keys)]
    if missing:
        yield finding(
            "STR-SEC1-COMPONENTS",
            "总体情况未涉及：" + "、".join(missing) + "。",
            where="section 1",
            figures={"missing_themes": missing},
            lines=[sec.line],
        )


# ----------------------------------------------------------------------------------------------------- years
@rule("YR-TITLE", "error", "标题年度 = 统计年度", "rulebook C.2 [V]")
def yr_title(ctx: Context) -> Iterator[Finding]:
    """The title year equals the year of the stated 统计期限."""
    r = ctx.report
    if not r.title or not r.period:
        return
    from reviewer.parse.meta import title_year_office

    title_year, _ = title_year_office(r.title)
    if title_year and r.period["end"][0] != title_year:
        yield finding(
            "YR-TITLE",
            f"标题年度为{title_year}年，统计期限却为“{r.period['quote']}”。",
            where="title",
            figures={"title_year": title_year, "period_year": r.period["end"][0]},
            lines=[r.period["line"]],
            quotes=[r.title, r.period["quote"]],
        )


@rule("YR-PERIOD", "error", "统计期限为同一年1月1日至12月31日", "rulebook C.2; DB51/T 2660-2019 [V]")
def yr_period(ctx: Context) -> Iterator[Finding]:
    """The stated period is 1 Jan to 31 Dec of one year (start ≤ end) and of the statistical year."""
    r = ctx.report
    p = r.period
    if not p:
        return
    (y1, m1, d1), (y2, m2, d2) = p["start"], p["end"]
    problems = []
    if (y1, m1, d1) > (y2, m2, d2):
        problems.append("起始日期晚于截止日期")
    if (m1, d1) != (1, 1) or (m2, d2) != (12, 31) or y1 != y2:
        problems.append("不是同一年的1月1日至12月31日")
    if r.year and y2 != r.year:
        problems.append(f"与报告年度{r.year}年不符")
    body_year = _body_year(r)
    if not problems and r.year_evidence == "period" and body_year and body_year != y2:
        problems.append(f"与正文所述年度{body_year}年不符")
    if problems:
        yield finding(
            "YR-PERIOD",
            f"统计期限“{p['quote']}”" + "，".join(problems) + "。",
            where="period",
            figures={"start": p["start"], "end": p["end"], "year": r.year},
            lines=[p["line"]],
            quotes=[p["quote"]],
        )


def _body_year(report) -> int | None:
    """The year section 一 speaks of most often (``2023年，…``), ignoring full dates."""
    sec = report.section(1)
    if sec is None:
        return None
    years = Counter(int(y) for y in re.findall(r"((?:19|20)\d{2})年(?!\d{1,2}月)", sec.text[:1500]))
    if not years:
        return None
    year, count = years.most_common(1)[0]
    return year if count >= 2 else None


@rule("YR-SIGN-DATE", "error", "落款日期在统计年度之后", "rulebook C.2 [V]")
def yr_sign_date(ctx: Context) -> Iterator[Finding]:
    """The signature (落款) date falls after the statistical year (normally January-March of the next year)."""
    r = ctx.report
    if not r.sign_date or not r.year:
        return
    y, m, d = r.sign_date["date"]
    if y <= r.year:
        yield finding(
            "YR-SIGN-DATE",
            f"落款日期“{r.sign_date['quote']}”不晚于统计年度{r.year}年的年末。",
            where="signature",
            figures={"sign_date": r.sign_date["date"], "year": r.year},
            lines=[r.sign_date["line"]],
            quotes=[r.sign_date["quote"]],
        )


@rule("YR-BODY-YEAR", "warning", "正文年度一致", "rulebook C.2 [V]")
def yr_body_year(ctx: Context) -> Iterator[Finding]:
    """Narrative years consistent with the statistical year: the previous year used as 'this year' many times,
    or a later year's figures, suggest copy-paste."""
    r = ctx.report
    if not r.year:
        return
    text = "".join(ln.text for ln in r.lines)
    years = Counter(int(y) for y in re.findall(r"((?:19|20)\d{2})年(?!\d{1,2}月\d{1,2}日)", text))
    prev = years.get(r.year - 1, 0)
    cur = years.get(r.year, 0)
    if prev >= 3 and prev > cur:
        yield finding(
            "YR-BODY-YEAR",
            f"正文提及{r.year - 1}年{prev}次，多于本年度{r.year}年（{cur}次），疑为沿用上年文本。",
            where="body",
            figures={"previous_year_mentions": prev, "year_mentions": cur},
        )
