"""Report metadata: title, office, statistical year, reporting period, signature date, template version.

Sources, in order of trust: the title line ("<office><year>年政府信息公开工作年度报告"), the stated
统计期限, crawler metadata lines (标题:, 发布机构:), the signature block (office and date at the end), the body.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from reviewer.parse.textview import TextView
from reviewer.template import FMT2019_MARKERS, FMT2021_MARKERS, FMT_2019, FMT_2021

_TITLE_RE = re.compile(
    r"(?P<office>[\u4e00-\u9fff()（）]{0,40}?)(?P<year>(?:19|20)\d{2})\s*年度?\s*(?:的)?政府信息公开(?:工作)?(?:年度)?报告"
)
_PERIOD_RE = re.compile(
    r"统计(?:期限|时限|区间|时间|期间)[^0-9]{0,8}(?P<y1>(?:19|20)\d{2})年(?P<m1>\d{1,2})月(?P<d1>\d{1,2})日"
    r"[至到\-—~～]+(?:(?P<y2>(?:19|20)\d{2})年)?(?P<m2>\d{1,2})月(?P<d2>\d{1,2})日"
)
_DATE_RE = re.compile(r"(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日")
_ORGAN_SUFFIX = (
    "人民政府办公室",
    "人民政府办公厅",
    "人民政府",
    "管理委员会",
    "管委会",
    "办事处",
    "委员会",
    "办公室",
    "办公厅",
    "街道",
    "厅",
    "局",
    "委",
    "署",
    "院",
    "中心",
    "镇",
    "乡",
    "实验区",
    "办",
)
_ORGAN_RE = re.compile(r"([\u4e00-\u9fff]{2,30}?(?:" + "|".join(_ORGAN_SUFFIX) + r"))")
#: An organ name that ends exactly where the signature date begins (longest suffix wins: 街道办事处, not 街道).
_ORGAN_END_RE = re.compile(r"([\u4e00-\u9fff]{2,30}?(?:" + "|".join(_ORGAN_SUFFIX) + r"))$")


_TITLE_RE2 = re.compile(
    r"(?P<year>(?:19|20)\d{2})\s*年度?\s*(?P<office>[\u4e00-\u9fff()（）]{2,30}?)政府信息公开(?:工作)?(?:年度)?报告"
)
_QUOTED_TITLE = re.compile(r"《(?P<title>[^》]{4,60}?(?:19|20)\d{2}年度?政府信息公开(?:工作)?(?:年度)?报告)》")


def find_title(view: TextView) -> tuple[str, int | None]:
    """The report title and its 1-based line: the first lines (a title may wrap onto a second line), a ``标题:``
    metadata line, or a title quoted in the preamble (《…年度报告》)."""
    lines = [ln.strip() for ln in view.text.split("\n")]
    nonempty = [(i, ln) for i, ln in enumerate(lines[:20]) if ln and not re.fullmatch(r"[-—\d\s]+|正文", ln)]
    for k, (i, s) in enumerate(nonempty[:12]):
        if s.startswith("标题:"):
            s = s[3:].strip()
        for candidate in (s, s + (nonempty[k + 1][1] if k + 1 < len(nonempty) else "")):
            c = candidate.replace(" ", "")
            if len(c) <= 80 and (_TITLE_RE.search(c) or _TITLE_RE2.search(c)):
                return candidate, view.numbers[i]
    m = _QUOTED_TITLE.search(view.compact[:800])
    if m:
        return m.group("title"), view.line_of(view.to_text(m.start()))
    return "", None


def title_year_office(title: str) -> tuple[int | None, str]:
    """Statistical year and office name printed in ``title`` (None / '' when absent)."""
    compact = title.replace(" ", "")
    m = _TITLE_RE.search(compact)
    if m and m.group("office"):
        return int(m.group("year")), m.group("office").strip("()（）")
    m2 = _TITLE_RE2.search(compact)
    if m2:
        return int(m2.group("year")), m2.group("office").strip("()（）")
    if m:
        return int(m.group("year")), ""
    return None, ""


def find_period(view: TextView) -> dict | None:
    """The stated 统计期限 as ``{start: [y,m,d], end: [y,m,d], line, quote}`` or None."""
    m = _PERIOD_RE.search(view.compact)
    if not m:
        return None
    y1 = int(m.group("y1"))
    y2 = int(m.group("y2")) if m.group("y2") else y1
    start = view.to_text(m.start())
    return {
        "start": [y1, int(m.group("m1")), int(m.group("d1"))],
        "end": [y2, int(m.group("m2")), int(m.group("d2"))],
        "line": view.line_of(start),
        "quote": m.group(0),
    }


def find_sign_date(view: TextView) -> dict | None:
    """The signature (落款) date: the last full date in the closing 300 characters, with its line."""
    tail_from = max(0, len(view.compact) - 300)
    last = None
    for m in _DATE_RE.finditer(view.compact, tail_from):
        last = m
    if last is None:
        return None
    # a date inside a sentence about events ("于2023年3月…召开") is not a signature: require the date to end
    # the text or to be followed by non-sentence residue
    after = view.compact[last.end() : last.end() + 40]
    if after and not re.match(r"^(?:更多|附件|报告下载|\W|$)", after) and len(view.compact) - last.end() > 60:
        return None
    return {
        "date": [int(last.group("y")), int(last.group("m")), int(last.group("d"))],
        "line": view.line_of(view.to_text(last.start())),
        "quote": last.group(0),
    }


def find_signature_office(view: TextView, sign: dict | None) -> str:
    """Organ name printed just before the signature date ('' when none)."""
    if not sign:
        return ""
    idx = view.compact.rfind(sign["quote"])
    before = view.compact[max(0, idx - 40) : idx]
    m = _ORGAN_END_RE.search(before)
    if m is None:
        return ""
    name = m.group(1)
    for sep in ("。", "，", "：", ":", "事项", "情况", "报告"):
        name = name.split(sep)[-1]
    name = re.sub(r"^(?:无|暂无|没有)(?=[\u4e00-\u9fff]{4})", "", name)
    return name


def find_metadata_office(view: TextView) -> str:
    for ln in view.text.split("\n")[:15]:
        s = ln.strip()
        if s.startswith(("发布机构:", "单位:", "来源:")):
            value = s.split(":", 1)[1].strip()
            if value:
                return value
    return ""


def body_office(view: TextView) -> str:
    """Fallback: the organ named in the opening sentences of section 一 (e.g. '…，林校路街道积极推进…')."""
    m = re.search(
        r"[，,。]([\u4e00-\u9fff]{2,20}?(?:街道|镇|乡|人民政府|管委会|实验区|局|厅|委))(?:积极|认真|坚持|深入|始终|全面|持续)",
        view.compact[:3000],
    )
    return m.group(1) if m else ""


def same_office(a: str, b: str) -> bool:
    """True when two organ names denote the same organ (containment, or at most small OCR-like differences)."""
    a, b = a.strip(), b.strip()
    if not a or not b:
        return True
    if a in b or b in a:
        return True
    return SequenceMatcher(None, a, b).ratio() >= 0.75


def detect_template(view: TextView, year: int | None, t2_block_text: str, t3_block_text: str) -> tuple[str, str]:
    """``(template, evidence)``: FMT-2021 or FMT-2019 from table labels, else from the statistical year."""
    compact = re.sub(r"\s+", "", t2_block_text + t3_block_text)
    new = [m for m in FMT2021_MARKERS if m in compact]
    old = [m for m in FMT2019_MARKERS if m in compact]
    t2_compact = re.sub(r"\s+", "", t2_block_text)
    if any(m in t2_compact for m in ("本年制发件数", "现行有效件数", "本年废止件数")):
        return FMT_2021, "表二列名：" + "、".join(m for m in ("本年制发件数", "现行有效件数") if m in t2_compact)
    if old:
        return FMT_2019, "表二/表三标签：" + "、".join(old)
    if new:
        return FMT_2021, "表三标签：" + "、".join(new)
    if year is not None:
        return (FMT_2019 if year <= 2020 else FMT_2021), f"无表格标签，按统计年度{year}推定"
    return FMT_2021, "无表格标签与年度，按现行格式推定"
