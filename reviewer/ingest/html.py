"""HTML reader (lxml): government web pages with Word-generated tables.

Scripts, styles and other non-content elements are dropped. Text is rendered block by block in document order;
every innermost ``<table>`` becomes a grid that honours rowspan/colspan (numbers split across ``<span>``s are
joined by the element's text content) and is rendered as pipe rows. A table that contains other tables is a
layout table and is rendered as text; the line breaks of a ``<pre>`` block are kept. Provenance: the source line of each element (lxml ``sourceline``).
"""

from __future__ import annotations

import re

from reviewer.errors import InputError
from reviewer.ingest.grid import Budget, build_document, clean_cell, layout_grid, pipe_row
from reviewer.models import Document

#: Word's hidden text (``display:none``, ``mso-hide:all``) is not printed, so it is not read.
_HIDDEN = re.compile(r"display\s*:\s*none|mso-hide\s*:\s*all", re.I)
_DROP = {
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "iframe",
    "object",
    "embed",
    "head",
    "button",
    "select",
    "input",
    "textarea",
}
_BLOCK = {
    "p",
    "div",
    "section",
    "article",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "br",
    "tr",
    "table",
    "body",
    "blockquote",
    "pre",
    "center",
    "dd",
    "dt",
    "dl",
    "header",
    "footer",
    "main",
    "form",
    "hr",
    "figure",
    "figcaption",
}


def _span(el, name: str) -> int:
    try:
        return max(1, min(int(re.sub(r"[^\d]", "", el.get(name, "1")) or 1), 200))
    except ValueError:
        return 1


_CJK = re.compile(r"[\u4e00-\u9fff]+")


def _cjk_count(text: str) -> int:
    """Number of CJK ideographs in ``text`` (without a list of one string per character)."""
    return sum(m.end() - m.start() for m in _CJK.finditer(text))


def _decode(data: bytes, path: str) -> str:
    from reviewer.ingest.text import decode_bytes

    head = data[:4096].decode("ascii", errors="ignore").lower()
    m = re.search(r"charset=[\"']?([a-z0-9_\-]+)", head)
    if m:
        enc = m.group(1)
        if enc in ("gb2312", "gbk"):
            enc = "gb18030"
        try:
            return data.decode(enc)
        except (LookupError, UnicodeDecodeError):
            pass
    text, _ = decode_bytes(data, path)
    return text


def read_html(data: bytes, path: str) -> Document:
    """Parse HTML bytes into a :class:`Document` (tables as pipe rows). Raises :class:`InputError` when the page
    cannot be parsed or holds no text."""
    import lxml.etree
    import lxml.html

    from reviewer.ingest import MAX_CHARS, MAX_HTML_TAGS

    tags = data.count(b"<")
    if tags > MAX_HTML_TAGS:
        raise InputError(
            path, f"HTML page with about {tags} tags, more than the {MAX_HTML_TAGS}-tag limit (REVIEWER_MAX_HTML_TAGS)"
        )
    text = _decode(data, path)
    if len(text) > MAX_CHARS:
        visible = len(text) - sum(len(m) for m in re.findall(r"<[^<>]{0,4000}>", text))
        if visible > MAX_CHARS:
            raise InputError(
                path,
                f"HTML page with about {visible} characters of text, more than the {MAX_CHARS}-character limit (REVIEWER_MAX_CHARS)",
            )
    budget = Budget(path)
    try:
        # huge_tree lifts libxml2's nesting-depth cap (256), which otherwise drops deeply nested content silently
        root = lxml.html.document_fromstring(
            text.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8", huge_tree=True)
        )
    except (lxml.etree.ParserError, ValueError) as exc:
        raise InputError(path, f"cannot parse the HTML page ({exc})") from None
    hidden = [el for el in root.iter() if isinstance(el.tag, str) and _HIDDEN.search(el.get("style", "") or "")]
    vml = [el for el in root.iter() if isinstance(el.tag, str) and el.tag.lower().startswith(("v:", "w:"))]
    for el in list(root.iter(*_DROP, lxml.etree.Comment, lxml.etree.ProcessingInstruction)) + hidden + vml:
        parent = el.getparent()
        if parent is not None:
            tail = el.tail
            parent.remove(el)
            if tail:
                prev = parent.text or ""
                parent.text = prev + tail
    out: list[tuple] = []
    buf: list[str] = []
    buf_line = [1]

    pre = [0]  # depth of <pre> elements open: their line breaks are printed, so they stay lines

    def flush() -> None:
        text = "".join(buf)
        if pre[0] and "\n" in text:
            for k, part in enumerate(text.split("\n")):
                s = re.sub(r"[ \t\r\u00a0]+", " ", part).strip()
                if s:
                    budget.add_text(s)
                    out.append((s, buf_line[0] + k, None))
        else:
            s = re.sub(r"[ \t\r\n\u00a0]+", " ", text).strip()
            if s:
                budget.add_text(s)
                out.append((s, buf_line[0], None))
        buf.clear()

    skip_until: list = []  # a table element whose subtree was rendered as a grid

    def walk(root_el) -> None:
        """Iterative document-order walk (no recursion limit): text at element start, tail at element end."""
        for event, el in lxml.etree.iterwalk(root_el, events=("start", "end")):
            if skip_until:
                if event == "end" and el is skip_until[-1]:
                    skip_until.pop()
                    if el.tail:
                        buf.append(el.tail)
                continue
            tag = el.tag.lower() if isinstance(el.tag, str) else ""
            if event == "start":
                if tag == "table" and el.find(".//table") is None:
                    flush()
                    render_table(el)
                    skip_until.append(el)
                    continue
                if tag in _BLOCK:
                    flush()
                    buf_line[0] = el.sourceline or buf_line[0]
                if tag == "pre":
                    pre[0] += 1
                if el.text and tag:
                    if not buf:
                        buf_line[0] = el.sourceline or buf_line[0]
                    buf.append(el.text)
            else:
                if tag in _BLOCK:
                    flush()
                if tag == "pre":
                    pre[0] -= 1
                if el.tail and el is not root_el:
                    buf.append(el.tail)

    tables_seen = [0]

    def render_table(table) -> None:
        rows = []
        lines = []
        for tr in table.iter("tr"):
            cells = [
                (clean_cell(td.text_content()), _span(td, "rowspan"), _span(td, "colspan"))
                for td in tr
                if isinstance(td.tag, str) and td.tag.lower() in ("td", "th")
            ]
            if cells:
                rows.append(cells)
                lines.append(tr.sourceline or table.sourceline or 1)
        from reviewer.ingest.docx import MAX_TABLE_ROWS

        if len(rows) > MAX_TABLE_ROWS:
            raise InputError(
                path,
                f"table with {len(rows)} rows is larger than the {MAX_TABLE_ROWS}-row limit (REVIEWER_MAX_TABLE_ROWS)",
            )
        grid, positioned = layout_grid(rows, budget)
        tables_seen[0] += 1
        for cells, placed, line in zip(grid, positioned, lines):
            if any(c.strip() for c in cells):
                row = pipe_row(cells)
                budget.add_text(row)
                out.append((row, line, None, placed, tables_seen[0]))
        out.append(("", lines[-1] if lines else 1, None))

    body = root.find("body")
    walk(body if body is not None else root)
    flush()
    rendered_cjk = sum(_cjk_count(t) for t, *_ in out)
    raw_cjk = _cjk_count(re.sub(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->|<[^>]*>", " ", text, flags=re.S | re.I))
    if raw_cjk >= 20 and rendered_cjk < 0.5 * raw_cjk:
        raise InputError(path, "HTML nested too deeply to read (more than about 2,000 levels); save the page as text")
    if not any(t.strip() for t, *_ in out):
        raise InputError(path, "the HTML page holds no text")
    return build_document(path, data, "html", out)
