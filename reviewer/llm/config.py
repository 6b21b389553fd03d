"""LLM endpoint configuration: defaults < config file < environment variables < command-line flags.

The API key is never part of the configuration: ``api_key_env`` names the environment variable that holds it,
and the key is read only when the client is built. ``repr`` and :meth:`LLMConfig.public` never show it.

Config file: TOML, ``--llm-config PATH`` or ``$REVIEWER_LLM_CONFIG`` or ``./reviewer.toml``, table ``[llm]``.
Environment: ``REVIEWER_BASE_URL``, ``REVIEWER_MODEL``, ``REVIEWER_API_KEY_ENV`` (default: the key itself is in
``REVIEWER_API_KEY``), ``REVIEWER_STRUCTURED_METHOD``, ``REVIEWER_TIMEOUT``, ``REVIEWER_MAX_RETRIES``,
``REVIEWER_MAX_CONCURRENCY``, ``REVIEWER_TOKEN_BUDGET``, ``REVIEWER_LLM_CACHE``.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlparse

from pydantic import BaseModel, Field, field_validator

StructuredMethod = Literal["json_schema", "function_calling", "json_mode"]
_ENV = {
    "base_url": "REVIEWER_BASE_URL",
    "model": "REVIEWER_MODEL",
    "api_key_env": "REVIEWER_API_KEY_ENV",
    "structured_method": "REVIEWER_STRUCTURED_METHOD",
    "timeout": "REVIEWER_TIMEOUT",
    "max_retries": "REVIEWER_MAX_RETRIES",
    "max_concurrency": "REVIEWER_MAX_CONCURRENCY",
    "token_budget": "REVIEWER_TOKEN_BUDGET",
    "cache_path": "REVIEWER_LLM_CACHE",
}


from reviewer.errors import ConfigError  # noqa: E402 - the LLM configuration is unusable


class LLMConfig(BaseModel):
    """Endpoint settings. ``timeout`` in seconds; ``token_budget`` in o200k_base input tokens; prices in
    currency units per 1M tokens (for ``--dry-run`` estimates; 0 = unknown)."""

    base_url: str = ""
    model: str = ""
    api_key_env: str = "REVIEWER_API_KEY"
    structured_method: StructuredMethod = "json_schema"
    timeout: float = 60.0
    max_retries: int = 2
    max_concurrency: int = 4
    temperature: float = 0.0
    token_budget: int = 4000
    max_output_tokens: int = 2000
    price_input_per_m: float = 0.0
    price_output_per_m: float = 0.0
    cache_path: str = Field(
        default_factory=lambda: str(
            Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "reviewer" / "llm-cache.sqlite"
        )
    )

    @field_validator("timeout")
    @classmethod
    def _positive(cls, v: float) -> float:
        import math

        if not math.isfinite(v) or v <= 0 or v > 3600:
            raise ValueError("timeout must be a number of seconds between 0 and 3600")
        return v

    @field_validator("max_retries", "max_concurrency", "token_budget", "max_output_tokens")
    @classmethod
    def _non_negative(cls, v: int) -> int:
        if v < 0:
            raise ValueError("must not be negative")
        return v

    @property
    def configured(self) -> bool:
        return bool(self.base_url and self.model)

    def api_key(self) -> str:
        """The key from the environment variable ``api_key_env`` ('' when unset: local servers need none)."""
        return os.environ.get(self.api_key_env, "")

    def endpoint_label(self) -> str:
        """Host and path of the endpoint, without credentials or query (safe for memos and logs)."""
        u = urlparse(self.base_url)
        host = u.hostname or ""
        port = f":{u.port}" if u.port else ""
        return f"{u.scheme}://{host}{port}{u.path}" if host else self.base_url.split("?")[0]

    def public(self) -> dict[str, Any]:
        """Settings safe to print or store (no key, no credentials in the URL)."""
        data = self.model_dump(exclude={"cache_path"})
        data["base_url"] = self.endpoint_label()
        return data

    def __repr__(self) -> str:  # never show the key (it is not stored here anyway) or URL credentials
        return f"LLMConfig({self.public()!r})"


def load_config(path: str | None = None, overrides: dict[str, Any] | None = None) -> LLMConfig:
    """Merge defaults, the TOML file, environment variables and ``overrides`` (flags; None values ignored).

    Raises :class:`ConfigError` for an unreadable or invalid file or value.
    """
    data: dict[str, Any] = {}
    candidates = [path, os.environ.get("REVIEWER_LLM_CONFIG"), "reviewer.toml"]
    for candidate in candidates:
        if not candidate:
            continue
        p = Path(candidate)
        if candidate == path and not p.is_file():
            raise ConfigError(f"{candidate}: LLM config file not found")
        if p.is_file():
            try:
                parsed = tomllib.loads(p.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
                raise ConfigError(f"{candidate}: invalid TOML ({exc})") from None
            data.update(parsed.get("llm", {}))
            break
    for key, env in _ENV.items():
        if os.environ.get(env):
            data[key] = os.environ[env]
    for key, value in (overrides or {}).items():
        if value is not None:
            data[key] = value
    if "api_key" in data:
        raise ConfigError(
            "do not put the API key in the config; set api_key_env to the name of the variable that holds it"
        )
    try:
        return LLMConfig(**data)
    except Exception as exc:  # pydantic ValidationError -> one line
        first = str(exc).splitlines()
        raise ConfigError("invalid LLM setting: " + " ".join(first[1:3]).strip()) from None


def max_answer_bytes() -> int:
    """The largest model answer accepted, in bytes of its text (``REVIEWER_LLM_MAX_ANSWER``, default 65536): a
    review of one report is a few kilobytes; a larger answer is refused as a failure, never cached."""
    from reviewer.ingest import _limit

    return _limit("REVIEWER_LLM_MAX_ANSWER", 65536)
