"""The ordering helper's compact, vectorised sort and filter (``ColumnOrdering``) gives
exactly the order of the straightforward one (``LineOrdering``): every sort column in both
directions, every filter, the quick filter over every cell. Not timed."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ui.models.column_ordering as column_ordering_module
import ui.models.line_columns as line_columns_module
from screening.model import Verdict
from screening.store.runs import LineTable
from ui.models.column_ordering import ColumnOrdering, inverse
from ui.models.line_columns import line_columns, raw_columns, text_column
from ui.models.ordering import Col, Filters, LineOrdering, Sort, natural_key
from ui.models.ordering import inverse as reference_inverse

VERDICTS = [v.value for v in Verdict]
LABELS = ["Hold", "Licensed", "False positive"]
# Values chosen to trip a compact encoding: case and case-folding (ß -> ss, Σ, dotted İ,
# the ﬁ ligature), numbers written several ways, "nan" and "inf", blanks and spaces,
# characters beyond the BMP (they sort after the blank sentinel U+FFFF), tabs and newlines.
CELLS = ["", " ", "abc", "ABC", "Abd", "9,000", "9000", "12,500", " 12 ", "-0", "0", "1e3",
         "nan", "NaN", "inf", "-Infinity", "1_000", "Straße", "STRASSE", "ΣΊΣΥΦΟΣ", "İstanbul",
         "ﬁne", "FINE", "😀 smile", "\uffff", "tab\there", "two\nlines", "kowloon telecom",
         "Kowloon Telecom Ltd", "HK", "hk", "CN", "x" * 40]


def _table(n: int, seed: int, *, width: int = 6) -> tuple[LineTable, list[list[str]],
                                                           dict[int, str]]:
    rnd = random.Random(seed)
    pick = rnd.choice
    rows = sorted(rnd.sample(range(2, n * 3 + 10), n))
    table = LineTable(
        rows, [pick([f"L{rnd.randrange(10 ** 6):06d}", pick(CELLS)]) for _ in range(n)],
        [pick(VERDICTS) for _ in range(n)], [pick(["HK", "CN", "US", None]) for _ in range(n)],
        [pick(["HK", "CN", "", None]) for _ in range(n)], [rnd.random() < 0.3 for _ in range(n)],
        [pick(["5A992.c", "3A001", "EAR99", None, "ear99"]) for _ in range(n)],
        [pick([None, "LVS", "APP", "lvs"]) for _ in range(n)], [rnd.randrange(1, 5)
                                                                for _ in range(n)],
        {1: ("LICENSED_AS",), 2: ("CHART_LICENSE_REQUIRED", "LICENSED_AS"), 3: (),
         4: ("ERROR_DATE",)})
    # Ragged rows: some lines have fewer cells than the headers, a few have more.
    raw = [[pick(CELLS) if rnd.random() < 0.8 else f"{rnd.uniform(-1e4, 1e4):,.2f}"
            for _ in range(rnd.choice([width, width, width, width - 2, width + 1]))]
           for _ in range(n)]
    reviews = {r: pick(LABELS) for r in rnd.sample(rows, n // 5)}
    reviews[10 ** 9] = "Hold"  # a row not in the run: ignored by both
    return table, raw, reviews


def _columns(table: LineTable):  # type: ignore[no-untyped-def]
    return line_columns(zip(table.rows, table.line_ids, table.destinations, table.licensing,
                            table.eccns, table.exceptions, table.verdicts, table.newly,
                            table.finding_sets, strict=True), table.set_codes)


def _both(table: LineTable, raw: list[list[str]], reviews: dict[int, str]
          ) -> tuple[LineOrdering, ColumnOrdering]:
    return (LineOrdering(table, dict(reviews), lambda: iter(raw)),
            ColumnOrdering(_columns(table), dict(reviews), lambda: iter(raw)))


def _cases(width: int) -> list[tuple[Filters, Sort]]:
    sorts = [Sort(c, d) for c in [*Col, len(Col), len(Col) + width - 1, len(Col) + width + 3]
             for d in (False, True)]
    filters = [Filters(), Filters(verdicts=frozenset({"CLEAR", "ERROR"})),
               Filters(destination="HK"), Filters(destination="ZZ"),
               Filters(finding_code="LICENSED_AS"), Filters(finding_code="NOPE"),
               Filters(newly_only=True), Filters(review="unreviewed"),
               Filters(review="reviewed"), Filters(review="Hold"), Filters(review="Nothing"),
               Filters(text="hk"), Filters(text="STRASSE"), Filters(text="straße"),
               Filters(text="σισυφοσ"), Filters(text="fine"), Filters(text="12"),
               Filters(text="😀"), Filters(text="abc"), Filters(text="b\tc"),
               Filters(text="kowloon telecom"), Filters(text="\x00"), Filters(text="l0"),
               Filters(text="here"), Filters(text="x" * 41), Filters(text="license_req"),
               Filters(verdicts=frozenset({"REVIEW"}), destination="CN", newly_only=True,
                       text="a", review="unreviewed")]
    return [(f, s) for f in filters for s in sorts[:4]] + \
        [(f, s) for f in filters[:3] for s in sorts] + [(Filters(), s) for s in sorts]


@pytest.mark.parametrize(("limit", "few"), [(3, 0), (1 << 16, 0), (3, 10 ** 6)])
def test_compact_ordering_equals_the_straightforward_one(monkeypatch, limit, few) -> None:
    """Columns kept per line or as codes; texts ranked by numpy or by Python's sort."""
    monkeypatch.setattr(line_columns_module, "DISTINCT_LIMIT", limit)
    monkeypatch.setattr(column_ordering_module, "_FEW", few)
    monkeypatch.setattr(line_columns_module, "BATCH", 97)  # many batches, ragged ones too
    table, raw, reviews = _table(1500, seed=limit)
    reference, compact = _both(table, raw, reviews)
    for filters, sort in _cases(6):
        expected = list(reference.order(filters, sort))
        got = compact.order(filters, sort)
        assert got.tolist() == expected, (filters, sort)
        assert inverse(got, len(table)).tolist() == list(reference_inverse(
            reference.order(filters, sort), len(table)))
    # New reviews: the review column and filters follow them.
    reviews = {r: "Licensed" for r in table.rows[::7]}
    reference.reviews = compact.reviews = reviews
    for filters, sort in [(Filters(review="Licensed"), Sort(Col.REVIEW, True)),
                          (Filters(review="unreviewed"), Sort(Col.REVIEW)),
                          (Filters(), Sort(Col.REVIEW, True))]:
        assert compact.order(filters, sort).tolist() == list(reference.order(filters, sort))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 60), st.integers(0, 10_000), st.integers(1, 4),
       st.sampled_from([*Col, len(Col), len(Col) + 2]), st.booleans(),
       st.sampled_from(["", "a", "1", "hk", "ß", "ss", " ", "0"]))
def test_compact_ordering_equals_the_straightforward_one_on_any_table(
        n, seed, width, column, descending, text) -> None:
    table, raw, reviews = _table(n, seed, width=width)
    reference, compact = _both(table, raw, reviews)
    for filters in (Filters(), Filters(text=text), Filters(review="unreviewed", text=text)):
        sort = Sort(column, descending)
        assert compact.order(filters, sort).tolist() == list(reference.order(filters, sort))


def test_natural_key_is_decided_on_case_folded_text() -> None:
    """The helper keeps cells case-folded, so the key must not change with case folding;
    "nan" is text (it would compare with nothing as a number)."""
    for cell in CELLS:
        assert natural_key(cell) == natural_key(cell.casefold())
    assert natural_key("NaN")[0] == 1 and natural_key("1,000")[:2] == (0, 1000.0)
    assert sorted(["b", "10", "9", "nan", "", "A"], key=natural_key) == \
        ["9", "10", "A", "b", "nan", ""]


def test_text_columns_search_within_one_value_only() -> None:
    column = text_column(["Kowloon", "TELECOM", "kowloon telecom", ""])
    assert column.lines_containing(b"kowloon").tolist() == [True, False, True, False]
    assert column.lines_containing(b"ntel").tolist() == [False] * 4  # not across
    assert column.lines_containing(b"").tolist() == [True] * 4
    assert column.codes is not None and column.entries == 4


def test_columns_with_many_distinct_values_keep_a_text_per_line(monkeypatch) -> None:
    monkeypatch.setattr(line_columns_module, "DISTINCT_LIMIT", 10)
    monkeypatch.setattr(line_columns_module, "BATCH", 4)
    values = [f"V{i % 25}" for i in range(60)]
    column = text_column(values)
    assert column.codes is None and column.values is None and column.entries == 60
    assert [t.decode() for t in column.entry_texts()] == [v.casefold() for v in values]
    kept = text_column(values, spill=False)  # exact matches need codes
    assert kept.values is not None and len(kept.values) == 25
    assert kept.equal_to("V3").tolist() == [v == "V3" for v in values]
    with pytest.raises(ValueError, match="keep its values"):
        column.equal_to("V3")


def test_raw_columns_pad_short_lines_and_count_lines() -> None:
    columns, lines = raw_columns([["a", "b"], ["c"], [], ["d", "e", "f"]])
    assert lines == 4 and len(columns) == 3
    assert [[t.decode() for t in c.entry_texts()] for c in columns][2] == ["", "f"]
    assert columns[2].per_line(np.arange(columns[2].entries)).tolist() == [0, 0, 0, 1]


def test_raw_cells_that_do_not_match_the_run_are_an_error() -> None:
    table, raw, reviews = _table(20, seed=1)
    compact = ColumnOrdering(_columns(table), reviews, lambda: iter(raw[:-1]))
    with pytest.raises(ValueError, match="20 lines but 19 rows"):
        compact.order(Filters(text="a"), Sort())


def test_search_columns_prepared_in_another_thread_are_built_once() -> None:
    """The helper prepares the quick filter's columns in the background; a request that
    needs them meanwhile waits for that build instead of starting its own."""
    import threading
    table, raw, reviews = _table(3000, seed=5)
    reads: list[int] = []

    def stream():  # type: ignore[no-untyped-def]
        reads.append(1)
        return iter(raw)

    reference = LineOrdering(table, reviews, lambda: iter(raw))
    compact = ColumnOrdering(_columns(table), reviews, stream)
    worker = threading.Thread(target=compact.prepare)
    worker.start()
    filters = Filters(text="kowloon")
    assert compact.order(filters, Sort(Col.VERDICT)).tolist() == \
        list(reference.order(filters, Sort(Col.VERDICT)))
    worker.join()
    assert reads == [1]


def test_quick_filter_answers_from_the_workbench_columns_while_the_input_columns_load() -> None:
    """While the input file's columns are still being read in the background, a quick
    filter is answered at once from the workbench's columns, saying how far the read is;
    once they are read, the complete answer (as ``LineOrdering``'s)."""
    import threading
    table, raw, reviews = _table(3000, 7)
    release = threading.Event()
    halfway = threading.Event()

    def slow_cells():  # type: ignore[no-untyped-def]
        for n, cells in enumerate(raw):
            if n == 2048 + 100:
                halfway.set()
                assert release.wait(30)
            yield cells

    ordering = ColumnOrdering(_columns(table), dict(reviews), slow_cells)
    thread = ordering.prepare_in_background()
    assert halfway.wait(30)
    workbench_only = LineOrdering(table, dict(reviews))  # no input-file cells to search
    for filters, sort in [(Filters(text="hk"), Sort()),
                          (Filters(text="abc", verdicts=frozenset({"CLEAR"})),
                           Sort(Col.VERDICT, True))]:
        order, complete = ordering.order_now(filters, sort)
        assert list(order) == list(workbench_only.order(filters, sort))
        assert 0.5 < complete < 1.0  # 2048 of 3000 lines read
    assert ordering.order_now(Filters(), Sort(Col.ECCN))[1] == 1.0  # no text: complete
    release.set()
    thread.join(30)
    reference = LineOrdering(table, dict(reviews), lambda: iter(raw))
    order, complete = ordering.order_now(Filters(text="hk"), Sort())
    assert complete == 1.0 and list(order) == list(reference.order(Filters(text="hk"), Sort()))
