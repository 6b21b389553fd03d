"""Call an OpenAI-compatible endpoint through LangChain and return a grounded, never-fatal outcome.

``langchain_openai.ChatOpenAI`` with ``use_responses_api=False`` (required for non-OpenAI servers), temperature 0,
the configured timeout and retries (the openai client retries timeouts, 429 and 5xx with backoff), a persistent
SQLite cache, and structured output (``json_schema`` / ``function_calling`` / ``json_mode``) with
``include_raw=True`` so that a malformed answer is a reported failure, not a crash. Any failure returns an
:class:`LLMOutcome` with ``status="failed"`` and a one-line reason with secrets redacted; the memo then keeps the
deterministic narrative review and says why the LLM part failed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from reviewer.llm.config import LLMConfig
from reviewer.llm.grounding import Grounded, Grounder
from reviewer.llm.prompt import Prompt, build_prompt
from reviewer.llm.schema import SCHEMA_VERSION, LLMReview
from reviewer.models import AnnualReport, Finding


@dataclass
class LLMOutcome:
    """Result of the LLM step: ``status`` ok / failed / dry_run, with the grounded items and call metadata."""

    status: str
    reason: str = ""
    grounded: Grounded | None = None
    prompt_tokens: int = 0
    budget: int = 0
    truncated: list[str] = field(default_factory=list)
    cache_hit: bool = False
    config: dict[str, Any] = field(default_factory=dict)
    estimated_cost: float | None = None

    def memo_meta(self) -> dict[str, Any]:
        """The memo's ``llm`` block (no secrets)."""
        meta: dict[str, Any] = {
            "used": self.status == "ok",
            "status": self.status,
            "endpoint": self.config.get("base_url", ""),
            "model": self.config.get("model", ""),
            "prompt_version": "review-v1",
            "schema_version": SCHEMA_VERSION,
            "prompt_tokens": self.prompt_tokens,
            "token_budget": self.budget,
            "truncated_parts": self.truncated,
            "cache_hit": self.cache_hit,
        }
        if self.status == "ok" and self.grounded is not None:
            g = self.grounded
            meta.update(
                {
                    "reason": f"大模型审阅（{self.config.get('model', '')}），所有条目已由程序核验",
                    "summary": g.summary,
                    "claims": g.claims,
                    "contradictions": g.contradictions,
                    "problems": g.problems,
                    "questions": g.questions,
                    "dropped": g.dropped,
                    "dropped_total": g.dropped_total,
                    "drop_reasons": g.drop_reasons,
                }
            )
        else:
            meta["reason"] = (
                f"大模型部分失败：{self.reason}；以下为内置确定性审查结果" if self.status == "failed" else self.reason
            )
        return meta


def redact(text: str, config: LLMConfig) -> str:
    """Remove the API key and URL credentials from ``text``; one line, at most 300 characters."""
    key = config.api_key()
    if key:
        text = text.replace(key, "***")
    text = re.sub(r"(?i)(bearer\s+)[A-Za-z0-9._\-]+", r"\1***", text)
    text = re.sub(r"sk-[A-Za-z0-9_\-]{8,}", "sk-***", text)
    text = re.sub(r"//[^/@\s]+:[^/@\s]+@", "//***@", text)
    return " ".join(text.split())[:300]


def estimate_cost(tokens_in: int, config: LLMConfig) -> float | None:
    """Estimated cost of one call (input tokens + the output budget) at the configured prices; None if unknown."""
    if not config.price_input_per_m and not config.price_output_per_m:
        return None
    return tokens_in / 1e6 * config.price_input_per_m + config.max_output_tokens / 1e6 * config.price_output_per_m


def dry_run(report: AnnualReport, findings: list[Finding], config: LLMConfig) -> LLMOutcome:
    """Assemble the prompt and count its tokens; no network access at all."""
    prompt = build_prompt(report, findings, config.token_budget, config.structured_method)
    return LLMOutcome(
        status="dry_run",
        reason="仅统计提示词，未调用模型",
        prompt_tokens=prompt.tokens,
        budget=prompt.budget,
        truncated=prompt.truncated,
        config=config.public(),
        estimated_cost=estimate_cost(prompt.tokens, config),
    )


def _chat_model(config: LLMConfig, cache):
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        model=config.model,
        base_url=config.base_url,
        api_key=config.api_key() or "not-needed",
        use_responses_api=False,
        temperature=config.temperature,
        timeout=config.timeout,
        max_retries=config.max_retries,
        max_tokens=config.max_output_tokens,
        cache=cache,
    )


def deadline(config: LLMConfig) -> float:
    """Wall-clock limit of one LLM step (seconds): every attempt's timeout plus a small margin. It also stops an
    endpoint that trickles its answer byte by byte, which per-read timeouts never catch."""
    return config.timeout * (config.max_retries + 1) + 2.0


from reviewer.errors import DeadlineExceeded  # noqa: E402 - the endpoint did not finish within deadline()


def _with_deadline(call, seconds: float):
    """Run ``call`` in a daemon thread and wait at most ``seconds`` (the thread is abandoned, never joined)."""
    import threading

    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = call()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            box["error"] = exc

    thread = threading.Thread(target=target, name="reviewer-llm-call", daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        raise DeadlineExceeded(f"no complete answer within {seconds:.0f} s")
    if "error" in box:
        raise box["error"]
    return box["value"]


def run_llm_review(report: AnnualReport, findings: list[Finding], config: LLMConfig, model=None) -> LLMOutcome:
    """Ask the model for a structured review of ``report`` and ground it. Never raises.

    ``model`` may be a LangChain chat model (tests pass fakes); otherwise ``ChatOpenAI`` is built from ``config``.
    """
    outcome = LLMOutcome(status="failed", config=config.public())
    try:
        prompt: Prompt = build_prompt(report, findings, config.token_budget, config.structured_method)
    except Exception as exc:  # noqa: BLE001
        outcome.reason = f"提示词组装失败（{type(exc).__name__}: {redact(str(exc), config)}）"
        return outcome
    outcome.prompt_tokens, outcome.budget, outcome.truncated = prompt.tokens, prompt.budget, prompt.truncated
    cache = None
    try:
        from langchain_core.messages import HumanMessage, SystemMessage

        if model is None:
            from reviewer.llm.cache import SQLiteLLMCache

            try:
                cache = SQLiteLLMCache(config.cache_path)
            except Exception:  # noqa: BLE001 - no cache is no reason to fail
                cache = None
            model = _chat_model(config, cache)
        structured = model.with_structured_output(LLMReview, method=config.structured_method, include_raw=True)
        result = _with_deadline(
            lambda: structured.invoke([SystemMessage(content=prompt.system), HumanMessage(content=prompt.user)]),
            deadline(config),
        )
    except Exception as exc:  # noqa: BLE001 - timeouts, HTTP errors, bad config: never fatal
        name = type(exc).__name__
        if name in ("ValidationError", "OutputParserException", "JSONDecodeError"):
            outcome.reason = f"模型输出无法解析（{name}: {redact(str(exc), config)[:120]}）"
        else:
            outcome.reason = f"调用失败（{name}: {redact(str(exc), config)}）"
        _close_cache(cache, outcome, failed=True)
        return outcome
    try:
        _review_answer(result, report, outcome)
    finally:
        _close_cache(cache, outcome, failed=outcome.status != "ok")
    return outcome


def _close_cache(cache, outcome: LLMOutcome, failed: bool) -> None:
    """Close the cache; when the answer failed, drop what this run stored or used (failures are never cached)."""
    if cache is None:
        return
    outcome.cache_hit = cache.hits > 0 and not failed
    try:
        if failed:
            cache.forget_this_run()
    finally:
        cache.close()


def _answer_bytes(raw) -> int:
    """Size in bytes of a raw model message: its text and its tool-call arguments."""
    import json

    size = len(str(getattr(raw, "content", "") or "").encode("utf-8"))
    for call in getattr(raw, "tool_calls", None) or []:
        size += len(json.dumps(call.get("args", {}), ensure_ascii=False).encode("utf-8"))
    extra = getattr(raw, "additional_kwargs", None) or {}
    for call in extra.get("tool_calls", []) or []:
        size += len(str((call.get("function") or {}).get("arguments", "")).encode("utf-8"))
    return size


def _review_answer(result, report: AnnualReport, outcome: LLMOutcome) -> None:
    """Check the structured answer (size bound, parse, schema) and ground it into ``outcome`` (status ``ok``), or
    leave ``outcome`` failed with the reason."""
    from reviewer.llm.config import max_answer_bytes

    raw = result.get("raw") if isinstance(result, dict) else None
    limit = max_answer_bytes()
    if raw is not None and _answer_bytes(raw) > limit:
        outcome.reason = (
            f"模型回答过大（{_answer_bytes(raw)} 字节，超过 {limit} 字节的上限 REVIEWER_LLM_MAX_ANSWER），未采用"
        )
        return
    parsed = result.get("parsed") if isinstance(result, dict) else result
    error = result.get("parsing_error") if isinstance(result, dict) else None
    if parsed is None or error is not None:
        detail = type(error).__name__ if error is not None else "空回答"
        outcome.reason = f"模型输出无法解析（{detail}）"
        return
    if not isinstance(parsed, LLMReview):
        try:
            parsed = LLMReview.model_validate(parsed)
        except Exception as exc:  # noqa: BLE001
            outcome.reason = f"模型输出不符合结构（{type(exc).__name__}）"
            return
    outcome.grounded = Grounder(report).ground(parsed)
    outcome.status = "ok"
