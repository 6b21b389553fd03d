"""Errors that mean "the user's input is bad": the CLI prints them as one line and exits with code 2."""

from __future__ import annotations


class InputError(Exception):
    """A file cannot be reviewed (missing, empty, binary, unsupported format, not decodable).

    ``path`` names the file; ``reason`` is one line in plain language. ``str(err)`` is ``"<path>: <reason>"``.
    """

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
