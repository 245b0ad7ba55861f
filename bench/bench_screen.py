"""Speed and memory benchmark for import + screen + store + JSON.

Generates (once, cached under bench/out/) a realistic 100,000-line x 12-column XLSX and a
1,000,000-line CSV, then measures, each in a fresh subprocess so peak RSS is its own:
  - the floor: bare reads of the same files (python-calamine iter_rows, openpyxl read-only,
    stdlib csv);
  - the full pipeline: hkscreen's run_screening (read, normalise, screen, store in SQLite,
    write JSON).
Prints a table of seconds, lines/s and peak RSS. Usage:
    python3 bench/bench_screen.py [--xlsx-lines N] [--csv-lines N] [--skip-openpyxl]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
HEADER = ["Line ID", "Ship Date", "Ship-to Country", "Country of Ultimate Destination", "ECCN",
          "License Exception", "License No.", "End User", "End-User Type", "Consignee",
          "Value (USD)", "Description"]
COUNTRIES = ["Hong Kong", "HK", "HKG", "Hong Kong SAR", "香港", "HONG KONG, CHINA", "Hongkong",
             "China", "CN", "中国", "Singapore", "Germany", "Japan", "Korea, South", "Taiwan",
             "Macau", "United Kingdom", "France", "India", "Vietnam", "Malaysia", "Thailand"]
ECCNS = ["EAR99"] * 8 + ["5A992.c", "5a992c", "3A991", "4A994", "3A001.a.2", "3A001.b.2",
                         "2A290", "5A002", "5D992", "4A003", "7A994", "9A991", "3A090",
                         "6A003", "2B001", "3B001", "1C350"]
EXCEPTIONS = ["", "", "", "NLR", "N.L.R.", "GBS", "LVS", "ENC", "APP", "TMP"]
END_USERS = ["", "commercial", "commercial", "government", "military", "civil"]


def _rows(n: int, seed: int):
    rnd = random.Random(seed)
    start = dt.date(2019, 1, 1)
    for i in range(n):
        yield [f"L{i + 1:07d}", start + dt.timedelta(days=rnd.randrange(0, 2400)),
               rnd.choice(COUNTRIES), "China" if rnd.random() < 0.02 else "",
               rnd.choice(ECCNS), rnd.choice(EXCEPTIONS),
               "D" + str(rnd.randrange(10**6, 10**7)) if rnd.random() < 0.03 else "",
               f"End User {rnd.randrange(5000)}", rnd.choice(END_USERS),
               f"Consignee {rnd.randrange(20000)} Ltd", round(rnd.uniform(10, 250000), 2),
               f"Part {rnd.randrange(100000)} assembly"]


def make_xlsx(path: Path, n: int) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True,
                                         "strings_to_formulas": False})
    ws = wb.add_worksheet("Shipments")
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_row(0, 0, ["Export log (benchmark data)"])
    ws.write_row(2, 0, HEADER)
    for r, row in enumerate(_rows(n, 1), start=3):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_fmt)
            else:
                ws.write(r, c, value)
    wb.close()


def make_csv(path: Path, n: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for row in _rows(n, 2):
            row[1] = row[1].isoformat()
            writer.writerow(row)


# --- measurements, each run in its own process -------------------------------------------------

def measure(kind: str, path: Path) -> dict:
    started = time.perf_counter()
    lines = 0
    if kind == "calamine":
        import python_calamine
        wb = python_calamine.CalamineWorkbook.from_path(str(path))
        for _ in wb.get_sheet_by_name("Shipments").iter_rows():
            lines += 1
    elif kind == "openpyxl":
        import openpyxl
        wb = openpyxl.load_workbook(path, read_only=True)
        for _ in wb["Shipments"].iter_rows(values_only=True):
            lines += 1
    elif kind == "csv":
        with path.open(encoding="utf-8", newline="") as handle:
            for _ in csv.reader(handle):
                lines += 1
    elif kind == "hkscreen":
        os.environ["HKSCREEN_DATA_DIR"] = tempfile.mkdtemp(prefix="hkbench-")
        from screening.db import open_database
        from screening.service import ScreenOptions, run_screening
        db = open_database(f"sqlite:///{os.environ['HKSCREEN_DATA_DIR']}/bench.sqlite3")
        started = time.perf_counter()  # the pipeline only, not database creation
        result = run_screening(db, path, ScreenOptions(
            json_out=Path(os.environ["HKSCREEN_DATA_DIR"]) / "out.json"))
        lines = result.run.line_count
    seconds = time.perf_counter() - started
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"kind": kind, "seconds": seconds, "lines": lines, "rss_mb": rss_mb}


def _spawn(kind: str, path: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "_measure", kind, str(path)],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "_measure":
        print(json.dumps(measure(sys.argv[2], Path(sys.argv[3]))))
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--xlsx-lines", type=int, default=100_000)
    parser.add_argument("--csv-lines", type=int, default=1_000_000)
    parser.add_argument("--skip-openpyxl", action="store_true")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    xlsx = OUT / f"bench_{args.xlsx_lines}.xlsx"
    big_csv = OUT / f"bench_{args.csv_lines}.csv"
    if not xlsx.exists():
        print(f"generating {xlsx} ...", file=sys.stderr)
        make_xlsx(xlsx, args.xlsx_lines)
    if not big_csv.exists():
        print(f"generating {big_csv} ...", file=sys.stderr)
        make_csv(big_csv, args.csv_lines)
    plan = [("calamine", xlsx), *([] if args.skip_openpyxl else [("openpyxl", xlsx)]),
            ("hkscreen", xlsx), ("csv", big_csv), ("hkscreen", big_csv)]
    results = []
    for kind, path in plan:
        r = _spawn(kind, path)
        r["file"] = path.name
        results.append(r)
        print(f"{kind:<10} {path.name:<24} {r['seconds']:8.2f} s {r['lines']:>10,} rows "
              f"{r['lines'] / r['seconds']:>12,.0f} rows/s  peak RSS {r['rss_mb']:7.0f} MB",
              flush=True)
    floor = next(r for r in results if r["kind"] == "calamine")["seconds"]
    full_xlsx = next(r for r in results if r["kind"] == "hkscreen" and r["file"] == xlsx.name)
    full_csv = next(r for r in results if r["kind"] == "hkscreen" and r["file"] == big_csv.name)
    print(f"\nXLSX {args.xlsx_lines:,} lines: import+screen+store+JSON {full_xlsx['seconds']:.2f} s"
          f" = {full_xlsx['seconds'] / floor:.2f}x the bare calamine read ({floor:.2f} s);"
          f" target <= 2x")
    print(f"CSV {args.csv_lines:,} lines: import+screen+store+JSON {full_csv['seconds']:.2f} s,"
          f" peak RSS {full_csv['rss_mb']:.0f} MB; target < 15 s and < 1024 MB")


if __name__ == "__main__":
    main()
