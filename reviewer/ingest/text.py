"""Decode report bytes and normalise text for matching, keeping original lines for quotes.

Decoding uses BOMs first, then strict UTF-8, then charset-normalizer (GB18030 is used for any GB-family guess,
being the superset). Normalisation (for matching only): Unicode NFKC (full-width digits, letters, brackets and
punctuation; NBSP and U+3000 become spaces) and Traditional -> Simplified Chinese with OpenCC ``t2s``.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from reviewer.errors import InputError

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "hz", "cp936"}


def decode_bytes(data: bytes, path: str) -> tuple[str, str]:
    """Decode ``data`` and return ``(text, encoding)``.

    Raises :class:`InputError` for an empty input, a binary input (NUL bytes without a UTF-16 BOM, or no
    plausible text encoding), naming ``path``.
    """
    if not data.strip():
        raise InputError(path, "the file is empty")
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return data.decode("utf-32", errors="replace"), "utf-32"
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            data = data[3:]  # a UTF-8 BOM on a body in another encoding: detect the body
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"
    if b"\x00" in data[:4096]:
        guess = _utf16_without_bom(data)
        if guess is None:
            raise InputError(path, "binary file, not a text report")
        return guess
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # reports are Chinese: a strict GB18030 decode that yields mostly CJK text wins over a statistical guess
    try:
        text = data.decode("gb18030")
        if _cjk_share(text) >= 0.3:
            return text, "gb18030"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    encoding = (best.encoding if best is not None else "").lower()
    if not encoding:
        raise InputError(path, "cannot detect a text encoding (binary file?)")
    if encoding.replace("_", "").replace("-", "") in {e.replace("-", "") for e in _GB_FAMILY}:
        encoding = "gb18030"
    text = data.decode(encoding, errors="replace")
    if _control_ratio(text) > 0.05 or (_cjk_share(text) == 0 and not re.search(r"[A-Za-z]{3}", text[:20000])):
        raise InputError(path, "binary file, not a text report")
    return text, encoding


def _cjk_share(text: str) -> float:
    """Share of CJK ideographs among the non-ASCII characters of ``text`` (0 when there are none)."""
    sample = text[:50000]
    non_ascii = [ch for ch in sample if ord(ch) > 127 and not ch.isspace()]
    if not non_ascii:
        return 0.0
    return sum(
        1 for ch in non_ascii if "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"
    ) / len(non_ascii)


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 without a BOM: the byte order whose strict decode gives mostly CJK and printable text."""
    best = None
    for enc in ("utf-16-le", "utf-16-be"):
        try:
            text = data[: len(data) - len(data) % 2].decode(enc)
        except UnicodeDecodeError:
            continue
        sample = text[:20000]
        good = sum(1 for ch in sample if ch.isprintable() or ch in "\r\n\t") / max(1, len(sample))
        if good > 0.95 and (_cjk_share(sample) > 0.5 or sample.isascii()):
            if best is None or good > best[0]:
                best = (good, text, enc)
    return (best[1], best[2]) if best else None


def _control_ratio(text: str) -> float:
    if not text:
        return 0.0
    sample = text[:20000]
    bad = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\r\n\t\f\v")
    return bad / len(sample)


def split_lines(text: str) -> list[str]:
    """Split on CRLF, CR or LF (CR-only files exist in the corpus); no other separators."""
    return _LINE_BREAK.split(text)


@functools.lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


_EXTRA_PAIRS = (
    ("\u00a0", " "),
    ("\u3000", " "),
    ("\u2002", " "),
    ("\u2003", " "),
    ("\ufeff", ""),
    ("\u200b", ""),
    ("\u00ad", ""),
    ("\u2060", ""),
    ("\u200c", ""),
    ("\u200d", ""),
    ("\u200e", ""),
    ("\u200f", ""),
)

#: Characters that print nothing (zero-width space and joiners, word joiner, soft hyphen, BOM, direction marks): a
#: page pasted from a CMS editor carries them inside table cells (``\u200b46``); they are not part of any value.
INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")


def strip_invisible(text: str) -> str:
    """``text`` without the characters of :data:`INVISIBLE`."""
    return INVISIBLE.sub("", text) if not text.isascii() else text


def _nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, faster on Chinese reports: the full-width ASCII forms (U+FF01..FF5E,
    whose NFKC form is the ASCII character) are mapped first with numpy, and the full normalisation runs only when
    the result is not already in NFKC (a quick check). Same result: the mapping is part of NFKC itself."""
    if len(text) < 256 or text.isascii():
        return unicodedata.normalize("NFKC", text)
    import numpy as np

    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    wide = (codes >= 0xFF01) & (codes <= 0xFF5E)
    if wide.any():
        codes = codes.copy()
        codes[wide] -= 0xFF01 - 0x21
        text = codes.tobytes().decode("utf-32-le", "surrogatepass")
    return text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)


_TAG = re.compile(
    r"</?[A-Za-z][\w:.-]*(?:\s[^<>\n]{0,2000})?/?>|<!--.{0,2000}?-->|&(?:nbsp|lt|gt|amp|quot|ensp|emsp|#\d{1,6});"
)


def blank_markup(text: str) -> str:
    """``text`` with every HTML/XML tag, comment and entity replaced by spaces of the same length (offsets and line
    breaks unchanged), so that tag and attribute text (``width:149px``, ``colspan="2"``, ``</p>``) is never read as
    a value. A text that still holds markup after reading is the reader's defect, never a source of numbers."""
    if "<" not in text and "&" not in text:
        return text
    return _TAG.sub(lambda m: " " * len(m.group(0)), text)


def normalise(text: str) -> str:
    """Normalise text for matching: NFKC, odd spaces to ASCII space, Traditional -> Simplified.

    Input and output are strings of the same line structure (no line breaks are added or removed).
    """
    for odd, plain in _EXTRA_PAIRS:  # str.replace per character is far faster than str.translate with a dict
        if odd in text:
            text = text.replace(odd, plain)
    text = _nfkc(text)
    if any("\u4e00" <= ch <= "\u9fff" for ch in text[:5000]) or text:
        text = _t2s().convert(text)
    return text
