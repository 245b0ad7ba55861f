"""Hostile and damaged input files (issue 11): each test reproduces a way the contract "lines
out = rows in; a line that cannot be screened is ERROR, never CLEAR; a bad file exits 2 with a
clear message" was broken, and shows it holds now."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import openpyxl
import pytest

from screening.cli import main
from screening.db import open_database
from screening.ingest import IngestError, prepare_input, readers
from screening.ingest.xlsx_package import MAX_CELLS, MAX_COLUMNS
from screening.model import Verdict
from screening.service import ScreenOptions, run_screening
from screening.store import runs as run_store
from tests.conftest import (
    ROOT,
    big_csv,
    changing_after_first_read,
    clear_but_for_parties,
    code_under_test,
)

HEAD = "Line,Dest,Ship Date,ECCN\n"


def prep(path: Path, rules, **kw):
    return prepare_input(path, aliases=rules.aliases,
                         exception_codes=frozenset(rules.exceptions), **kw)


def screen(capsys, db_url: str, path: Path, *extra: str) -> tuple[int, dict | None, str]:
    out = path.with_suffix(".json")
    code = main(["--database-url", db_url, "screen", str(path), "--quiet", "--json", str(out),
                 *extra])
    err = capsys.readouterr().err
    data = json.loads(out.read_text(encoding="utf-8")) if code != 2 else None
    return code, data, err


def assert_clear_message(err: str) -> None:
    """One line from hkscreen, never a traceback or an "unexpected error"."""
    assert err.startswith("hkscreen: ") and "unexpected error" not in err
    assert "Traceback" not in err and err.count("\n") <= 1, err


# --- CSV quoting ---------------------------------------------------------------------------

def test_unterminated_quote_is_a_file_error_not_a_merged_row(rules, capsys, tmp_path) -> None:
    # Before: 3 rows in, 1 line out and exit 0; both Hong Kong rows were swallowed.
    path = tmp_path / "quote.csv"
    path.write_text(HEAD + '1,DE,2021-03-01,EAR99\n2,"HK,2021-03-02,5A992.c\n'
                    "3,HK,2021-03-03,3A001\n", encoding="utf-8")
    with pytest.raises(IngestError) as info:
        list(prep(path, rules).lines())
    message = str(info.value)
    assert "line 3" in message and "column B" in message and "never closed" in message
    db_url = f"sqlite:///{tmp_path / 'hk.sqlite3'}"
    code, _, err = screen(capsys, db_url, path)
    assert code == 2 and "malformed CSV at line 3 in column B" in err
    assert_clear_message(err)


def test_quoting_is_checked_and_located_the_same_deep_in_a_big_file(rules, tmp_path) -> None:
    """The CSV reader takes rows a chunk at a time: multi-line cells and a broken quote
    thousands of rows in still give the row and the line each starts on."""
    plain = "".join(f"{n},HK,2021-03-01,EAR99\n" for n in range(2, 2501))
    multiline = ('2501,"HK\r\nKowloon",2021-03-01,EAR99\n'  # one break: lines 2501-2502
                 '2502,HK,2021-03-01,"EAR99\na\nb"\n')  # two: lines 2503-2505
    more = "".join(f"{n},HK,2021-03-01,EAR99\n" for n in range(2503, 3200))  # to line 3202
    good = tmp_path / "good.csv"
    good.write_text(HEAD + plain + multiline + more, encoding="utf-8", newline="")
    prepared = prep(good, rules)
    assert [line.row for line in prepared.lines()] == list(range(2, 3200))
    assert prepared.source.rows_read == prepared.source.expected_rows == 3199
    broken = tmp_path / "broken.csv"
    broken.write_text(HEAD + plain + multiline + more + '3200,"HK,2021-03-01,EAR99\n'
                      "3201,HK,2021-03-01,EAR99\n", encoding="utf-8", newline="")
    with pytest.raises(IngestError) as info:
        list(prep(broken, rules).lines())
    assert "malformed CSV at line 3203 in column B" in str(info.value)
    assert info.value.row == 3200
    swallowed = tmp_path / "swallowed.csv"  # a quote closed rows later, after the multilines
    swallowed.write_text(HEAD + plain + multiline + '2503,"HK,2021-03-01,EAR99\n'
                         '2504,HK,2021-03-01,EAR99\n2505,HK",2021-03-01,EAR99\n',
                         encoding="utf-8", newline="")
    with pytest.raises(IngestError, match=r"row 2503, column B: .*\(line 2506\).*closing"):
        list(prep(swallowed, rules).lines())


def test_quote_closed_rows_later_is_refused_but_a_multiline_address_is_not(rules,
                                                                           tmp_path) -> None:
    merged = tmp_path / "merged.csv"
    merged.write_text(HEAD + '1,"HK,2021-03-01,5A992.c\n2,HK,2021-03-02,5A992.c\n'
                      '3,HK",2021-03-03,EAR99\n', encoding="utf-8")
    with pytest.raises(IngestError, match=r"row 2, column B: .*closing quote is missing"):
        list(prep(merged, rules).lines())
    address = tmp_path / "address.csv"
    address.write_text("Line,Dest,Ship Date,ECCN,Consignee Address\n"
                       '1,HK,2021-03-01,EAR99,"Unit 5, Tower 2\nKowloon, Hong Kong"\n'
                       "2,HK,2021-03-02,EAR99,Central\n", encoding="utf-8")
    lines = list(prep(address, rules).lines())
    assert [ln.row for ln in lines] == [2, 3]


# --- formula rows without cached values ----------------------------------------------------

def test_rows_made_only_of_formulas_become_error_lines(rules, tmp_path) -> None:
    # Before: calamine reported those rows blank and they vanished (3 data rows -> 2 lines
    # in the middle, none at the end).
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Line", "Dest", "Ship Date", "ECCN"])
    ws.append(["A", "HK", "2021-03-01", "EAR99"])
    ws.append(["=B2", "=B2", "=C2", "=D2"])  # openpyxl saves formulas with no cached value
    ws.append(["C", "HK", "2021-03-02", "EAR99"])
    ws.append(["=A1", "=B1", "=C1", "=D1"])  # the last row: beyond calamine's range
    wb.save(tmp_path / "formulas.xlsx")
    lines = list(prep(tmp_path / "formulas.xlsx", rules).lines())
    assert [ln.row for ln in lines] == [2, 3, 4, 5]
    for line in (lines[1], lines[3]):
        assert {f.code for f in line.problems} == {"FORMULA_NO_VALUE"}
        assert screen_verdict(line, rules) is Verdict.ERROR
    assert "Sheet!B3" in lines[1].problems[1].message


def screen_verdict(line, rules) -> Verdict:
    from screening.engine import screen_line
    return screen_line(line, rules).verdict


# --- the file changes while it is read -----------------------------------------------------

@pytest.mark.parametrize("change", ["append", "truncate", "rewrite"])
def test_file_changed_during_reading_fails_the_run(db, tmp_path, monkeypatch, change) -> None:
    # Before: a file truncated while read gave a "complete" run with half the lines,
    # recorded under the hash and size of the whole file. The change is made once the
    # reader has taken its first bytes, so it falls inside the reading.
    path = big_csv(tmp_path / "moving.csv", 12_000)
    size = path.stat().st_size
    monkeypatch.setattr(readers, "HashingFile", changing_after_first_read(path, change))
    with pytest.raises(IngestError, match="changed"):
        run_screening(db, path, ScreenOptions())
    with db.sessions() as session:
        run = run_store.list_runs(session)[0]
    assert run.status == "failed" and "changed" in run.message
    assert path.stat().st_size != size or change == "rewrite"


# --- values that cannot be trusted ---------------------------------------------------------

def test_sentinel_dates_and_small_numbers_are_error_naming_the_cell(rules, tmp_path) -> None:
    # Before: 0001-01-01, 1899-12-31, 1900-01-01, 60 and 1 were screened under pre-2020
    # rules (Hong Kong's old row) and could come out CLEAR.
    path = tmp_path / "dates.csv"
    dates = ["0001-01-01", "1899-12-31", "1900-01-01", "60", "1", "1989-12-31", "2099-01-01",
             "2021-03-01"]
    path.write_text(HEAD + "".join(f"{i},HK,{d},EAR99\n" for i, d in enumerate(dates)),
                    encoding="utf-8")
    lines = list(prep(path, rules).lines())
    assert len(lines) == len(dates)
    for line, text in zip(lines[:-1], dates[:-1], strict=True):
        codes = [f.code for f in line.problems]
        assert codes == ["DATE_OUT_OF_RANGE"], (text, codes)
        assert f"dates.csv row {line.row} col C" in line.problems[0].message
        assert line.export_date is None and screen_verdict(line, rules) is Verdict.ERROR
    assert "Excel day count" in lines[3].problems[0].message  # "60"
    assert not lines[-1].problems

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    ws.append(["Line", "Dest", "Ship Date", "ECCN"])
    for value in (60, 1, 2):  # numbers in a date column: Excel day counts (1900-02-28 ...)
        ws.append(["x", "HK", value, "EAR99"])
    wb.save(tmp_path / "serials.xlsx")
    lines = list(prep(tmp_path / "serials.xlsx", rules).lines())
    assert [f.message.split(":")[0] for ln in lines for f in ln.problems] == [
        "S!C2", "S!C3", "S!C4"]


def test_a_day_number_in_the_date_column_is_never_clear(db, tmp_path) -> None:
    """44000 reads as 2020-06-18 (Excel's day count), days before Hong Kong lost its
    exceptions: the cell does not say it is a date, so the line shows how it was read and
    cannot be CLEAR (a written date on the same line is)."""
    path = tmp_path / "numbers.csv"
    path.write_text(HEAD + "1,HK,44000,EAR99\n2,HK,2020-06-18,EAR99\n3,HK,44000.0,EAR99\n"
                    "4,HK,20200618,EAR99\n", encoding="utf-8")  # 4: yyyymmdd, a written date
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    ws.append(["Line", "Dest", "Ship Date", "ECCN"])
    ws.append(["1", "HK", 44000, "EAR99"])
    wb.save(tmp_path / "numbers.xlsx")
    for source, cells in ((path, ["numbers.csv row 2 col C", None, "numbers.csv row 4 col C",
                                  None]),
                          (tmp_path / "numbers.xlsx", ["S!C2"])):
        out = tmp_path / f"{source.name}.json"
        run_screening(db, source, ScreenOptions(json_out=out))
        lines = json.loads(out.read_text(encoding="utf-8"))["lines"]
        for line, cell in zip(lines, cells, strict=True):
            found = {f["code"]: f["message"] for f in line["findings"]}
            if cell is None:
                assert clear_but_for_parties(line) and "DATE_FROM_DAY_NUMBER" not in found
                continue
            assert line["verdict"] == "REVIEW", line
            message = found["DATE_FROM_DAY_NUMBER"]
            assert message.startswith(f"{cell}: the export date") and "2020-06-18" in message


def test_a_row_wider_than_its_header_is_never_clear(db, tmp_path) -> None:
    """A separator inside a cell that was not quoted shifts the cells after it: a row with
    cells beyond its header's columns says which, and cannot be CLEAR, even when its mapped
    columns still read well. In a workbook, a cell typed right of the table under no header
    (s21 hunt: "Ultimate: Iran" beside a line to Germany was CLEAR, exit 0) is named too:
    it is not read. Columns under no header between named ones are listed as not read."""
    path = tmp_path / "shifted.csv"
    path.write_text(HEAD + "1,HK,2020-06-18,EAR99,Widget, blue\n2,HK,2020-06-18,EAR99\n"
                    "3,HK,2020-06-18,EAR99,,\n", encoding="utf-8")  # 3: empty extra cells
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    ws.append(["Line", "Dest", "Ship Date", "ECCN"])
    ws.append(["1", "HK", "2020-06-18", "EAR99", None, "Ultimate: Iran"])
    ws.append(["2", "HK", "2020-06-18", "EAR99"])
    ws.append(["3", "HK", "2020-06-18", "EAR99", "", None])
    wb.save(tmp_path / "notes.xlsx")
    # A header row ending in empty cells ("...,ECCN,,") names no column there.
    (tmp_path / "trailing.csv").write_text(HEAD.rstrip("\n") + ",,\n1,HK,2020-06-18,EAR99,,"
                                           "Iran\n2,HK,2020-06-18,EAR99,,\n", encoding="utf-8")
    expected = {
        path: ['shifted.csv row 2 col E "Widget", shifted.csv row 2 col F "blue": the row '
               'has 6 cells but the header row names 4 columns', None, None],
        tmp_path / "notes.xlsx": ['S!F2 "Ultimate: Iran": right of the table\'s last named '
                                  'column (D), under no header, so not read', None, None],
        tmp_path / "trailing.csv": ['trailing.csv row 2 col F "Iran": the row has 6 cells '
                                    'but the header row names 4 columns', None]}
    for source, said in expected.items():
        out = tmp_path / f"{source.name}.json"
        run_screening(db, source, ScreenOptions(json_out=out))
        lines = json.loads(out.read_text(encoding="utf-8"))["lines"]
        for line, start in zip(lines, said, strict=True):
            found = {f["code"]: f["message"] for f in line["findings"]}
            if start is None:
                assert clear_but_for_parties(line) and "CELLS_BEYOND_HEADER" not in found
                continue
            assert line["verdict"] == "REVIEW", line
            assert found["CELLS_BEYOND_HEADER"].startswith(start), found


def test_as_of_date_out_of_range_is_refused(capsys, tmp_path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text("Line,Dest,ECCN\n1,HK,EAR99\n", encoding="utf-8")
    code, _, err = screen(capsys, f"sqlite:///{tmp_path / 'hk.sqlite3'}", path,
                          "--as-of", "1970-01-01")
    assert code == 2 and "assumed export date 1970-01-01" in err


def test_placeholders_and_invisible_characters_are_error(rules, tmp_path) -> None:
    # Before: "N/A" was read as Namibia and U+202E before "KH" (displayed "HK") as Cambodia.
    cases = {
        "N/A": "PLACEHOLDER_VALUE", "NA": "PLACEHOLDER_VALUE", "TBD": "PLACEHOLDER_VALUE",
        "-": "PLACEHOLDER_VALUE", "?": "PLACEHOLDER_VALUE", "none": "PLACEHOLDER_VALUE",
        "Unknown": "PLACEHOLDER_VALUE", "\u202eKH": "UNTRUSTED_CHARACTERS",
        "H\u200bK": "UNTRUSTED_CHARACTERS", "HK\x07": "UNTRUSTED_CHARACTERS",
        "\u2066HK\u2069": "UNTRUSTED_CHARACTERS",
    }
    path = tmp_path / "dest.csv"
    body = "".join(f'{i},"{dest}",2021-03-01,EAR99\n' for i, dest in enumerate(cases))
    path.write_text(HEAD + body + "99,Namibia,2021-03-01,EAR99\n", encoding="utf-8")
    lines = list(prep(path, rules).lines())
    assert len(lines) == len(cases) + 1
    for line, (text, code) in zip(lines, cases.items(), strict=False):
        assert line.destination is None, text  # never Namibia, never Cambodia
        assert [f.code for f in line.problems] == [code], text
        assert screen_verdict(line, rules) is Verdict.ERROR
    messages = {text: line.problems[0].message for line, text in zip(lines, cases,
                                                                     strict=False)}
    assert 'Write "Namibia" or "NAM"' in messages["NA"]
    assert '"\\u202eKH"' in messages["\u202eKH"] and "RIGHT-TO-LEFT OVERRIDE" in \
        messages["\u202eKH"]
    assert '"H\\u200bK"' in messages["H\u200bK"] and '"HK\\x07"' in messages["HK\x07"]
    assert lines[-1].destination == "NA" and not lines[-1].problems  # Namibia spelled out


def test_untrusted_characters_in_eccn_and_date_cells(rules, tmp_path) -> None:
    path = tmp_path / "cells.csv"
    path.write_text(HEAD + '1,HK,2021-03-01,"3A\u200b001"\n2,HK,"2021\u202e-03-01",EAR99\n'
                    '3,HK,2021-03-01,TBD\n4,HK,N/A,EAR99\n', encoding="utf-8")
    lines = list(prep(path, rules).lines())
    assert [[f.code for f in ln.problems] for ln in lines] == [
        ["UNTRUSTED_CHARACTERS"], ["UNTRUSTED_CHARACTERS"], ["PLACEHOLDER_VALUE"],
        ["PLACEHOLDER_VALUE"]]
    assert lines[0].eccn is None and lines[1].export_date is None
    assert all(screen_verdict(ln, rules) is Verdict.ERROR for ln in lines)


def test_duplicate_destination_columns_are_a_mapping_error(capsys, tmp_path) -> None:
    # Before: the first of two disagreeing destination columns silently won.
    path = tmp_path / "two_dest.csv"
    path.write_text("Line,Dest,Destination,Ship Date,ECCN\n1,DE,HK,2021-03-01,3A001\n",
                    encoding="utf-8")
    db_url = f"sqlite:///{tmp_path / 'hk.sqlite3'}"
    code, _, err = screen(capsys, db_url, path)
    assert code == 2
    assert "'Dest' (column B) and 'Destination' (column C) both map to destination" in err
    assert_clear_message(err)
    mapping = tmp_path / "m.json"
    mapping.write_text(json.dumps({"columns": {"destination": "Destination"}}),
                       encoding="utf-8")
    code, data, _ = screen(capsys, db_url, path, "--mapping", str(mapping))
    assert code == 1 and data["lines"][0]["destination"] == "HK"


# --- files that are not what they seem -----------------------------------------------------

def run_cli_child(args: list[str], timeout: float = 120) -> dict:
    """The CLI in a child process that reports its exit code, stderr, wall time of main()
    and peak RSS, so hangs, crashes and memory blow-ups cannot take the test run down."""
    # Peak RSS from /proc (VmHWM belongs to the new process image): getrusage's ru_maxrss
    # keeps the forking parent's peak across exec, and pytest's own can be 400 MB.
    script = textwrap.dedent("""
        import contextlib, io, json, sys, time
        from screening.cli import main
        err = io.StringIO()
        start = time.perf_counter()
        with contextlib.redirect_stderr(err):
            code = main(sys.argv[1:])
        seconds = time.perf_counter() - start
        with open("/proc/self/status", encoding="ascii") as status:
            peak = next(int(ln.split()[1]) for ln in status if ln.startswith("VmHWM:"))
        print(json.dumps({"code": code, "stderr": err.getvalue(), "seconds": seconds,
                          "rss_mb": peak / 1024}))
    """)
    result = subprocess.run([sys.executable, "-c", script, *args], check=False,
                            capture_output=True,
                            text=True, timeout=timeout, cwd=ROOT,
                            env={**os.environ, **code_under_test()})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("kind", ["fifo", "folder", "device"])
def test_non_regular_files_are_refused_at_once(tmp_path, kind) -> None:
    # Before: a named pipe as input hung for ever.
    if kind == "fifo":
        target = tmp_path / "pipe.csv"
        os.mkfifo(target)
        expected = "is a named pipe (FIFO)"
    elif kind == "folder":
        target = tmp_path / "folder.xlsx"
        target.mkdir()
        expected = "is a folder"
    else:
        target = Path("/dev/zero")
        expected = "is a character device"
    db_url = f"sqlite:///{tmp_path / 'hk.sqlite3'}"
    open_database(db_url).dispose()
    report = run_cli_child(["--database-url", db_url, "screen", str(target)], timeout=60)
    assert report["code"] == 2 and expected in report["stderr"]
    assert_clear_message(report["stderr"])


def far_cell_workbook(path: Path, ref: str, *, dimension: bool = True) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    ws.append(["Line", "Dest", "Ship Date", "ECCN"])
    ws.append(["1", "HK", "2021-03-01", "EAR99"])
    ws[ref] = "x"
    wb.save(path)
    if not dimension:  # the cell alone must be enough to refuse it
        rewrite_member(path, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(
            xml[xml.index(b"<dimension"):xml.index(b"/>", xml.index(b"<dimension")) + 2], b""))
    return path


def rewrite_member(path: Path, member: str, change) -> None:  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(path) as src:
        items = [(info, src.read(info)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in items:
            out.writestr(info, change(data) if info.filename == member else data)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize(("ref", "dimension"), [("XFD1048576", True), ("XFD1048576", False),
                                                ("XFD6000", True), ("AMJ1048576", False)])
def test_far_cell_is_refused_fast_in_bounded_memory(tmp_path, ref, dimension) -> None:
    # Before: a 5 KB workbook with one cell at XFD1048576 aborted the process (512 GiB
    # asked for); one at XFD6000 took 3.1 GB.
    path = far_cell_workbook(tmp_path / "far.xlsx", ref, dimension=dimension)
    assert path.stat().st_size < 10_000
    db_url = f"sqlite:///{tmp_path / 'hk.sqlite3'}"
    open_database(db_url).dispose()
    report = run_cli_child(["--database-url", db_url, "screen", str(path)])
    assert report["code"] == 2, report
    assert ref in report["stderr"] and f"{MAX_COLUMNS:,} columns" in report["stderr"]
    assert f"{MAX_CELLS:,} cells" in report["stderr"]
    assert_clear_message(report["stderr"])
    assert report["seconds"] < 5 and report["rss_mb"] < 300, report
    print(f"\nfar cell {ref} (dimension {dimension}): exit 2 in {report['seconds']:.2f} s, "
          f"peak RSS {report['rss_mb']:.0f} MB")


def test_sheet_listing_does_not_load_a_far_sheet(tmp_path) -> None:
    from screening.ingest.readers import list_sheets
    path = far_cell_workbook(tmp_path / "far.xlsx", "XFD1048576")
    assert [(s.name, s.rows) for s in list_sheets(path, with_rows=True)] == [("S", -1)]


def sample_workbook(path: Path) -> Path:
    wb = openpyxl.Workbook()
    wb.active.append(["Line", "Dest", "Ship Date", "ECCN"])
    for i in range(200):
        wb.active.append([str(i), "HK", "2021-03-01", "EAR99"])
    wb.save(path)
    return path


def set_declared_size(path: Path, member: str, size: int) -> None:
    """Rewrite the uncompressed size a ZIP declares for ``member`` (local header and
    central directory), leaving the data as it is."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    for signature, size_at, name_len_at, name_at in ((b"PK\x03\x04", 22, 26, 30),
                                                     (b"PK\x01\x02", 24, 28, 46)):
        start = 0
        while (start := data.find(signature, start)) >= 0:
            length = struct.unpack_from("<H", data, start + name_len_at)[0]
            if data[start + name_at:start + name_at + length] == name:
                struct.pack_into("<I", data, start + size_at, size)
            start += 4
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("lie", ["smaller", "larger"])
def test_zip_with_lying_sizes_gives_a_clear_message(tmp_path, capsys, lie) -> None:
    # Before: "unexpected error: BadZipFile".
    path = sample_workbook(tmp_path / "lying.xlsx")
    with zipfile.ZipFile(path) as archive:
        real = archive.getinfo("xl/worksheets/sheet1.xml").file_size
    set_declared_size(path, "xl/worksheets/sheet1.xml", real // 10 if lie == "smaller"
                      else real * 10)
    code, _, err = screen(capsys, f"sqlite:///{tmp_path / 'hk.sqlite3'}", path)
    assert code == 2 and "the ZIP package is damaged: xl/worksheets/sheet1.xml" in err
    assert_clear_message(err)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_a_utf16_dtd_in_a_part_is_refused(tmp_path, capsys, encoding: str) -> None:
    # The package check looks for "<!" (or its UTF-16 form) before its six markers.
    from screening.ingest.xlsx_package import _DTD_MARKERS
    assert all(b"<!" in m or b"<\x00!" in m for m in _DTD_MARKERS)
    path = sample_workbook(tmp_path / "utf16.xlsx")
    rewrite_member(path, "docProps/app.xml",
                   lambda xml: '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x/>'
                   .encode(encoding))
    code, _, err = screen(capsys, f"sqlite:///{tmp_path / 'hk.sqlite3'}", path)
    assert code == 2 and "declares a DTD or XML entities" in err
    assert_clear_message(err)


def test_xml_entity_tricks_and_broken_zips_give_a_clear_message(tmp_path, capsys) -> None:
    # Before: "unexpected error: ParseError".
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              + b"".join(b'<!ENTITY lol%d "%s">' % (i, b"&lol%d;" % (i - 1) * 10 if i > 1
                                                       else b"&lol;" * 10)
                         for i in range(1, 10))
              + b"]>")
    path = sample_workbook(tmp_path / "laughs.xlsx")
    rewrite_member(path, "xl/workbook.xml",
                   lambda xml: laughs + xml[xml.index(b"<workbook"):])
    db_url = f"sqlite:///{tmp_path / 'hk.sqlite3'}"
    code, _, err = screen(capsys, db_url, path)
    assert code == 2 and "declares a DTD or XML entities" in err
    assert_clear_message(err)

    broken = sample_workbook(tmp_path / "broken.xlsx")
    rewrite_member(broken, "xl/workbook.xml", lambda xml: xml[: len(xml) // 2])
    code, _, err = screen(capsys, db_url, broken)
    assert code == 2 and "broken.xlsx: the workbook is damaged: xl/workbook.xml is not " \
        "well-formed XML (unclosed token" in err
    assert_clear_message(err)

    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(sample_workbook(tmp_path / "t.xlsx").read_bytes()[:1500])
    code, _, err = screen(capsys, db_url, truncated)
    assert code == 2 and "not a valid XLSX workbook" in err
    assert_clear_message(err)


def test_zip_bomb_and_too_many_entries_are_refused(tmp_path, monkeypatch) -> None:
    from screening.ingest import xlsx_package
    from screening.ingest.readers import open_xlsx
    path = sample_workbook(tmp_path / "bomb.xlsx")
    rewrite_member(path, "docProps/app.xml", lambda xml: xml + b" " * (30 * 1024**2))
    with pytest.raises(IngestError, match=r"docProps/app.xml expands .* possible zip bomb"):
        open_xlsx(path, "Sheet")
    monkeypatch.setattr(xlsx_package, "MAX_ENTRIES", 5)
    with pytest.raises(IngestError, match=r"entries \(limit 5\)"):
        open_xlsx(path, "Sheet")
