"""All data models of ``reviewer`` (pydantic v2), in pipeline order.

ingest -> :class:`Document`; parse -> :class:`AnnualReport` (with :class:`Table` and :class:`Cell`);
checks -> :class:`Finding`; narrative -> :class:`NarrativeFigure`; memo -> :class:`Memo`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel, Field

SCHEMA_VERSION = "1.1"


_MAKERS: dict[type, Any] = {}


def constructor(cls):
    """A function ``values -> instance`` that builds a ``cls`` instance from already-valid ``values`` naming every
    field, skipping validation (one per class, cached). For the hot paths -- the lines of a document, the cells of
    a table -- where even ``model_construct`` costs more than the parsing itself; the result behaves like a normal
    instance. No check is made: see :func:`construct` for the checked form."""
    make = _MAKERS.get(cls)
    if make is None:
        # every field is named, so every instance has the same fields-set; pydantic only ever adds names to it
        fields, new, set_attr = set(cls.model_fields), cls.__new__, object.__setattr__

        def make(values: dict[str, Any]):
            obj = new(cls)
            set_attr(obj, "__dict__", values)
            set_attr(obj, "__pydantic_fields_set__", fields)
            set_attr(obj, "__pydantic_extra__", None)
            set_attr(obj, "__pydantic_private__", None)
            return obj

        make.field_count = len(fields)
        _MAKERS[cls] = make
    return make


def construct(cls, values: dict[str, Any]):
    """:func:`constructor` for one instance, checked. Raises ``ValueError`` when ``values`` does not name every
    field of ``cls``."""
    make = constructor(cls)
    if len(values) != make.field_count:
        raise ValueError(f"construct({cls.__name__}) needs every field: got {sorted(values)}")
    return make(values)


class Severity(str, Enum):
    """Finding severity (rulebook section 0): ``error`` > ``warning`` > ``info``."""

    info = "info"
    warning = "warning"
    error = "error"

    @property
    def rank(self) -> int:
        return {"info": 1, "warning": 2, "error": 3}[self.value]


@dataclass(slots=True)
class GridCell:
    """One positioned cell (or PDF word group) of a rendered line, for reading tables by their column labels.

    ``text`` is the printed text of the cell (whitespace-joined, not normalised). ``x0``/``x1`` is its horizontal
    extent: grid-column indices ``[first, last + 1)`` for HTML, DOCX and Markdown tables (a ``colspan=3`` cell in
    column 2 spans ``[2, 5)``), points from the left page edge for PDF words. ``top``/``bottom`` are PDF points from
    the page top (0 for grids). ``spanned`` marks a label repeated from a ``rowspan``/``vMerge`` cell above.
    ``edges`` (PDF words with digits only) are the x positions of the word's characters (``len(text) + 1`` values:
    each character's left edge, then the last one's right edge), so that two values printed too close to be told
    apart as words are split where the column boundary runs between them.
    """

    text: str
    x0: float
    x1: float
    top: float = 0.0
    bottom: float = 0.0
    spanned: bool = False
    edges: tuple[float, ...] = ()

    @property
    def center(self) -> float:
        return (self.x0 + self.x1) / 2


class Line(BaseModel):
    """One source line: 1-based number in the original file, the original text and its normalised form.

    For structured inputs the line is a rendered line: ``number`` is the source line of the HTML element, the
    DOCX paragraph/table-row index, or the running line of a PDF; ``page`` is the 1-based PDF page (else None).
    Table rows of structured inputs are rendered as Markdown pipe rows (``| label | 1 | 0 |``).

    ``cells`` holds the line's positioned cells when the reader knows them (HTML/DOCX/Markdown table rows: one per
    printed cell; PDF lines: one per word group), else None; ``grid`` identifies the table a row belongs to
    (HTML/DOCX/Markdown: a running table index; PDF: None, every line of a page shares the page's coordinates).
    """

    number: int
    original: str
    text: str
    page: int | None = None
    cells: list[GridCell] | None = None
    grid: int | None = None


class Document(BaseModel):
    """Decoded input: normalised lines with their original line numbers.

    ``encoding`` is what the decoder detected (e.g. ``utf-8``, ``gb18030``); ``source_format`` the input format
    (``text``, ``markdown``). Table grids from structured formats (HTML, DOCX, PDF) go into ``grids``.
    """

    path: str
    sha256: str
    encoding: str
    source_format: str
    lines: list[Line]

    def line_text(self, number: int) -> str:
        """Original text of source line ``number`` (1-based); empty string when out of range."""
        for line in self.lines:
            if line.number == number:
                return line.original
        return ""


CellKind = Literal["number", "blank", "token", "unread"]


class Cell(BaseModel):
    """One table cell with provenance.

    ``kind`` keeps blank, ``0`` and ``/`` apart: ``number`` (``value`` is an int, or a float for 万元 amounts),
    ``blank`` (nothing printed; ``value`` None), ``token`` (non-numeric text such as ``/``, ``-``, ``无``;
    ``value`` None, ``raw`` holds it), ``unread`` (the reader did not find the cell's column: what is printed there
    is unknown, which is not the same as blank). ``raw`` is always the cell text as printed. ``line`` is the 1-based source
    line and ``page`` the 1-based PDF page (None for other formats); ``inferred`` marks a value split out of digits
    printed without separators (see ``Table.notes``). ``unit`` is a unit printed in the cell (``元``, ``万元``,
    ``件``; ``value`` is the number as printed, in that unit), ``note`` a parenthesised note printed beside the
    value (``55（含自然失效29件）`` -> value 55, note ``含自然失效29件``). ``ambiguous`` marks a value that the
    evidence did not settle: ``value`` is only the first of the readings listed in ``Table.ambiguities``, and no
    rule may treat it as printed (findings that depend on it are extraction issues).
    """

    kind: CellKind
    value: int | float | None = None
    raw: str = ""
    line: int | None = None
    inferred: bool = False
    page: int | None = None
    unit: str = ""
    note: str = ""
    ambiguous: bool = False

    def gold(self) -> int | float | str | None:
        """The value in the gold/`reviewer parse` shape: number, None for blank, the token text otherwise."""
        if self.kind == "number":
            return self.value
        if self.kind == "token":
            return self.raw
        return None

    def num(self) -> int | float:
        """Numeric value with blank and tokens read as 0 (used by identities; CELL-* rules flag them)."""
        return self.value if self.kind == "number" and self.value is not None else 0


TableStatus = Literal["parsed", "absent", "replaced_by_text", "unreadable"]
#: Extraction confidence of a table (issue 11): ``read`` (every cell read under an identified column, identities
#: consistent with a few wrong cells at most), ``read_with_ambiguity`` (read, but some cells allow several readings),
#: ``doubtful`` (the reading itself is in question: see ``Table.evidence``), ``not_assessable`` (no table text).
ExtractionState = Literal["read", "read_with_ambiguity", "doubtful", "not_assessable"]


class Evidence(BaseModel):
    """Why a table's extraction state was decided: ``kind`` (a stable code such as ``markup_in_cells``,
    ``values_outside_columns``, ``columns_missing``, ``identity_pattern``, ``narrative_disagrees``), a Chinese
    ``message`` for the memo, the cell paths or labels concerned (``where``) and 1-based source ``lines``."""

    kind: str
    message: str
    where: list[str] = Field(default_factory=list)
    lines: list[int] = Field(default_factory=list)


class Ambiguity(BaseModel):
    """A row whose printed digits allow several readings: ``chosen`` is shown, ``alternatives`` also fit (the
    evidence -- the table's identities, the narrative -- did not decide between them; ``count`` readings in all).
    The cells on which the readings differ are marked ``Cell.ambiguous``."""

    table: str
    row: str
    printed: str
    chosen: list[Any]
    alternatives: list[list[Any]]
    reason: str
    line: int | None = None
    count: int = 0


class Table(BaseModel):
    """A parsed statistical table (2, 3 or 4) as ``rows[row_key][column_key] -> Cell``.

    ``status`` is ``parsed`` or why it is not assessable (``absent``: no table text, e.g. an image;
    ``replaced_by_text``: a sentence stands in its place; ``unreadable``: text found but no row could be read).
    ``layout`` names the text layout the parser recognised; ``notes`` describe reconstructions.
    ``state`` is the extraction confidence (:data:`ExtractionState`, decided by :mod:`reviewer.parse.confidence`)
    and ``evidence`` what decided it; ``columns`` maps each identified column key to the header text it was
    identified by (tables read by their labels: HTML, DOCX, PDF, Markdown).
    """

    name: Literal["t2", "t3", "t4"]
    status: TableStatus
    layout: str = ""
    rows: dict[str, dict[str, Cell]] = Field(default_factory=dict)
    line_start: int | None = None
    line_end: int | None = None
    replacement_text: str = ""
    notes: list[str] = Field(default_factory=list)
    ambiguities: list[Ambiguity] = Field(default_factory=list)
    row_labels: dict[str, str] = Field(default_factory=dict)
    row_lines: dict[str, int] = Field(default_factory=dict)
    subtotals: dict[str, dict[str, Cell]] = Field(default_factory=dict)
    state: ExtractionState = "read"
    evidence: list[Evidence] = Field(default_factory=list)
    columns: dict[str, str] = Field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == "parsed"

    @property
    def doubtful(self) -> bool:
        """True when the reading itself is in question (state ``doubtful``): its findings are extraction issues."""
        return self.state == "doubtful"

    def cell(self, row: str, col: str) -> Cell | None:
        return self.rows.get(row, {}).get(col)

    def gold(self) -> dict[str, dict[str, Any]] | None:
        """Rows in the gold JSON shape (``None`` when the table is not assessable)."""
        if not self.ok:
            return None
        return {r: {c: cell.gold() for c, cell in cols.items()} for r, cols in self.rows.items()}


class Section(BaseModel):
    """A template section found in the text.

    ``number`` is the template position 1..6; ``printed_number`` the numbering as printed (``二、``, ``2、``);
    ``line`` / ``end_line`` are 1-based source lines; ``offset`` the character offset in the joined text.
    """

    number: int
    heading: str
    printed_number: str
    line: int
    end_line: int
    offset: int
    end_offset: int
    text: str = ""
    original_text: str = ""


class HeadingSlip(BaseModel):
    """A numbering slip: a heading printed with the wrong numeral style or out of sequence (STR-HEADING-NUMBER)."""

    printed: str
    expected: str
    heading: str
    line: int
    level: Literal["section", "subsection", "list"]


class NarrativeFigure(BaseModel):
    """A figure stated in the narrative, with the metric it speaks about.

    ``metric`` uses the gold syntax: ``t3.new_received.total``, ``a+b`` for sums, ``t3.denied_*.total`` for a
    group, ``x.fee.collected`` (元) for quantities without a table cell. ``scope`` is ``organ`` (本机关) or
    ``aggregate`` (全市/全区/全县…). ``line`` is the 1-based source line of ``quote``.
    """

    metric: str
    value: int | float
    quote: str
    line: int
    section: int | None = None
    scope: Literal["organ", "aggregate", "unknown"] = "unknown"
    unit: str = "件"
    approximate: bool = False


class Finding(BaseModel):
    """One rule result: rule ID (rulebook), severity, Chinese message, compared figures, and evidence lines.

    ``figures`` maps names to the numbers compared (e.g. ``{"row_sum": 26, "printed_total": 20}``); ``where``
    is a cell path (``t3.total_processed.natural_person``); ``lines`` are 1-based source lines.
    """

    rule: str
    severity: Severity
    message: str
    where: str = ""
    figures: dict[str, Any] = Field(default_factory=dict)
    lines: list[int] = Field(default_factory=list)
    quotes: list[str] = Field(default_factory=list)
    explains: list[str] = Field(default_factory=list)
    #: ``report``: a defect of the report; ``extraction``: a finding that rests on a doubtful or ambiguous reading
    #: (never an error, never a question to the office; the memo lists it apart)
    category: Literal["report", "extraction"] = "report"


class AnnualReport(BaseModel):
    """A parsed annual report.

    ``template`` is ``FMT-2021``/``FMT-2019`` (``template_evidence`` says why); ``year`` the statistical year;
    ``sections`` the template sections found; ``t2``/``t3``/``t4`` the tables; ``text`` the normalised full text
    (excluded from JSON output).
    """

    path: str
    sha256: str
    encoding: str
    source_format: str
    title: str = ""
    office: str = ""
    office_level: str = ""
    year: int | None = None
    year_evidence: str = ""
    template: str
    template_evidence: str = ""
    period: dict[str, Any] | None = None
    sign_date: dict[str, Any] | None = None
    sections: list[Section] = Field(default_factory=list)
    heading_slips: list[HeadingSlip] = Field(default_factory=list)
    t2: Table
    t3: Table
    t4: Table
    is_report: bool = True
    lines: list[Line] = Field(default_factory=list, exclude=True)
    figures: list[NarrativeFigure] = Field(default_factory=list, exclude=True)

    def section(self, number: int) -> Section | None:
        for s in self.sections:
            if s.number == number:
                return s
        return None

    @property
    def sections_present(self) -> dict[str, bool]:
        found = {s.number for s in self.sections}
        return {str(i): i in found for i in range(1, 7)}

    def gold_view(self) -> dict[str, Any]:
        """The ``reviewer parse`` top-level keys in the gold shape (``template``, ``sections_present``, tables)."""
        return {
            "template": self.template,
            "sections_present": self.sections_present,
            "t2": self.t2.gold(),
            "t3": self.t3.gold(),
            "t4": self.t4.gold(),
        }


class Memo(BaseModel):
    """The reviewer memo: one model rendered as Markdown or JSON (``schema_version`` for consumers).

    ``findings`` are defects of the report; ``extraction_issues`` the findings that rest on a doubtful or ambiguous
    reading of a table (PARSE-DOUBTFUL and the demoted rule findings), kept apart; ``extraction`` gives each
    table's extraction state and evidence (``[{"table", "name", "state", "evidence": [{"kind", "message"}]}]``).
    """

    schema_version: str = SCHEMA_VERSION
    tool_version: str
    file: str
    office: str
    year: int | None
    template: str
    sections_present: dict[str, bool]
    summary: list[str]
    key_figures: list[dict[str, Any]]
    findings: list[Finding]
    extraction: list[dict[str, Any]] = Field(default_factory=list)
    extraction_issues: list[Finding] = Field(default_factory=list)
    narrative_checks: list[dict[str, Any]]
    section5: dict[str, Any]
    section6: dict[str, Any]
    not_checked: list[str]
    questions: list[str]
    checked: list[str]
    llm: dict[str, Any] = Field(default_factory=dict)
    is_report: bool = True
