"""Shared plumbing of the eval suites: paths, the corpus listing, metrics and suite results.

Paths: the repository is the parent of this ``evals/`` directory; the public corpus is ``$REVIEWER_SHARED`` or
``../shared`` next to the repository (never copied into the repository).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

EVALS_DIR = Path(__file__).resolve().parent
REPO = EVALS_DIR.parent
FIXTURES = REPO / "fixtures"
DATA = EVALS_DIR / "data"
SEED_NAME = "000_f6c1ae60807b909e.txt"
#: Suffixes of report files, longest first (``x.pdf.txt`` is the text extraction of ``x.pdf``).
REPORT_SUFFIXES = (".pdf.txt", ".txt", ".md", ".pdf", ".html", ".htm", ".docx")


class SuiteUnavailable(Exception):
    """The suite cannot run (missing corpus or dataset): the CLI prints one line and exits 2."""


def shared_dir() -> Path:
    """``$REVIEWER_SHARED`` or ``../shared`` next to the repository."""
    env = os.environ.get("REVIEWER_SHARED")
    return Path(env) if env else REPO.parent / "shared"


def require_shared() -> Path:
    """The shared directory, or :class:`SuiteUnavailable` when its corpus is not there."""
    shared = shared_dir()
    if not (shared / "corpus" / "real").is_dir() or not (shared / "corpus" / "gold").is_dir():
        raise SuiteUnavailable(f"public corpus not found at {shared} (set REVIEWER_SHARED to the shared/ folder)")
    return shared


def report_format(name: str) -> str:
    """Format label of a report file name: ``pdf.txt``, ``txt``, ``md``, ``pdf``, ``html``, ``docx``."""
    for suffix in REPORT_SUFFIXES:
        if name.endswith(suffix):
            return "html" if suffix == ".htm" else suffix[1:]
    return Path(name).suffix.lstrip(".") or "none"


def corpus_reports(shared: Path) -> list[Path]:
    """Every report of ``corpus/real`` (all formats, SOURCES.md excluded) and the seed, sorted."""
    real = shared / "corpus" / "real"
    files = sorted(
        p for p in real.iterdir() if p.is_file() and p.name != "SOURCES.md" and p.name.endswith(REPORT_SUFFIXES)
    )
    seed = shared / "seeds" / SEED_NAME
    return files + ([seed] if seed.is_file() else [])


def gold_for(report: Path, shared: Path) -> dict[str, Any] | None:
    """The gold record of a corpus report (``None`` when there is none)."""
    from reviewer.goldcompare import gold_path_for, load_gold

    path = gold_path_for(report, shared / "corpus" / "gold")
    return load_gold(path) if path.is_file() else None


def manifest() -> dict[str, dict[str, Any]]:
    """``fixtures/MANIFEST.json`` entries by file name."""
    data = json.loads((FIXTURES / "MANIFEST.json").read_text(encoding="utf-8"))
    return {e["file"]: e for e in data["fixtures"]}


def fixture_reports() -> list[Path]:
    """Every fixture report listed in the MANIFEST (clean, defective, encodings, not-a-report)."""
    return [FIXTURES / name for name in sorted(manifest()) if (FIXTURES / name).is_file()]


def display_path(path: Path, shared: Path | None = None) -> str:
    """A stable short name: ``fixtures/x.txt`` or ``shared:corpus/real/x.txt``."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(REPO))
    except ValueError:
        pass
    if shared is not None:
        try:
            return "shared:" + str(path.resolve().relative_to(shared.resolve()))
        except ValueError:
            pass
    return str(path)


# ---------------------------------------------------------------------------------------------- metrics
@dataclass
class Metric:
    """One measured figure and its threshold.

    ``key`` is the threshold key in ``thresholds.toml`` (``min_*`` / ``max_*``), ``item`` an optional sub-key
    (a rule ID, a format, a file); ``threshold`` None means reported only.
    """

    suite: str
    name: str
    value: float
    key: str = ""
    item: str = ""
    threshold: float | None = None
    detail: str = ""

    @property
    def op(self) -> str:
        return "<=" if self.key.startswith("max_") else ">="

    @property
    def passed(self) -> bool:
        if self.threshold is None:
            return True
        if self.op == "<=":
            return self.value <= self.threshold + 1e-12
        return self.value >= self.threshold - 1e-12

    def as_dict(self) -> dict[str, Any]:
        return {
            "suite": self.suite,
            "name": self.name,
            "value": self.value,
            "threshold": self.threshold,
            "op": self.op,
            "passed": self.passed,
            "key": self.key,
            "item": self.item,
            "detail": self.detail,
        }


@dataclass
class SuiteResult:
    """What one suite measured: metrics (with threshold keys), free-form details for JSON, notes for humans."""

    suite: str
    metrics: list[Metric] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, name: str, value: float, key: str = "", item: str = "", detail: str = "") -> Metric:
        m = Metric(self.suite, name, value, key, item, detail=detail)
        self.metrics.append(m)
        return m


def ratio(num: float, den: float) -> float:
    """``num / den``, 1.0 when there is nothing to count."""
    return num / den if den else 1.0
