"""Convert old word-processor files (binary ``.doc``, ``.wps`` saved as Word, ``.rtf``) to DOCX with LibreOffice.

``soffice --headless --convert-to docx`` runs in a private, throw-away user profile (so parallel batch workers never
share LibreOffice's profile lock) and is killed after :data:`CONVERT_TIMEOUT` seconds (``REVIEWER_CONVERT_TIMEOUT``).
When LibreOffice is not installed the caller gets a one-line :class:`~reviewer.errors.InputError` that says how to
convert the file by hand.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from reviewer.errors import InputError


def _timeout() -> int:
    raw = os.environ.get("REVIEWER_CONVERT_TIMEOUT", "")
    return int(raw) if raw.strip().isdigit() and 0 < int(raw) <= 3600 else 25


#: Seconds a conversion may take before LibreOffice is killed (REVIEWER_CONVERT_TIMEOUT, 1..3600; default 25, within
#: the 30 s a file may take).
CONVERT_TIMEOUT = _timeout()
#: Process groups of the LibreOffice conversions running now (a batch worker stopped for its time limit kills them).
RUNNING: set[int] = set()


def kill_running() -> None:
    """Kill every LibreOffice conversion this process started and has not reaped (soffice, oosplash, soffice.bin)."""
    import signal

    for group in list(RUNNING):
        try:
            os.killpg(group, signal.SIGKILL)
        except OSError:
            pass
        RUNNING.discard(group)


_KIND_NAME = {"ole": "old binary Word file (.doc/.wps)", "rtf": "RTF document"}


def soffice_path() -> str | None:
    """The LibreOffice command (``soffice`` or ``libreoffice``) on PATH, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def ole_kind(data: bytes) -> str:
    """``word`` when an OLE compound file holds a Word document stream, ``excel``/``powerpoint`` for those, else
    ``unknown`` (the directory entry names are UTF-16LE strings in the file)."""
    head = data[: 2 * 1024 * 1024]
    if "WordDocument".encode("utf-16-le") in head:
        return "word"
    if "Workbook".encode("utf-16-le") in head or "Book".encode("utf-16-le") in head:
        return "excel"
    if "PowerPoint Document".encode("utf-16-le") in head:
        return "powerpoint"
    return "unknown"


def to_docx(data: bytes, path: str, kind: str) -> bytes:
    """Convert ``data`` (an OLE Word file when ``kind == "ole"``, RTF when ``kind == "rtf"``) to DOCX bytes.

    Raises :class:`InputError` naming ``path`` when LibreOffice is missing, times out, fails, or the OLE file is a
    spreadsheet or presentation rather than a Word document.
    """
    what = _KIND_NAME.get(kind, "document")
    if kind == "ole":
        inner = ole_kind(data)
        if inner in ("excel", "powerpoint"):
            raise InputError(
                path,
                f"old binary {'Excel' if inner == 'excel' else 'PowerPoint'} file, not a report document; save the report as .docx",
            )
    soffice = soffice_path()
    if soffice is None:
        raise InputError(
            path,
            f"{what}; convert it to .docx first (or install LibreOffice: its 'soffice' command converts it automatically)",
        )
    suffix = ".rtf" if kind == "rtf" else ".doc"
    with tempfile.TemporaryDirectory(prefix="reviewer-convert-") as tmp:
        src = Path(tmp) / f"input{suffix}"
        src.write_bytes(data)
        profile = Path(tmp) / "profile"
        cmd = [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--nologo",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            tmp,
            str(src),
        ]
        try:
            proc = subprocess.Popen(
                cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
            )
        except OSError as exc:
            raise InputError(
                path, f"{what}: cannot run LibreOffice ({exc.strerror or exc}); convert it to .docx by hand"
            ) from None
        RUNNING.add(proc.pid)
        try:
            proc.communicate(timeout=CONVERT_TIMEOUT)
        except subprocess.TimeoutExpired:
            kill_running()  # the whole group: soffice leaves soffice.bin running when only its first process dies
            proc.communicate()
            raise InputError(
                path,
                f"{what}: LibreOffice did not convert it within {CONVERT_TIMEOUT} s (REVIEWER_CONVERT_TIMEOUT); convert it to .docx by hand",
            ) from None
        finally:
            if proc.returncode is not None:
                RUNNING.discard(proc.pid)
        out = Path(tmp) / "input.docx"
        if proc.returncode != 0 or not out.is_file() or out.stat().st_size == 0:
            raise InputError(
                path,
                f"{what}: LibreOffice could not read it (damaged, or not a Word document); open it in a word processor and convert it to .docx",
            )
        return out.read_bytes()
