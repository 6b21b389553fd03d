"""Command-line interface (thin layer over :mod:`reviewer.pipeline` and :mod:`reviewer.memo`).

Exit codes (all commands): 0 = no finding at or above ``--fail-on``; 1 = findings at or above it;
2 = usage or input error (one line on stderr, no traceback). ``reviewer parse`` exits 0 or 2.
Heavy modules are imported inside the commands so that ``reviewer --help`` stays fast.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from enum import Enum
from pathlib import Path


def _interrupted_while_loading(signum, frame) -> None:  # noqa: ARG001 - signal handler signature
    """Ctrl-C before :func:`main` runs (modules still loading): one line, exit 130, no traceback."""
    os.write(2, b"reviewer: interrupted\n")
    os._exit(130)


if __name__ == "__main__" or Path(sys.argv[0] if sys.argv else "").stem == "reviewer":
    signal.signal(signal.SIGINT, _interrupted_while_loading)

import typer  # noqa: E402 - after the interrupt handler: loading typer is the slow part of start-up

app = typer.Typer(
    add_completion=False,
    no_args_is_help=False,
    help="审查政府信息公开工作年度报告 / Review government information disclosure annual reports.",
    pretty_exceptions_enable=False,
)


def _show_version(value: bool) -> None:
    if value:
        from reviewer import __version__

        typer.echo(f"reviewer {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: bool = typer.Option(False, "--version", callback=_show_version, is_eager=True, help="显示版本号并退出"),
) -> None:
    """审查政府信息公开工作年度报告 / Review government information disclosure annual reports."""


class FailOn(str, Enum):
    info = "info"
    warning = "warning"
    error = "error"
    never = "never"


class MemoFormat(str, Enum):
    markdown = "markdown"
    json = "json"


class CheckFormat(str, Enum):
    text = "text"
    json = "json"


def _one_line(message: str) -> str:
    """Control characters (e.g. a newline inside a file name) are escaped so the error stays on one line."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in message) or "unknown error"


def _die(message: str) -> None:
    typer.echo(f"reviewer: error: {_one_line(message)}", err=True)
    raise typer.Exit(code=2)


def _review(path: Path):
    from reviewer.errors import InputError
    from reviewer.pipeline import review_file

    try:
        return review_file(path)
    except InputError as exc:
        _die(str(exc))
    except RecursionError:
        _die(f"{path}: input too deeply nested to review")
    except MemoryError:
        _die(f"{path}: input too large to review")


def _gate(findings, fail_on: FailOn) -> None:
    from reviewer.checks import severity_at_least

    raise typer.Exit(code=1 if severity_at_least(findings, fail_on.value) else 0)


FileArg = typer.Argument(..., help="报告文件（TXT/Markdown；UTF-8、GB18030 或 UTF-16）", show_default=False)
FailOpt = typer.Option(FailOn.error, "--fail-on", help="退出码 1 的最低严重程度")


class Method(str, Enum):
    json_schema = "json_schema"
    function_calling = "function_calling"
    json_mode = "json_mode"


@app.command()
def memo(
    file: Path = FileArg,
    format: MemoFormat = typer.Option(MemoFormat.markdown, "--format", "-f", help="markdown 或 json"),
    fail_on: FailOn = FailOpt,
    output: Path | None = typer.Option(None, "--output", "-o", help="写入文件而不是标准输出"),
    llm: bool = typer.Option(False, "--llm", help="另请 OpenAI 兼容端点审阅正文（结果经程序核验）"),
    dry_run: bool = typer.Option(False, "--dry-run", help="与 --llm 同用：只统计提示词 token 与估算费用，不联网"),
    llm_config: Path | None = typer.Option(None, "--llm-config", help="TOML 配置文件（[llm] 表）"),
    base_url: str | None = typer.Option(None, "--base-url", help="端点地址，如 http://127.0.0.1:8000/v1"),
    model: str | None = typer.Option(None, "--model", help="模型名"),
    api_key_env: str | None = typer.Option(
        None, "--api-key-env", help="保存 API key 的环境变量名（默认 REVIEWER_API_KEY）"
    ),
    structured_method: Method | None = typer.Option(None, "--structured-method", help="结构化输出方式"),
    timeout: float | None = typer.Option(None, "--timeout", help="单次请求超时（秒）"),
    max_retries: int | None = typer.Option(None, "--max-retries", help="超时、429、5xx 的重试次数"),
    max_concurrency: int | None = typer.Option(None, "--max-concurrency", help="批量时的最大并发请求数"),
    token_budget: int | None = typer.Option(None, "--token-budget", help="提示词输入 token 上限（默认 4000）"),
) -> None:
    """Write the reviewer memo for FILE (Chinese Markdown, or JSON with a schema version)."""
    from reviewer.memo import build_memo, render_markdown

    if output is not None and output.exists() and file.exists() and output.resolve() == file.resolve():
        _die(f"{output}: the output file is the input report; choose another -o path")
    review = _review(file)
    llm_meta = None
    if llm or dry_run:
        from reviewer.llm.config import ConfigError, load_config

        overrides = {
            "base_url": base_url,
            "model": model,
            "api_key_env": api_key_env,
            "structured_method": structured_method.value if structured_method else None,
            "timeout": timeout,
            "max_retries": max_retries,
            "max_concurrency": max_concurrency,
            "token_budget": token_budget,
        }
        try:
            config = load_config(str(llm_config) if llm_config else None, overrides)
        except ConfigError as exc:
            _die(str(exc))
        from reviewer.llm.client import dry_run as llm_dry_run
        from reviewer.llm.client import run_llm_review

        if dry_run:
            outcome = llm_dry_run(review.report, review.findings, config)
            cost = f"{outcome.estimated_cost:.6f}" if outcome.estimated_cost is not None else "未知（未配置单价）"
            cut = "、".join(outcome.truncated) or "无"
            _emit(
                f"提示词 token：{outcome.prompt_tokens}（o200k_base 估算）\n预算：{outcome.budget}\n截断部分：{cut}\n"
                f"模型：{config.model or '（未配置）'}\n端点：{config.endpoint_label() or '（未配置）'}\n估算费用：{cost}\n",
                output,
            )
            raise typer.Exit(code=0)
        if not config.configured:
            _die(
                "--llm needs an endpoint: set --base-url and --model (or REVIEWER_BASE_URL / REVIEWER_MODEL, or a config file)"
            )
        llm_meta = run_llm_review(review.report, review.findings, config).memo_meta()
    m = build_memo(review, llm=llm_meta)
    text = render_markdown(m) if format == MemoFormat.markdown else m.model_dump_json(indent=2) + "\n"
    _emit(text, output)
    _gate(review.findings, fail_on)


@app.command()
def check(
    file: Path = FileArg,
    format: CheckFormat = typer.Option(CheckFormat.text, "--format", "-f", help="text 或 json"),
    fail_on: FailOn = FailOpt,
) -> None:
    """List the rule findings for FILE (rule ID, severity, message, cell, lines)."""
    review = _review(file)
    if format == CheckFormat.json:
        payload = [f.model_dump(mode="json") for f in review.findings]
        _emit(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", None)
    else:
        lines = []
        from reviewer.describe import describe

        for f in review.findings:
            where = f" [{describe(f.where)}]" if f.where and not f.where.startswith("line ") else ""
            at = f" (第{'、'.join(map(str, f.lines))}行)" if f.lines else ""
            lines.append(f"{f.severity.value:7s} {f.rule:22s} {f.message}{where}{at}")
        counts = {s: sum(1 for f in review.findings if f.severity.value == s) for s in ("error", "warning", "info")}
        lines.append(f"{file}: {counts['error']} error, {counts['warning']} warning, {counts['info']} info")
        _emit("\n".join(lines) + "\n", None)
    _gate(review.findings, fail_on)


@app.command()
def parse(file: Path = FileArg) -> None:
    """Print the parsed report of FILE as JSON: template, sections_present, t2, t3, t4 (gold shape), extraction
    (each table's state and evidence), provenance."""
    from reviewer.errors import InputError
    from reviewer.pipeline import parse_file

    try:
        report = parse_file(file)
    except InputError as exc:
        _die(str(exc))
    payload = report.gold_view()
    payload.update(
        {
            "office": report.office,
            "year": report.year,
            "title": report.title,
            "encoding": report.encoding,
            "period": report.period,
            "sign_date": report.sign_date,
            "sections": [s.model_dump(exclude={"text"}) for s in report.sections],
            # extraction confidence per table: read / read_with_ambiguity / doubtful / not_assessable, with evidence
            "extraction": {
                name: {
                    "state": getattr(report, name).state,
                    "evidence": [e.model_dump(mode="json") for e in getattr(report, name).evidence],
                    "ambiguities": [a.model_dump(mode="json") for a in getattr(report, name).ambiguities],
                }
                for name in ("t2", "t3", "t4")
            },
            "provenance": {name: getattr(report, name).model_dump(mode="json") for name in ("t2", "t3", "t4")},
        }
    )
    if any(ln.page for ln in report.lines):
        payload["line_pages"] = {str(ln.number): ln.page for ln in report.lines if ln.page}  # PDF: line -> page
    _emit(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", None)


@app.command()
def batch(
    paths: list[str] = typer.Argument(..., help="报告文件、文件夹或通配符", show_default=False),
    outdir: Path = typer.Option(..., "--output-dir", "-o", help="输出目录（审查意见、SQLite 库、汇总表、仪表盘）"),
    jobs: int | None = typer.Option(None, "--jobs", "-j", help="并行进程数（默认 CPU 核数）"),
    fail_on: FailOn = FailOpt,
    wait: bool = typer.Option(False, "--wait", help="输出目录正被另一批次使用时等待其结束（默认立即退出）"),
    follow_links: bool = typer.Option(
        False, "--follow-links", help="读取文件夹中指向所给文件夹之外的符号链接（默认跳过）"
    ),
) -> None:
    """Review many reports into OUTDIR: memos, a resumable SQLite store, CSV/XLSX summary and an HTML dashboard.

    Each file is reviewed under a time limit (REVIEWER_FILE_TIMEOUT seconds, default 120) and a memory limit
    (REVIEWER_FILE_MEMORY_MB, default 1536); one batch at a time writes to OUTDIR."""
    from reviewer.batch.runner import BatchLockedError, run_batch

    if outdir.exists() and not outdir.is_dir():
        _die(f"{outdir}: not a directory")
    import sqlite3

    from reviewer.batch.runner import BatchStoreError

    try:
        result = run_batch(paths, outdir, jobs=jobs, fail_on=fail_on.value, wait=wait, follow_links=follow_links)
    except BatchLockedError as exc:
        _die(f"{outdir}: {exc}")
    except BatchStoreError as exc:
        _die(f"{outdir}: {exc}")
    except (OSError, sqlite3.Error) as exc:
        _die(f"{outdir}: cannot write the batch output ({getattr(exc, 'strerror', None) or exc})")
    if result.files == 0:
        from reviewer.batch.runner import REPORT_SUFFIXES

        searched = ", ".join(sorted(x for x in REPORT_SUFFIXES if x))
        _die(
            "; ".join(result.problems)
            if result.problems
            else f"no report file found in {', '.join(paths)} (folders are searched for {searched} and extension-less files)"
        )
    for problem in result.problems:  # inputs that matched nothing, beside others that did
        typer.echo(f"reviewer: {problem}", err=True)
    for note in result.notes:  # links skipped
        typer.echo(f"reviewer: note: {note}", err=True)
    for path, reason in result.unreadable_files[:20]:
        typer.echo(f"reviewer: {path}: {reason}", err=True)
    if len(result.unreadable_files) > 20:
        typer.echo(
            f"reviewer: … and {len(result.unreadable_files) - 20} more unreadable files (see summary.csv)", err=True
        )
    typer.echo(
        f"{result.files} files: {result.files - result.unreadable} reviewed, {result.unreadable} unreadable "
        f"({result.reviewed} read now, {result.skipped} unchanged); {result.cross_findings} cross-report findings; "
        f"{result.seconds:.1f} s. Dashboard: {result.outputs.get('dashboard', '-')}",
        err=True,
    )
    raise typer.Exit(code=result.exit_code)


@app.command()
def rules() -> None:
    """List the registered rule IDs with their default severity and source."""
    from reviewer.checks import RULES

    for r in RULES.values():
        typer.echo(f"{r.id:24s} {r.severity.value:8s} {r.title}  ({r.source})")


class EvalSuite(str, Enum):
    parse = "parse"
    rules = "rules"
    narrative = "narrative"
    memo = "memo"
    variants = "variants"
    extraction = "extraction"


class EvalFormat(str, Enum):
    text = "text"
    json = "json"


@app.command(name="eval")
def eval_(
    suite: EvalSuite | None = typer.Option(None, "--suite", help="只运行一个评测套件（默认全部）"),
    format: EvalFormat = typer.Option(EvalFormat.text, "--format", "-f", help="text 或 json"),
) -> None:
    """Run the eval suites (evals/ of the current directory, or $REVIEWER_EVALS_DIR) against evals/thresholds.toml.

    Exit codes: 0 = every threshold met; 3 = a threshold missed (named in the output); 2 = a suite could not run.
    """
    runner = _load_evals()
    raise typer.Exit(code=runner.cli(suite.value if suite else None, format.value))


def _load_evals():
    """Import the ``evals`` package found in the current directory (or ``$REVIEWER_EVALS_DIR``) and return its runner."""
    import importlib
    import importlib.util

    env = os.environ.get("REVIEWER_EVALS_DIR")
    where = Path(env) if env else Path.cwd() / "evals"
    if not (where / "__init__.py").is_file() or not (where / "runner.py").is_file():
        typer.echo(
            f"reviewer eval: cannot run: no eval suites at {where} (run from the repository root or set REVIEWER_EVALS_DIR)",
            err=True,
        )
        raise typer.Exit(code=2)
    where = where.resolve()
    loaded = sys.modules.get("evals")
    if loaded is None or Path(getattr(loaded, "__file__", None) or "").resolve().parent != where:
        for name in [m for m in sys.modules if m == "evals" or m.startswith("evals.")]:
            del sys.modules[name]
        spec = importlib.util.spec_from_file_location(
            "evals", where / "__init__.py", submodule_search_locations=[str(where)]
        )
        module = importlib.util.module_from_spec(spec)
        sys.modules["evals"] = module
        spec.loader.exec_module(module)
    return importlib.import_module("evals.runner")


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        try:
            sys.stdout.write(text)
            sys.stdout.flush()
        except BrokenPipeError:
            os._exit(0)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        _die(f"{output}: cannot write ({exc.strerror or exc})")


def main() -> None:
    """Console-script entry point: run the app; usage errors and unexpected errors become one line, exit code 2."""
    try:  # typer >= 0.16 vendors click as typer._click
        from typer._click import exceptions as click_exceptions
    except ImportError:  # pragma: no cover - older typer with a separate click
        from click import exceptions as click_exceptions
    abort = getattr(click_exceptions, "Abort", typer.Abort)

    from reviewer.errors import EXIT_ERROR, ReviewerError
    from reviewer.ingest import invalid_limits

    bad = invalid_limits()
    if bad:
        sys.stderr.write(f"reviewer: error: invalid limit setting {', '.join(bad)}: use a positive whole number\n")
        sys.exit(2)
    if signal.getsignal(signal.SIGINT) is _interrupted_while_loading:
        signal.signal(signal.SIGINT, signal.default_int_handler)  # commands handle Ctrl-C as KeyboardInterrupt
    try:
        code = app(standalone_mode=False)
    except click_exceptions.UsageError as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":
            sys.stderr.write(exc.format_message().rstrip() + "\n")
            sys.exit(2)
        hint = (
            f" (see 'reviewer {exc.ctx.info_name} --help')"
            if exc.ctx is not None and exc.ctx.info_name != "reviewer"
            else " (see 'reviewer --help')"
        )
        sys.stderr.write(f"reviewer: error: {_one_line(exc.format_message())}{hint}\n")
        sys.exit(2)
    except (abort, KeyboardInterrupt):
        sys.stderr.write("reviewer: interrupted (results committed so far are kept)\n")
        sys.stderr.flush()
        os._exit(130)  # no interpreter shutdown: half-written generators must not print "Exception ignored" noise
    except SystemExit:
        _ignore_late_interrupt()
        raise
    except ReviewerError as exc:  # the one handler of the error tree (reviewer.errors): one line, exit 2
        sys.stderr.write(f"reviewer: error: {_one_line(str(exc))}\n")
        sys.exit(EXIT_ERROR)
    except Exception as exc:  # noqa: BLE001 - the user gets one line; REVIEWER_DEBUG=1 shows the traceback
        if os.environ.get("REVIEWER_DEBUG"):
            raise
        sys.stderr.write(f"reviewer: internal error: {type(exc).__name__}: {_one_line(str(exc))}\n")
        sys.exit(2)
    if code == 130:  # click turned Ctrl-C into exit code 130
        sys.stderr.write("reviewer: interrupted (results committed so far are kept)\n")
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(130)  # no interpreter shutdown: half-written generators must not print "Exception ignored" noise
    _ignore_late_interrupt()
    sys.exit(code if isinstance(code, int) else 0)


def _ignore_late_interrupt() -> None:
    """The work is done and reported: a Ctrl-C during interpreter shutdown must not turn the exit code into -2."""
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # pragma: no cover - not the main thread (embedded use)
        pass


if __name__ == "__main__":
    main()
