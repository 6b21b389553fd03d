"""Seeded corpus-mutation fuzzer over every reader and the parser (prints figures; exit 1 if anything crashed).

Each input goes through the whole path a user hits: ``document_from_bytes`` (format sniffing, decoding, the HTML,
PDF and DOCX readers) -> ``parse_document`` -> every rule -> memo Markdown and JSON. A result or an
:class:`~reviewer.errors.InputError` is a pass; any other exception is a crash (with its traceback kept), and an
input that takes longer than ``--timeout`` seconds is a hang. Mutations: random bytes, truncations, swapped
encodings, deleted and duplicated lines, huge and negative numbers, full-width and Chinese digits, 10,000-line
tables, deeply nested HTML and HTML with <script>, PDFs with broken xref or truncated, DOCX zip bombs and XML entity
tricks.

Usage: python -m benchmarks.fuzz [--n 10000] [--seed 0] [--jobs 2] [--timeout 10]
"""

from __future__ import annotations

import argparse
import io
import multiprocessing
import os
import random
import resource
import signal
import sys
import time
import traceback
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("REVIEWER_SHARED", ROOT.parent / "shared"))


def seeds() -> list[tuple[str, bytes]]:
    """Starting material: our fixtures and the public corpus (when present)."""
    out = []
    for folder in (ROOT / "fixtures", SHARED / "corpus" / "real", SHARED / "seeds"):
        if folder.is_dir():
            for p in sorted(folder.iterdir()):
                if p.is_file() and p.suffix in (".txt", ".md", ".html", ".pdf") and p.name not in ("SOURCES.md",):
                    out.append((p.name, p.read_bytes()))
    return out


def _docx_bytes(document_xml: bytes, extra: dict[str, bytes] | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "[Content_Types].xml",
            b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        zf.writestr(
            "_rels/.rels",
            b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        )
        zf.writestr("word/document.xml", document_xml)
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return buf.getvalue()


def mutate(rng: random.Random, name: str, data: bytes) -> tuple[str, bytes]:
    """One mutated input: ``(description, bytes)``."""
    kind = rng.choice(
        ["bytes", "truncate", "encoding", "lines", "numbers", "digits", "bigtable", "html", "pdf", "docx", "flip"]
    )
    text = data.decode("utf-8", errors="replace")
    if kind == "bytes":
        return "random-bytes", bytes(rng.getrandbits(8) for _ in range(rng.choice([1, 16, 512, 4096])))
    if kind == "truncate":
        return "truncate", data[: rng.randrange(0, max(1, len(data)))]
    if kind == "encoding":
        enc = rng.choice(["gb18030", "utf-16", "utf-16-le", "utf-32", "big5", "latin-1"])
        return f"encoding-{enc}", text.encode(enc, errors="replace")
    if kind == "lines":
        lines = text.splitlines()
        for _ in range(rng.randrange(1, 20)):
            if not lines:
                break
            i = rng.randrange(len(lines))
            if rng.random() < 0.5:
                del lines[i]
            else:
                lines.insert(i, lines[i])
        return "lines", "\n".join(lines).encode("utf-8")
    if kind == "numbers":

        def repl(m):
            return rng.choice(["9" * rng.randrange(10, 40), "-" + m.group(0), m.group(0) + ".5", "0" * 5 + m.group(0)])

        import re

        return "numbers", re.sub(r"\d+", lambda m: repl(m) if rng.random() < 0.2 else m.group(0), text).encode("utf-8")
    if kind == "digits":
        table = rng.choice(
            [str.maketrans("0123456789", "０１２３４５６７８９"), str.maketrans("0123456789", "〇一二三四五六七八九")]
        )
        return "digits", text.translate(table).encode("utf-8")
    if kind == "bigtable":
        row = "（一）予以公开 " + " ".join(str(rng.randrange(0, 99)) for _ in range(7)) + "\n"
        return "bigtable", (text + "\n三、收到和处理政府信息公开申请情况\n" + row * 10_000).encode("utf-8")
    if kind == "html":
        depth = rng.choice([10, 300, 3000, 20000])
        body = text[:20000].replace("<", "&lt;")
        page = (
            "<html><body>"
            + "<div>" * depth
            + "<script>document.write('一、总体情况')</script><p>"
            + body
            + "</p>"
            + "</div>" * depth
            + "</body></html>"
        )
        return f"html-depth-{depth}", page.encode("utf-8")
    if kind == "pdf":
        if data.startswith(b"%PDF"):
            cut = rng.randrange(len(data) // 2, len(data))
            broken = data[:cut] if rng.random() < 0.5 else data.replace(b"startxref", b"startxref\n999999999\n", 1)
            return "pdf-broken", broken
        return "pdf-garbage", b"%PDF-1.7\n" + bytes(rng.getrandbits(8) for _ in range(2048))
    if kind == "docx":
        choice = rng.choice(["bomb", "entities", "notxml", "plain"])
        if choice == "bomb":
            return "docx-bomb", _docx_bytes(
                b"<a/>", {"word/media/x.bin": b"\0" * (rng.choice([1, 50, 250]) * 1024 * 1024)}
            )
        if choice == "entities":
            lol = (
                b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
                + b"".join(
                    b'<!ENTITY %s "%s">' % (bytes([98 + i]), (b"&" + bytes([97 + i]) + b";") * 10) for i in range(8)
                )
                + b"]><l>&i;</l>"
            )
            return "docx-entities", _docx_bytes(lol)
        if choice == "notxml":
            return "docx-notxml", _docx_bytes(b"\xff\xfe not xml at all")
        paragraphs = "".join(
            f"<w:p><w:r><w:t>{line.replace('<', '')}</w:t></w:r></w:p>" for line in text.splitlines()[:300]
        )
        xml = (
            '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
            + paragraphs
            + "</w:body></w:document>"
        ).encode("utf-8")
        return "docx-plain", _docx_bytes(xml)
    # flip bytes
    b = bytearray(data)
    for _ in range(rng.randrange(1, 50)):
        if b:
            b[rng.randrange(len(b))] = rng.getrandbits(8)
    return "flip", bytes(b)


class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang()


def run_one(args: tuple[int, str, bytes, int]) -> tuple[int, str, str, float]:
    """``(index, outcome, detail, seconds)`` where outcome is ok / input_error / crash / hang."""
    index, desc, data, timeout = args
    from reviewer.errors import InputError
    from reviewer.ingest import document_from_bytes
    from reviewer.memo import build_memo, render_markdown
    from reviewer.parse import parse_document
    from reviewer.pipeline import review_report

    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(timeout)
    t0 = time.perf_counter()
    try:
        review = review_report(parse_document(document_from_bytes(data, f"fuzz-{index}")))
        memo = build_memo(review)
        render_markdown(memo)
        memo.model_dump_json()
        outcome, detail = "ok", ""
    except InputError as exc:
        outcome, detail = "input_error", exc.reason
    except Hang:
        outcome, detail = "hang", desc
    except Exception:  # noqa: BLE001 - that is what we are looking for
        outcome, detail = "crash", desc + "\n" + traceback.format_exc(limit=8)
    finally:
        signal.alarm(0)
    return index, outcome, detail, time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=int, default=10)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    material = seeds()
    if not material:
        print("no seed material found", file=sys.stderr)
        return 2

    def inputs():
        for i in range(args.n):
            name, data = rng.choice(material)
            desc, mutated = mutate(rng, name, data)
            yield i, f"{name}:{desc}", mutated, args.timeout

    t0 = time.perf_counter()
    counts: dict[str, int] = {}
    slowest = (0.0, "")
    failures: list[str] = []
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(args.jobs, maxtasksperchild=500) as pool:
        for index, outcome, detail, secs in pool.imap_unordered(run_one, inputs(), chunksize=4):
            counts[outcome] = counts.get(outcome, 0) + 1
            if secs > slowest[0]:
                slowest = (secs, detail or str(index))
            if outcome in ("crash", "hang"):
                failures.append(f"#{index} {outcome}: {detail}")
    elapsed = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"inputs: {args.n} (seed {args.seed}) in {elapsed:.0f} s with {args.jobs} workers")
    print("outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    print(f"tracebacks (crashes): {counts.get('crash', 0)}; hangs over {args.timeout} s: {counts.get('hang', 0)}")
    print(f"slowest input: {slowest[0]:.2f} s; peak RSS of a worker: {peak:.0f} MB")
    for f in failures[:20]:
        print(f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
