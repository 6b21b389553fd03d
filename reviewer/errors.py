"""The errors ``reviewer`` raises on purpose, in one tree, and the exit codes of the command line.

::

    ReviewerError                   every error below: the CLI prints it as one line and exits with EXIT_ERROR
    ├── InputError                  a file cannot be reviewed (missing, empty, binary, over a limit, unsupported)
    ├── ConfigError                 a setting is unusable (LLM endpoint or model, a limit variable); also ValueError
    ├── StoreError                  a SQLite file of the tool (batch store, LLM cache) cannot be used
    │   ├── BatchStoreError         the batch store cannot be written (disk full, read-only); also OSError
    │   └── SchemaTooNew            the file was written by a newer reviewer (its schema version is unknown here)
    ├── BatchLockedError            another batch is writing to the output folder
    ├── TokenizerError              the bundled tokenizer file is missing or corrupt; also RuntimeError
    └── DeadlineExceeded            an LLM step did not finish in its wall-clock deadline; also TimeoutError

The classes are defined here and imported by the modules that raise them (``reviewer.llm.config.ConfigError`` is
this ``ConfigError``). Every message is one line in plain language and names the file or setting concerned.
"""

from __future__ import annotations

#: Exit codes of ``reviewer`` commands: no finding at or above --fail-on / findings at or above it (the memo is
#: still printed) / usage, input or environment error (one line on stderr) / an eval threshold missed / Ctrl-C.
EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2
EXIT_THRESHOLD = 3
EXIT_INTERRUPTED = 130


class ReviewerError(Exception):
    """Base of every error ``reviewer`` raises on purpose (see the tree in the module docstring)."""


class InputError(ReviewerError):
    """A file cannot be reviewed (missing, empty, binary, unsupported format, not decodable, over a limit).

    ``path`` names the file; ``reason`` is one line in plain language. ``str(err)`` is ``"<path>: <reason>"``.
    """

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class ConfigError(ReviewerError, ValueError):
    """A configuration is unusable (message is one line, without secrets)."""


class StoreError(ReviewerError):
    """A SQLite file of the tool cannot be used."""


class BatchStoreError(StoreError, OSError):
    """The store could not be written (disk full, read-only folder): the results committed before are kept."""


class SchemaTooNew(StoreError):
    """The file's schema version is newer than this ``reviewer`` knows (``found`` > ``known``)."""

    def __init__(self, what: str, found: int, known: int) -> None:
        super().__init__(
            f"{what} has schema version {found}, newer than the {known} this reviewer knows; "
            "use a newer reviewer or another location"
        )
        self.found, self.known = found, known


class BatchLockedError(ReviewerError):
    """Another batch is writing to the output folder (its pid and start time are in the message)."""


class TokenizerError(ReviewerError, RuntimeError):
    """The bundled tokenizer file is missing or corrupt (never fetched from the network)."""


class DeadlineExceeded(ReviewerError, TimeoutError):
    """An LLM step did not finish within its wall-clock deadline."""
