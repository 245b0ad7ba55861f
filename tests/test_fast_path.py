"""The pieces of the fast screening loop, each against the plain way it replaces: the cell
reader against ``RowConverter.convert``, bulk party scoring against scoring one name at a
time, the JSON writer, the line writer thread and the package check memo."""

from __future__ import annotations

import datetime as dt
import json
import math
import random
from pathlib import Path

import pytest

from screening.ingest.fast_rows import FastRows
from screening.ingest.pipeline import prepare_input
from screening.ingest.xlsx_package import _checked, check_zip
from screening.json_output import HEADROOM, JsonOutput
from screening.model import Screening, Verdict
from screening.parties import PartyIndex, party_forms, read_list_file
from screening.paths import resources_dir
from screening.recovery import clean_temp_files, temp_dir
from screening.rules.ruleset import RuleSet
from screening.service import ScreenOptions, run_screening
from screening.store import runs as run_store
from tests.conftest import big_csv
from tests.pipeline_reference import write_mixed_csv

HEADER = ["Line ID", "Ship Date", "Ship-to Country", "Country of Ultimate Destination", "ECCN",
          "License Exception", "License No.", "End-User Type", "Consignee", "Value", "Qty",
          "Parent Company"]

#: Values a calamine row can hold in the mapped columns, good and bad, including the ones
#: that compare equal but read differently (True, 1, 1.0) and NaN.
TRICKY: list[list[object]] = [
    ["L1", dt.date(2021, 3, 1), "HK", "", "5A992.c", "GBS", "", "military", "A Ltd", 12.5,
     3.0, ""],
    ["L2", dt.datetime(2021, 3, 1, 0, 0), "Hong Kong", "China", "5a992c", "", "NLR", "",
     "B", 1.0, True, ""],
    ["L3", dt.datetime(2021, 3, 1, 13, 5), "HKG", "", "EAR99", "LVS", "D123", "civil", "",
     True, 1, ""],
    [True, 44000.0, "HK", "", "3A001.a.2", "", "", "", "", math.nan, "", ""],
    ["L5", "2021-03-01", " hong  kong ", "", "EAR99", "N.L.R.", "", "", "", "1,234.50", "",
     ""],
    ["L6", "06/07/2020", "HK", "", "EAR99", "", "", "", "", "", "", ""],
    ["L7", "2021-03-01", "NA", "", "EAR99", "", "", "", "", "", "", ""],
    ["L8", "2021-03-01", "\u202eKH", "", "EAR99", "", "", "", "", "", "", ""],
    ["L9", "2021-03-01", "HK", "", "EAR99", "", "", "", "", "abc", "", ""],
    ["L10", "2021-03-01", "HK", "", "EAR99", "", "", "", "", "", "", "Huawei"],
    ["L11", "2021-03-01", "HK", "Xanadu", "EAR99", "", "", "", "", "", "", ""],
    ["L12", "2021-03-01", "HK", "", "EAR99", 1.0, "", "", "", "", "", ""],
    ["L13", 1.0, "HK", "", "EAR99", "", "", "", "", "", "", ""],
    ["L14", "2021-03-01", "HK", "", "EAR99"],  # short row
    ["", "2021-03-01", "HK", "", "EAR99", "", "", "MEU", "", "", "", ""],
    ["L16", "2021-03-01", "HK", "", "XYZ", "", "", "", "", "", "", ""],
]


_NO_RESULT = Screening(0, "", Verdict.CLEAR, None, None, False)


def _converter(tmp_path: Path, rules: RuleSet):  # type: ignore[no-untyped-def]
    source = tmp_path / "head.csv"
    source.write_text(",".join(HEADER) + "\nL0,2021-03-01,HK,,EAR99,,,,,,,\n",
                      encoding="utf-8")
    prepared = prepare_input(source, aliases=rules.aliases,
                             exception_codes=frozenset(rules.exceptions))
    return prepared._converter


@pytest.mark.parametrize("as_text", [True, False])
def test_fast_reader_agrees_with_convert_or_declines(tmp_path: Path, rules: RuleSet,
                                                     as_text: bool) -> None:
    converter = _converter(tmp_path, rules)
    fast = FastRows(converter, as_text, run_id=7)
    batch = [(number, list(values)) for number, values in enumerate(TRICKY, start=2)]
    for rounds in range(2):  # the second time every value comes from the caches
        columns, slow = fast.read(batch)
        assert columns is not None and columns.positions is not None
        assert sorted([*columns.positions, *slow]) == list(range(len(batch)))
        for i, position in enumerate(columns.positions):
            number, values = batch[position]
            line = converter.convert(number, list(values))
            assert line is not None and not line.problems, values
            head = columns.head(i)
            assert head == run_store.line_row(7, line, _NO_RESULT, 0, as_text)[:len(head)]
            assert (columns.dates[i], columns.eccns[i], columns.end_user_types[i]) == (
                line.export_date, line.eccn, line.end_user_type)
            assert isinstance(head[13], float | type(None))  # the value, a number
        assert len(columns.positions) == 3  # the three plain rows are taken, the rest declined
        if rounds == 0:
            fast.tune(len(TRICKY))


def test_fast_reader_never_takes_a_row_with_something_to_report(tmp_path: Path,
                                                                rules: RuleSet) -> None:
    converter = _converter(tmp_path, rules)
    fast = FastRows(converter, True)
    for number, values in enumerate(TRICKY, start=2):
        line = converter.convert(number, list(values))
        if line is None or line.problems:
            assert fast.read([(number, list(values))]) == (None, [0]), values


def test_fast_reader_columns_of_plain_and_escaped_texts(tmp_path: Path,
                                                       rules: RuleSet) -> None:
    """A batch whose text columns hold quotes, backslashes, padding and double spaces
    (each column then read cell by cell) gives the rows the slow path gives."""
    converter = _converter(tmp_path, rules)
    fast = FastRows(converter, True, run_id=7)
    odd = ['Say "hi"', "back\\slash", "  padded  ", "two  spaces", "tab\tin", "plain"]
    batch = [(n, [f"L{n}", "2021-03-01", "HK", "", "EAR99", "", "", "", odd[n % len(odd)],
                  "", "", ""]) for n in range(2, 40)]
    columns, slow = fast.read(batch)
    assert columns is not None and not slow and columns.positions is None
    for i, (number, values) in enumerate(batch):
        line = converter.convert(number, list(values))
        assert line is not None
        assert columns.head(i) == run_store.line_row(7, line, _NO_RESULT, 0, True)[:18]


def test_bulk_party_scoring_equals_one_name_at_a_time() -> None:
    _digest, entries = read_list_file(
        resources_dir() / "lists" / "consolidated_screening_list_2026-07-31.csv.gz")
    rnd = random.Random(5)
    names = [f"Consignee {rnd.randrange(20_000)} Ltd" for _ in range(300)]
    names += [f"Constructora {i} SA" for i in range(40)]  # a large posting ("~con")
    for entry in rnd.sample(entries, 200):  # real names, some with a letter dropped
        name = entry.name
        if rnd.random() < 0.5 and len(name) > 5:
            cut = rnd.randrange(len(name))
            name = name[:cut] + name[cut + 1:]
        names.append(name)
    one_by_one = PartyIndex.build(entries)
    names += ["Plus Tech Auto Supply", "Questano HK", "Harbin Inst of Tech"]  # both forms
    expected = {n: one_by_one._scores(*party_forms(n)) for n in names}
    bulk = PartyIndex.build(entries)
    from rapidfuzz import process
    calls = []
    original = process.cdist
    process.cdist = lambda *a, **k: calls.append(1) or original(*a, **k)  # type: ignore[assignment]
    try:
        bulk.prefetch(names)
    finally:
        process.cdist = original  # type: ignore[assignment]
    assert calls  # the bulk path did run
    # (list names with an abbreviation were among a large posting's, scored as written)
    assert any(bulk.plain_sorted[i] for i in bulk.tokens["~con"])
    assert {n: bulk.candidates(n) for n in names} == expected
    assert sum(1 for v in expected.values() if v) > 100  # many names do have candidates


def test_json_output_reserves_the_run_and_falls_back_when_it_grows(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    small = JsonOutput(target, json.dumps({"id": 1}))
    small.append(b'{"row": 2},{"row": 3}')
    with open(small.hand_over(), "ab") as other:  # another process appends the rest
        other.write(b',{"row": 4}')
    assert small.finish(json.dumps({"id": 1, "status": "complete"})) == target
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data == {"run": {"id": 1, "status": "complete"},
                    "lines": [{"row": 2}, {"row": 3}, {"row": 4}]}
    grown = JsonOutput(target, json.dumps({"id": 2}))
    grown.append(b'{"row": 2}')
    big_run = {"id": 2, "note": "x" * (HEADROOM * 2)}
    grown.finish(json.dumps(big_run))
    text = target.read_text(encoding="utf-8")
    assert json.loads(text) == {"run": big_run, "lines": [{"row": 2}]}
    assert text.startswith('{"run": {"id": 2, "note": "xx')  # rewritten, no padding left
    assert not list(tmp_path.glob(".*.part")) and not list(temp_dir().glob("*.jsonpart"))


def test_json_output_discarded_leaves_nothing(tmp_path: Path) -> None:
    output = JsonOutput(tmp_path / "out.json", "{}")
    output.append(b'{"row": 2}')
    output.discard()
    assert list(tmp_path.iterdir()) == [] and not list(temp_dir().glob("*.jsonpart"))


def test_next_start_removes_the_part_file_of_a_dead_writer(tmp_path: Path) -> None:
    part = tmp_path / ".out.json.run-999999999-abc.part"
    part.write_text("{", encoding="utf-8")
    pointer = temp_dir() / "run-999999999-x.jsonpart"
    pointer.write_text(str(part), encoding="utf-8")
    other = tmp_path / "unrelated.part"  # a pointer naming another file is not followed
    other.write_text("keep", encoding="utf-8")
    (temp_dir() / "run-999999998-y.jsonpart").write_text(str(other), encoding="utf-8")
    clean_temp_files()
    assert not part.exists() and not pointer.exists() and other.exists()


def test_writer_error_reaches_the_screening_and_stops_it(db, tmp_path: Path,
                                                        monkeypatch) -> None:
    from screening.store import line_writer

    data = big_csv(tmp_path / "in.csv", 12_000)
    insert = line_writer.run_store.insert_lines
    calls = []

    def fail_second(session, rows) -> None:  # type: ignore[no-untyped-def]
        calls.append(len(rows))
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        insert(session, rows)

    monkeypatch.setattr(line_writer.run_store, "insert_lines", fail_second)
    with pytest.raises(OSError, match="No space left"):
        run_screening(db, data, ScreenOptions(json_out=tmp_path / "out.json"))
    with db.sessions() as session:
        run = run_store.list_runs(session)[0]
    assert run.status == "failed" and "No space left" in run.message
    assert run.line_count == 5000  # the first batch only: whole batches, nothing after
    assert not (tmp_path / "out.json").exists() and not list(tmp_path.glob(".*.part"))


def test_a_changed_package_is_checked_again(tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "book.xlsx"
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("S").write_row(0, 0, ["a"])
    book.close()
    check_zip(path).close()
    before = set(_checked)
    assert before
    path.write_bytes(b"PK\x03\x04 damaged")  # same name, new content
    with pytest.raises(Exception, match="not a valid XLSX"):
        check_zip(path)


def test_pipeline_fast_and_slow_rows_mixed_in_one_batch(db, tmp_path: Path) -> None:
    source = tmp_path / "mixed.csv"
    write_mixed_csv(source, 3000)
    result = run_screening(db, source, ScreenOptions(json_out=tmp_path / "out.json"))
    lines = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["lines"]
    assert len(lines) == result.run.line_count == sum(result.run.counts.values())
    assert [ln["row"] for ln in lines] == sorted(ln["row"] for ln in lines)


def test_postgresql_statistics_refreshed_after_a_big_run(db, tmp_path: Path,
                                                        monkeypatch) -> None:
    """A fresh table without planner statistics made one count take minutes at 1M lines."""
    from sqlalchemy import text

    from screening import service

    if db.backend != "postgresql":
        pytest.skip("PostgreSQL's planner statistics")
    monkeypatch.setattr(service, "ANALYZE_AFTER", 2000)
    run_screening(db, big_csv(tmp_path / "in.csv", 3000), ScreenOptions())
    with db.sessions() as session:
        tuples = session.scalar(text("SELECT reltuples FROM pg_class WHERE relname = "
                                     "'run_lines'"))
    assert tuples is not None and tuples >= 2000  # -1 until the table is analysed


def test_run_hands_the_interpreter_lock_over_quickly_and_restores_it(db, tmp_path: Path,
                                                                    monkeypatch) -> None:
    """The storing thread must not wait 5 ms per row for the lock (see quick_lock_handover),
    and the process's own setting comes back after the run."""
    import sys

    from screening.row_screen import RowScreener
    from screening.runtime import SWITCH_INTERVAL
    from screening.service import SCREEN_PART

    seen: list[float] = []
    original = RowScreener.screen

    def recording(self, batch):  # type: ignore[no-untyped-def]
        seen.append(sys.getswitchinterval())
        return original(self, batch)

    monkeypatch.setattr(RowScreener, "screen", recording)
    before = sys.getswitchinterval()
    run_screening(db, big_csv(tmp_path / "in.csv", 6000), ScreenOptions())
    assert len(seen) == -(-6000 // SCREEN_PART)  # every part screened
    assert all(s <= SWITCH_INTERVAL < before for s in seen)
    assert sys.getswitchinterval() == before


def test_column_shortcuts_equal_the_cell_by_cell_forms() -> None:
    """The whole-column number match and the filling of a mostly blank column give what
    their cell-by-cell forms give."""
    from screening.ingest.fast_rows import _PLAIN_COLUMN_RE, _filled
    from screening.normalize import _PLAIN_NUMBER_RE
    rnd = random.Random(11)
    for _ in range(20000):
        n = rnd.randrange(0, 8)
        first = [rnd.choice([None, None, "CN", "", 0, "HK"]) for _ in range(n)]
        second = [rnd.choice([None, "SG", "", "DE"]) for _ in range(n)]
        assert _filled(first, second) == [a or b for a, b in zip(first, second, strict=True)]
        column = ["".join(rnd.choice("0123456789.-\u0661 ae+") for _ in range(
            rnd.randrange(0, 6))).strip() for _ in range(rnd.randrange(1, 6))]
        by_cell = all(column) and all(_PLAIN_NUMBER_RE.match(text) for text in column)
        assert bool(_PLAIN_COLUMN_RE.fullmatch("\n".join(column))) == by_cell, column


def test_a_column_read_as_it_is_holds_only_clean_texts() -> None:
    """``_cleaned`` gives ``clean_text`` of each cell, and hands the column back as read
    (with its joined text) only when every cell is its own clean text, without control
    characters."""
    from screening.ingest.fast_rows import _cleaned
    from screening.normalize import clean_text
    rnd = random.Random(5)
    pieces = ["a", "B", "7", " ", "  ", "|", "| ", " |", "\t", "\n", "\r", "\u00a0", "\u3000",
              "\u2028", "\x1c", "\x85", "é", "香", '"', "\\", "\u200b", "\x7f", ""]
    read_as_is = beyond_ascii = 0
    for _ in range(20000):
        cells = tuple("".join(rnd.choice(pieces) for _ in range(rnd.randrange(0, 5)))
                      for _ in range(rnd.randrange(1, 5)))
        texts, joined = _cleaned(cells, clean_text)
        assert texts == [clean_text(c) for c in cells], cells
        if joined is not None:
            read_as_is += 1
            beyond_ascii += not joined.isascii()
            assert all(t is c for t, c in zip(texts, cells, strict=True))
            assert joined == "|".join(cells)
            # No control characters: JSON escapes only quotes and backslashes then.
            assert not any(ch < " " for ch in joined)
            assert ('"' not in joined and "\\" not in joined) == all(
                json.dumps(c, ensure_ascii=False) == f'"{c}"' for c in cells)
    assert read_as_is > 1000
    assert beyond_ascii > 100  # a column of names in Chinese is read as it is too
