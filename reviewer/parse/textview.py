"""A searchable view of a document: joined normalised text, a whitespace-free copy, and offset -> line maps.

Labels in real reports are broken by stray spaces and line breaks ("社会公益 组织", "三\\n、\\n本"), so labels are
searched in the *compact* text (all whitespace removed) and positions are mapped back to the joined text and to
1-based source lines.
"""

from __future__ import annotations

import bisect
import functools
import re

from reviewer.ingest.text import normalise
from reviewer.models import Line

#: Page footers printed inside tables by PDF and PDF->Markdown extraction ("- 4 -", "— 4 —").
FOOTER_RE = re.compile(r"^\s*[-—–－]+\s*\d{1,3}\s*[-—–－]+\s*$")


_WS = re.compile(r"\s+")


@functools.lru_cache(maxsize=4096)
def _needle(needle: str) -> str:
    return re.sub(r"\s+", "", normalise(needle))


class TextView:
    """Joined text of ``lines`` (``"\\n"`` between lines), with page-footer lines blanked.

    Attributes: ``text`` (str), ``compact`` (text without whitespace), ``cmap`` (compact index -> text
    offset), ``starts`` (text offset of each line), ``numbers`` (1-based source number of each line).
    """

    def __init__(self, lines: list[Line]) -> None:
        texts = [" " * len(ln.text) if FOOTER_RE.match(ln.text) else ln.text for ln in lines]
        self.originals = [ln.original for ln in lines]
        self.numbers = [ln.number for ln in lines]
        self.starts: list[int] = []
        pos = 0
        for t in texts:
            self.starts.append(pos)
            pos += len(t) + 1
        self.text = "\n".join(texts)
        text = self.text
        self.compact = _WS.sub("", text)
        self.cmap = [i for i, ch in enumerate(text) if not ch.isspace()] if len(self.compact) != len(text) else list(range(len(text)))
        self.cmap.append(len(self.text))

    def original(self, start: int, end: int) -> str:
        """Original (un-normalised) text for the text range ``[start, end)`` where every line in the range kept its
        length under normalisation; otherwise the normalised text of the range."""
        first = bisect.bisect_right(self.starts, max(start, 0)) - 1
        last = bisect.bisect_right(self.starts, max(end - 1, 0)) - 1
        pieces = []
        for i in range(max(first, 0), max(last, 0) + 1):
            norm = self.text[self.starts[i] : self.starts[i] + len(self.originals[i])]
            if len(self.originals[i]) != len(self.text[self.starts[i] : (self.starts[i + 1] - 1) if i + 1 < len(self.starts) else len(self.text)]):
                return self.text[start:end]
            a = max(start, self.starts[i]) - self.starts[i]
            b = min(end, self.starts[i] + len(norm)) - self.starts[i]
            pieces.append(self.originals[i][a:b])
        return "\n".join(pieces)

    def line_of(self, offset: int) -> int:
        """1-based source line number of text offset ``offset``."""
        if not self.numbers:
            return 1
        idx = bisect.bisect_right(self.starts, max(offset, 0)) - 1
        return self.numbers[max(0, min(idx, len(self.numbers) - 1))]

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

    def search(self, pattern: re.Pattern[str], start: int = 0, end: int | None = None) -> list[tuple[int, int, re.Match[str]]]:
        """Regex matches over the compact text; returns ``(text_start, text_end, match)`` for each."""
        cstart = self.to_compact(start)
        cend = len(self.compact) if end is None else self.to_compact(end)
        out = []
        for m in pattern.finditer(self.compact, cstart, cend):
            if m.end() == m.start():
                continue
            out.append((self.cmap[m.start()], self.cmap[m.end() - 1] + 1, m))
        return out
