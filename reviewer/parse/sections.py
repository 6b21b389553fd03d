"""Find the six template sections and numbering slips (rulebook A.1; STR-SECTIONS-PRESENT, STR-HEADING-NUMBER).

A heading is a top-level number (``二、``, ``2、``, ``2.``) followed by a section title or one of its aliases,
searched in whitespace-free text so that flattened one-line reports work too. Sections are taken in template
order; a heading numbered with the wrong numeral (``2、`` for ``二、``) is still accepted and recorded as a slip.
"""

from __future__ import annotations

import re

from reviewer.models import HeadingSlip, Section
from reviewer.parse.textview import TextView
from reviewer.template import CHINESE_ORDINALS, SECTIONS, chinese_ordinal

#: Section numbers are 1..6: one Arabic digit (a digit glued before it belongs to a table cell: "…2" + "4、").
_NUM = r"(?P<num>[一二三四五六七八九十]|\d)[、.]"
_SUB_NUM = r"[(（](?P<num>[一二三四五六七八九十]|\d{1,2})[)）]"
#: After a real heading comes text; after an item of a preamble list comes a list separator.
_LIST_FOLLOWER = set("，,、；;)）等")
_TABLE_ROW_WORDS = ("本年新收", "上年结转", "本年度办理结果", "结转下年度", "结转下一年度")
_SEC5_FALLBACK = re.compile(r"[(（]一[)）](?:存在的)?主要问题|存在的主要问题|存在问题")


_SECTION_HEADINGS = {spec.number: re.compile(_NUM + r"(?P<title>" + spec.title_pattern + r")") for spec in SECTIONS}


def _value_of(num: str) -> int:
    if num.isdigit():
        return int(num)
    return CHINESE_ORDINALS.index(num) + 1


def find_sections(view: TextView) -> tuple[list[Section], list[HeadingSlip]]:
    """Locate template sections 1..6 in ``view``.

    Returns ``(sections, slips)``: sections in template order with text offsets, 1-based lines and their text;
    slips for headings whose printed number is not the expected Chinese numeral.
    """
    found: list[tuple[int, int, int, str, str]] = []  # (number, start, end, printed, heading)
    pos = 0
    for spec in SECTIONS:
        pattern = _SECTION_HEADINGS[spec.number]
        hit = None
        for start, end, m in view.iter_search(pattern, pos):
            nxt = view.compact[view.to_compact(end) : view.to_compact(end) + 1]
            if nxt and nxt in _LIST_FOLLOWER:
                continue
            hit = (start, end, m)
            break
        if hit is None and spec.number == 5 and found:
            # e.g. a problems part introduced only by "（一）主要问题" after table 4
            for start, end, m in view.iter_search(_SEC5_FALLBACK, pos):
                hit = (start, start, None)
                break
        if hit is None:
            continue
        start, end, m = hit
        printed = m.group("num") + view.compact[view.to_compact(start) + len(m.group("num"))] if m else ""
        heading = m.group("title") if m else ""
        found.append((spec.number, start, end, printed, heading))
        pos = end

    sections: list[Section] = []
    slips: list[HeadingSlip] = []
    for i, (number, start, end, printed, heading) in enumerate(found):
        stop = found[i + 1][1] if i + 1 < len(found) else len(view.text)
        body = view.text[end:stop]
        sections.append(
            Section(
                number=number,
                heading=heading,
                printed_number=printed,
                line=view.line_of(start),
                end_line=view.line_of(max(stop - 1, start)),
                offset=start,
                end_offset=stop,
                text=body,
                original_text=view.original(end, stop),
            )
        )
        if printed and printed[:-1] != chinese_ordinal(number):
            slips.append(
                HeadingSlip(
                    printed=printed,
                    expected=chinese_ordinal(number) + "、",
                    heading=view.original(start, end) or (printed + heading),
                    line=view.line_of(start),
                    level="section",
                )
            )
    slips.extend(_subheading_slips(view, sections))
    return sections, slips


_SUB_LINE = re.compile(r"^\s*" + _SUB_NUM)
_LIST_ITEM = re.compile(r"([一二三四五六七八九十])是")


_TABLE_LABEL_WORDS = _TABLE_ROW_WORDS + ("予以公开", "部分公开", "不予公开", "无法提供", "不予处理", "其他处理", "总计")


def _is_table_label(raw: str) -> bool:
    return len(raw.strip()) <= 40 and any(w in raw for w in _TABLE_LABEL_WORDS)


def _subheading_slips(view: TextView, sections: list[Section]) -> list[HeadingSlip]:
    """Sub-heading series （一）（二）… with an Arabic numeral or a skipped/repeated number; ``一是…三是…三是``."""
    slips: list[HeadingSlip] = []
    for sec in sections:
        if sec.number not in (1, 5, 6):
            continue  # sections 二-四 hold the tables, whose row labels look like sub-headings
        lines = view.text[sec.offset : sec.end_offset].split("\n")
        base_line = sec.offset
        series: list[tuple[str, int, str]] = []
        offset = base_line
        for raw in lines:
            m = _SUB_LINE.match(raw)
            if m and "|" not in raw and not _is_table_label(raw):
                series.append((m.group("num"), offset, raw.strip()))
            offset += len(raw) + 1
        if len(series) >= 3:
            chinese = sum(1 for num, _, _ in series if not num.isdigit())
            expected = 1
            for num, off, raw in series:
                value = _value_of(num)
                style_slip = num.isdigit() and chinese > len(series) / 2
                if style_slip or value != expected:
                    slips.append(
                        HeadingSlip(
                            printed=f"（{num}）",
                            expected=f"（{chinese_ordinal(expected) if expected <= 10 else expected}）",
                            heading=view.original(off, off + len(raw)).strip()[:40] or raw[:40],
                            line=view.line_of(off),
                            level="subsection",
                        )
                    )
                expected = value + 1 if not style_slip else expected + 1
        # 一是…二是… enumerations inside paragraphs
        for para_start, para in _paragraphs(view.text, sec.offset, sec.end_offset):
            prev = 0
            for m in _LIST_ITEM.finditer(para):
                value = _value_of(m.group(1))
                if value == 1:
                    prev = 1
                    continue
                if prev and value != prev + 1:
                    slips.append(
                        HeadingSlip(
                            printed=m.group(0),
                            expected=chinese_ordinal(min(prev + 1, 10)) + "是",
                            heading=view.original(
                                para_start + max(0, m.start() - 10), para_start + m.end() + 20
                            ).replace("\n", ""),
                            line=view.line_of(para_start + m.start()),
                            level="list",
                        )
                    )
                if prev:
                    prev = value
    return slips


_PARAGRAPH_BREAK = re.compile(r"(\n|。\s{2,}|\s{2,})")


def _paragraphs(text: str, start: int, end: int) -> list[tuple[int, str]]:
    out = []
    pos = start
    for chunk in _PARAGRAPH_BREAK.split(text[start:end]):
        if chunk and not chunk.isspace():
            out.append((pos, chunk))
        pos += len(chunk)
    return out
