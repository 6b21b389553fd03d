"""Property-based fuzzing (hypothesis) of the readers and the parser: any bytes or text end in a result or an
InputError, never another exception. The corpus-mutation fuzzer (benchmarks/fuzz.py) covers large inputs."""

from __future__ import annotations

from conftest import FIXTURES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewer.errors import InputError
from reviewer.ingest import document_from_bytes
from reviewer.memo import build_memo, render_markdown
from reviewer.parse import parse_document
from reviewer.pipeline import review_report

SEED_TEXT = (FIXTURES / "clean_spaced_2023.txt").read_text(encoding="utf-8")
LINES = SEED_TEXT.splitlines()


def _review(data: bytes) -> None:
    try:
        review = review_report(parse_document(document_from_bytes(data, "h.txt")))
    except InputError as exc:
        assert "\n" not in str(exc)
        return
    render_markdown(build_memo(review))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4096))
def test_any_bytes(data: bytes) -> None:
    _review(data)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.sampled_from(LINES) | st.text(alphabet="0123456789０１２〇一二三 \t|-/.、（）总计本年新收", max_size=40),
        max_size=120,
    )
)
def test_shuffled_report_lines(lines: list[str]) -> None:
    _review("\n".join(lines).encode("utf-8"))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=len(SEED_TEXT)), st.text(max_size=60))
def test_insertions_into_a_real_layout(position: int, insert: str) -> None:
    _review((SEED_TEXT[:position] + insert + SEED_TEXT[position:]).encode("utf-8", errors="surrogatepass"))
