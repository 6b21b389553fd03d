"""A persistent LangChain cache on stdlib sqlite3 (``langchain_community``'s SQLiteCache is not a dependency).

Key: sha256 of the prompt and LangChain's ``llm_string`` (endpoint URL, model, temperature, structured-output
parameters); the prompt itself carries the prompt version and schema version. Values are LangChain-serialised
generations. The API key is never stored (LangChain keeps it as a secret reference).
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import warnings
from pathlib import Path
from typing import Any

from langchain_core.caches import RETURN_VAL_TYPE, BaseCache
from langchain_core.load import dumps, loads


def _serialisable(generation: Any) -> Any:
    """Store the parsed pydantic object that OpenAI structured output attaches (``additional_kwargs['parsed']``)
    as a plain dict: LangChain cannot serialise the object, and its parser accepts the dict back."""
    message = getattr(generation, "message", None)
    if message is not None and "parsed" in getattr(message, "additional_kwargs", {}):
        parsed = message.additional_kwargs["parsed"]
        kwargs = dict(message.additional_kwargs)
        kwargs["parsed"] = parsed.model_dump() if hasattr(parsed, "model_dump") else parsed
        generation = generation.model_copy(update={"message": message.model_copy(update={"additional_kwargs": kwargs})})
    return generation


#: Numbered migrations of the cache file (:mod:`reviewer.migrations`): 1 the ``cache`` table.
CACHE_MIGRATIONS: tuple[str, ...] = ("CREATE TABLE IF NOT EXISTS cache (k TEXT PRIMARY KEY, v TEXT NOT NULL)",)


class SQLiteLLMCache(BaseCache):
    """Thread-safe sqlite3 cache: table ``cache(k TEXT PRIMARY KEY, v TEXT)`` in the file ``path``, its schema
    upgraded by :data:`CACHE_MIGRATIONS`. Raises :class:`~reviewer.errors.SchemaTooNew` for a cache written by a
    newer ``reviewer`` (the caller then runs without a cache)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(str(self.path), check_same_thread=False, timeout=30, isolation_level=None)
        from reviewer.migrations import migrate

        try:
            migrate(self._conn, CACHE_MIGRATIONS, f"the LLM cache {self.path}")
        except BaseException:
            self._conn.close()
            raise
        self._conn.isolation_level = ""
        self.hits = 0
        #: keys written or read during this run: dropped by :meth:`forget_this_run` when the answer failed
        self._touched: set[str] = set()
        #: answers larger than this (bytes of the stored text) are not stored (``REVIEWER_LLM_MAX_ANSWER``)
        from reviewer.llm.config import max_answer_bytes

        self.max_bytes = max_answer_bytes()

    @staticmethod
    def _key(prompt: str, llm_string: str) -> str:
        return hashlib.sha256((prompt + "\0" + llm_string).encode("utf-8")).hexdigest()

    def lookup(self, prompt: str, llm_string: str) -> RETURN_VAL_TYPE | None:
        with self._lock:
            row = self._conn.execute("SELECT v FROM cache WHERE k = ?", (self._key(prompt, llm_string),)).fetchone()
        if row is None:
            return None
        self._touched.add(self._key(prompt, llm_string))
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                value = loads(row[0], allowed_objects="core")
        except Exception:  # noqa: BLE001 - a corrupt entry is a miss
            return None
        self.hits += 1
        return value

    def update(self, prompt: str, llm_string: str, return_val: RETURN_VAL_TYPE) -> None:
        if not return_val:
            return  # an answer without any generation is a failure, never stored
        payload = dumps([_serialisable(g) for g in return_val])
        if len(payload.encode("utf-8")) > self.max_bytes * 2 + 4096:
            return  # far beyond the answer bound: refused by the caller, never stored
        key = self._key(prompt, llm_string)
        with self._lock:
            self._conn.execute("INSERT OR REPLACE INTO cache (k, v) VALUES (?, ?)", (key, payload))
            self._conn.commit()
        self._touched.add(key)

    def forget_this_run(self) -> None:
        """Delete the entries this run wrote or read: the answer they hold led to a failure (unparsable, empty,
        too large), and a failure is never cached (issue 12)."""
        if not self._touched:
            return
        with self._lock:
            self._conn.executemany("DELETE FROM cache WHERE k = ?", [(k,) for k in self._touched])
            self._conn.commit()
        self._touched.clear()

    def clear(self, **kwargs: Any) -> None:
        with self._lock:
            self._conn.execute("DELETE FROM cache")
            self._conn.commit()

    def close(self) -> None:
        with self._lock:
            self._conn.close()
