"""Property (issue 11): for generated CSV and XLSX shipment files with random damage, every
run either exits 2 with a one-line message or returns exactly one line per data row, and no
line whose destination, date or ECCN cell was damaged is CLEAR."""

from __future__ import annotations

import contextlib
import csv
import io
import json
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screening.cli import main

HEADERS = ["Line", "Dest", "Ship Date", "ECCN"]
DESTS = ["HK", "Hong Kong", "CN", "DE", "Germany", "JP", "香港"]
DATES = ["2019-05-02", "2020-07-01", "2021-03-01", "2023-11-30", "2025-01-15"]
ECCNS = ["EAR99", "5A992.c", "3A001", "2A290", "5a002a1"]
#: Cell damage: placeholders, invisible characters, sentinel dates and small numbers, blanks,
#: garbage. Each makes the cell untrustworthy whatever column it lands in.
DAMAGE = ["N/A", "NA", "TBD", "-", "?", "unknown", "none", "", "zz#1", "0001-01-01",
          "1899-12-31", "1900-01-01", "60", "1", "2099-12-31", "\u202e{}", "{}\u200b",
          "\u2066{}\u2069", "{}\x07", "\x0b{}"]
XLSX_UNWRITABLE = ("\x07", "\x0b")  # openpyxl refuses these characters outright

row_strategy = st.tuples(st.sampled_from(DESTS), st.sampled_from(DATES),
                         st.sampled_from(ECCNS))
damage_strategy = st.tuples(st.integers(0, 2), st.sampled_from(DAMAGE))


def damaged_cells(rows: list[tuple[str, str, str]],
                  damage: dict[int, tuple[int, str]]) -> list[list[object]]:
    out: list[list[object]] = []
    for i, (dest, date, eccn) in enumerate(rows):
        cells: list[object] = [f"L{i}", dest, date, eccn]
        if i in damage:
            col, template = damage[i]
            cells[col + 1] = template.format(cells[col + 1]) if "{}" in template else template
        out.append(cells)
    return out


def run(tmp: Path, path: Path) -> tuple[int, dict | None, str]:
    out = tmp / "out.json"
    out.unlink(missing_ok=True)
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["--database-url", f"sqlite:///{tmp / 'hk.sqlite3'}", "screen", str(path),
                     "--quiet", "--json", str(out)])
    data = json.loads(out.read_text(encoding="utf-8")) if code in (0, 1) else None
    return code, data, err.getvalue()


def check(code: int, data: dict | None, err: str, rows: int, damaged: set[int]) -> None:
    if code == 2:
        assert err.startswith("hkscreen: ") and err.count("\n") == 1, err
        assert "unexpected error" not in err and "Traceback" not in err
        return
    assert code in (0, 1) and data is not None, err
    lines = data["lines"]
    assert len(lines) == rows == data["run"]["line_count"]
    assert data["run"]["status"] == "complete"
    by_row = {ln["row"]: ln for ln in lines}
    assert sorted(by_row) == list(range(2, rows + 2))  # one line per data row, none merged
    for i in damaged:
        assert by_row[i + 2]["verdict"] != "CLEAR", by_row[i + 2]


SETTINGS = settings(max_examples=25, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


@SETTINGS
@given(rows=st.lists(row_strategy, min_size=1, max_size=6),
       damage=st.dictionaries(st.integers(0, 5), damage_strategy, min_size=1, max_size=6),
       file_damage=st.sampled_from([None, None, None, "quote", "nul", "bytes"]),
       spot=st.integers(0, 10_000))
def test_damaged_csv_is_refused_or_screened_line_for_line(tmp_path, rows, damage,
                                                          file_damage, spot) -> None:
    damage = {i: d for i, d in damage.items() if i < len(rows)}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADERS)
    writer.writerows(damaged_cells(rows, damage))
    text = buffer.getvalue()
    body = text.index("\n") + 1  # damage only the data, after the header row
    at = body + spot % (len(text) - body)
    if file_damage == "quote":  # an opening quote that is never closed
        at = text.rfind(",", body, at + 1) + 1 or body
        text = text[:at] + '"' + text[at:]
    elif file_damage == "nul":
        text = text[:at] + "\x00" + text[at:]
    path = tmp_path / "damaged.csv"
    data = text.encode("utf-8")
    if file_damage == "bytes":  # bytes that are not UTF-8 at all
        data = data[:at] + b"\xff\xfe\x00" + data[at:]
    path.write_bytes(data)
    code, result, err = run(tmp_path, path)
    if file_damage in ("quote", "nul"):
        assert code == 2, (code, err)
    if file_damage == "bytes" and code != 2:
        return  # read as Windows-1252 mojibake: the cells changed in ways not tracked here
    check(code, result, err, len(rows), set(damage))


@settings(SETTINGS, max_examples=15)
@given(rows=st.lists(row_strategy, min_size=1, max_size=6),
       damage=st.dictionaries(st.integers(0, 5), damage_strategy, min_size=1, max_size=6),
       formulas=st.sets(st.integers(0, 5), max_size=2),
       flip=st.one_of(st.none(), st.integers(0, 100_000)))
def test_damaged_xlsx_is_refused_or_screened_line_for_line(tmp_path, rows, damage, formulas,
                                                           flip) -> None:
    damage = {i: d for i, d in damage.items() if i < len(rows)
              and not any(c in d[1] for c in XLSX_UNWRITABLE)}
    formulas = {i for i in formulas if i < len(rows)}
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for i, row in enumerate(damaged_cells(rows, damage)):
        cells = [f"=A{i + 1}&\"\"" for _ in row] if i in formulas else row
        if i not in formulas and i in damage and isinstance(cells[2], str) and cells[2].isdigit():
            cells[2] = int(cells[2])  # a number in the date column: an Excel day count
        ws.append(cells)
    path = tmp_path / "damaged.xlsx"
    wb.save(path)
    if flip is not None:
        data = bytearray(path.read_bytes())
        data[flip % len(data)] ^= 0x5A
        path.write_bytes(bytes(data))
    code, result, err = run(tmp_path, path)
    check(code, result, err, len(rows), set(damage) | formulas)
