"""Parse: :class:`~reviewer.models.Document` -> :class:`~reviewer.models.AnnualReport`.

Order: sections (headings) -> table blocks -> template version -> tables 3, 4, 2 -> metadata.
"""

from __future__ import annotations

import re

from reviewer.models import AnnualReport, Document
from reviewer.parse import meta
from reviewer.parse.confidence import assess
from reviewer.parse.sections import find_sections
from reviewer.parse.tables import locate_blocks, parse_t2, parse_t3, parse_t4
from reviewer.parse.textview import TextView


def parse_document(doc: Document) -> AnnualReport:
    """Parse a decoded document into a typed report.

    Never raises for odd content: a text that is not a report comes back with no sections and tables that are
    ``absent``. Output cells carry 1-based source line numbers.
    """
    view = TextView(doc.lines)
    sections, slips = find_sections(view)
    blocks = locate_blocks(view, sections)
    sec = {s.number: s for s in sections}

    title, _title_line = meta.find_title(view)
    title_year, title_office = meta.title_year_office(title)
    period = meta.find_period(view)
    sign = meta.find_sign_date(view)
    year = title_year
    year_evidence = "title" if title_year else ""
    if year is None and period:
        year, year_evidence = period["end"][0], "period"
    if year is None:
        year, year_evidence = _body_year(view)

    t2_text = view.text[blocks["t2"].start : blocks["t2"].end] if blocks["t2"] else ""
    t3_text = view.text[blocks["t3"].start : blocks["t3"].end] if blocks["t3"] else ""
    template, evidence = meta.detect_template(view, year, t2_text, t3_text)

    t3 = parse_t3(view, blocks["t3"], sec.get(3))
    t4 = parse_t4(view, blocks["t4"], sec.get(4))
    figures = narrative_figures_of(_prose_lines(doc.lines, view, blocks, (t3, t4)), sections, template)
    t2 = parse_t2(view, blocks["t2"], sec.get(2), template, _t2_values(figures))

    for table in (t2, t3, t4):
        assess(table)
    sign_office = meta.find_signature_office(view, sign)
    _trim_signature(view, sections, sign, sign_office)
    is_report = len(sections) >= 3 or bool(title) or t3.ok
    office = title_office or meta.find_metadata_office(view) or sign_office or meta.body_office(view)
    return AnnualReport(
        path=doc.path,
        sha256=doc.sha256,
        encoding=doc.encoding,
        source_format=doc.source_format,
        title=title,
        office=office,
        office_level=_office_level(office),
        year=year,
        year_evidence=year_evidence,
        template=template,
        template_evidence=evidence,
        period=period,
        sign_date=(dict(sign, office=sign_office) if sign else None),
        sections=sections,
        heading_slips=slips,
        t2=t2,
        t3=t3,
        t4=t4,
        is_report=is_report,
        lines=doc.lines,
        figures=figures,
    )


def narrative_figures_of(lines, sections, template: str | None = None):
    """Figures stated in the narrative of ``lines`` (list of :class:`Line`), each tagged with the template section
    its line falls in. Extracted once per report by the parser (also used to settle glued table-2 splits)."""
    from reviewer.narrative import extract_figures

    ordered = sorted(sections, key=lambda s: s.line)

    def section_of(line: int) -> int | None:
        found = None
        for s in ordered:
            if s.line <= line:
                found = s.number
        return found

    # a line whose text was blanked (PDF page furniture, a line of markup only) is not part of the narrative
    return extract_figures(
        [(ln.number, ln.original if ln.text.strip() else "") for ln in lines], section_of, template=template
    )


def _prose_lines(lines, view: TextView, blocks, tables) -> list:
    """``lines`` without the rows of the parsed tables 3 and 4, for the narrative pass (which masks table regions
    anyway; skipping them is about a third of its time). A table row is a line that holds a parsed cell, or lies
    strictly inside the block of a parsed table; a line with a full stop is prose and always kept."""
    table_lines: set[int] = set()
    for table in tables:
        if not table.ok:
            continue
        table_lines.update(c.line for cols in table.rows.values() for c in cols.values() if c.line)
        block = blocks.get(table.name)
        if block is not None:
            first, last = view.line_of(block.start), view.line_of(max(block.start, block.end - 1))
            table_lines.update(range(first + 1, last))
    if not table_lines:
        return lines
    return [ln for ln in lines if ln.number not in table_lines or "。" in ln.text]


def _t2_values(figures) -> dict[str, set[float]]:
    """Values the narrative states for table-2 cells (``row.column`` -> values)."""
    out: dict[str, set[float]] = {}
    for f in figures:
        if f.metric.startswith("t2.") and "+" not in f.metric and not f.approximate:
            _, row, col = f.metric.split(".")
            out.setdefault(f"{row}.{col}", set()).add(f.value)
    return out


def _trim_signature(view: TextView, sections, sign: dict | None, sign_office: str) -> None:
    """Cut the signature block (office, date) and any trailing site residue off the last section's text."""
    if not sections:
        return
    last = sections[-1]
    cut = None
    if sign:
        hit = view.find(sign["quote"], last.offset)
        if hit:
            cut = hit[0]
            if sign_office:
                office = view.find(sign_office, max(last.offset, hit[0] - 80), hit[0])
                if office:
                    cut = office[0]
    residue = re.search(r"更多信息请关注|报告下载|附件下载|附件[:：]", last.text)
    if residue:
        pos = last.end_offset - (len(last.text) - residue.start())
        cut = min(cut, pos) if cut is not None else pos
    if cut is not None and cut > last.offset:
        body_start = last.end_offset - len(last.text)
        if cut >= body_start:
            last.text = view.text[body_start:cut]
            last.original_text = view.original(body_start, cut)


def _body_year(view: TextView) -> tuple[int | None, str]:
    years = re.findall(r"((?:19|20)\d{2})年", view.compact[:4000])
    if not years:
        return None, ""
    from collections import Counter

    return int(Counter(years).most_common(1)[0][0]), "body"


def _office_level(office: str) -> str:
    """Coarse level of the organ from its name: government, department, township, other."""
    if not office:
        return ""
    if office.endswith(("人民政府", "管委会", "管理委员会", "实验区")):
        return "government"
    if office.endswith(("街道", "镇", "乡", "办事处")):
        return "township"
    if office.endswith(("人民政府办公室", "人民政府办公厅")):
        return "government_office"
    return "department"
