"""Hostile files through the column-wise screening loop, against the plain line-by-line
reference (``pipeline_reference.reference_screen``): every cell type in every mapped column,
invisible and control characters, short, long and blank rows, formulas, whole batches of odd
rows, and chunk and batch boundaries. The batch and chunk sizes are made small so that a
file of a few hundred rows crosses many boundaries; one file per format keeps the real
sizes (5,001 rows). All random input comes from seeded generators, so a failure reproduces.

Also the chunked CSV reader against reading one record at a time (rows, and the error and
where it points for broken quoting near chunk boundaries).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from screening import row_screen, service
from screening.db import Database, open_database
from screening.ingest import readers
from screening.ingest.errors import IngestError
from screening.ingest.readers import (
    _check_multiline,
    _line_breaks,
    _quoting_error,
    open_csv,
)
from screening.normalize import DateOrder
from screening.service import ScreenOptions, run_screening
from screening.store import parties as party_store
from tests.conftest import _install_test_list, clear_but_for_parties
from tests.pipeline_reference import LISTED, reference_screen
from tests.test_pipeline_equivalence import MARKER, _comparable, _stored_rows

HEADER = ["Line ID", "Ship Date", "Ship-to Country", "Country of Ultimate Destination", "ECCN",
          "License Exception", "License No.", "End User", "End-User Type", "Consignee",
          "Parent Company", "Ownership %", "Value (USD)", "Qty", "HS Code", "Description",
          "Notes"]

#: Texts that make a cell odd: blanks, padding, NBSP, tabs and line breaks, zero-width,
#: bidi and other invisible characters, C0/C1 controls, quotes and backslashes, non-Latin and
#: full-width text, placeholders, numbers and dates written every way, formula-like text.
ODD_TEXTS = [
    "", " ", "  ", "\u00a0", "HK\u00a0", "\u00a0HK", " HK ", "H  K", "Hong\tKong", "Hong\nKong",
    "Hong\r\nKong", "Hong\rKong", "HK\u200b", "\u200bHK", "\u202eKH", "HK\u2028", "HK\u3000",
    "\u3000HK", "HK\x0b", "HK\x0c", "HK\x1c", "HK\x1f", "HK\x85", "HK\x7f", "HK\x07",
    "\ufeffHK", "HK\u2009", "\u2066HK\u2069", 'HK"', '"HK"', "HK\\", "\\", "'", "香港", "中国",
    "Россия", "ایران", "x" * 3000, "NA", "n/a", "#N/A", "TBD", "-", "\u2014", "?", "None",
    "null", "EAR99", "ear99", "EAR 99", "5A992.c", "5a992c", "5A992.C ", "3A001.a.2\u00a0",
    "\u202e5A992", "2021-03-01", " 2021-03-01 ", "2021-03-01\u00a0", "2021-03-01\n",
    "2021-03-01 13:05", "2021-03-01T13:05:00", "01/02/2021", "13/02/2021", "2021/03/01",
    "1 Mar 2021", "44000", "44000.5", "1", "0", "-1", "1e5", "1,234.50", "1.234,50", "$5",
    "(5)", "5%", "60 %", "nan", "inf", "-inf", "True", "false", "NLR", "N.L.R.", "GBS", "LVS",
    "ENC", "BAD", "License Exception GBS", "D123", "MEU", "military", "government", "xyz",
    "\u0661\u0662\u0663", "\uff11\uff12\uff13", "12\u00a0345", "1 234", "=1+1", "@SUM(A1)",
    "+1", 'L"1', "L\\1", "L\n1", "\x1e", "\uff28\uff2b", "hk", "HKG", "Hongkong", "Namibia",
    "\U0001f600", "e\u0301", "\u00e9", "\ud7ff", *LISTED,
]

#: Values only a workbook cell can hold (read by python-calamine as these types).
ODD_CELLS: list[Any] = [
    True, False, 0, 1, -1, 1.0, 0.5, 44000, 44000.5, 1e15, 1e16, 1.5e300, -0.0, math.nan,
    math.inf, -math.inf, 2**53 + 1, 0.1 + 0.2, dt.date(2021, 3, 1), dt.datetime(2021, 3, 1),
    dt.datetime(2021, 3, 1, 13, 5), dt.datetime(2021, 3, 1, 23, 59, 59), dt.date(1990, 1, 1),
    dt.date(2099, 1, 1), dt.datetime(1900, 1, 1),
]


def _good(rnd: random.Random, header: str, number: int) -> str:
    """A plain cell of the column (the fast path takes rows made of these)."""
    day = dt.date(2015, 1, 1) + dt.timedelta(days=rnd.randrange(3000))
    choices: dict[str, Callable[[], str]] = {
        "Line ID": lambda: f"L{number}",
        "Ship Date": day.isoformat,
        "Ship-to Country": lambda: rnd.choice(["HK", "Hong Kong", "China", "Germany", "SG"]),
        "Country of Ultimate Destination": lambda: rnd.choice(["", "", "", "China", "Iran"]),
        "ECCN": lambda: rnd.choice(["EAR99", "EAR99", "5A992.c", "3A001.a.2", "4A994"]),
        "License Exception": lambda: rnd.choice(["", "", "NLR", "GBS", "ENC"]),
        "License No.": lambda: rnd.choice(["", "", "", "D1234567", "NLR"]),
        "End User": lambda: "Same as consignee" if rnd.random() < 0.05 else
        f"End User {rnd.randrange(40)}",
        "End-User Type": lambda: rnd.choice(["", "commercial", "government", "military"]),
        "Consignee": lambda: rnd.choice(LISTED) if rnd.random() < 0.03 else
        "" if rnd.random() < 0.05 else f"Consignee {rnd.randrange(60)} Ltd",
        "Value (USD)": lambda: f"{rnd.uniform(1, 1e5):.2f}",
        "Qty": lambda: str(rnd.randrange(1, 50)),
        "HS Code": lambda: rnd.choice(["", "8542.31"]),
        "Description": lambda: rnd.choice(["Part", "Router board", 'Cable 3" long']),
        "Notes": lambda: rnd.choice(["", "ok", "C:\\tmp"]),
        "Purchaser": lambda: rnd.choice(["", f"Buyer {rnd.randrange(30)} Ltd", "N/A",
                                         rnd.choice(LISTED)]),
        "Notify Party": lambda: rnd.choice(["", "", "NONE", f"Agent {rnd.randrange(9)}",
                                            rnd.choice(LISTED)]),
    }
    return choices.get(header, str)()


def hostile_rows(n: int, seed: int, *, xlsx: bool, header: list[str] = HEADER,
                 odd_rate: Callable[[int], float] = lambda i: 0.04) -> list[list[Any]]:
    """``n`` data rows: plain ones with odd cells sprinkled at ``odd_rate(i)``, blank rows,
    short rows and (CSV) long rows."""
    rnd = random.Random(seed)
    rows: list[list[Any]] = []
    for i in range(n):
        if rnd.random() < 0.01:
            rows.append([""] * len(header) if rnd.random() < 0.5 else
                        [" "] * rnd.randrange(1, 4))
            continue
        row: list[Any] = [_good(rnd, h, i + 2) for h in header]
        if xlsx and rnd.random() < 0.5:  # typed cells as a workbook holds them
            for k, h in enumerate(header):
                if h == "Ship Date" and rnd.random() < 0.7:
                    row[k] = dt.datetime.fromisoformat(row[k])
                elif h in ("Value (USD)", "Qty") and rnd.random() < 0.7:
                    row[k] = float(row[k])
        rate = odd_rate(i)
        for k in range(len(row)):
            if rnd.random() < rate:
                if xlsx and rnd.random() < 0.4:
                    row[k] = rnd.choice(ODD_CELLS)
                else:
                    text = rnd.choice(ODD_TEXTS)
                    row[k] = text if xlsx else text.replace("\x00", "")
        if rnd.random() < 0.01:
            row = row[:rnd.randrange(len(row))]
        elif not xlsx and rnd.random() < 0.005:
            row += ["extra"] * rnd.randrange(1, 3)
        rows.append(row)
    return rows


def write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows([[v if isinstance(v, str) else str(v) for v in r] for r in rows])


def write_xlsx(path: Path, header: list[str], rows: list[list[Any]]) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False,
                                           "strings_to_numbers": False,
                                           "nan_inf_to_errors": True})
    sheet = book.add_worksheet("Shipments")
    stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    sheet.write_row(0, 0, header)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                sheet.write_datetime(r, c, value, stamp)
            elif value != "":
                sheet.write(r, c, value)
    book.close()


def write_openpyxl(path: Path, header: list[str], rows: list[list[Any]], *, col_offset: int,
                   title_rows: int) -> None:
    """A workbook whose "=..." texts are formulas without cached values, its table placed
    ``col_offset`` columns right and below ``title_rows`` rows of title."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for i in range(title_rows):
        sheet.cell(row=1 + i, column=1 + col_offset, value=f"Shipments export {i}")
    for c, text in enumerate(header):
        sheet.cell(row=1 + title_rows, column=1 + col_offset + c, value=text)
    for r, row in enumerate(rows, start=2 + title_rows):
        for c, cell in enumerate(row):
            value = "".join(ch for ch in cell if ch in "\t\n\r" or ord(ch) >= 32) \
                if isinstance(cell, str) else cell  # openpyxl refuses C0 controls
            if value == "" or (isinstance(value, float) and not math.isfinite(value)):
                continue
            sheet.cell(row=r, column=1 + col_offset + c, value=value)
    book.save(path)


@pytest.fixture(scope="module")
def sqlite_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """One SQLite database for the tests of this module that compare on SQLite only (the
    first test runs on PostgreSQL as well): each run is compared by its own run id."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HKSCREEN_BUNDLED_LISTS", "0")  # as conftest does for each test
        patch.setattr(party_store, "ensure_bundled_list", _install_test_list)
        database = open_database(f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'fz.db'}")
    yield database
    database.dispose()


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of 50 rows, reader chunks of 20, tuning after 120 rows: a few hundred rows
    cross every kind of boundary many times."""
    monkeypatch.setattr(service, "BATCH", 50)
    monkeypatch.setattr(readers, "CHUNK", 20)
    monkeypatch.setattr(row_screen, "TUNE_AFTER", 120)


def assert_same_as_reference(db: Database, path: Path,
                             options: ScreenOptions | None = None) -> dict[str, Any]:
    """The ``--json`` lines and the stored rows of a run are byte for byte the reference's;
    returns the JSON document."""
    options = options or ScreenOptions()
    out = path.with_name(path.name + ".json")
    result = run_screening(db, path, ScreenOptions(**{**vars(options), "json_out": out}))
    expected_json, expected_rows = reference_screen(db, path, options)
    produced = out.read_text(encoding="utf-8")
    data = json.loads(produced)
    got_lines = [json.dumps(line, ensure_ascii=False) for line in data["lines"]]
    want_lines = [json.dumps(json.loads(line), ensure_ascii=False) for line in expected_json]
    assert got_lines == want_lines  # the first differing line, readably
    assert produced[produced.index(MARKER):] == MARKER + ",".join(expected_json) + "]}\n"
    stored = _stored_rows(db, result.run.id)
    assert [_comparable(r) for r in stored] == [_comparable(r) for r in expected_rows]
    assert result.run.line_count == len(expected_rows)
    return data


def _kinds(data: dict[str, Any]) -> tuple[set[str], set[str]]:
    lines = data["lines"]
    return {ln["verdict"] for ln in lines}, {f["code"] for ln in lines for f in ln["findings"]}


# --- the whole pipeline against the reference --------------------------------------------

@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_hostile_cells_everywhere_match_the_reference(kind: str, db: Database,
                                                      tmp_path: Path,
                                                      small_batches: None) -> None:
    source = tmp_path / f"hostile.{kind}"
    rows = hostile_rows(401, 1, xlsx=kind == "xlsx", odd_rate=lambda i: 0.05)
    (write_csv if kind == "csv" else write_xlsx)(source, HEADER, rows)
    verdicts, codes = _kinds(assert_same_as_reference(db, source))
    assert {"CLEAR", "ERROR"} <= verdicts
    assert {"UNTRUSTED_CHARACTERS", "INVALID_VALUE"} <= codes


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_odd_values_in_every_column_match_the_reference(kind: str, sqlite_db: Database,
                                                        tmp_path: Path,
                                                        small_batches: None) -> None:
    """Odd values alone in a plain row, in each column in turn (all of them in the columns
    the fast path reads into more than text, a seeded sample in the others): batches where
    one column's cells are all odd."""
    values: list[Any] = [*ODD_TEXTS, *(ODD_CELLS if kind == "xlsx" else map(str, ODD_CELLS))]
    plain = ["L", "2021-03-01", "Germany", "", "EAR99", "", "", "Acme Widgets", "",
             "Acme Trading Ltd", "", "", "10", "1", "", "Part", ""]
    read = {HEADER.index(h) for h in ("Ship Date", "Ship-to Country", "ECCN", "Value (USD)",
                                      "Country of Ultimate Destination", "Qty")}
    rnd = random.Random(kind)
    rows = []
    for column in range(len(HEADER)):
        for value in values if column in read else rnd.sample(values, 25):
            row = list(plain)
            row[0] = f"L{len(rows) + 2}"
            row[column] = value
            rows.append(row)
    source = tmp_path / f"columns.{kind}"
    (write_csv if kind == "csv" else write_xlsx)(source, HEADER, rows)
    data = assert_same_as_reference(sqlite_db, source)
    verdicts, _codes = _kinds(data)
    assert {"CLEAR", "ERROR", "REVIEW"} <= verdicts


@pytest.mark.usefixtures("bundled_lists")
def test_odd_batches_and_owners_match_the_reference(tmp_path: Path,
                                                    small_batches: None) -> None:
    """Plain batches, a batch where every row is odd, batches with a few odd rows, owner
    columns on some rows, with the Consolidated Screening List installed (party findings on
    fast and slow rows)."""
    def rate(i: int) -> float:
        batch = i // 50
        return (0.0, 0.6, 0.01, 0.0, 0.3)[batch % 5]

    source = tmp_path / "batches.csv"
    rows = hostile_rows(520, 11, xlsx=False, odd_rate=rate)
    rnd = random.Random(23)
    parent, share = HEADER.index("Parent Company"), HEADER.index("Ownership %")
    for row in rows[::9]:
        if len(row) == len(HEADER):
            row[parent] = rnd.choice([*LISTED, "Acme Holdings"])
            row[share] = rnd.choice(["60", "60 %", "150", "abc", "", "25", "0.6"])
    write_csv(source, HEADER, rows)
    db = open_database(f"sqlite:///{tmp_path / 'lists.sqlite3'}")  # installs the list
    try:
        _verdicts, codes = _kinds(assert_same_as_reference(db, source))
    finally:
        db.dispose()
    assert any(code.startswith("PARTY_MATCH_") for code in codes), codes
    assert any(code.startswith("PARTY_OWNER_MATCH") for code in codes), codes


@pytest.mark.usefixtures("bundled_lists")
@pytest.mark.parametrize("named", [True, False])
def test_other_parties_with_the_list_match_the_reference(tmp_path: Path, small_batches: None,
                                                         named: bool) -> None:
    """(s18:) purchaser and notify-party columns are screened on the fast path as the slow
    path screens them (after the consignee and end user, or after PARTY_NOT_CHECKED)."""
    header = [*HEADER, "Purchaser", "Notify Party"] if named else \
        [h for h in HEADER if h not in ("Consignee", "End User")] + ["Purchaser",
                                                                      "Notify Party"]
    source = tmp_path / "others.csv"
    write_csv(source, header, hostile_rows(260, 31, xlsx=False, header=header))
    db = open_database(f"sqlite:///{tmp_path / 'lists.sqlite3'}")  # installs the list
    try:
        data = assert_same_as_reference(db, source)
    finally:
        db.dispose()
    matched = [f for line in data["lines"] for f in line["findings"]
               if f["code"].startswith("PARTY_MATCH_")
               and f["message"].startswith(("Purchaser", "Notify Party"))]
    assert matched


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize("n", [100, 101])
def test_files_ending_at_and_around_a_batch_boundary(kind: str, n: int, sqlite_db: Database,
                                                     tmp_path: Path,
                                                     small_batches: None) -> None:
    source = tmp_path / f"edge{n}.{kind}"
    rows = hostile_rows(n, n, xlsx=kind == "xlsx", odd_rate=lambda i: 0.5 if i >= n - 2 else 0)
    (write_csv if kind == "csv" else write_xlsx)(source, HEADER, rows)
    assert_same_as_reference(sqlite_db, source)


def test_a_file_of_only_blank_and_odd_rows(sqlite_db: Database, tmp_path: Path,
                                           small_batches: None) -> None:
    """No batch has a row the fast path takes; a batch made only of blank rows."""
    rows: list[list[Any]] = [[""] * len(HEADER)] * 60
    rows += hostile_rows(80, 5, xlsx=False, odd_rate=lambda i: 1.0)
    source = tmp_path / "odd.csv"
    write_csv(source, HEADER, rows)
    data = assert_same_as_reference(sqlite_db, source)
    assert "CLEAR" not in _kinds(data)[0]


def test_real_batch_and_chunk_sizes(sqlite_db: Database, tmp_path: Path) -> None:
    """A 5,001-row CSV at the product's sizes (chunks of 1,000, batches of 5,000): odd rows
    at rows 999-1,002 and 4,999-5,002 only."""
    hot = {*range(997, 1001), *range(4997, 5001)}
    source = tmp_path / "real.csv"
    rows = hostile_rows(5001, 3, xlsx=False, odd_rate=lambda i: 0.4 if i in hot else 0.0)
    write_csv(source, HEADER, rows)
    assert_same_as_reference(sqlite_db, source)


LAYOUTS = {  # name: (header, options, file kind)
    "no date column, --as-of": ([h for h in HEADER if h != "Ship Date"],
                                ScreenOptions(as_of=dt.date(2021, 5, 1)), "csv"),
    "no date column, --as-of (workbook)": ([h for h in HEADER if h != "Ship Date"],
                                           ScreenOptions(as_of=dt.date(2021, 5, 1)), "xlsx"),
    "--as-of with a date column": (HEADER, ScreenOptions(as_of=dt.date(2021, 5, 1)), "xlsx"),
    "no ultimate destination, licence or party columns": (
        ["Line ID", "Ship Date", "Ship-to Country", "ECCN", "Value (USD)", "Description"],
        ScreenOptions(), "csv"),
    "only the required columns": (["Ship-to Country", "Ship Date", "ECCN"], ScreenOptions(),
                                  "xlsx"),
    "day-first dates": (HEADER, ScreenOptions(date_order=DateOrder.DMY), "csv"),
    # (s18:) other parties, screened on the fast path too; and without consignee/end user
    "other parties": ([*HEADER, "Purchaser", "Notify Party"], ScreenOptions(), "csv"),
    "other parties (workbook)": ([*HEADER, "Purchaser", "Notify Party"], ScreenOptions(),
                                 "xlsx"),
    "other parties only": ([h for h in HEADER if h not in ("Consignee", "End User")]
                           + ["Purchaser", "Notify Party"], ScreenOptions(), "csv"),
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_column_layouts_and_options_match_the_reference(layout: str, sqlite_db: Database,
                                                        tmp_path: Path,
                                                        small_batches: None) -> None:
    header, options, kind = LAYOUTS[layout]
    source = tmp_path / f"layout.{kind}"
    rows = hostile_rows(230, 17, xlsx=kind == "xlsx", header=header)
    (write_csv if kind == "csv" else write_xlsx)(source, header, rows)
    assert_same_as_reference(sqlite_db, source, options)


@pytest.mark.parametrize("layout", [(0, 0), (3, 1)])
def test_formulas_without_values_and_offset_tables(layout: tuple[int, int],
                                                   sqlite_db: Database,
                                                   tmp_path: Path,
                                                   small_batches: None) -> None:
    col_offset, title_rows = layout
    rnd = random.Random(sum(layout))
    rows = hostile_rows(180, 29, xlsx=True, odd_rate=lambda i: 0.02)
    for i in rnd.sample(range(len(rows)), 10):
        if rows[i]:
            rows[i][rnd.randrange(len(rows[i]))] = "=1+1"
    rows[rnd.randrange(len(rows))] = ["=A1"] * len(HEADER)  # a row of formulas only
    source = tmp_path / "formulas.xlsx"
    write_openpyxl(source, HEADER, rows, col_offset=col_offset, title_rows=title_rows)
    _verdicts, codes = _kinds(assert_same_as_reference(sqlite_db, source))
    assert "FORMULA_NO_VALUE" in codes


# --- the chunked CSV reader against reading one record at a time --------------------------

def _one_record_at_a_time(path: Path) -> tuple[list[tuple[int, list[str]]], str | None]:
    """The rows and the error a reader taking one record at a time gives (the checks of
    ``readers._csv_rows`` applied to each record as it is read)."""
    source = open_csv(path)
    assert source.encoding and source.delimiter
    number = widest = line = 0
    out: list[tuple[int, list[str]]] = []
    try:
        with path.open("rb") as raw, io.TextIOWrapper(raw, encoding=source.encoding,
                                                      newline="") as handle:
            reader = csv.reader(handle, delimiter=source.delimiter, strict=True)
            for record in reader:
                number += 1
                if _line_breaks(record):
                    _check_multiline(source, record, widest, number, line + 1)
                line = reader.line_num
                widest = max(widest, len(record))
                out.append((number, record))
    except csv.Error as exc:
        return out, str(_quoting_error(source, number + 1, line + 1, str(exc)))
    except IngestError as exc:
        return out, str(exc)
    return out, None


def _chunked(path: Path) -> tuple[list[tuple[int, list[object]]], str | None]:
    out: list[tuple[int, list[object]]] = []
    try:
        out.extend(open_csv(path).rows())
    except IngestError as exc:
        return out, str(exc)
    return out, None


def _csv_with_trouble(path: Path, seed: int, kinds: tuple[str, ...]) -> None:
    """A CSV whose rows near chunk boundaries hold multi-line cells, blank lines, doubled
    quotes, short rows, or broken quoting."""
    rnd = random.Random(seed)
    n = rnd.choice([59, 60, 61, 79, 80, 81, 999, 1000, 1001, 1002])
    hot = {rnd.choice([19, 20, 21, 39, 40, 41, 59, 60, 998, 999, 1000, 1001, rnd.randrange(n)])
           for _ in range(rnd.randrange(1, 4))}
    eol = rnd.choice(["\n", "\r\n", "\r"])
    out = ["Line ID,Ship Date,Ship-to Country,ECCN,Description" + eol]
    closing: set[int] = set()
    for i in range(1, n + 1):
        cells = [f"L{i}", "2021-03-01", "HK", "EAR99", "Part"]
        if i in closing:
            cells[3] = 'EAR99"'
        if i in hot:
            trouble = rnd.choice(kinds)
            if trouble == "multiline":
                cells[4] = rnd.choice(['"Unit 5\nKowloon"', '"a\r\nb\rc\n\nd"', '"x\r\n"'])
            elif trouble == "blank line":
                out.append(eol)
            elif trouble == "doubled quote":
                cells[4] = '"Cable 3"" long"'
            elif trouble == "short":
                cells = cells[:2]
            elif trouble == "text after quote":
                cells[2] = '"HK"x'
            elif trouble == "unterminated":
                cells[2] = '"HK'
            elif trouble == "swallowing":
                cells[2] = '"HK'
                closing.add(i + rnd.choice([1, 2, 3]))
        out.append(",".join(cells) + eol)
    path.write_text("".join(out), encoding="utf-8", newline="")


GOOD_TROUBLE = ("multiline", "blank line", "doubled quote", "short")
ALL_TROUBLE = (*GOOD_TROUBLE, "text after quote", "unterminated", "swallowing")


@pytest.mark.parametrize("chunk", [20, 1000])
def test_chunked_csv_reader_reads_what_one_record_at_a_time_reads(
        chunk: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readers, "CHUNK", chunk)
    errors = 0
    for seed in range(60):
        path = tmp_path / f"trouble{seed}.csv"
        _csv_with_trouble(path, seed, GOOD_TROUBLE if seed % 2 else ALL_TROUBLE)
        rows, error = _chunked(path)
        want_rows, want_error = _one_record_at_a_time(path)
        if error is None and want_error is not None and "runs over" in want_error:
            pytest.fail(f"seed {seed}: {want_error} not reported")
        assert error == want_error, seed
        errors += error is not None
        if error is None:
            assert rows == want_rows, seed
    assert errors >= 5  # broken files were among them


def test_a_swallowing_quote_is_reported_before_a_later_error_in_its_chunk(
        tmp_path: Path) -> None:
    path = tmp_path / "swallow.csv"
    path.write_text('Line ID,Ship Date,Ship-to Country,ECCN\n'
                    '1,2021-03-01,"HK,EAR99\n'
                    '2,2021-03-01,HK,EAR99\n'
                    '3,2021-03-01,HK",EAR99\n'
                    '4,2021-03-01,"HK"x,EAR99\n', encoding="utf-8")
    _rows, error = _chunked(path)
    assert error == _one_record_at_a_time(path)[1]
    assert error is not None and "row 2, column C" in error and "(line 2)" in error


# --- cells the reader cannot give ----------------------------------------------------------

def test_an_excel_error_cell_in_a_mapped_column_is_error(sqlite_db: Database,
                                                        tmp_path: Path) -> None:
    import xlsxwriter

    source = tmp_path / "errors.xlsx"
    book = xlsxwriter.Workbook(str(source))
    sheet = book.add_worksheet("Shipments")
    sheet.write_row(0, 0, ["Line ID", "Ship Date", "Ship-to Country",
                           "Country of Ultimate Destination", "ECCN", "Value (USD)"])
    sheet.write_row(1, 0, ["L1", "2021-03-01", "Germany"])
    sheet.write_formula(1, 3, "=VLOOKUP(A2,Z:Z,1,FALSE)", None, "#N/A")
    sheet.write_row(1, 4, ["EAR99", "10"])
    sheet.write_row(2, 0, ["L2", "2021-03-01", "Germany", "", "EAR99"])
    sheet.write_formula(2, 5, "=1/0", None, "#DIV/0!")
    sheet.write_row(3, 0, ["L3", "2021-03-01", "Germany", "", "EAR99", "10"])
    book.close()
    out = tmp_path / "out.json"
    run_screening(sqlite_db, source, ScreenOptions(json_out=out))
    lines = json.loads(out.read_text(encoding="utf-8"))["lines"]
    assert [line["verdict"] for line in lines][:2] == ["ERROR", "ERROR"]
    assert clear_but_for_parties(lines[2])
    assert any("D2" in f["message"] and "#N/A" in f["message"] for f in lines[0]["findings"])
    assert any("F3" in f["message"] and "#DIV/0!" in f["message"]
               for f in lines[1]["findings"])
