"""Score the narrative-figure extractor against the gold ``narrative_figures`` of the real corpus.

Usage: ``python evals/narrative_gold.py [--shared DIR] [--verbose]``

Reads every text-format report in ``<shared>/corpus/real`` (``*.txt``, ``*.md``, ``*.pdf.txt``) plus the seed
``<shared>/seeds/000_f6c1ae60807b909e.txt``, runs :func:`reviewer.narrative.extract_figures` on it (no
``section_of_line``) and compares with ``<shared>/corpus/gold/<stem>.json``, matching on ``(metric, value)``:

* recall = gold figures whose (metric, value) was emitted on any line / all gold figures;
* precision = emitted distinct (metric, value) pairs that are in the file's gold / all emitted distinct pairs
  (a figure stated twice in the narrative counts once).

``<shared>`` defaults to ``$REVIEWER_SHARED`` or the ``shared`` directory next to the repository.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from reviewer.narrative import extract_figures  # noqa: E402

SEED_NAME = "000_f6c1ae60807b909e.txt"
REPORT_SUFFIXES = (".pdf.txt", ".txt", ".md")


def default_shared() -> Path:
    """The shared data directory: ``$REVIEWER_SHARED`` if set, else ``<repo>/../shared``."""
    env = os.environ.get("REVIEWER_SHARED")
    return Path(env) if env else REPO.parent / "shared"


def read_lines(path: Path) -> list[tuple[int, str]]:
    """Decode a report (UTF-8, GB18030 fallback) and split on ``\\r\\n``, ``\\r`` and ``\\n``.

    Output: ``[(1-based line number, line text), ...]``.
    """
    data = path.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        text = data.decode("utf-8", errors="replace")
    return list(enumerate(re.split(r"\r\n|\r|\n", text), start=1))


def gold_stem(name: str) -> str:
    """Report file name -> gold stem (``x.pdf.txt`` -> ``x``, ``x.md`` -> ``x``)."""
    for suffix in REPORT_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def report_files(shared: Path) -> list[Path]:
    """All text-format reports of the real corpus that have a gold file, plus the seed."""
    real = shared / "corpus" / "real"
    gold = shared / "corpus" / "gold"
    files = [
        p
        for p in sorted(real.iterdir())
        if p.name.endswith(REPORT_SUFFIXES) and p.name != "SOURCES.md" and (gold / f"{gold_stem(p.name)}.json").exists()
    ]
    seed = shared / "seeds" / SEED_NAME
    if seed.exists():
        files.append(seed)
    return files


@dataclass
class FileScore:
    """Per-file counts: gold figures found/missed, emitted pairs right/wrong."""

    name: str
    gold_total: int = 0
    gold_found: int = 0
    emitted_pairs: int = 0
    emitted_right: int = 0
    missed: list[tuple[str, object, str]] = field(default_factory=list)
    false_pos: list[tuple[str, object, str]] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.gold_found / self.gold_total if self.gold_total else 1.0

    @property
    def precision(self) -> float:
        return self.emitted_right / self.emitted_pairs if self.emitted_pairs else 1.0


@dataclass
class Score:
    """Corpus totals and per-file scores."""

    files: list[FileScore]

    @property
    def recall(self) -> float:
        total = sum(f.gold_total for f in self.files)
        return sum(f.gold_found for f in self.files) / total if total else 1.0

    @property
    def precision(self) -> float:
        total = sum(f.emitted_pairs for f in self.files)
        return sum(f.emitted_right for f in self.files) / total if total else 1.0


def _key(metric: str, value: object) -> tuple[str, float]:
    return metric, round(float(value), 6)


def score_file(path: Path, gold_dir: Path) -> FileScore:
    """Run the extractor on one report and compare with its gold file."""
    gold = json.loads((gold_dir / f"{gold_stem(path.name)}.json").read_text(encoding="utf-8"))
    figures = extract_figures(read_lines(path))
    emitted: dict[tuple[str, float], str] = {}
    for f in figures:
        emitted.setdefault(_key(f.metric, f.value), f.quote)
    gold_keys = {_key(g["metric"], g["value"]) for g in gold.get("narrative_figures", [])}
    fs = FileScore(path.name)
    for g in gold.get("narrative_figures", []):
        fs.gold_total += 1
        if _key(g["metric"], g["value"]) in emitted:
            fs.gold_found += 1
        else:
            fs.missed.append((g["metric"], g["value"], g.get("quote_hint", "")))
    for (metric, value), quote in emitted.items():
        fs.emitted_pairs += 1
        if (metric, value) in gold_keys:
            fs.emitted_right += 1
        else:
            fs.false_pos.append((metric, value, quote))
    return fs


def evaluate(shared: Path) -> Score:
    """Score every text-format report under ``shared``. Output: :class:`Score` with per-file results."""
    gold_dir = shared / "corpus" / "gold"
    return Score([score_file(p, gold_dir) for p in report_files(shared)])


def main(argv: list[str] | None = None) -> int:
    """Print per-file and overall precision/recall; exit 2 when the shared data is missing."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=default_shared())
    ap.add_argument("--verbose", "-v", action="store_true", help="list misses and false positives")
    args = ap.parse_args(argv)
    if not (args.shared / "corpus" / "gold").is_dir():
        print(f"shared data not found at {args.shared}", file=sys.stderr)
        return 2
    score = evaluate(args.shared)
    print(f"{'file':34s} {'gold':>4s} {'found':>5s} {'recall':>6s} {'emit':>4s} {'right':>5s} {'prec':>6s}")
    for f in score.files:
        print(
            f"{f.name:34s} {f.gold_total:4d} {f.gold_found:5d} {f.recall:6.2f} "
            f"{f.emitted_pairs:4d} {f.emitted_right:5d} {f.precision:6.2f}"
        )
        if args.verbose:
            for m, v, q in f.missed:
                print(f"    MISS {m} = {v}   [{q}]")
            for m, v, q in f.false_pos:
                print(f"    FP   {m} = {v:g}   [{q}]")
    gold_total = sum(f.gold_total for f in score.files)
    emitted = sum(f.emitted_pairs for f in score.files)
    print(
        f"\nOVERALL  recall {score.recall:.3f} ({sum(f.gold_found for f in score.files)}/{gold_total})  "
        f"precision {score.precision:.3f} ({sum(f.emitted_right for f in score.files)}/{emitted})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
