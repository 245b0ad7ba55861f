"""The fast path looks at a whole column once before reading its cells one by one for an
ECCN or a Chinese place (issue 13: a description column of 100,000 distinct texts was read
cell by cell). The column look must never say "none" where a cell names one."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from screening.china_places import (
    names_no_place,
    place_anywhere,
    place_in_parts,
    place_sent_to,
)
from screening.normalize import clean_text, eccns_named_in, names_no_eccn

_WORDS = ["Part", "4708", "assembly", "hong", "Kong", "HK", "hk", "HKG", "Kowloon", "to",
          "via", "China", "PRC", "Macau", "Shenzhen", "3A001", "3a001.a", "ECCN", ":", "-",
          "3A-001", "5A992c", "Ltd", "re-export", "香港", "  ", "\t", "\n", "\u00a0", ",",
          "(", ")", "ECCN3A001a2", "9x515", "Guangdong", "Victoria", "Same as consignee"]
_CELLS = st.lists(st.lists(st.sampled_from(_WORDS), max_size=6).map(" ".join), max_size=8)
_JOINS = st.lists(st.sampled_from(_WORDS), max_size=6).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.one_of(_CELLS, st.lists(_JOINS, max_size=8)))
def test_a_column_said_to_name_no_place_has_no_cell_naming_one(cells: list[str]) -> None:
    if names_no_place("\n".join(cells)):
        for cell in cells:
            text = clean_text(cell)
            assert place_in_parts(text) is None and place_in_parts(text, party=True) is None
            assert place_anywhere(text) is None and place_sent_to(text) is None


@settings(max_examples=400, deadline=None)
@given(st.one_of(_CELLS, st.lists(_JOINS, max_size=8)))
def test_a_column_said_to_name_no_eccn_has_no_cell_naming_one(cells: list[str]) -> None:
    if names_no_eccn("\n".join(cells)):
        assert not any(eccns_named_in(clean_text(cell)) for cell in cells)


def test_the_column_look_answers_for_plain_columns_and_defers_otherwise() -> None:
    from screening.ingest.fast_rows import Memo, _read_column

    assert names_no_place("Part 1 assembly\nConsignee 2 Ltd")
    assert not names_no_place("Part 1 assembly\nKowloon Bay Trading")
    assert not names_no_place("Part 1\n香港")  # beyond ASCII: cell by cell
    assert names_no_eccn("Part 1 assembly\nwidget")
    assert not names_no_eccn("Part 1 assembly\nrad-hard ICs, ECCN 3A001.a")
    # A workbook's blank or number among the new cells: each is read on its own.
    read: list[object] = []
    memo = Memo(lambda cell: read.append(cell) or frozenset())
    assert _read_column(memo, (1.5, "widget"), names_no_eccn, frozenset()) == [frozenset()] * 2
    assert read == [1.5, "widget"]


def test_a_column_is_read_with_one_look_for_its_new_texts_and_each_read_where_needed() -> None:
    from screening.ingest.fast_rows import Memo, _read_column

    read: list[str] = []
    memo = Memo(lambda text: read.append(text) or place_in_parts(text))
    plain = ("Part 1 assembly", "Part 2 assembly", "Part 1 assembly")
    assert _read_column(memo, plain, names_no_place, None) == [None, None, None]
    assert read == []  # settled by the one look at the column
    mixed = ("Part 3 assembly", "Kowloon Bay, Hong Kong", "Part 1 assembly", None)
    assert _read_column(memo, mixed, names_no_place, None) == [None, "HK", None, None]
    assert read == ["Part 3 assembly", "Kowloon Bay, Hong Kong", None]  # each new one read
