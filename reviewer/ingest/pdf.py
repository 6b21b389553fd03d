"""PDF reader (pdfplumber, text layer only; no OCR).

Per page, the words of the text layer are grouped into lines by their vertical position (top to bottom, left to
right). Every line keeps its words with their boxes (:class:`~reviewer.models.GridCell`, in points), so that the
parser reads tables by the position of each value under its column label -- the same way whether the producer drew
ruling lines (LibreOffice, Word), drew each cell as its own rectangle, or drew none (Chromium): ruling lines are not
used. Page furniture -- page numbers (``3``, ``- 3 -``, ``第3页 共8页``, ``3/8``) and running headers and footers
repeated on several pages -- is kept as a line of its own with its text blanked (the original stays in
``Line.original``), so a table that crosses a page break continues on the next page as if the break were not there. Provenance: every rendered line carries its page number and a running line
number.
"""

from __future__ import annotations

import io
import logging
import os
import re
import unicodedata
import warnings

from reviewer.errors import InputError
from reviewer.ingest.grid import Budget, build_document
from reviewer.ingest.text import strip_invisible
from reviewer.models import Document, GridCell

MAX_PAGES = int(os.environ.get("REVIEWER_MAX_PAGES", "300") or 300)
from reviewer.ingest import MAX_PAGE_TEXT, MAX_PDF_TEXT  # noqa: E402 - limits shared by the readers

#: Decoded content-stream bytes per page above which a page is refused (a dense text page is ~100 KB): pdfminer's
#: layout analysis keeps an object per character, so a tiny PDF with millions of text operators takes gigabytes.
MAX_PAGE_STREAM = int(os.environ.get("REVIEWER_MAX_PAGE_STREAM", str(2 * 1024 * 1024)) or 2 * 1024 * 1024)
_LINE_TOLERANCE = 3.0

#: Some producers (Chromium among them) write a CJK *radical* code point for an ideograph whose glyph the font shares
#: with it (⾏ U+2F8F for 行, ⻛ U+2EDB for 风): the page shows the ideograph, so that is what is read. Kangxi radicals
#: (U+2F00..U+2FD5) by their compatibility mapping, the radicals supplement by its equivalent ideograph.
_RADICALS = {cp: unicodedata.normalize("NFKC", chr(cp)) for cp in range(0x2F00, 0x2FD6)}
_RADICALS.update(
    {
        ord(k): v
        for k, v in zip(
            "⺁⺅⺆⺇⺉⺊⺌⺎⺏⺐⺒⺓⺔⺖⺗⺘⺙⺛⺜⺝⺞⺟⺠⺡⺢⺣⺤⺥⺦⺧⺨⺩⺪⺫⺬⺭⺮⺯⺰⺶⺷⺹⺺⺻⺼⺽⺾⺿⻀⻁⻂⻃⻄⻅⻆⻇⻈⻉⻊⻋⻌⻍⻎⻏⻐⻑⻓⻔⻕⻖⻗⻘⻙⻚⻛⻜⻝⻞⻟⻠⻡⻢⻣⻤⻥⻦⻧⻨⻩⻪⻬⻮⻰⻳",
            "厂亻冂几刂卜小兀尢尢巳幺彐忄心扌攵旡日月歺母民氵氺灬爫爫丬牛犭王疋罒示礻竹糸纟羊羊耂肀聿月臼艹艹艹虎衤覀西见角言讠贝足车辶辶辶阝钅長长门門阝雨青韦页风飞食食食饣首马骨鬼鱼鸟卤麦黄黾齐齿龙龟",
        )
    }
)


def _ideographs(text: str) -> str:
    """``text`` with radical code points replaced by the ideographs they stand for (see :data:`_RADICALS`)."""
    return text.translate(_RADICALS) if any(0x2E80 <= ord(ch) <= 0x2FDF for ch in text) else text


def _words_to_lines(words: list[dict]) -> list[tuple[float, str, list[GridCell]]]:
    """Group words into lines by their top (within :data:`_LINE_TOLERANCE` points): ``(top, text, cells)`` per
    line, words joined by a space where the gap between them is wider than about half a character."""
    rows: list[list[dict]] = []
    for w in words:
        w["text"] = strip_invisible(_ideographs(w["text"]))
    words = [w for w in words if w["text"]]
    for w in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if rows and abs(rows[-1][0]["top"] - w["top"]) <= _LINE_TOLERANCE:
            rows[-1].append(w)
        else:
            rows.append([w])
    out = []
    for row in rows:
        row.sort(key=lambda w: w["x0"])
        text = ""
        prev = None
        for w in row:
            if prev is not None:
                gap = w["x0"] - prev["x1"]
                size = max(1.0, (prev["x1"] - prev["x0"]) / max(1, len(prev["text"])))
                text += " " if gap > size * 0.6 else ""
            text += w["text"]
            prev = w
        cells = [
            GridCell(w["text"], float(w["x0"]), float(w["x1"]), float(w["top"]), float(w["bottom"]), False, _edges(w))
            for w in row
        ]
        out.append((row[0]["top"], text, cells))
    return out


def read_pdf(data: bytes, path: str) -> Document:
    """Read a PDF's text layer into a :class:`Document` (tables as pipe rows).

    Raises :class:`InputError` for an encrypted, damaged or empty PDF, more than :data:`MAX_PAGES` pages, or a
    PDF with no text layer (a scan: OCR is not supported).
    """
    try:
        import pdfplumber
        from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
        from pdfminer.pdfparser import PDFSyntaxError
    except ImportError as exc:  # pragma: no cover - dependency missing
        raise InputError(path, f"PDF support is not installed ({exc.name})") from None

    for name in ("pdfminer", "pdfplumber", "pypdfium2"):
        logging.getLogger(name).setLevel(logging.CRITICAL)  # warnings go nowhere: the one-line error says it all
    _check_char_counts(data, path)
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise InputError(path, "the PDF is encrypted (password protected); save an unprotected copy") from None
    except PDFSyntaxError as exc:
        raise InputError(path, f"damaged or truncated PDF ({exc})") from None
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many exception types for broken files
        name = type(exc).__name__
        chain = " ".join(
            type(e).__name__
            for e in (exc, exc.__cause__, exc.__context__, *[a for a in exc.args if isinstance(a, BaseException)])
            if e is not None
        )
        if "Password" in chain or "Encrypt" in chain:
            raise InputError(path, "the PDF is encrypted (password protected); save an unprotected copy") from None
        raise InputError(path, f"cannot open the PDF ({name}: {exc})") from None
    rendered: list[tuple] = []
    try:
        with pdf:
            try:
                pages = pdf.pages
            except Exception as exc:  # noqa: BLE001
                raise InputError(path, f"damaged PDF: cannot read its pages ({type(exc).__name__})") from None
            if not pages:
                raise InputError(path, "the PDF has no pages")
            if len(pages) > MAX_PAGES:
                raise InputError(path, f"the PDF has {len(pages)} pages, more than the {MAX_PAGES}-page limit")
            page_items: list[tuple[int, float, list]] = []
            budget = Budget(path)
            for number, page in enumerate(pages, 1):
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        items = _render_page(page)
                except (InputError, MemoryError):
                    raise  # a limit is never written down as an unreadable page
                except Exception as exc:  # noqa: BLE001 - one unreadable page is reported, not fatal
                    items = [(0.0, f"[第{number}页无法读取：{type(exc).__name__}]", None)]
                finally:
                    page.close()  # the page's layout objects (one per character) are released page by page
                for _, text, _ in items:
                    budget.add_text(text)
                page_items.append((number, float(page.height or 0.0), items))
            furniture = _furniture(page_items)
            for number, _, items in page_items:
                for k, (_, text, cells) in enumerate(items):
                    if (number, k) in furniture:
                        rendered.append(("", len(rendered) + 1, number, None, None, text))
                    else:
                        rendered.append((text, len(rendered) + 1, number, cells, None))
                rendered.append(("", len(rendered) + 1, number))
    except (InputError, MemoryError):
        raise
    except Exception as exc:  # noqa: BLE001
        raise InputError(path, f"damaged PDF ({type(exc).__name__}: {exc})") from None
    if not any(re.search(r"[\u4e00-\u9fff\w]", t) for t, *_ in rendered):
        raise InputError(path, "the PDF has no text layer (scanned images?); OCR is not supported")
    return build_document(path, data, "pdf", rendered)


#: Page numbers a footer or header prints: "- 3 -", "— 3 —", "第3页", "第3页 共8页", "共8页 第3页", "3/8", "Page 3 of 8".
_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–－]+\s*\d{1,4}\s*[-—–－]+|第\s*\d{1,4}\s*页(?:\s*[,，/／]?\s*共\s*\d{1,4}\s*页)?|共\s*\d{1,4}\s*页\s*[,，]?\s*第\s*\d{1,4}\s*页"
    r"|\d{1,4}\s*[/／]\s*\d{1,4}|(?:page\s*)?\d{1,4}\s*of\s*\d{1,4}|page\s*\d{1,4})\s*$",
    re.I,
)
#: The forms no table line prints ("- 3 -", "第3页"): furniture wherever they are the first or last line of a page.
#: The others ("3/8", "3 of 8") count only in the page margin.
_PAGE_NUMBER_STRONG = re.compile(r"^\s*(?:[-—–－]+\s*\d{1,4}\s*[-—–－]+|第\s*\d{1,4}\s*页.*|共\s*\d{1,4}\s*页.*)\s*$")
_BARE_NUMBER = re.compile(r"^\s*(\d{1,4})\s*$")
#: Share of the page height at the top and the bottom where headers and footers are printed.
_MARGIN_SHARE = 0.15
#: Most word groups a running header or footer has (left, centre and right parts); a table header row has more.
_FURNITURE_GROUPS = 3


def _furniture(pages: list[tuple[int, float, list[tuple[float, str, list[GridCell] | None]]]]) -> set[tuple[int, int]]:
    """The page furniture among the rendered lines: ``{(page number, line index)}``.

    ``pages``: ``(page number, page height in points, lines)`` per page, lines as :func:`_render_page` returns them.
    Only a page's first or last line can be furniture, and a bare number or a running text only when it lies in the
    outer :data:`_MARGIN_SHARE` of the page or is set off from the body by a wide gap (a page with a deep margin):

    * a printed page number (:data:`_PAGE_NUMBER`: ``- 3 -``, ``第3页 共8页``, ``3/8`` ...; the forms of
      :data:`_PAGE_NUMBER_STRONG` also outside the margin);
    * a bare number, when the bare numbers in that place run with the page numbers (number - page the same on at
      least two pages, or a one-page file numbered 1) -- a lone table value at the foot of a page is not taken;
    * a running header or footer: a line of at most :data:`_FURNITURE_GROUPS` word groups whose text, digits
      aside, is printed in the same place on two or more pages (the report title, the organ, a date, a URL).
    """
    candidates: dict[str, list[tuple[int, int, str]]] = {"top": [], "bottom": []}
    for number, height, items in pages:
        if not items or height <= 0:
            continue
        placed = [(k, top) for k, (top, text, _) in enumerate(items) if text.strip()]
        if not placed:
            continue
        (first, first_top), (last, last_top) = placed[0], placed[-1]

        def apart(k: int, other: int | None) -> bool:  # set off from the body by more than a blank line
            if other is None:
                return True
            size = max(4.0, max((c.bottom - c.top for c in items[k][2] or []), default=10.0))
            return abs(items[other][0] - items[k][0]) >= 2.5 * size

        neighbour_below = placed[1][0] if len(placed) > 1 else None
        neighbour_above = placed[-2][0] if len(placed) > 1 else None
        if (
            first_top <= height * _MARGIN_SHARE
            or apart(first, neighbour_below)
            or _PAGE_NUMBER_STRONG.match(items[first][1])
        ):
            candidates["top"].append((number, first, items[first][1]))
        if last != first and (
            last_top >= height * (1 - _MARGIN_SHARE)
            or apart(last, neighbour_above)
            or _PAGE_NUMBER_STRONG.match(items[last][1])
        ):
            candidates["bottom"].append((number, last, items[last][1]))
    out: set[tuple[int, int]] = set()
    single = len(pages) == 1
    for where, found in candidates.items():
        offsets: dict[int, list[tuple[int, int]]] = {}
        shapes: dict[str, list[tuple[int, int]]] = {}
        groups = {(n, k): _word_groups(items[k][2] or []) for n, _, items in pages for (m, k, _) in found if m == n}
        for number, k, text in found:
            if _PAGE_NUMBER.match(text):
                out.add((number, k))
                continue
            bare = _BARE_NUMBER.match(text)
            if bare:
                offsets.setdefault(int(bare.group(1)) - number, []).append((number, k))
                if single and int(bare.group(1)) == 1 and where == "bottom":
                    out.add((number, k))
                continue
            if groups.get((number, k), 0) <= _FURNITURE_GROUPS:
                shapes.setdefault(re.sub(r"\d+", "#", re.sub(r"\s+", "", text)), []).append((number, k))
        for hits in [*offsets.values(), *shapes.values()]:
            if len({n for n, _ in hits}) >= 2:
                out.update(hits)
    return out


def _word_groups(cells: list[GridCell]) -> int:
    """How many groups the words of a line form: words closer than twice the text height belong to one group (a date
    ``12/8/26, 3:40 AM`` is one group, a title printed apart from it another)."""
    if not cells:
        return 0
    ordered = sorted(cells, key=lambda c: c.x0)
    groups = 1
    for before, after in zip(ordered, ordered[1:]):
        if after.x0 - before.x1 > 2 * max(4.0, before.bottom - before.top, after.bottom - after.top):
            groups += 1
    return groups


def _check_char_counts(data: bytes, path: str) -> None:
    """Refuse a PDF whose pages are too many or whose page content streams are too large to lay out.

    Uses pdfminer's object layer only (no layout analysis): the decoded content stream of each page must stay
    under :data:`MAX_PAGE_STREAM` bytes. Damaged or encrypted files are left to the main reader's messages.
    """
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve1

    try:
        doc = PDFDocument(PDFParser(io.BytesIO(data)))
        pages = PDFPage.create_pages(doc)
        total = 0
        for number, page in enumerate(pages, 1):
            if number > MAX_PAGES:
                raise InputError(path, f"the PDF has more than the {MAX_PAGES}-page limit (REVIEWER_MAX_PAGES)")
            size = 0
            for stream in page.contents or []:
                stream = resolve1(stream)
                size += _decoded_size(stream, MAX_PAGE_STREAM + 1)
            if size > MAX_PAGE_STREAM:
                raise InputError(
                    path,
                    f"page {number} has a {size}-byte content stream, more than the {MAX_PAGE_STREAM}-byte limit (REVIEWER_MAX_PAGE_STREAM)",
                )
            content = b"".join(_stream_data(resolve1(stream)) for stream in page.contents or [])
            shown, drawn = _drawn(content, resolve1(page.resources) if page.resources else None, {}, 0)
            if drawn >= _UNBOUNDED:
                raise InputError(
                    path,
                    f"page {number} draws forms nested more than {_FORM_DEPTH} deep or drawing themselves (REVIEWER_MAX_PAGE_STREAM)",
                )
            if shown > MAX_PAGE_TEXT:
                raise InputError(
                    path,
                    f"page {number} shows about {shown} characters of text, more than the {MAX_PAGE_TEXT}-character limit (REVIEWER_MAX_PAGE_TEXT)",
                )
            if drawn > MAX_PAGE_STREAM:
                raise InputError(
                    path,
                    f"page {number} draws {drawn} bytes of content (its forms included), more than the {MAX_PAGE_STREAM}-byte limit (REVIEWER_MAX_PAGE_STREAM)",
                )
            total += shown
            if total > MAX_PDF_TEXT:
                raise InputError(
                    path, f"the PDF shows more than {MAX_PDF_TEXT} characters of text (REVIEWER_MAX_PDF_TEXT)"
                )
    except (InputError, MemoryError):
        raise
    except Exception:  # noqa: BLE001 - pdfplumber reports damaged or encrypted files with a better message
        return


_STRING = re.compile(rb"\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f\s]*>")
#: Inline image data (``BI`` ... ``ID`` <binary> ``EI``): not text, and its bytes may hold anything.
_INLINE_IMAGE = re.compile(rb"\bID\s.*?\sEI\b", re.S)
#: A form or image drawn by name: ``/Fm1 Do``.
_DO = re.compile(rb"/([^\s/\[\]()<>{}%]+)\s+Do\b")
#: Forms drawn inside forms are followed this deep (a deeper nesting counts as over every limit).
_FORM_DEPTH = 12
_UNBOUNDED = 10**12


def _stream_data(stream) -> bytes:
    try:
        return stream.get_data()
    except Exception:  # noqa: BLE001 - an undecodable stream draws nothing the reader could use
        return b""


def _shown_text(data: bytes) -> int:
    """Upper bound of the characters a content stream shows: the bytes of every string operand in it (hex strings
    count half), inline image data aside. Layout analysis makes an object per character shown."""
    count = 0
    for m in _STRING.finditer(_INLINE_IMAGE.sub(b" ", data)):
        text = m.group()
        count += len(text) - 2 if text[:1] == b"(" else (len(text) - 2) // 2
    return count


def _drawn(data: bytes, resources, memo: dict, depth: int) -> tuple[int, int]:
    """``(characters shown, content bytes drawn)`` by a content stream and, as many times as it draws each, the
    form XObjects it names (``/Fm1 Do``), followed into forms drawn by forms. ``memo`` keeps each form's cost, so
    that a form drawn a thousand times is read once; a chain deeper than :data:`_FORM_DEPTH` counts as unbounded."""
    from pdfminer.pdftypes import resolve1

    shown, drawn = _shown_text(data), len(data)
    if depth > _FORM_DEPTH:
        return _UNBOUNDED, _UNBOUNDED
    names = _DO.findall(data)
    if not names or not isinstance(resources, dict):
        return shown, drawn
    xobjects = resolve1(resources.get("XObject"))
    if not isinstance(xobjects, dict):
        return shown, drawn
    counts: dict[bytes, int] = {}
    for name in names:
        counts[name] = counts.get(name, 0) + 1
    for name, times in counts.items():
        ref = xobjects.get(name.decode("latin-1"))
        form = resolve1(ref)
        attrs = getattr(form, "attrs", None)
        if not isinstance(attrs, dict) or str(resolve1(attrs.get("Subtype"))).strip("/'") != "Form":
            continue
        key = getattr(ref, "objid", None) or id(form)
        if key not in memo:
            memo[key] = (_UNBOUNDED, _UNBOUNDED)  # a form that draws itself is unbounded
            own = resolve1(attrs.get("Resources"))
            memo[key] = _drawn(_stream_data(form), own if isinstance(own, dict) else resources, memo, depth + 1)
        shown += times * memo[key][0]
        drawn += times * memo[key][1]
    return min(shown, _UNBOUNDED), min(drawn, _UNBOUNDED)


def _decoded_size(stream, limit: int) -> int:
    """Decoded length of a PDF stream, decompressing at most ``limit`` bytes (a flate bomb stops at the limit)."""
    import zlib

    raw = getattr(stream, "rawdata", None)
    filters = stream.get_filters() if hasattr(stream, "get_filters") else []
    names = [str(f[0] if isinstance(f, tuple) else f).strip("/'") for f in filters]
    if raw is not None and names in (["FlateDecode"], ["Fl"]):
        try:
            return len(zlib.decompressobj().decompress(raw, limit))
        except zlib.error:
            return 0
    if raw is not None and not names:
        return len(raw)
    return len(stream.get_data())


def _edges(word: dict) -> tuple[float, ...]:
    """Character edges of a word that holds a digit (see :class:`~reviewer.models.GridCell`), else ()."""
    chars = word.get("chars") or []
    if not any(ch.isdigit() for ch in word["text"]) or len(chars) != len(word["text"]):
        return ()
    return tuple(float(c["x0"]) for c in chars) + (float(chars[-1]["x1"]),)


def _render_page(page) -> list[tuple[float, str, list[GridCell]]]:
    """The text lines of one page, top to bottom, each with its positioned words."""
    words = page.extract_words(x_tolerance=1.5, y_tolerance=2, keep_blank_chars=False, return_chars=True)
    return _words_to_lines(words)
