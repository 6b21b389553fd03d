"""Read the value printed in one table cell: numbers as printed, with units, signs, separators and notes.

Real cells hold more than digits (rulebook A.2, C.3; issue 11 "values as printed"):

* amounts with a unit: ``75394432.52元``, ``2.02万元``, ``¥1,200`` (the unit is kept on the cell; CELL-UNIT-FEE
  judges it against the 万元 header);
* signed changes of the FMT-2019 ``本年增/减`` column: ``+346``, ``-183``, ``减4``, ``增3``, ``减少2``;
* thousands separators and digit groups: ``1,234``, ``1，234``, ``3 985 758``;
* a parenthesised note beside the value: ``55（含自然失效29件）`` -> 55, note ``含自然失效29件``;
* counts written in Chinese numerals: ``二九〇`` (digit by digit), ``十二``, ``一百零五``;
* non-numeric tokens (``/``, ``-``, ``—``, ``无``, ``不涉及``), which stay tokens (CELL-NONNUM).

:func:`read_value` is pure and cheap (the common case, a plain count, takes one ``str.isdigit``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

#: Printed tokens that mean "nothing to report" in a numeric cell (rulebook C.3 CELL-NONNUM).
NONNUM_TOKENS = frozenset(
    {"/", "／", "\\", "-", "—", "–", "－", "——", "--", "无", "暂无", "不涉及", "空", "×", "x", "X"}
)
_UNITS = ("万元", "元", "件", "条", "个", "项", "次", "人次", "份", "家")
_SIGN_WORDS = (("减少", -1), ("增加", 1), ("减", -1), ("增", 1), ("+", 1), ("-", -1), ("－", -1), ("−", -1))
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_GROUPED = re.compile(r"\d{1,3}(?:[,，]\d{3})+(?:\.\d+)?|\d{1,3}(?: \d{3})+(?:\.\d+)?")
_NOTE = re.compile(r"^(?P<body>[^（(]*?)\s*[（(](?P<note>[^）)]*)[）)]\s*$")
_SPACED_DIGITS = re.compile(r"\d\s+\d")
_CN_DIGIT_ONLY = re.compile(r"^[〇零一二三四五六七八九]{2,}$")
_CN_NUMERAL = re.compile(r"^[〇零一二三四五六七八九十百千万两]+$")
_CN_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")


@dataclass(frozen=True, slots=True)
class CellValue:
    """What a cell prints: ``kind`` (``number`` / ``blank`` / ``token``), the number as printed (``value``, int or
    float, already signed), its ``unit`` ('' when none), a parenthesised ``note`` ('' when none) and ``converted``
    (True when the digits were not plain ASCII digits: Chinese numerals, separators, a sign word)."""

    kind: str
    value: int | float | None = None
    unit: str = ""
    note: str = ""
    converted: bool = False


BLANK = CellValue("blank")


def _to_number(digits: str) -> int | float:
    return float(digits) if "." in digits else int(digits)


def read_value(raw: str) -> CellValue:
    """Read the printed text of one cell (``raw``, any width, not necessarily normalised) into a :class:`CellValue`.

    Never raises: text that is not a value comes back as a ``token`` (the caller keeps ``raw``)."""
    s = raw.strip()
    if not s:
        return BLANK
    if s.isdigit() and s.isascii():
        return CellValue("number", int(s))
    s = unicodedata.normalize("NFKC", s).strip()
    compact = s.replace(" ", "")
    if not compact:
        return BLANK
    if _SPACED_DIGITS.search(s) and not _GROUPED.search(s):
        return CellValue("token")  # two values in one cell ("0 0"): not one number
    if compact in NONNUM_TOKENS:
        return CellValue("token")
    note = ""
    m = _NOTE.match(s)
    if m and m.group("body").strip():
        note = m.group("note").strip()
        s = m.group("body").strip()
        compact = s.replace(" ", "")
    sign = 1
    signed = False
    for word, value in _SIGN_WORDS:
        if compact.startswith(word) and len(compact) > len(word):
            sign, signed = value, True
            compact = compact[len(word) :]
            s = s.lstrip()[len(word) :].strip() if s.lstrip().startswith(word) else compact
            break
    unit = ""
    for u in _UNITS:
        if compact.endswith(u) and len(compact) > len(u):
            unit = u
            compact = compact[: -len(u)]
            break
    if compact[:1] in ("¥", "￥"):
        compact = compact[1:]
        unit = unit or "元"
    if compact.isdigit() and compact.isascii():
        return CellValue("number", sign * int(compact), unit, note, converted=signed)
    if _NUMBER.fullmatch(compact):
        return CellValue("number", sign * _to_number(compact), unit, note, converted=signed)
    body = s
    for u in _UNITS:
        if body.endswith(u):
            body = body[: -len(u)].strip()
            break
    if _GROUPED.fullmatch(body.lstrip("¥￥")):
        digits = re.sub(r"[,， ]", "", body.lstrip("¥￥"))
        return CellValue("number", sign * _to_number(digits), unit, note, converted=True)
    if _CN_DIGIT_ONLY.match(compact):
        return CellValue("number", sign * int(compact.translate(_CN_DIGITS)), unit, note, converted=True)
    if _CN_NUMERAL.match(compact) and compact not in ("万",):
        try:
            import cn2an

            value = cn2an.cn2an(compact, "strict")
        except (ValueError, KeyError, TypeError):
            return CellValue("token")
        value = int(value) if float(value).is_integer() else float(value)
        return CellValue("number", sign * value, unit, note, converted=True)
    return CellValue("token")


def is_value_text(raw: str) -> bool:
    """True when ``raw`` reads as a number, is blank, or is a no-value token (what a data cell may hold)."""
    return read_value(raw).kind != "token" or raw.strip().replace(" ", "") in NONNUM_TOKENS


def is_number_text(raw: str) -> bool:
    """True when ``raw`` reads as a number (see :func:`read_value`)."""
    return read_value(raw).kind == "number"
