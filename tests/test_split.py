"""Glued-digit reconstruction: every split, forced boundaries, signs, '/' atoms, pruning."""

from __future__ import annotations

from reviewer.parse.split import split_tokens, to_number


def row_sum(cells: list[str]) -> bool:
    nums = [to_number(c) or 0 for c in cells]
    return sum(nums[:6]) == nums[6]


def test_row_sum_keeps_only_consistent_splits() -> None:
    assert split_tokens(["121010014"], 7, row_sum) == [
        ["1", "2", "1", "0", "10", "0", "14"],
        ["1", "2", "10", "1", "0", "0", "14"],
        ["12", "1", "0", "1", "0", "0", "14"],
    ]


def test_printed_spaces_are_forced_boundaries() -> None:
    assert split_tokens(["200", "000121"], 7, row_sum) == [["20", "0", "0", "0", "0", "1", "21"]]


def test_no_leading_zeros_and_no_valid_split_for_a_wrong_row() -> None:
    assert split_tokens(["20000011"], 7, row_sum) == []
    assert split_tokens(["20000011"], 7) == [["2", "0", "0", "0", "0", "0", "11"], ["20", "0", "0", "0", "0", "1", "1"]]


def test_sign_starts_a_cell_and_slash_is_one_cell() -> None:
    assert split_tokens(["156-5997"], 3) == [
        ["1", "56", "-5997"],
        ["15", "6", "-5997"],
        ["156", "-5", "997"],
        ["156", "-59", "97"],
        ["156", "-599", "7"],
    ]
    assert split_tokens(["30", "/", "0003"], 7, row_sum) == [["3", "0", "/", "0", "0", "0", "3"]]


def test_table4_prune_by_block_total() -> None:
    def block_ok(prefix: list[str]) -> bool:
        return len(prefix) % 5 != 0 or sum(int(x) for x in prefix[-5:-1]) == int(prefix[-1])

    assert split_tokens(["10203120001200000"], 15, prune=block_ok) == [
        ["1", "0", "2", "0", "3", "12", "0", "0", "0", "12", "0", "0", "0", "0", "0"]
    ]


def test_to_number() -> None:
    assert to_number("650.6") == 650.6
    assert to_number("+82") == 82
    assert to_number("-59") == -59
    assert to_number("1,234") == 1234
    assert to_number("/") is None
