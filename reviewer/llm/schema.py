"""What the model must return (a pydantic schema, sent as JSON schema / tool / described in the prompt).

Every item carries verbatim quotes so that code can ground it; numbers are never taken from the model without a
quote that contains them. ``SCHEMA_VERSION`` is part of the prompt (and so of the cache key).
"""

from __future__ import annotations

from pydantic import BaseModel, Field

SCHEMA_VERSION = "llm-review-1"


class NarrativeClaim(BaseModel):
    """A figure the narrative states: verbatim quote, the table cell it speaks about, and the value stated."""

    quote: str = Field(description="正文原文，逐字摘录，包含该数字")
    cell: str = Field(
        description="对应表格单元格路径，如 t3.new_received.total、t4.reconsideration.total；多个单元格之和用 + 连接"
    )
    value: float = Field(description="正文所述数字")


class Contradiction(BaseModel):
    """Two statements of the report that cannot both be true (e.g. section 一 vs section 五)."""

    quote_a: str = Field(description="第一处原文，逐字摘录")
    quote_b: str = Field(description="第二处原文，逐字摘录")
    explanation: str = Field(description="为何矛盾，一句话")


class ProblemAssessment(BaseModel):
    """One problem stated in section 五: is it specific, and which improvement (quote) answers it."""

    problem_quote: str = Field(description="第五部分中问题的原文，逐字摘录")
    specific: bool = Field(description="问题是否具体（有具体事项、数字或时限），而非套话")
    improvement_quote: str | None = Field(description="回应该问题的改进措施原文，逐字摘录；没有则为 null")


class LLMReview(BaseModel):
    """The model's structured review of one report."""

    summary: str = Field(description="报告自述工作的简短摘要（不超过150字，只用报告中出现的数字）")
    claims: list[NarrativeClaim] = Field(description="正文中关于表格数字的表述")
    contradictions: list[Contradiction] = Field(description="各部分之间互相矛盾的表述")
    problems: list[ProblemAssessment] = Field(description="第五部分列出的每个问题")
    questions: list[str] = Field(description="建议向报告机关提出的问题")
