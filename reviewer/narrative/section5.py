"""Deterministic reading of section 五 (problems and improvements) and section 六 (fees).

Section 五 is split into a problems part and an improvements part, each into items (``一是…二是…``, ``1.``,
``（一）`` or ``；``-separated clauses). Each problem is paired with the improvement that shares the most
character bigrams with it (a shared topic such as 依申请/解读/网站). Stock phrases (rulebook Q-SEC5-SPECIFIC:
"认识有待提高", "进一步加强"…) and concrete elements (numbers, named documents, deadlines) are listed so
the memo can say whether the text is specific.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

STOCK_PHRASES = (
    "进一步加强",
    "进一步提升",
    "进一步提高",
    "进一步完善",
    "进一步规范",
    "进一步深化",
    "进一步加大",
    "有待提高",
    "有待加强",
    "有待进一步",
    "有待提升",
    "有待完善",
    "认识有待提高",
    "不断提升",
    "不断提高",
    "持续推进",
    "切实提高",
    "加大力度",
    "不够完善",
    "不够深入",
    "不够全面",
    "仍有差距",
    "还存在一定差距",
    "存在一定差距",
    "与群众期待",
    "与人民群众的期望",
    "工作水平",
    "质量和水平",
    "有序推进",
)
PROBLEM_MARKERS = (
    "问题",
    "不足",
    "差距",
    "短板",
    "有待",
    "不够",
    "欠缺",
    "薄弱",
    "不到位",
    "不及时",
    "不高",
    "仍需",
    "需要加强",
    "需进一步",
    "存在",
)
IMPROVEMENT_MARKERS = (
    "改进",
    "下一步",
    "整改",
    "措施",
    "将",
    "加强",
    "推进",
    "提升",
    "完善",
    "持续",
    "做好",
    "开展",
    "建立",
    "健全",
)
_SPLIT = re.compile(
    r"(?:改进情况|改进措施|整改措施|整改情况|改进举措|下一步|针对(?:上述|以上|存在的?)?(?:的)?问题|今后|下步"
    r"|(?:\d{4}年|新的一年|下一年度?)[，,]?(?:我们|我局|我厅|我委|我办|我单位|我县|我区|我市|我镇|街道)?将)"
)
_WILL = re.compile(
    r"(?:我们|我局|我厅|我委|我办|我单位|我县|我区|我市|我镇|街道|本机关)?将(?:进一步|继续|持续|切实|按照|加强|不断|着力|重点|围绕|以|坚持|深入|全面|结合|积极|认真)"
)
_ITEM = re.compile(r"(?:[一二三四五六七八九十]是|[(（][一二三四五六七八九十\d]+[)）]|(?<![\d.])\d+[.、．](?!\d))")
_BY_ORDER = re.compile(r"^(?:[一二三四五六七八九十]是|[(（][一二三四五六七八九十\d]+[)）]|\d+[.、．])")
_CONCRETE = re.compile(
    r"《[^》]{2,40}》|\d+(?:\.\d+)?\s*(?:次|期|场|人次|家|个|条|件|项|篇|天|月底|日前)|年底前|月底前|[一二三四五六七八九十两]+(?:次|期|场)"
)


@dataclass
class Section5Review:
    """Result of reading section 五: items, pairing, stock phrases and concrete elements (all with quotes)."""

    present: bool
    problems: list[str] = field(default_factory=list)
    improvements: list[str] = field(default_factory=list)
    pairs: list[tuple[int, int | None, float]] = field(default_factory=list)
    stock_phrases: list[str] = field(default_factory=list)
    concrete: list[str] = field(default_factory=list)
    has_problem_words: bool = False
    has_improvement_words: bool = False

    @property
    def specific(self) -> bool:
        return bool(self.concrete) or len(self.stock_phrases) < 2


def _items(text: str) -> list[str]:
    text = text.strip()
    if not text:
        return []
    marks = list(_ITEM.finditer(text))
    if len(marks) >= 2:
        out = []
        for a, b in zip(marks, marks[1:] + [None]):
            chunk = text[a.start() : b.start() if b else len(text)].strip(" ；;。，,\n")
            if len(chunk) >= 4:
                out.append(chunk)
        return out
    parts = [p.strip(" 。\n") for p in re.split(r"[；;]|。(?=\S)", text)]
    return [p for p in parts if len(p) >= 6]


_NON_HAN = re.compile(r"[^\u4e00-\u9fff]")
_STOP_BIGRAMS = frozenset(
    {"进一", "一步", "加强", "工作", "政府", "信息", "公开", "提升", "问题", "存在", "不够", "有待", "需要", "提高"}
)


def _bigrams(s: str) -> set[str]:
    s = _NON_HAN.sub("", s)
    return {s[i : i + 2] for i in range(len(s) - 1)} - _STOP_BIGRAMS


@functools.lru_cache(maxsize=64)
def review_section5(text: str | None) -> Section5Review:
    """Read section 五 text (None when the section is absent) into a :class:`Section5Review`.

    Cached: several rules and the memo read the same section; callers must not mutate the result."""
    if text is None:
        return Section5Review(present=False)
    body = re.sub(r"\s+", "", text)
    review = Section5Review(present=bool(body))
    if not body:
        return review
    m = _SPLIT.search(body)
    problem_part, improvement_part = (body[: m.start()], body[m.start() :]) if m and m.start() > 10 else (body, "")
    if not improvement_part:
        # "一是…二是…" lists mixing both: problems are items with problem words, the rest improvements
        items = _items(body)
        review.problems = [i for i in items if any(k in i for k in PROBLEM_MARKERS[:13])]
        review.improvements = [i for i in items if i not in review.problems]
    else:
        review.problems = _items(problem_part)
        review.improvements = _items(improvement_part)
    review.has_problem_words = any(k in problem_part or k in body for k in PROBLEM_MARKERS[:14])
    review.has_improvement_words = (
        bool(improvement_part) or any(k in body for k in IMPROVEMENT_MARKERS[:4]) or bool(_WILL.search(body))
    )
    review.stock_phrases = [p for p in STOCK_PHRASES if p in body]
    review.concrete = [c.group(0) for c in _CONCRETE.finditer(body)][:10]
    improvement_bigrams = [_bigrams(imp) for imp in review.improvements]
    for i, p in enumerate(review.problems):
        pb = _bigrams(p)
        best, best_score = None, 0.0
        for j, ib in enumerate(improvement_bigrams):
            if not pb or not ib:
                continue
            score = len(pb & ib) / min(len(pb), len(ib))
            if score > best_score:
                best, best_score = j, score
        review.pairs.append((i, best if best_score >= 0.15 else None, round(best_score, 2)))
    # numbered lists of equal length ("一是…二是…" on both sides) answer each other in order when no topic
    # overlap says otherwise
    numbered = all(_BY_ORDER.match(x) for x in review.problems + review.improvements)
    if numbered and review.problems and len(review.problems) == len(review.improvements):
        taken = {j for _, j, _ in review.pairs if j is not None}
        review.pairs = [
            (i, j if j is not None else (i if i not in taken else None), score if j is not None else -1.0)
            for i, j, score in review.pairs
        ]
    return review


_FEE_WORDS = ("信息处理费", "收费", "处理费")
EMPTY_SEC6 = re.compile(r"^(?:无|暂无|没有)(?:其他)?(?:需要报告的)?(?:事项)?[。.]?$")


def fee_statement(text: str | None) -> str:
    """The sentence of section 六 that states the 信息处理费 situation ('' when none)."""
    if not text:
        return ""
    for sent in re.split(r"(?<=[。；;])", re.sub(r"\s+", "", text)):
        if any(w in sent for w in _FEE_WORDS):
            return sent[:160]
    return ""
