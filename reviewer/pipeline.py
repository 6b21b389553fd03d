"""The deterministic review of one file: ingest -> parse -> narrative figures -> checks.

This is what ``reviewer check`` and ``reviewer memo`` run, and what the batch and eval layers call.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reviewer.models import AnnualReport, Finding, NarrativeFigure


@dataclass
class Review:
    """One reviewed report: the parsed report, the narrative figures found in it, and the rule findings."""

    report: AnnualReport
    figures: list[NarrativeFigure]
    findings: list[Finding]
    #: the rule context the checks ran with (comparisons and table identities computed there are reused by the
    #: memo); None for a Review built by hand
    context: Any = None


def parse_file(path: str | Path) -> AnnualReport:
    """Read and parse ``path``. Raises :class:`reviewer.errors.InputError` for unreadable input."""
    from reviewer.ingest import load_document
    from reviewer.parse import parse_document

    return parse_document(load_document(path))


def narrative_figures(report: AnnualReport) -> list[NarrativeFigure]:
    """Figures stated in the narrative of ``report`` (deterministic extractor), with their section numbers.

    The parser already extracted them once (``report.figures``); they are recomputed only for a report built
    without the parser."""
    if report.figures or not report.lines:
        return list(report.figures)
    from reviewer.parse import narrative_figures_of

    return narrative_figures_of(report.lines, report.sections, report.template)


def review_report(report: AnnualReport) -> Review:
    """Run the narrative extractor and every rule on a parsed report."""
    from reviewer.checks import Context, run_checks

    figures = narrative_figures(report)
    ctx = Context(report=report, figures=list(figures))
    return Review(report=report, figures=figures, findings=run_checks(report, figures, context=ctx), context=ctx)


def review_file(path: str | Path) -> Review:
    """Parse and review one file (see :func:`parse_file` for the errors raised)."""
    return review_report(parse_file(path))
