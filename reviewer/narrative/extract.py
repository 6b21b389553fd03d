"""Deterministic extraction of figures stated in the narrative of an annual report (rulebook XS-NARR-*).

The extractor reads the prose of a report -- never the statistical tables -- and returns every figure that speaks
about a quantity with a table cell (tables 2, 3, 4) or about the 信息处理费 statement of section 六, as
:class:`~reviewer.models.NarrativeFigure` objects in the gold ``metric`` syntax.

How it works (all steps are deterministic):

1. *Stream*: the caller's lines are joined into one text with a character -> source-line map. Lines that wrap in
   the middle of a sentence (PDF extractions, Markdown paragraphs) are joined without a separator; paragraph ends,
   headings and blank lines become ``\\n``. Page markers (``- 2 -``) are dropped. A 1:1 character normalisation
   (full-width digits, ideographic spaces, brackets) keeps offsets aligned with the original text.
2. *Masking*: table regions (from a table start marker such as ``第二十条第（一）项``, ``（本列数据的勾稽关系``,
   ``申请人情况`` or the table-4 header, to the next section heading) and the section headings themselves are blanked,
   so glued table cells (``一、本年新收政府信息公开申请数量121010014``) are never read.
3. *Numbers*: Arabic (spaced, full-width, decimals) and Chinese numerals (via ``cn2an``) followed by a unit.
   Years, dates and percentages are skipped; numbers without a unit are ignored.
4. *Labels*: each number is mapped to a metric by the keyword immediately before it (``不予公开 20 件``), or after it
   (``1件结转下年度继续办理``), resolved with the nearest verb of the sentence (收到/受理 -> received,
   办结/办理/答复 -> processed; 制发/印发 -> issued, 起草/移交 -> rejected). Keyword tables are module-level data.
5. *Zero statements*: negative sentences (``未发生…行政复议、行政诉讼案件``, ``未收取信息处理费``,
   ``收费通知的件数和总金额…均为0``) yield figures with value 0.

Only figures with a metric are emitted: counts without a table cell (主动公开信息184条, 新闻发布会12场) are not.
"""

from __future__ import annotations

import bisect
import re
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import repeat

import cn2an

from reviewer.models import NarrativeFigure
from reviewer.template import FMT_2019, FMT_2021, SECTIONS

__all__ = ["extract_figures", "detect_template"]

# ----------------------------------------------------------------------------------------------------- data tables

#: 1:1 character normalisation (offsets must not move). ',' between digits stays (thousands separator).
_CHAR_MAP: dict[str, str] = {
    **{chr(0xFF10 + i): str(i) for i in range(10)},
    "\u3000": " ",
    "\xa0": " ",
    "\t": " ",
    "\u2002": " ",
    "\u2003": " ",
    "(": "（",
    ")": "）",
    ":": "：",
    ";": "；",
    "!": "！",
    "?": "？",
    "．": ".",
    "％": "%",
    "﹪": "%",
}

#: A whole line that is only a page marker (``- 2 -``, ``— 1 —``, ``第 3 页``).
_PAGE_MARKER = re.compile(r"^\s*(?:[-—–－]+\s*\d{1,3}\s*[-—–－]+|第\s*\d{1,3}\s*页(?:\s*共\s*\d+\s*页)?)\s*$")

#: A line that starts like a heading: Markdown ``#``, ``一、``, ``（一）``, ``2、``.
_HEADING_START = re.compile(
    r"^(?:#{1,6}\s*|[一二三四五六七八九十]{1,3}\s*[、.]|（\s*[一二三四五六七八九十\d]{1,3}\s*）|\d{1,2}\s*、)"
)

#: Characters after which a line break is a real break (the line ends a sentence or clause).
_LINE_FINAL = "。！？；：!?;:"

#: Extra heading aliases (section number, pattern matched at the start of the heading text), besides
#: :data:`reviewer.template.SECTIONS`.
_SECTION_ALIASES: tuple[tuple[int, str], ...] = (
    (1, r"(?:总体情况|基本情况|总体概况|概述)"),
    (2, r"主动公开(?:政府信息)?(?:工作)?(?:的)?情况"),
    (3, r"(?:收到和处理|(?:政府信息公开|依申请公开)(?:申请)?(?:工作)?(?:的)?情况)"),
    (4, r"(?:政府信息公开)?行政法?复议"),
    (5, r"(?:政府信息公开工作)?存在(?:的)?(?:主要)?问题"),
    (6, r"其他需要报告"),
)

#: The rest of a heading after a short alias: ``及改进情况``, ``、行政诉讼情况``.
_HEADING_TAIL = re.compile(r"(?:(?![一二三四五六七八九十]、)[^，。；\n\d未无不]){0,10}?(?:情况|事项|措施)")

#: Last table-like token before the first full stop after a table start (fallback end of a table region).
_TABLE_TOKEN = re.compile(r"\d{3,}|\||总\s*计|审\s*结|继续办理|万元）|收费金额")

#: Numbering in front of a section heading (``三、``, ``3、``, ``## 四、``). Not preceded by another numeral or 第.
#: (Each scanning pattern below opens with a lookahead naming every possible first character: it changes no match
#: but lets the regex engine reject most positions at once -- three to four times faster on a report.)
_SECTION_NUMBERING = re.compile(
    r"(?=[#一二三四五六七八九十1-9])(?<![第一二三四五六七八九十\d.])(?:#{1,6}\s*)?(?:[一二三四五六七八九十]{1,2}|[1-9])\s*[、.]\s*"
)

#: Table start markers -> table kind. A region runs from the marker to the next section heading.
_TABLE_STARTS: tuple[tuple[str, str], ...] = (
    ("t2", r"第二十条\s*第\s*（\s*[一五六八九]\s*）\s*项"),
    ("t2", r"信息内容[\s|]*本年"),
    ("t3", r"（本列数据的勾稽关系"),
    ("t3", r"申请人情况(?=[\s|#（]*(?:自然人|法人|（本列|\n|$))"),
    ("t3", r"一、\s*本年新收政府信息公开申请数量"),
    ("t4", r"行政复议[\s|]*行政诉讼(?=[\s|]*(?:结\s*果|未经|维持|总计|\n|$))"),
    ("t4", r"结果\s*维持[\s|]*结果\s*纠正"),
)

#: Table-2 and table-4 regions also end at a sub-heading at the start of a line (those tables have none).
_TABLE_SUBHEADING_END = re.compile(r"\n\s*(?:（\s*[一二三四五六七八九十]{1,2}\s*）|[一二三四五六七八九十]{1,2}、)")

#: Inline sub-heading markers that separate sentences: （一）, （5）.
_SUBHEADING_MARK = re.compile(r"（\s*(?:[一二三四五六七八九十]{1,2}|\d{1,2})\s*）")

#: Units. Counts of applications/cases, of documents/decisions, money.
T3_UNITS: tuple[str, ...] = ("件", "份", "个", "宗", "起", "件次")
T4_UNITS: tuple[str, ...] = ("件", "起", "宗", "个")
T2_COUNT_UNITS: tuple[str, ...] = ("件", "个", "项", "部", "份")
T2_DECISION_UNITS: tuple[str, ...] = ("件", "项", "个", "起", "宗")
MONEY_UNITS: tuple[str, ...] = ("元", "万元")
FEE_NOTICE_COUNT_UNITS: tuple[str, ...] = ("件", "份", "次", "个", "笔")

#: Arabic number with optional approximation words and unit. Units ``年/月/日/号/%`` mark non-figures.
_NUM_RE = re.compile(
    # "\s*" only after a prefix word: a bare leading "\s*" backtracks quadratically over masked (blank) runs
    r"(?=[约近超逾大将\d])(?<![\d.A-Za-z])(?:(?P<pre>约|近|超过|超|逾|大约|将近)\s*)?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"\s*(?P<post>余|多)?\s*(?P<unit>万元|元|件次|件|起|项|个|份|宗|次|条|篇|场|期|部|笔|名|位|%|年|月|日|号|人次|人|万)?"
)
#: Chinese numeral directly followed by a count unit (``十八件``, ``两次``). Not after 第 (ordinals).
_CN_NUM_RE = re.compile(
    r"(?=[约近超逾大将零一二两三四五六七八九十百千])(?<![第一二三四五六七八九十百千万零两])(?P<pre>约|近|超过|超|逾|大约|将近)?(?P<num>[零一二两三四五六七八九十百千]+)"
    r"(?P<post>余|多)?(?P<unit>件|起|项|个|份|宗|次)"
)
_NON_FIGURE_UNITS = ("年", "月", "日", "号", "%")

#: Fillers allowed between a label and its number (``申请共计81件``, ``行政诉讼数为 0 件``).
_FILL = r"(?:的|共|共计|合计|总计|累计|计|为|数为|数量为|数量|总数为|总数|数|有|达|达到|了|分别为|各类|：)*\s*"

#: Application nouns (``政府信息公开申请``, ``依申请公开案件``).
_APP = (
    r"(?:(?:政府)?信息公开(?:的)?申请|公开申请|依申请(?:政府)?(?:信息)?公开(?:申请|案件|事项|文件数?|件)?|申请件"
    r"|(?:收到|受理|新收|接收|接到|办结|办理|答复)(?:了)?(?:各类|的)?申请)"
)

#: Pre-number label rules: (rule id, label regex). The label must end the text before the number (plus fillers).
#: When several match, the longest label wins (``予以公开及部分公开`` beats ``部分公开``).
PRE_RULES: tuple[tuple[str, str], ...] = (
    ("carried_over", r"上一?年度?结转(?:的)?(?:政府信息公开|信息公开)?(?:申请)?"),
    ("new_received", r"本年(?:度)?新收(?:的)?(?:政府信息公开|信息公开)?(?:申请)?|新收(?:申请)?"),
    (
        "carried_forward",
        r"(?:结转|顺延|转)(?:至|到|入)?(?:下一?年度?|\d{4}\s*年度?)(?:继续)?(?:办理)?(?:答复)?(?:的)?"
        r"(?:政府信息公开|信息公开)?(?:申请)?",
    ),
    ("granted_partial", r"(?:予以|同意)公开(?:及|和|与|、|或)部分公开(?:答复)?(?:的)?"),
    ("granted", r"(?:予以公开|同意公开|全部公开)(?:答复)?(?:的)?"),
    ("partially_granted", r"部分公开(?:答复)?(?:的)?"),
    ("denied", r"不予公开(?:答复)?(?:的)?"),
    ("unable", r"无法提供(?:答复)?(?:的)?"),
    ("not_processed", r"不予处理(?:答复)?(?:的)?"),
    ("other_handling", r"其他处理(?:答复)?(?:的)?"),
    ("leaf.denied_state_secret", r"(?:属于)?国家秘密(?:的)?"),
    ("leaf.denied_prohibited_by_law", r"(?:其他)?法律行政法规禁止公开(?:的)?"),
    ("leaf.denied_security_stability", r"(?:危及)?[“\"]?三安全一稳定[”\"]?(?:的)?"),
    ("leaf.denied_third_party_rights", r"(?:保护)?第三方合法权益(?:的)?"),
    ("leaf.denied_internal_affairs", r"(?:属于)?(?:三类)?内部事务(?:信息)?(?:的)?"),
    ("leaf.denied_process_info", r"(?:属于)?(?:四类)?过程性信息(?:的)?"),
    ("leaf.denied_enforcement_file", r"(?:属于)?行政执法案卷(?:的)?"),
    ("leaf.denied_admin_query", r"(?:属于)?行政查询事项(?:的)?"),
    ("leaf.unable_not_held", r"(?:本机关)?不掌握(?:相关)?(?:政府)?(?:信息)?(?:的)?"),
    ("leaf.unable_needs_creation", r"(?:没有现成信息)?需要?另行制作(?:的)?"),
    ("leaf.unable_unclear_after_correction", r"补正后(?:申请)?内容仍不明确(?:的)?"),
    ("leaf.not_processed_petition_like", r"信访举报投诉类?(?:申请)?(?:的)?"),
    ("leaf.not_processed_repeat_request", r"重复申请(?:的)?"),
    ("leaf.not_processed_publication", r"要求提供公开出版物(?:的)?"),
    ("leaf.not_processed_abusive_volume", r"无正当理由大量反复申请(?:的)?"),
    ("applicant.natural_person", r"自然人(?:提出)?(?:的)?(?:申请)?"),
    ("applicant.org", r"法人(?:或|和|及|、)?其他组织(?:提出)?(?:的)?(?:申请)?"),
    ("applicant.commercial", r"商业企业(?:提出)?(?:的)?(?:申请)?"),
    ("applicant.research", r"科研机构(?:提出)?(?:的)?(?:申请)?"),
    ("applicant.public_interest", r"社会公益组织(?:提出)?(?:的)?(?:申请)?"),
    ("applicant.legal_service", r"法律服务机构(?:提出)?(?:的)?(?:申请)?"),
    ("t4.upheld", r"(?:结果)?维持"),
    ("t4.corrected", r"(?:结果)?纠正|纠错"),
    ("t4.other_result", r"其他结果"),
    ("t4.pending", r"(?:尚)?未审结|审理中"),
    ("t4.related_cases", r"相关(?:法律)?案件"),
    ("reconsideration", r"行政复议(?:案件|申请|件)?"),
    ("litigation", r"行政(?:诉讼|应诉)(?:案件|件)?"),
    ("normative.in_force", r"(?:现行有效|保留)(?:的)?(?:部门)?(?:行政)?规范性文件"),
    ("normative", r"(?:行政)?规范性文件"),
    ("normative.repealed", r"(?:宣布)?废止(?:了)?(?:(?:行政)?规范性文件)?"),
    ("doc.in_force", r"现行有效(?:的)?"),
    ("rules", r"规章"),
    ("licensing", r"行政许可(?:审批)?(?:事项)?(?:决定)?(?:办件)?"),
    ("penalty", r"行政处罚(?:决定)?(?:案件)?(?:事项)?"),
    ("coercion", r"行政强制(?:措施)?(?:决定)?(?:案件)?(?:事项)?"),
    ("admin_fees", r"行政事业性收费(?:金额|收入)?"),
    ("fee_notice", r"收费通知(?:书)?"),
    ("fee", r"(?:信息)?处理费(?:用)?(?:收入)?|(?:实际)?收取(?:费用)?|实收"),
    ("fee.amount", r"(?:总)?金额(?:合计|共计)?"),
    ("application", _APP),
    # a late or extended answer ("超期答复3件") counts the late ones, not the requests handled
    ("process_verb", r"(?<!超期)(?<!逾期)(?<!延期)(?<!超时)(?<!延长)(?:办结|办理|答复|办理完成|办理答复)(?:了)?"),
)

#: Post-number label rules: (rule id, regex matched at the text right after the unit).
POST_RULES: tuple[tuple[str, str], ...] = (
    ("carried_forward", r"(?:申请)?(?:结转|顺延|转)(?:至|到|入)?下一?年度?"),
    ("leaf.other_unpaid_fee", r"(?:申请)?(?:申请人)?(?:因)?逾期未(?:按收费通知(?:要求)?)?缴纳(?:信息处理)?费"),
    ("normative.repealed", r"(?:(?:行政)?规范性文件|文件)?(?:予以|被|已)?(?:宣布)?废止"),
    ("normative", r"(?:行政)?规范性文件"),
    ("application", r"[^，。；\n]{0,20}?申请"),
    ("reconsideration", r"[^，。；\n诉]{0,20}?行政复议"),
    ("litigation", r"[^，。；\n复]{0,20}?行政诉讼"),
)

#: Verbs that precede an application label. The rightmost one in the sentence decides the metric.
RECEIVE_VERBS: tuple[str, ...] = ("收到", "受理", "新收", "接收", "接到", "提交", "提出")
PROCESS_VERBS: tuple[str, ...] = ("办结", "办理", "答复", "处理完毕", "办理完成")
#: Verbs for documents. ISSUE verbs make a 规范性文件/规章 count an issued count; the others reject it.
ISSUE_VERBS: tuple[str, ...] = ("制发", "印发", "出台", "发布", "公开", "制定", "新增", "发文", "公布", "颁布")
NON_ISSUE_VERBS: tuple[str, ...] = (
    "起草",
    "移交",
    "转交",
    "报送",
    "清理",
    "刊登",
    "备案",
    "审查",
    "审核",
    "解读",
    "上传",
    "更新",
    "修改",
    "修订",
    "评估",
    "梳理",
    "归集",
    "汇编",
    "报备",
    "征求",
    "征集",
    "转发",
    "废止",
    "保留",
)
#: Verbs that make a 行政许可/行政处罚 count something else than decisions (items of a list, not decisions).
NON_DECISION_VERBS: tuple[str, ...] = ("取消", "梳理", "清理", "调整", "下放", "承接", "编制", "公示", "精简")

#: Scope markers: the rightmost one before the figure in its paragraph decides the scope.
AGGREGATE_MARKERS: tuple[str, ...] = (
    "全市",
    "全区",
    "全县",
    "全省",
    "全州",
    "全盟",
    "全旗",
    "全镇",
    "全街道",
    "各单位",
    "各部门",
    "各级行政机关",
    "各有关单位",
    "汇总",
    "全系统",
    "各地各部门",
    "各县区",
)
ORGAN_MARKERS: tuple[str, ...] = (
    "本机关",
    "我局",
    "我厅",
    "我委",
    "我办",
    "我单位",
    "本单位",
    "本部门",
    "我部门",
    "区政府办",
    "县政府办",
    "市政府办",
    "本街道",
    "我街道",
    "我中心",
    "我院",
    "我署",
    "本局",
    "本厅",
    "本委",
    "我镇",
    "本镇",
)

#: Zero statements: (rule id, regex). Evaluated on each clause-bounded stretch of masked text.
ZERO_RULES: tuple[tuple[str, str], ...] = (
    ("fee_all_zero", r"收费通知[^。；\n]{0,20}?(?:件数|数量)(?P<rest>[^。；\n]{0,40}?)(?:均|都|皆)为\s*(?:0|零)"),
    (
        "fee_notice_none",
        r"(?:未|没有|无)(?:发出|开具|出具|发送)[^，。；\n]{0,6}?收费通知(?:书)?"
        r"(?P<collect>(?:和|及|、|或|，?也?未)(?:实际)?收取)?",
    ),
    (
        "t4_corrected_none",
        r"(?:未|没有|无)(?:发生|出现|存在)?[^，。；\n]{0,20}?(?:被)?(?:行政)?复议(?:机关)?(?:纠错|纠正|撤销)"
        r"(?P<lit>[^，。；\n]{0,3}?(?:或|和|、|及|与)(?:行政)?诉讼败诉)?",
    ),
    ("t4_corrected_none", r"(?=[行复])(?:行政)?复议[^，。；\n]{0,12}?未被[^，。；\n]{0,12}?(?:纠错|纠正|撤销)"),
    ("t4_lost_none", r"(?:未|没有|无)(?:发生|出现)?[^，。；\n复]{0,20}?(?:行政)?诉讼败诉"),
    (
        "t4_none",
        r"(?:(?:未|没有|并未|未曾)(?P<verb>发生|产生|出现|涉及|有|收到|接到|发现|被|因)|无|未有|尚无)(?P<gap>[^，。；\n]{0,25}?)(?:行政)?复议"
        r"(?P<lit>[^，。；\n]{0,4}?(?:、|和|或|及|与|以及)(?:提起)?(?:行政)?诉讼)?"
        r"(?![^，。；\n]{0,8}?(?:纠错|纠正|败诉|撤销|风险|发生率|纠错率))",
    ),
    (
        "litigation_none",
        r"(?:未|没有|并未|未曾)(?:发生|产生|出现|涉及|有|被|因)(?P<gap>[^，。；\n复]{0,25}?)(?:行政)?诉讼(?!败诉|风险|发生率)",
    ),
    (
        "t4_all_zero",
        r"行政复议[^，。；\n]{0,6}?(?:和|、|及|与)(?:行政)?诉讼[^，。；\n]{0,10}?(?:均|都|皆)为\s*(?:0|零)(?![\d.])",
    ),
    ("fee_zero", r"处理费(?:收入|金额)?(?:为|是)\s*(?:0|零)(?![\d.])(?!\s*(?:万元|元))"),
    (
        "received_none",
        r"(?:未|没有)(?:收到|受理|接到|接收)(?:任何)?[^，。；\n]{0,15}?(?:政府信息公开|信息公开|依申请公开)申请",
    ),
    ("fee_none", r"(?:未|没有|无|不存在)(?:向申请人)?(?:收取|收费)(?P<rest>[^，。；\n]{0,20})"),
    ("fee_none", r"(?:未|没有|无)(?:发生|产生|出现)[^，。；\n]{0,20}?(?:收费|处理费)(?:情况|事项|行为|现象)?"),
)

_LEADING_ENUMERATOR = re.compile(r"^(?:\d{1,2}[.、．]|[（(]\d{1,2}[)）])\s*(?=\S)")

_CLAUSE_DELIMS = "，,；：。！？\n（）"
_SEGMENT_DELIMS = _CLAUSE_DELIMS + "、"
_SENTENCE_DELIMS = "。！？\n"

#: Rules whose count is rejected when it closes a 、-list of bare items (the count covers the whole list).
_LIST_SENSITIVE_RULES = ("normative", "rules", "licensing", "penalty", "coercion")

#: Words that tie reconsideration/litigation counts to disclosure work (table 4 counts only those cases).
_OGI_CONTEXT = re.compile(r"信息公开|依申请|公开申请|政务公开")

#: ``另有N件`` … ``结转下年度`` later in the sentence.
_REMAINDER = re.compile(r"(?:另有|还有|尚有|剩余|其余)\s*$")
_CARRIED_LATER = re.compile(r"[^。；\n]{0,40}?(?:结转|顺延|转入)(?:至|到)?(?:下一?年|\d{4}\s*年)")

_LITIGATION_SUM = "t4.litigation_direct.{c}+t4.litigation_after_review.{c}"
_ORG_SUM = "+".join(
    f"t3.{{row}}.{c}" for c in ("commercial", "research", "public_interest", "legal_service", "other_org")
)


def _first_chars(pattern: str) -> frozenset[str] | None:
    """Every character a match of ``pattern`` can start with, or None when that is not a small known set
    (classes such as ``\\d``, ``.``, case-insensitive flags, a pattern that can match the empty string). Used to
    skip a rule at once on a segment that holds none of them."""
    try:
        from re import _constants as c  # the standard library's own regex parser
        from re import _parser as p

        parsed = p.parse(pattern)
        if parsed.state.flags & re.IGNORECASE:
            return None

        def seq(items) -> tuple[set[str] | None, bool]:
            out: set[str] = set()
            for op, av in items:
                chars, nullable = one(op, av)
                if chars is None:
                    return None, False
                out |= chars
                if not nullable:
                    return out, False
            return out, True

        def one(op, av) -> tuple[set[str] | None, bool]:
            if op is c.LITERAL:
                return {chr(av)}, False
            if op is c.IN:
                chars: set[str] = set()
                for o, a in av:
                    if o is c.LITERAL:
                        chars.add(chr(a))
                    elif o is c.RANGE and a[1] - a[0] <= 256:
                        chars.update(chr(x) for x in range(a[0], a[1] + 1))
                    else:
                        return None, False
                return chars, False
            if op is c.SUBPATTERN:
                return seq(av[3])
            if op is c.BRANCH:
                chars, nullable = set(), False
                for alt in av[1]:
                    f, n = seq(alt)
                    if f is None:
                        return None, False
                    chars |= f
                    nullable = nullable or n
                return chars, nullable
            if op in (c.MAX_REPEAT, c.MIN_REPEAT):
                f, n = seq(av[2])
                return (None, False) if f is None else (f, av[0] == 0 or n)
            if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
                return set(), True
            return None, False

        chars, nullable = seq(parsed)
        return None if chars is None or nullable or not chars else frozenset(chars)
    except Exception:  # noqa: BLE001 - no prefilter then, never a wrong one
        return None


_PRE_COMPILED = tuple((rid, re.compile(f"(?P<label>{rx}){_FILL}$")) for rid, rx in PRE_RULES)
#: (first characters or None, rule id, compiled rule) for :func:`_label`
_PRE_FILTERED = tuple((_first_chars(rx.pattern), rid, rx) for rid, rx in _PRE_COMPILED)
_POST_COMPILED = tuple((rid, re.compile(rx)) for rid, rx in POST_RULES)
_ZERO_COMPILED = tuple((rid, re.compile(rx)) for rid, rx in ZERO_RULES)
_VERB_BEFORE_NUMBER = re.compile(f"(?P<verb>{'|'.join(RECEIVE_VERBS + PROCESS_VERBS)})(?:了)?{_FILL}$")
_OFFICIAL_SECTION_PATTERNS = tuple((s.number, re.compile(s.title_pattern)) for s in SECTIONS)
_SECTION_PATTERNS = _OFFICIAL_SECTION_PATTERNS + tuple((n, re.compile(rx)) for n, rx in _SECTION_ALIASES)


# ----------------------------------------------------------------------------------------------------- text stream


@dataclass(frozen=True)
class _Stream:
    """Joined report text: ``text`` normalised, ``original`` the same characters as printed, ``line_at[i]`` the
    1-based source line of character ``i`` (all three have the same length)."""

    text: str
    original: str
    line_at: array[int]


_CHAR_TABLE = str.maketrans(_CHAR_MAP)
_MAPPED_CHAR = re.compile("[" + re.escape("".join(_CHAR_MAP)) + "]")
#: A comma that is not between two digits (a thousands separator) becomes the full-width ``，``.
_LONE_COMMA = re.compile(r"(?<!\d),|,(?!\d)")


def _normalise(line: str) -> str:
    """Return ``line`` with the 1:1 character map applied; ``,`` outside digit groups becomes ``，``."""
    if "," in line:
        line = _LONE_COMMA.sub("，", line)
    # str.translate with a dict costs a lookup per character: apply it only to lines holding a mapped character
    return line.translate(_CHAR_TABLE) if _MAPPED_CHAR.search(line) else line


#: Characters that only occur in Traditional Chinese text; enough of them switch on the t2s conversion.
_TRADITIONAL_HINTS = "開請報於與為機關個發會時們這複議訟處結轉辦數許決罰強規範廢現費條無應當經"


def _simplifier(texts: list[str]) -> Callable[[str], str] | None:
    """A length-preserving Traditional -> Simplified converter (OpenCC ``t2s``) when the text looks Traditional,
    else None. Lines whose conversion changes length are converted character by character."""
    sample = "".join(texts)[:20000]
    if sum(sample.count(c) for c in _TRADITIONAL_HINTS) < 5:
        return None
    try:
        import opencc
    except ImportError:  # pragma: no cover - opencc is a dependency of ingest
        return None
    cc = opencc.OpenCC("t2s")

    def convert(line: str) -> str:
        out = cc.convert(line)
        if len(out) == len(line):
            return out
        chars = []
        for ch in line:
            c = cc.convert(ch)
            chars.append(c if len(c) == 1 else ch)
        return "".join(chars)

    return convert


def _is_heading_line(stripped: str) -> bool:
    return bool(_HEADING_START.match(stripped)) and len(stripped) <= 40 and "。" not in stripped


def _build_stream(lines: list[tuple[int, str]]) -> _Stream:
    """Join lines; soft-wrapped lines are glued, other line ends become ``\\n``."""
    text_parts: list[str] = []
    orig_parts: list[str] = []
    line_at = array("q")  # 8 bytes a character (a tuple of ints took 16)
    prev: str | None = None  # previous kept, stripped, normalised line
    blank_since_prev = False
    last_line = 0
    simplify = _simplifier([t for _, t in lines])
    for number, raw in lines:
        raw = raw.replace("\r", "").replace("\n", " ")
        original = raw.strip(" \t\u3000\xa0\ufeff")
        if not original:
            blank_since_prev = True
            continue
        if _PAGE_MARKER.match(original):
            continue
        norm = _normalise(simplify(original) if simplify else original)
        if prev is not None:
            soft = (
                not blank_since_prev
                and prev[-1] not in _LINE_FINAL
                and not _is_heading_line(prev)
                and not _is_heading_line(norm)
                and not prev.startswith("|")
                and not norm.startswith(("|", "#"))
            )
            if not soft:
                text_parts.append("\n")
                orig_parts.append("\n")
                line_at.append(last_line)
        text_parts.append(norm)
        orig_parts.append(original)
        line_at.extend(repeat(number, len(original)))
        prev = norm
        last_line = number
        blank_since_prev = False
    return _Stream("".join(text_parts), "".join(orig_parts), line_at)


# ----------------------------------------------------------------------------------------------------- structure


@dataclass(frozen=True)
class _Heading:
    start: int
    end: int
    section: int


def _find_headings(text: str) -> list[_Heading]:
    """Section headings (numbering + a known title) in reading order. Arabic numbering (``2、``) is accepted
    with the official titles only: ``2.依申请公开情况`` is usually an item inside section 一."""
    found: list[_Heading] = []
    for m in _SECTION_NUMBERING.finditer(text):
        title_at = m.end()
        window = text[title_at : title_at + 40]
        arabic = any(ch.isdigit() for ch in m.group(0))
        for number, pattern in _OFFICIAL_SECTION_PATTERNS if arabic else _SECTION_PATTERNS:
            tm = pattern.match(window)
            if tm:
                end = title_at + tm.end()
                # a short alias (``存在的主要问题``) may leave the heading's tail (``及改进情况``) behind
                if not text[title_at:end].endswith(("情况", "事项")):
                    tail = _HEADING_TAIL.match(text, end, end + 12)
                    if tail:
                        end = tail.end()
                if not found or m.start() >= found[-1].end:
                    found.append(_Heading(m.start(), end, number))
                break
    return found


def _table_spans(text: str, headings: list[_Heading]) -> list[tuple[int, int]]:
    """Character spans of table regions: from a start marker to the next section heading (or sub-heading for
    tables 2 and 4, which have no （一） labels of their own)."""
    starts: list[tuple[int, str]] = []
    for kind, rx in _TABLE_STARTS:
        starts.extend((m.start(), kind) for m in re.finditer(rx, text))
    starts.sort()
    spans: list[tuple[int, int]] = []
    for start, kind in starts:
        if spans and start < spans[-1][1]:
            continue
        end = len(text)
        for h in headings:
            if h.start > start:
                end = h.start
                break
        if kind in ("t2", "t4"):
            m = _TABLE_SUBHEADING_END.search(text, start, end)
            if m:
                end = m.start() + 1
        # tables hold no full stop: a 。 before the heading belongs to prose that follows a table whose next
        # heading is missing; end the region after the last table-like token before it
        stop = text.find("。", start, end)
        if stop >= 0:
            last = None
            for last in _TABLE_TOKEN.finditer(text, start, stop):
                pass
            end = last.end() if last else start
        spans.append((start, end))
    return spans


def _heading_section(headings: list[_Heading], pos: int) -> int | None:
    """Section number of the last heading before ``pos`` (None before the first heading)."""
    current = None
    for h in headings:
        if h.start > pos:
            break
        current = h.section
    return current


def _mask(text: str, headings: list[_Heading]) -> str:
    """``text`` with table regions, section headings and inline sub-heading markers replaced by ``\\n`` (same
    length, so offsets still map to source lines)."""
    # spans are cut out of the string in order (a list of one string per character took 80 bytes a character)
    spans = sorted(_table_spans(text, headings) + [(h.start, h.end) for h in headings])
    parts: list[str] = []
    at = 0
    for a, b in spans:
        a = max(a, at)
        if b <= a:
            continue
        parts.append(text[at:a])
        parts.append("\n" * (b - a))
        at = b
    parts.append(text[at:])
    return _SUBHEADING_MARK.sub(lambda m: "\n" * len(m.group(0)), "".join(parts))


def detect_template(text: str) -> str:
    """Guess the template of a report from its whole text.

    Input: the report text (any normalisation). Output: ``"FMT-2019"`` when FMT-2019 table labels are present
    (本年新制作数量, 政府集中采购, …), ``"FMT-2021"`` for FMT-2021 labels (本年制发件数 …); otherwise by the
    statistical year (≤ 2020 -> FMT-2019), defaulting to FMT-2021.
    """
    if re.search(r"本年度?新制作数量|本年度?新?公开数量|对外公开总数量|政府集中采购", text):
        return FMT_2019
    if re.search(r"本年制发件数|本年废止件数|现行有效件数", text):
        return FMT_2021
    m = re.search(r"统计(?:期限|时限|周期)[^。]{0,12}?(\d{4})\s*年", text) or re.search(r"(20\d\d)\s*年", text)
    if m and int(m.group(1)) <= 2020:
        return FMT_2019
    return FMT_2021


# ----------------------------------------------------------------------------------------------------- numbers


@dataclass(slots=True)  # built for every number: plain slots are cheaper than frozen
class _Number:
    start: int  # first character of the number (or of its approximation word)
    num_start: int
    end: int  # after the unit
    value: int | float
    unit: str
    approximate: bool


def _numbers(work: str) -> Iterator[_Number]:
    """Numbers with a unit in the masked text, skipping years, dates and percentages."""
    found: list[_Number] = []
    for m in _NUM_RE.finditer(work):
        unit = m.group("unit") or ""
        if not unit or unit in _NON_FIGURE_UNITS:
            continue
        raw = m.group("num").replace(",", "")
        value: int | float = float(raw) if "." in raw else int(raw)
        if isinstance(value, float) and value.is_integer() and unit not in MONEY_UNITS:
            value = int(value)
        approx = bool(m.group("pre") or m.group("post"))
        start = m.start("pre") if m.group("pre") else m.start("num")
        found.append(_Number(start, m.start("num"), m.end(), value, unit, approx))
    for m in _CN_NUM_RE.finditer(work):
        try:
            value = int(cn2an.cn2an(m.group("num"), "smart"))
        except (ValueError, KeyError, TypeError):
            continue
        approx = bool(m.group("pre") or m.group("post"))
        start = m.start("pre") if m.group("pre") else m.start("num")
        found.append(_Number(start, m.start("num"), m.end(), value, m.group("unit"), approx))
    found.sort(key=lambda n: n.num_start)
    yield from found


# ----------------------------------------------------------------------------------------------------- helpers


#: Clause/sentence bounds are searched at most this far (characters): a report written as one endless sentence
#: must not make the work per number grow with the text.
SEARCH_WINDOW = 3000


def _delimiter_runs(text: str, delims: str) -> tuple[list[int], list[int]]:
    """Runs of characters of ``delims`` in ``text``: (sorted starts, sorted ends, end exclusive). Masked table
    regions are long runs of ``\n``, so runs, not single positions, keep the lists short. The last text's runs are
    kept (the extractor asks about the same masked text a few dozen times per number)."""
    cached = _DELIMITER_CACHE[0]
    if cached is None or cached[0] is not text:
        cached = (text, {})
        _DELIMITER_CACHE[0] = cached
    runs = cached[1].get(delims)
    if runs is None:
        starts: list[int] = []
        ends: list[int] = []
        for m in re.finditer("[" + re.escape(delims) + "]+", text):
            starts.append(m.start())
            ends.append(m.end())
        runs = (starts, ends)
        cached[1][delims] = runs
    return runs


_DELIMITER_CACHE: list[tuple[str, dict[str, tuple[list[int], list[int]]]] | None] = [None]


def _back_to(text: str, pos: int, delims: str) -> int:
    """Index just after the last delimiter before ``pos`` (the window start, or 0, if none)."""
    lo = max(0, pos - SEARCH_WINDOW)
    starts, ends = _delimiter_runs(text, delims)
    i = bisect.bisect_left(starts, pos) - 1  # the last run starting before pos
    if i < 0:
        return lo
    last = min(ends[i], pos) - 1
    return last + 1 if last >= lo else lo


def _forward_to(text: str, pos: int, delims: str) -> int:
    """Index of the first delimiter at or after ``pos`` (the window end, or len, if none)."""
    hi = min(len(text), pos + SEARCH_WINDOW)
    starts, ends = _delimiter_runs(text, delims)
    pos = max(pos, 0)
    j = bisect.bisect_right(ends, pos)  # the first run ending after pos
    if j >= len(starts):
        return hi
    first = max(starts[j], pos)
    return first if first < hi else hi


def _rightmost(context: str, words: tuple[str, ...]) -> tuple[int, str] | None:
    """(index, word) of the rightmost occurrence of any of ``words`` in ``context`` (longer word wins ties)."""
    best: tuple[int, str] | None = None
    for w in words:
        i = context.rfind(w)
        if i < 0:
            continue
        # compare by end position, then by length (``办理完成`` beats ``办理``)
        if best is None or (i + len(w), len(w)) > (best[0] + len(best[1]), len(best[1])):
            best = (i, w)
    return best


#: How far back (characters) paragraph context is read: bounds the work per number on one-line reports.
PARAGRAPH_WINDOW = 1500


def _scope(work: str, pos: int) -> str:
    """'aggregate' / 'organ' / 'unknown' from the rightmost scope marker in the paragraph before ``pos``."""
    para = work[max(_back_to(work, pos, "\n"), pos - PARAGRAPH_WINDOW) : pos]
    para = para.replace("本机关不掌握", "")
    agg = _rightmost(para, AGGREGATE_MARKERS)
    org = _rightmost(para, ORGAN_MARKERS)
    if agg and (not org or agg[0] > org[0]):
        return "aggregate"
    if org:
        return "organ"
    return "unknown"


def _t4_block(context: str) -> str | None:
    """'reconsideration' or 'litigation' for the rightmost case-type word in ``context``."""
    rec = max((m.start() for m in re.finditer(r"复议(?!后)", context)), default=-1)
    lit = max((m.start() for m in re.finditer(r"诉讼|起诉", context)), default=-1)
    if rec < 0 and lit < 0:
        return None
    return "reconsideration" if rec > lit else "litigation"


# ----------------------------------------------------------------------------------------------------- resolution


@dataclass(slots=True)  # built for every number: plain slots are cheaper than frozen
class _Ctx:
    """Context of one number in the masked text.

    ``segment``: text before the number back to the last 、/，/；-type delimiter; ``sentence_before``: the sentence
    up to the number; ``whole_sentence``: the whole sentence; ``post``: the sentence after the unit;
    ``paragraph_before``: the paragraph up to the number; ``ends_clause``: nothing but spaces between the unit and
    the next clause delimiter; ``section``: section of the last heading found in the text (None if none).
    """

    segment: str
    sentence_before: str
    whole_sentence: str
    post: str
    template: str
    paragraph_before: str = ""
    ends_clause: bool = True
    section: int | None = None


def _application_metric(verb_context: str) -> str:
    """'total_processed' when the rightmost request verb is 办结/办理/答复, else 'new_received'."""
    hit = _rightmost(verb_context, RECEIVE_VERBS + PROCESS_VERBS)
    if hit and hit[1] in PROCESS_VERBS:
        return "total_processed"
    return "new_received"


def _doc_metric(kind: str, verb_context: str, template: str) -> str | None:
    """Metric for a 规范性文件/规章 count from the nearest verb; None when the verb is not an issuing verb."""
    hit = _rightmost(verb_context, ISSUE_VERBS + NON_ISSUE_VERBS)
    if not hit or hit[1] not in ISSUE_VERBS:
        return None
    column = "new_made" if template == FMT_2019 else "issued"
    return f"t2.{kind}.{column}"


_T3_GROUP_METRICS: dict[str, str] = {
    "carried_over": "t3.carried_over.total",
    "carried_forward": "t3.carried_forward.total",
    "new_received": "t3.new_received.total",
    "granted_partial": "t3.granted.total+t3.partially_granted.total",
    "granted": "t3.granted.total",
    "partially_granted": "t3.partially_granted.total",
    "denied": "t3.denied_*.total",
    "unable": "t3.unable_*.total",
    "not_processed": "t3.not_processed_*.total",
    "other_handling": "t3.other_*.total",
}


def _doc_kind(context: str) -> str:
    """'rules' or 'normative_documents' for the rightmost document noun in ``context`` (default normative)."""
    hit = _rightmost(context, ("规章", "规范性文件"))
    return "rules" if hit and hit[1] == "规章" else "normative_documents"


def _resolve(rule: str, unit: str, label: tuple[int, int], ctx: _Ctx, post_rule: bool) -> list[str]:
    """Metrics for a number labelled by ``rule``; empty list when the label is rejected in this context.

    ``label`` is the (start, end) of the label inside ``ctx.segment`` (ignored for post-number rules).
    """
    if post_rule:
        before = through = ctx.sentence_before
    else:
        cut = len(ctx.sentence_before) - len(ctx.segment)
        before = ctx.sentence_before[: cut + label[0]]
        through = ctx.sentence_before[: cut + label[1]]
    fmt19 = ctx.template == FMT_2019
    sentence = ctx.whole_sentence
    if rule in _T3_GROUP_METRICS:
        if unit not in T3_UNITS:
            return []
        if rule == "other_handling" and fmt19:
            return ["t3.other_handling.total"]
        return [_T3_GROUP_METRICS[rule]]
    if rule.startswith("leaf.") and rule != "leaf.other_unpaid_fee":
        if unit not in T3_UNITS:
            return []
        return [f"t3.{rule.split('.', 1)[1]}.total"]
    if rule.startswith("applicant."):
        if unit not in T3_UNITS or "申请" not in sentence:
            return []
        row = _application_metric(before)
        column = rule.split(".", 1)[1]
        if column == "org":
            return [_ORG_SUM.format(row=row)]
        return [f"t3.{row}.{column}"]
    is_t4 = rule.startswith("t4.") or rule in ("reconsideration", "litigation")
    if is_t4 and ctx.section != 4 and not _OGI_CONTEXT.search(ctx.paragraph_before + sentence):
        # a reconsideration body's own caseload (司法局: 办理行政复议案件120件) is not a table-4 figure
        return []
    if rule.startswith("t4."):
        if unit not in T4_UNITS:
            return []
        column = rule.split(".", 1)[1]
        if column == "related_cases":
            has_rec = "复议" in before
            has_lit = "诉讼" in before
            if has_rec and has_lit:
                return ["t4.reconsideration.total+" + _LITIGATION_SUM.format(c="total")]
            if has_rec:
                return ["t4.reconsideration.total"]
            if has_lit:
                return [_LITIGATION_SUM.format(c="total")]
            return []
        block = _t4_block(before)
        if block is None:
            return []
        if block == "reconsideration":
            return [f"t4.reconsideration.{column}"]
        return [_LITIGATION_SUM.format(c=column)]
    if rule == "reconsideration":
        return ["t4.reconsideration.total"] if unit in T4_UNITS else []
    if rule == "litigation":
        return [_LITIGATION_SUM.format(c="total")] if unit in T4_UNITS else []
    if rule in ("normative.in_force", "doc.in_force"):
        if unit not in T2_COUNT_UNITS or fmt19:
            return []
        if rule == "doc.in_force":
            if not re.search(r"规章|规范性文件", sentence):
                return []
            return [f"t2.{_doc_kind(before)}.in_force"]
        return ["t2.normative_documents.in_force"]
    if rule == "normative.repealed":
        if unit not in T2_COUNT_UNITS or fmt19 or not re.search(r"规章|文件", sentence):
            return []
        return [f"t2.{_doc_kind(through)}.repealed"]
    if rule in ("normative", "rules"):
        if unit not in T2_COUNT_UNITS:
            return []
        kind = "normative_documents" if rule == "normative" else "rules"
        metric = _doc_metric(kind, before, ctx.template)
        if metric is None:
            return []
        out = [metric]
        if fmt19 and post_rule and "公开" in ctx.post:
            out.append(f"t2.{kind}.new_published")
        return out
    if rule in ("licensing", "penalty", "coercion"):
        if unit not in T2_DECISION_UNITS:
            return []
        hit = _rightmost(before, NON_DECISION_VERBS)
        if hit and hit[0] >= len(before) - 12:
            return []
        return [f"t2.{rule}.decisions"]
    if rule == "admin_fees":
        if unit not in MONEY_UNITS or fmt19:
            return []
        return ["t2.admin_fees.amount_wan_yuan"]
    if rule == "fee_notice":
        if unit in FEE_NOTICE_COUNT_UNITS:
            return ["x.fee_notice.count"]
        if unit in MONEY_UNITS:
            return ["x.fee_notice.amount"]
        return []
    if rule in ("fee", "fee.amount"):
        if unit not in MONEY_UNITS or not re.search(r"处理费|收费", sentence):
            return []
        notice = before.rfind("收费通知")
        collected = max(before.rfind("处理费"), before.rfind("实际收取"), before.rfind("实收"))
        if rule == "fee.amount":
            if notice >= 0 and notice > collected:
                return ["x.fee_notice.amount"]
            return ["x.fee.collected"] if collected >= 0 else []
        return ["x.fee.collected"]
    if rule == "application":
        if unit not in T3_UNITS:
            return []
        return [f"t3.{_application_metric(through)}.total"]
    if rule == "process_verb":
        # 办结N件 speaks of applications when the paragraph so far does, and the count ends its clause
        # (``办结…50件人大代表建议`` is something else)
        if unit not in T3_UNITS or not ctx.ends_clause or "申请" not in ctx.paragraph_before + sentence:
            return []
        return ["t3.total_processed.total"]
    if rule == "leaf.other_unpaid_fee":
        if unit not in T3_UNITS + ("名", "位") or fmt19:
            return []
        return ["t3.other_unpaid_fee.total"]
    return []


def _convert(metric: str, value: int | float, unit: str) -> tuple[int | float, str]:
    """Money in the unit its metric expects: 元 for ``x.fee*``, 万元 for ``t2.admin_fees``."""
    if metric.startswith("x.fee") and unit == "万元":
        v = value * 10000
        return (int(v) if float(v).is_integer() else v), "元"
    if metric == "t2.admin_fees.amount_wan_yuan" and unit == "元":
        return value / 10000, "万元"
    return value, unit


def _is_list_tail(work: str, seg_start: int, label_start: int) -> bool:
    """True when the label opens a segment that is the last item of a 、-list whose earlier items carry no number
    of their own (``科技法律法规、政策解读、规范性文件20余件`` counts the whole list; ``审批等行政许可1236件``
    does not: there the list only qualifies the label)."""
    if seg_start == 0 or work[seg_start - 1] != "、" or work[seg_start : seg_start + label_start].strip():
        return False
    prev_start = _back_to(work, seg_start - 1, _SEGMENT_DELIMS)
    return not re.search(r"\d", work[prev_start : seg_start - 1])


def _label(segment: str) -> tuple[int, int, str] | None:
    """The pre-number label of ``segment``: (start, end, rule id); the longest label wins (all labels end at the
    number), ties go to :data:`PRE_RULES` order. (Rule by rule: on these short segments, 9 characters on average,
    this is faster than one combined alternation.)"""
    best: tuple[int, int, int, str] | None = None  # (label start, order, label end, rule)
    present = set(segment)
    for order, (first, rid, rx) in enumerate(_PRE_FILTERED):
        if first is not None and first.isdisjoint(present):
            continue  # the segment holds no character a match of this rule can start with
        m = rx.search(segment)
        if m:
            key = (m.start(), order, m.end("label"), rid)
            if best is None or key < best:
                best = key
    return (best[0], best[2], best[3]) if best else None


def _post_metrics(num: _Number, segment: str, post: str, ctx: _Ctx) -> list[str]:
    """Metrics from a label after the number (``1件结转下年度``, ``收到2份…申请``); empty when none applies."""
    for rid, rx in _POST_COMPILED:
        if not rx.match(post):
            continue
        if rid == "application":
            vm = _VERB_BEFORE_NUMBER.search(segment)
            if not vm or num.unit not in T3_UNITS:
                continue
            row = "total_processed" if vm.group("verb") in PROCESS_VERBS else "new_received"
            return [f"t3.{row}.total"]
        if rid in ("reconsideration", "litigation"):
            if num.unit not in T4_UNITS or not re.search(r"(?:有|共|发生|涉及|办理|受理|收到)\s*$", segment):
                continue
        metrics = _resolve(rid, num.unit, (0, 0), ctx, post_rule=True)
        if metrics:
            return metrics
    return []


def _number_figures(
    work: str, fmt: str, headings: list[_Heading]
) -> Iterator[tuple[list[str], int | float, str, int, int, int, bool]]:
    """Figures with a number: (metrics, value, unit, quote start, quote end, number position, approximate)."""
    numbers = list(_numbers(work))
    number_starts = [n.start for n in numbers]
    for num in numbers:
        seg_start = _back_to(work, num.start, _SEGMENT_DELIMS)
        clause_start = _back_to(work, num.start, _CLAUSE_DELIMS)
        clause_end = _forward_to(work, num.end, _CLAUSE_DELIMS)
        sent_start = _back_to(work, num.start, _SENTENCE_DELIMS)
        sent_end = _forward_to(work, num.end, _SENTENCE_DELIMS)
        segment = work[seg_start : num.start]
        ctx = _Ctx(
            segment=segment,
            sentence_before=work[sent_start : num.start],
            whole_sentence=work[sent_start:sent_end],
            post=work[num.end : sent_end],
            template=fmt,
            paragraph_before=work[max(_back_to(work, num.start, "\n"), num.start - PARAGRAPH_WINDOW) : num.start],
            ends_clause=not work[num.end : clause_end].strip(),
            section=_heading_section(headings, num.start),
        )
        metrics: list[str] = []
        post_used = False
        label = _label(segment)
        if label is not None:
            label_start, label_end, rid = label
            if not (rid in _LIST_SENSITIVE_RULES and _is_list_tail(work, seg_start, label_start)):
                metrics = _resolve(rid, num.unit, (label_start, label_end), ctx, post_rule=False)
        else:
            metrics = _post_metrics(num, segment, work[num.end : clause_end], ctx)
            post_used = bool(metrics)
        if not metrics and num.unit in T3_UNITS and _REMAINDER.search(segment) and _CARRIED_LATER.match(ctx.post):
            # ``另有2件因…，结转下年度继续办理``: the carry-forward verb comes in a later clause
            metrics, post_used, clause_end = ["t3.carried_forward.total"], True, sent_end
        if not metrics:
            continue
        # quote: the clause when it holds one figure, else the 、-segment
        in_clause = bisect.bisect_left(number_starts, clause_end) - bisect.bisect_left(number_starts, clause_start)
        q_start = seg_start if in_clause > 1 else clause_start
        q_end = clause_end if post_used else num.end
        yield metrics, num.value, num.unit, q_start, q_end, num.num_start, num.approximate


def _zero_metrics(rid: str, m: re.Match[str], work: str) -> list[str]:
    """Metrics stated as zero by the match ``m`` of zero rule ``rid``; empty when the match is a false alarm."""
    if rid == "fee_all_zero":
        rest = m.group("rest")
        metrics = ["x.fee_notice.count"]
        if "金额" in rest:
            metrics.append("x.fee_notice.amount")
        if "实际收取" in rest or "收取的总金额" in rest:
            metrics.append("x.fee.collected")
        return metrics
    if rid == "fee_notice_none":
        return ["x.fee_notice.count", "x.fee.collected"] if m.group("collect") else ["x.fee_notice.count"]
    if rid == "t4_corrected_none":
        if m.groupdict().get("lit"):
            return ["t4.reconsideration.corrected", _LITIGATION_SUM.format(c="corrected")]
        return ["t4.reconsideration.corrected"]
    if rid == "t4_lost_none":
        return [_LITIGATION_SUM.format(c="corrected")]
    if rid == "t4_all_zero":
        return ["t4.reconsideration.total", _LITIGATION_SUM.format(c="total")]
    if rid == "fee_zero":
        return ["x.fee.collected"]
    if rid == "t4_none":
        gap = m.group("gap")
        # a bare 无 must sit close to 复议 unless the gap names disclosure work (``无因政府信息公开引起的…``)
        if re.search(r"\d", gap) or (not m.group("verb") and len(gap) > 6 and "信息公开" not in gap):
            return []
        if m.group("lit"):
            return ["t4.reconsideration.total", _LITIGATION_SUM.format(c="total")]
        return ["t4.reconsideration.total"]
    if rid == "litigation_none":
        return [] if re.search(r"\d", m.group("gap")) else [_LITIGATION_SUM.format(c="total")]
    if rid == "received_none":
        return ["t3.new_received.total"]
    if rid == "fee_none":
        clause = work[_back_to(work, m.start(), _CLAUSE_DELIMS) : _forward_to(work, m.end(), _CLAUSE_DELIMS)]
        if "收费通知" in clause or "费" not in clause:
            return []
        return ["x.fee.collected"]
    return []


def _zero_figures(work: str) -> Iterator[tuple[list[str], int, int, int]]:
    """Zero statements: (metrics, quote start, quote end, position of the negation)."""
    for rid, rx in _ZERO_COMPILED:
        for m in rx.finditer(work):
            metrics = _zero_metrics(rid, m, work)
            if metrics:
                q_start = _back_to(work, m.start(), _CLAUSE_DELIMS)
                q_end = _forward_to(work, m.end(), _CLAUSE_DELIMS)
                yield metrics, q_start, q_end, m.start()


# ----------------------------------------------------------------------------------------------------- main API


def extract_figures(
    lines: list[tuple[int, str]],
    section_of_line: Callable[[int], int | None] | None = None,
    *,
    template: str | None = None,
) -> list[NarrativeFigure]:
    """Extract the figures the narrative states about table quantities and the 信息处理费.

    Inputs:
      ``lines``: ``[(line_number, text), ...]`` -- 1-based source line numbers and the original line texts, in
      reading order (a flattened report may be one very long line).
      ``section_of_line``: optional ``line_number -> template section 1..6 (or None)``. When omitted, or when a
      line holds several sections (flattened text), the section comes from headings found in the text.
      ``template``: ``"FMT-2021"`` / ``"FMT-2019"``; detected from the text when None (FMT-2019 reports use the
      ``new_made`` / ``new_published`` / ``other_handling`` keys).

    Output: ``NarrativeFigure`` list in text order. ``metric`` is in the gold syntax
    (``t3.new_received.total``, ``a+b`` sums, ``t3.denied_*.total`` groups, ``x.fee.collected`` in 元,
    ``x.fee_notice.count`` / ``x.fee_notice.amount``); ``value`` is an int for counts, a float for decimal
    amounts; ``unit`` is the unit of ``value`` (``件``, ``起``, ``项``, ``元``, ``万元`` -- 信息处理费 in 元,
    行政事业性收费 in 万元); ``quote`` the original clause; ``line`` the source line of the number (of the negation
    for zero statements); ``approximate`` is True for ``余/多/约/近/超``.
    """
    stream = _build_stream(lines)
    text = stream.text
    if not text:
        return []
    fmt = template or detect_template(text)
    headings = _find_headings(text)
    work = _mask(text, headings)

    # a line holding two or more section headings is flattened text: the caller's per-line section is too coarse
    headings_per_line: dict[int, int] = {}
    for h in headings:
        ln = stream.line_at[min(h.start, len(stream.line_at) - 1)]
        headings_per_line[ln] = headings_per_line.get(ln, 0) + 1
    lines_with_many_headings = {ln for ln, n in headings_per_line.items() if n > 1}

    def section_at(pos: int) -> int | None:
        line = stream.line_at[min(pos, len(stream.line_at) - 1)]
        if section_of_line is not None and line not in lines_with_many_headings:
            given = section_of_line(line)
            if given is not None:
                return given
        return _heading_section(headings, pos)

    figures: list[tuple[int, NarrativeFigure]] = []

    def emit(metric: str, value: int | float, unit: str, q_start: int, q_end: int, line_pos: int, approx: bool) -> None:
        value, unit = _convert(metric, value, unit)
        quote = stream.original[q_start:q_end].replace("\n", "").strip(" ，,；：、\u3000\xa0\t")
        quote = _LEADING_ENUMERATOR.sub("", quote)
        fig = NarrativeFigure(
            metric=metric,
            value=value,
            quote=quote,
            line=stream.line_at[min(line_pos, len(stream.line_at) - 1)],
            section=section_at(line_pos),
            scope=_scope(work, line_pos),
            unit=unit,
            approximate=approx,
        )
        figures.append((line_pos, fig))

    for metrics, value, unit, q_start, q_end, pos, approx in _number_figures(work, fmt, headings):
        for metric in metrics:
            emit(metric, value, unit, q_start, q_end, pos, approx)
    for metrics, q_start, q_end, pos in _zero_figures(work):
        for metric in metrics:
            unit = "元" if metric in ("x.fee.collected", "x.fee_notice.amount") else "件"
            emit(metric, 0, unit, q_start, q_end, pos, False)

    figures.sort(key=lambda t: t[0])
    out: list[NarrativeFigure] = []
    seen: set[tuple] = set()
    for _, fig in figures:
        key = (fig.metric, fig.value, fig.line, fig.quote)
        if key not in seen:
            seen.add(key)
            out.append(fig)
    return out
