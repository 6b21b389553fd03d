"""Ingest: decoding (UTF-8/BOM, GB18030, UTF-16, CR-only), normalisation, and clear errors for bad input."""

from __future__ import annotations

import pytest
from conftest import FIXTURES

from reviewer.errors import InputError
from reviewer.ingest import document_from_bytes, load_document
from reviewer.ingest.text import normalise

SAMPLE = "二、主动公开政府信息情况\r\n行政处罚　１２３\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (SAMPLE.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + SAMPLE.encode("utf-8"), "utf-8-sig"),
        (SAMPLE.encode("gb18030"), "gb18030"),
        (SAMPLE.encode("utf-16"), "utf-16"),
    ],
)
def test_decodes_each_encoding_to_the_same_lines(data: bytes, encoding: str) -> None:
    doc = document_from_bytes(data, "x.txt")
    assert doc.encoding == encoding
    assert [ln.original for ln in doc.lines] == ["二、主动公开政府信息情况", "行政处罚　１２３", ""]
    assert doc.lines[1].text == "行政处罚 123"  # U+3000 -> space, full-width digits -> ASCII
    assert doc.lines[1].number == 2


def test_cr_only_line_endings_are_lines() -> None:
    doc = document_from_bytes("一\r\r\r0\r二".encode(), "cr.txt")
    assert [ln.original for ln in doc.lines] == ["一", "", "", "0", "二"]


def test_traditional_is_normalised_to_simplified() -> None:
    assert normalise("屬於國家祕密（五）") == "属于国家秘密(五)"


def test_encoded_fixture_copies_decode_identically() -> None:
    base = [ln.original for ln in load_document(FIXTURES / "clean_tab_2023.txt").lines]
    for name, enc in (("gb18030_2023.txt", "gb18030"), ("utf16_2023.txt", "utf-16")):
        doc = load_document(FIXTURES / name)
        assert doc.encoding == enc
        assert [ln.original for ln in doc.lines] == base


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "the file is empty"),
        (b"   \n\n", "the file is empty"),
        (bytes(range(256)) * 20, "binary file, not a text report"),
        (b"%PDF-1.7\n%\xe2\xe3", "PDF"),
        (b"PK\x03\x04\x14\x00", "damaged ZIP/DOCX container"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00", "convert it to .docx"),
    ],
)
def test_bad_input_raises_one_line_error_naming_the_file(data: bytes, reason: str) -> None:
    with pytest.raises(InputError) as err:
        document_from_bytes(data, "bad.bin")
    assert str(err.value).startswith("bad.bin: ")
    assert reason in str(err.value)
    assert "\n" not in str(err.value)


def test_missing_file_and_directory(tmp_path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load_document(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="is a directory"):
        load_document(tmp_path)


def test_fast_nfkc_equals_unicodedata() -> None:
    """The full-width fast path of normalisation gives exactly unicodedata's NFKC, including combining marks after
    full-width letters, compatibility characters (…, ①, ﬁ, Ⅰ) and Hangul jamo that compose."""
    import random
    import unicodedata

    from reviewer.ingest.text import _nfkc

    rng = random.Random(11)
    pool = [
        chr(c)
        for c in [
            *range(0x20, 0x7F),
            *range(0xFF00, 0xFF70),
            *range(0x3000, 0x3040),
            *range(0x4E00, 0x4E40),
            0x2026,
            0x0301,
            0x0300,
            0x3099,
            0x309A,
            0xAC00,
            0x1100,
            0x1161,
            0x11A8,
            0x2460,
            0xFB01,
            0x2160,
            0x1D400,
            0x00A0,
            0x2028,
            0xFF9E,
        ]
    ]
    for _ in range(3000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(200, 500)))
        assert _nfkc(text) == unicodedata.normalize("NFKC", text)
    report = "本年度收到申请１２件，（一）Ａ类" * 40
    assert _nfkc(report) == unicodedata.normalize("NFKC", report) == "本年度收到申请12件,(一)A类" * 40
