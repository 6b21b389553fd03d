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
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
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
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    encoding = (best.encoding if best is not None else "").lower()
    if not encoding:
        raise InputError(path, "cannot detect a text encoding (binary file?)")
    if encoding.replace("_", "").replace("-", "") in {e.replace("-", "") for e in _GB_FAMILY}:
        encoding = "gb18030"
    text = data.decode(encoding, errors="replace")
    if _control_ratio(text) > 0.05:
        raise InputError(path, "binary file, not a text report")
    return text, encoding


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    even_nuls = data[0:4096:2].count(0)
    odd_nuls = data[1:4096:2].count(0)
    half = len(data[:4096]) / 2
    if odd_nuls > 0.3 * half and even_nuls < 0.05 * half:
        return data.decode("utf-16-le", errors="replace"), "utf-16-le"
    if even_nuls > 0.3 * half and odd_nuls < 0.05 * half:
        return data.decode("utf-16-be", errors="replace"), "utf-16-be"
    return None


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


_EXTRA = str.maketrans({"\u00a0": " ", "\u3000": " ", "\u2002": " ", "\u2003": " ", "\ufeff": "", "\u200b": ""})


def normalise(text: str) -> str:
    """Normalise text for matching: NFKC, odd spaces to ASCII space, Traditional -> Simplified.

    Input and output are strings of the same line structure (no line breaks are added or removed).
    """
    text = unicodedata.normalize("NFKC", text.translate(_EXTRA))
    if any("\u4e00" <= ch <= "\u9fff" for ch in text[:5000]) or text:
        text = _t2s().convert(text)
    return text
