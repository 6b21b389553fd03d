"""Narrative figures: numbers the report's prose states about table quantities (rulebook XS-NARR-*)."""

from reviewer.narrative.extract import detect_template, extract_figures

__all__ = ["extract_figures", "detect_template"]
