"""Shared test helpers: paths to the project's fixtures and to the public corpus in ../shared (skipped if absent)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # the evals package (shared sample builders)
FIXTURES = ROOT / "fixtures"


def shared_dir() -> Path:
    """``$REVIEWER_SHARED`` or ``../shared`` next to the repository."""
    return Path(os.environ.get("REVIEWER_SHARED", ROOT.parent / "shared"))


SHARED = shared_dir()
SEED = SHARED / "seeds" / "000_f6c1ae60807b909e.txt"
REAL = SHARED / "corpus" / "real"
GOLD = SHARED / "corpus" / "gold"

needs_shared = pytest.mark.skipif(
    not (REAL.is_dir() and GOLD.is_dir() and SEED.is_file()),
    reason=f"public corpus not found at {SHARED} (set REVIEWER_SHARED to the shared/ folder)",
)


def text_reports() -> list[Path]:
    """Every real text-format report (TXT, Markdown, PDF-extracted text) plus the seed."""
    if not REAL.is_dir():
        return []
    files = sorted(p for p in REAL.iterdir() if p.suffix in (".txt", ".md") and p.name != "SOURCES.md")
    return files + ([SEED] if SEED.is_file() else [])


def all_reports() -> list[Path]:
    """Every real report in every format (text formats, HTML, PDF) plus the seed."""
    if not REAL.is_dir():
        return []
    other = sorted(p for p in REAL.iterdir() if p.suffix in (".html", ".pdf", ".docx"))
    return text_reports() + other


def manifest() -> dict[str, dict]:
    data = json.loads((FIXTURES / "MANIFEST.json").read_text(encoding="utf-8"))
    return {e["file"]: e for e in data["fixtures"]}
