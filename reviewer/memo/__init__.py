"""Memo: findings and figures -> the reviewer memo (Markdown or JSON, from one pydantic model)."""

from reviewer.memo.build import build_memo
from reviewer.memo.markdown import render_markdown

__all__ = ["build_memo", "render_markdown"]
