"""A searchable view of a document: joined normalised text, a whitespace-free copy, and offset -> line maps.

Labels in real reports are broken by stray spaces and line breaks ("社会公益 组织", "三\\n、\\n本"), so labels are
searched in the *compact* text (all whitespace removed) and positions are mapped back to the joined text and to
1-based source lines.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from array import array
from collections.abc import Iterator

from reviewer.ingest.text import normalise
from reviewer.models import Line

#: Page footers printed inside tables by PDF and PDF->Markdown extraction ("- 4 -", "— 4 —").
FOOTER_RE = re.compile(r"^\s*[-—–－]+\s*\d{1,3}\s*[-—–－]+\s*$")
_DASHES = ("-", "—", "–", "－")


_WS = re.compile(r"\s+")
_NON_SPACE_RUN = re.compile(r"\S+")


@functools.lru_cache(maxsize=4096)
def _needle(needle: str) -> str:
    return re.sub(r"\s+", "", normalise(needle))


@functools.lru_cache(maxsize=1)
def _space_table():
    """numpy bool table over the Basic Multilingual Plane: True where ``str.isspace`` (every whitespace character
    Python knows is in the BMP)."""
    import numpy as np

    table = np.zeros(0x10000, dtype=bool)
    table[[c for c in range(0x10000) if chr(c).isspace()]] = True
    return table


def _compact(text: str) -> tuple[str, array[int]]:
    """``(text without whitespace, offset in text of each kept character)`` -- the same as ``re.sub(r"\\s+", "",
    text)`` and ``[i for i, ch in enumerate(text) if not ch.isspace()]``, computed with numpy on the code points."""
    from array import array

    import numpy as np

    if not text:
        return "", array("q")
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    space = _space_table()[np.minimum(codes, 0xFFFF)] & (codes <= 0xFFFF)
    kept = np.flatnonzero(~space).astype(np.int64)
    # an array of machine integers (8 bytes an offset; a list of int objects takes 36): a long report stays small
    offsets = array("q")
    offsets.frombytes(kept.tobytes())
    if kept.size == codes.size:
        return text, offsets
    return codes[kept].tobytes().decode("utf-32-le", "surrogatepass"), offsets


class TextView:
    """Joined text of ``lines`` (``"\\n"`` between lines), with page-footer lines blanked.

    Attributes: ``text`` (str), ``compact`` (text without whitespace), ``cmap`` (compact index -> text
    offset), ``starts`` (text offset of each line), ``numbers`` (1-based source number of each line).
    """

    def __init__(self, lines: list[Line]) -> None:
        # a footer starts with a dash after optional spaces: test that before running the regex on every line
        texts = [
            " " * len(t) if t.lstrip()[:1] in _DASHES and FOOTER_RE.match(t) else t for t in (ln.text for ln in lines)
        ]
        self.originals = [ln.original for ln in lines]
        self.numbers = [ln.number for ln in lines]
        #: positioned cells, table id and PDF page of each line (structured inputs; None elsewhere)
        self.cells = [ln.cells for ln in lines]
        self.grids = [ln.grid for ln in lines]
        self.pages = [ln.page for ln in lines]
        self.has_cells = any(c is not None for c in self.cells)
        self.starts: list[int] = [0, *itertools.accumulate(len(t) + 1 for t in texts)][: len(texts)]
        self.text = "\n".join(texts)
        text = self.text
        self.compact, self.cmap = _compact(text)
        self.cmap.append(len(self.text))
        # original text joined the same way, its line starts, and how many lines before line i changed length
        # under normalisation (a range of unchanged lines maps 1:1 onto the original text)
        self._last_line = (0, 0, 1)  # (start, end, number) of the line line_of found last
        self._joined_original = "\n".join(self.originals)
        self._original_starts: list[int] = [0, *itertools.accumulate(len(o) + 1 for o in self.originals)][: len(texts)]
        self._changed_before = [0, *itertools.accumulate(len(o) != len(t) for o, t in zip(self.originals, texts))]

    def original(self, start: int, end: int) -> str:
        """Original (un-normalised) text for the text range ``[start, end)`` where every line in the range kept its
        length under normalisation; otherwise the normalised text of the range."""
        first = max(bisect.bisect_right(self.starts, max(start, 0)) - 1, 0)
        last = max(bisect.bisect_right(self.starts, max(end - 1, 0)) - 1, 0)
        if not self.starts:
            return ""
        if self._changed_before[last + 1] != self._changed_before[first]:
            return self.text[start:end]
        line_len = len(self.originals[last])
        a = self._original_starts[first] + max(start - self.starts[first], 0)
        b = self._original_starts[last] + min(end - self.starts[last], line_len)
        return self._joined_original[a:b] if b > a else ""

    def line_of(self, offset: int) -> int:
        """1-based source line number of text offset ``offset``."""
        lo, hi, number = self._last_line
        if lo <= offset < hi:  # cells of one row ask about the same line in turn
            return number
        if not self.numbers:
            return 1
        idx = max(0, min(bisect.bisect_right(self.starts, max(offset, 0)) - 1, len(self.numbers) - 1))
        if offset >= 0:
            self._last_line = (
                self.starts[idx],
                self.starts[idx + 1] if idx + 1 < len(self.starts) else len(self.text) + 1,
                self.numbers[idx],
            )
        return self.numbers[idx]

    def blank_line(self, index: int) -> bool:
        """True when line ``index`` (0-based) is empty in the view (blank, or a page footer that was blanked)."""
        end = self.starts[index + 1] - 1 if index + 1 < len(self.starts) else len(self.text)
        return not self.text[self.starts[index] : end].strip()

    def index_of(self, offset: int) -> int:
        """0-based index of the line that holds text offset ``offset``."""
        if not self.starts:
            return 0
        return max(0, min(bisect.bisect_right(self.starts, max(offset, 0)) - 1, len(self.starts) - 1))

    def page_of(self, offset: int) -> int | None:
        """1-based PDF page of text offset ``offset`` (None for other formats)."""
        return self.pages[self.index_of(offset)] if self.pages else None

    def to_text(self, cidx: int) -> int:
        """Text offset of compact index ``cidx`` (``len(compact)`` maps to ``len(text)``)."""
        return self.cmap[max(0, min(cidx, len(self.cmap) - 1))]

    def to_compact(self, offset: int) -> int:
        """Compact index of the first non-space character at or after text offset ``offset``."""
        return bisect.bisect_left(self.cmap, offset)

    def find(self, needle: str, start: int = 0, end: int | None = None) -> tuple[int, int] | None:
        """Find ``needle`` (normalised, whitespace removed) in the compact text between text offsets.

        Returns ``(text_start, text_end)`` offsets of the match in ``text`` (end exclusive), or None.
        """
        key = _needle(needle)
        cstart = self.to_compact(start)
        cend = len(self.compact) if end is None else self.to_compact(end)
        idx = self.compact.find(key, cstart, cend)
        if idx < 0:
            return None
        return self.cmap[idx], self.cmap[idx + len(key) - 1] + 1

    def search(
        self, pattern: re.Pattern[str], start: int = 0, end: int | None = None
    ) -> list[tuple[int, int, re.Match[str]]]:
        """Regex matches over the compact text; returns ``(text_start, text_end, match)`` for each."""
        return list(self.iter_search(pattern, start, end))

    def iter_search(
        self, pattern: re.Pattern[str], start: int = 0, end: int | None = None
    ) -> Iterator[tuple[int, int, re.Match[str]]]:
        """:meth:`search` as a generator: a caller that stops at the first acceptable match scans no further."""
        cstart = self.to_compact(start)
        cend = len(self.compact) if end is None else self.to_compact(end)
        cmap = self.cmap
        for m in pattern.finditer(self.compact, cstart, cend):
            if m.end() == m.start():
                continue
            yield cmap[m.start()], cmap[m.end() - 1] + 1, m
