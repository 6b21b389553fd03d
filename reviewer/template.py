"""The national annual-report template: sections, table rows and columns, as data.

Source: rulebook A.1-A.4 (FMT-2021 = 国办公开办函〔2021〕30号; FMT-2019 = 国办公开办函〔2019〕60号).
Chinese labels live here as data; identifiers follow the rulebook glossary (section E).

Every row spec carries ``anchors``: label fragments, most specific first, that the parsers search for in
whitespace-free normalised text. Matching a fragment instead of the whole printed label tolerates the label
variants of rulebook A.3 (dropped parentheticals, broken words, typos such as ``其他法律行政止公开``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

FMT_2021 = "FMT-2021"
FMT_2019 = "FMT-2019"


@dataclass(frozen=True)
class SectionSpec:
    """One of the six template sections (rulebook A.1).

    ``number`` is 1..6; ``title_pattern`` is a regex over whitespace-free text matching the canonical heading and
    the aliases seen in real reports.
    """

    number: int
    canonical: str
    title_pattern: str
    key: str


SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec(1, "总体情况", r"(?:总体情况|基本情况|总体概述|概述)", "overview"),
    SectionSpec(2, "主动公开政府信息情况", r"(?:行政机关)?主动公开政府信息(?:的)?情况", "proactive_disclosure"),
    SectionSpec(
        3,
        "收到和处理政府信息公开申请情况",
        r"(?:行政机关)?收到和处理政府信息公开申请(?:的)?情况",
        "disclosure_on_request",
    ),
    SectionSpec(
        4,
        "政府信息公开行政复议、行政诉讼情况",
        r"(?:因)?(?:政府信息公开)?(?:工作)?(?:被申请)?行政法?复议[、和及与]?(?:提起)?行政诉讼(?:的)?情况",
        "reconsideration_litigation",
    ),
    SectionSpec(
        5,
        "存在的主要问题及改进情况",
        r"(?:政府信息公开工作)?存在的?(?:主要)?问题(?:及|和|与)(?:改进|整改)(?:情况|措施)",
        "problems_improvements",
    ),
    SectionSpec(6, "其他需要报告的事项", r"其他需要报告的?事项", "other_matters"),
)

CHINESE_ORDINALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class RowSpec:
    """A table row: glossary key, printed label, label anchors, and the leaf ordinal (``1.``) if any."""

    key: str
    label: str
    anchors: tuple[str, ...]
    ordinal: int | None = None
    group: str | None = None


# ---------------------------------------------------------------- table 3 (rulebook A.3)
T3_COLUMNS: tuple[tuple[str, str], ...] = (
    ("natural_person", "自然人"),
    ("commercial", "商业企业"),
    ("research", "科研机构"),
    ("public_interest", "社会公益组织"),
    ("legal_service", "法律服务机构"),
    ("other_org", "其他"),
    ("total", "总计"),
)
T3_COLUMN_KEYS: tuple[str, ...] = tuple(k for k, _ in T3_COLUMNS)
T3_APPLICANT_KEYS: tuple[str, ...] = T3_COLUMN_KEYS[:6]

_T3_HEAD = (
    RowSpec("new_received", "一、本年新收政府信息公开申请数量", ("本年新收政府信息公开申请数量", "本年新收")),
    RowSpec("carried_over", "二、上年结转政府信息公开申请数量", ("上年结转政府信息公开申请数量", "上年结转")),
    RowSpec("granted", "（一）予以公开", ("予以公开",), group="outcomes"),
    RowSpec(
        "partially_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ("部分公开",), group="outcomes"
    ),
    RowSpec("denied_state_secret", "1.属于国家秘密", ("属于国家秘密", "国家秘密"), 1, "denied"),
    RowSpec(
        "denied_prohibited_by_law",
        "2.其他法律行政法规禁止公开",
        ("其他法律行政法规禁止公开", "其他法律行政", "法规禁止公开"),
        2,
        "denied",
    ),
    RowSpec("denied_security_stability", "3.危及“三安全一稳定”", ("三安全一稳定", "危及"), 3, "denied"),
    RowSpec("denied_third_party_rights", "4.保护第三方合法权益", ("保护第三方合法权益", "第三方合法权益"), 4, "denied"),
    RowSpec(
        "denied_internal_affairs",
        "5.属于三类内部事务信息",
        ("属于三类内部事务信息", "三类内部事务", "内部事务"),
        5,
        "denied",
    ),
    RowSpec(
        "denied_process_info", "6.属于四类过程性信息", ("属于四类过程性信息", "四类过程性", "过程性信息"), 6, "denied"
    ),
    RowSpec("denied_enforcement_file", "7.属于行政执法案卷", ("属于行政执法案卷", "行政执法案卷"), 7, "denied"),
    RowSpec("denied_admin_query", "8.属于行政查询事项", ("属于行政查询事项", "行政查询事项"), 8, "denied"),
    RowSpec(
        "unable_not_held",
        "1.本机关不掌握相关政府信息",
        ("本机关不掌握相关政府信息", "不掌握相关政府信息", "不掌握"),
        1,
        "unable",
    ),
    RowSpec(
        "unable_needs_creation", "2.没有现成信息需要另行制作", ("没有现成信息需要另行制作", "另行制作"), 2, "unable"
    ),
    RowSpec(
        "unable_unclear_after_correction",
        "3.补正后申请内容仍不明确",
        ("补正后申请内容仍不明确", "仍不明确"),
        3,
        "unable",
    ),
    RowSpec(
        "not_processed_petition_like",
        "1.信访举报投诉类申请",
        ("信访举报投诉类申请", "信访举报投诉"),
        1,
        "not_processed",
    ),
    RowSpec("not_processed_repeat_request", "2.重复申请", ("重复申请",), 2, "not_processed"),
    RowSpec(
        "not_processed_publication", "3.要求提供公开出版物", ("要求提供公开出版物", "公开出版物"), 3, "not_processed"
    ),
    RowSpec(
        "not_processed_abusive_volume",
        "4.无正当理由大量反复申请",
        ("无正当理由大量反复申请", "大量反复申请", "大量反复"),
        4,
        "not_processed",
    ),
    RowSpec(
        "not_processed_confirm_existing",
        "5.要求行政机关确认或重新出具已获取信息",
        ("要求行政机关确认或重新出具已获取信息", "重新出具已获取信息", "确认或重新出具", "已获取信息"),
        5,
        "not_processed",
    ),
)
_T3_OTHER_2021 = (
    RowSpec(
        "other_overdue_correction",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        ("申请人无正当理由逾期不补正", "逾期不补正"),
        1,
        "other_handling",
    ),
    RowSpec(
        "other_unpaid_fee",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        ("申请人逾期未按收费通知要求缴纳费用", "收费通知要求缴纳费用", "逾期未按收费通知"),
        2,
        "other_handling",
    ),
    RowSpec("other_other", "3.其他", ("3.其他", "3．其他", "3、其他"), None, "other_handling"),
)
_T3_OTHER_2019 = (RowSpec("other_handling", "（六）其他处理", ("其他处理",), None, "outcomes"),)
_T3_TAIL = (
    RowSpec("total_processed", "（七）总计", ("（七）总计", "(七)总计", "总计", "（七）合计", "(七)合计")),
    RowSpec(
        "carried_forward",
        "四、结转下年度继续办理",
        ("结转下年度继续办理", "结转下一年度继续办理", "结转下年度", "结转下一年度", "结转下年"),
    ),
)

#: Table 3 rows when the report prints the three （六） sub-rows (FMT-2021): 25 rows.
T3_ROWS_SPLIT_OTHER: tuple[RowSpec, ...] = _T3_HEAD + _T3_OTHER_2021 + _T3_TAIL
#: Table 3 rows when （六）其他处理 is one row (FMT-2019, and some 2021+ reports): 23 rows.
T3_ROWS_SINGLE_OTHER: tuple[RowSpec, ...] = _T3_HEAD + _T3_OTHER_2019 + _T3_TAIL

T3_OUTCOME_GROUPS = {
    "denied": "（三）不予公开",
    "unable": "（四）无法提供",
    "not_processed": "（五）不予处理",
    "other_handling": "（六）其他处理",
}
#: Group labels printed without numbers of their own (rulebook A.3: "group label, no numbers").
T3_GROUP_LABELS = (
    "三、本年度办理结果",
    "本年度办理结果",
    "（三）不予公开",
    "（四）无法提供",
    "（五）不予处理",
    "（六）其他处理",
)

# ---------------------------------------------------------------- table 4 (rulebook A.4)
T4_BLOCKS: tuple[tuple[str, str], ...] = (
    ("reconsideration", "行政复议"),
    ("litigation_direct", "未经复议直接起诉"),
    ("litigation_after_review", "复议后起诉"),
)
T4_COLUMNS: tuple[tuple[str, str], ...] = (
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other_result", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
)
T4_COLUMN_KEYS: tuple[str, ...] = tuple(k for k, _ in T4_COLUMNS)


# ---------------------------------------------------------------- table 2 (rulebook A.2)
@dataclass(frozen=True)
class T2RowSpec:
    """A table-2 row: key, anchors, and its column keys (counts unless listed in ``decimal_columns``)."""

    key: str
    label: str
    anchors: tuple[str, ...]
    columns: tuple[str, ...]
    decimal_columns: tuple[str, ...] = field(default_factory=tuple)
    signed_columns: tuple[str, ...] = field(default_factory=tuple)


T2_ROWS_2021: tuple[T2RowSpec, ...] = (
    T2RowSpec("rules", "规章", ("规章",), ("issued", "repealed", "in_force")),
    T2RowSpec(
        "normative_documents", "行政规范性文件", ("行政规范性文件", "规范性文件"), ("issued", "repealed", "in_force")
    ),
    T2RowSpec("licensing", "行政许可", ("行政许可",), ("decisions",)),
    T2RowSpec("penalty", "行政处罚", ("行政处罚",), ("decisions",)),
    T2RowSpec("coercion", "行政强制", ("行政强制",), ("decisions",)),
    T2RowSpec(
        "admin_fees", "行政事业性收费", ("行政事业性收费",), ("amount_wan_yuan",), decimal_columns=("amount_wan_yuan",)
    ),
)
_ITEMS = ("prev_year_items", "change", "decisions")
T2_ROWS_2019: tuple[T2RowSpec, ...] = (
    T2RowSpec("rules", "规章", ("规章",), ("new_made", "new_published", "total_published")),
    T2RowSpec("normative_documents", "规范性文件", ("规范性文件",), ("new_made", "new_published", "total_published")),
    T2RowSpec("licensing", "行政许可", ("行政许可",), _ITEMS, signed_columns=("change",)),
    T2RowSpec(
        "other_services",
        "其他对外管理服务事项",
        ("其他对外管理服务事项", "其他对外管理服务"),
        _ITEMS,
        signed_columns=("change",),
    ),
    T2RowSpec("penalty", "行政处罚", ("行政处罚",), _ITEMS, signed_columns=("change",)),
    T2RowSpec("coercion", "行政强制", ("行政强制",), _ITEMS, signed_columns=("change",)),
    T2RowSpec(
        "admin_fees", "行政事业性收费", ("行政事业性收费",), ("prev_year_items", "change"), signed_columns=("change",)
    ),
    T2RowSpec("procurement", "政府集中采购", ("政府集中采购",), ("items", "amount"), decimal_columns=("amount",)),
)

#: Labels whose presence marks the template version (rulebook F.1).
FMT2021_MARKERS = ("本年制发件数", "现行有效件数", "本年废止件数", "逾期不补正", "收费通知要求缴纳费用")
FMT2019_MARKERS = (
    "本年新制作数量",
    "本年新公开数量",
    "对外公开总数量",
    "政府集中采购",
    "上一年项目数量",
    "本年度新制作数量",
)

#: Top-level section numbering accepted in headings.
TOP_NUMBER_RE = re.compile(r"(?P<num>[一二三四五六七八九十]|\d{1,2})\s*[、.．]")


def chinese_ordinal(n: int) -> str:
    """Return the Chinese numeral 一..十 for 1..10 (section and sub-heading numbering)."""
    return CHINESE_ORDINALS[n - 1]


def t3_rows(single_other: bool) -> tuple[RowSpec, ...]:
    """Table-3 row specs: 23 rows with one （六）其他处理 row, else the 25 FMT-2021 rows."""
    return T3_ROWS_SINGLE_OTHER if single_other else T3_ROWS_SPLIT_OTHER


def t2_rows(template: str) -> tuple[T2RowSpec, ...]:
    """Table-2 row specs for a template code (``FMT-2021`` or ``FMT-2019``)."""
    return T2_ROWS_2019 if template == FMT_2019 else T2_ROWS_2021


# ---------------------------------------------------------------- column header labels (rulebook A.2-A.4)
#: Printed header texts that identify each column, most specific first (compared with the whole header cell after
#: normalisation, whitespace and a trailing parenthetical such as ``（单位：万元）`` removed). Tables are read by these
#: labels, not by the position of a value (issue 11): a value is taken only from a cell under an identified column.
T3_COLUMN_LABELS: dict[str, tuple[str, ...]] = {
    "natural_person": ("自然人",),
    "commercial": ("商业企业", "商业"),
    "research": ("科研机构", "科研"),
    "public_interest": ("社会公益组织", "公益组织", "社会公益"),
    "legal_service": ("法律服务机构", "法律服务"),
    "other_org": ("其他", "其它"),
    "total": ("总计", "合计"),
}
#: Group headers printed above table 3's columns: a header text equal to one of them is that group header, never a
#: column label, even where part of it reads like one (``法人或其他组织`` printed one character per line holds 其/他).
T3_GROUP_HEADERS: tuple[str, ...] = ("法人或其他组织", "法人或者其他组织", "申请人情况")
#: Table-4 leaf columns (under each of the three blocks) and the block headers above them.
T4_COLUMN_LABELS: dict[str, tuple[str, ...]] = {
    "upheld": ("结果维持", "维持"),
    "corrected": ("结果纠正", "纠正"),
    "other_result": ("其他结果", "其它结果"),
    "pending": ("尚未审结", "尚未结案", "未审结"),
    "total": ("总计", "合计"),
}
T4_BLOCK_LABELS: dict[str, tuple[str, ...]] = {
    "reconsideration": ("行政复议",),
    "litigation_direct": ("未经复议直接起诉", "直接起诉"),
    "litigation_after_review": ("复议后起诉",),
}
T2_COLUMN_LABELS: dict[str, tuple[str, ...]] = {
    "issued": ("本年制发件数", "本年制发", "制发件数"),
    "repealed": ("本年废止件数", "本年废止", "废止件数"),
    "in_force": ("现行有效件数", "现行有效", "有效件数"),
    "decisions": ("本年处理决定数量", "处理决定数量", "本年处理决定", "决定数量"),
    "amount_wan_yuan": ("本年收费金额", "收费金额"),
    "new_made": ("本年新制作数量", "本年度新制作数量", "新制作数量"),
    "new_published": ("本年新公开数量", "本年度新公开数量", "新公开数量"),
    "total_published": ("对外公开总数量", "公开总数量"),
    "prev_year_items": ("上一年项目数量", "上年项目数量", "上一年度项目数量"),
    "change": ("本年增/减", "本年增减", "增/减", "增减", "本年增加/减少"),
    "items": ("采购项目数量", "项目数量"),
    "amount": ("采购总金额", "总金额"),
}
