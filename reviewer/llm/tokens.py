"""Offline token counting with tiktoken's ``o200k_base``, bundled with the package and checked by sha256.

The encoding file ships in ``reviewer/llm/data`` under tiktoken's cache name (sha1 of its URL). Before tiktoken
sees it, its sha256 is checked, so tiktoken never falls back to a download (which has no timeout). The cache
directory variable is set only around the first ``get_encoding`` call, under a lock, then restored.
Source of the file: the PyPI wheel ``litellm==1.110.2`` (sha256 equals tiktoken's expected hash); litellm is not
a dependency.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
O200K_FILE = "fb374d419588a4632f3f557e76b4b70aebbca790"
O200K_SHA256 = "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d"
_lock = threading.Lock()
_encoding = None


from reviewer.errors import TokenizerError  # noqa: E402 - the class is defined with the others in reviewer.errors


def encoding():
    """The ``o200k_base`` tiktoken encoding, loaded from the bundled file. Raises :class:`TokenizerError`."""
    global _encoding
    if _encoding is not None:
        return _encoding
    with _lock:
        if _encoding is not None:
            return _encoding
        path = DATA / O200K_FILE
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError as exc:
            raise TokenizerError(f"bundled tokenizer file missing: {path}") from exc
        if digest != O200K_SHA256:
            raise TokenizerError("bundled tokenizer file corrupt (sha256 mismatch)")
        import tiktoken

        old = os.environ.get("TIKTOKEN_CACHE_DIR")
        os.environ["TIKTOKEN_CACHE_DIR"] = str(DATA)
        try:
            _encoding = tiktoken.get_encoding("o200k_base")
        finally:
            if old is None:
                os.environ.pop("TIKTOKEN_CACHE_DIR", None)
            else:
                os.environ["TIKTOKEN_CACHE_DIR"] = old
    return _encoding


def count_tokens(text: str) -> int:
    """Number of o200k_base tokens in ``text`` (an estimate for non-OpenAI models; ~15-20 % above DeepSeek's)."""
    return len(encoding().encode(text, disallowed_special=()))
