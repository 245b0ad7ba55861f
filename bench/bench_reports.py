"""Report-writing benchmark: a 100,000-line run with about 20,000 findings.

Screens a generated CSV once (5,000 Hong Kong lines that carry findings, 95,000 CLEAR lines
without), then writes each report format in a fresh subprocess (so peak RSS is its own), and
times the two XLSX writers side by side on the same Lines table (xlsxwriter constant_memory
vs openpyxl write-only). Usage: python3 bench/bench_reports.py
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORK = Path(tempfile.gettempdir()) / "hkscreen-bench-reports"


def _make_run() -> tuple[str, int]:
    WORK.mkdir(exist_ok=True)
    os.environ["HKSCREEN_DATA_DIR"] = str(WORK)
    from screening.db import open_database
    from screening.service import ScreenOptions, run_screening

    data = WORK / "run100k.csv"
    with data.open("w", encoding="utf-8") as out:
        out.write("Line ID,Destination,Export Date,ECCN,Consignee,Value,Description\n")
        for i in range(100_000):
            if i % 20 == 0:
                out.write(f"H{i},Hong Kong,2021-03-{1 + i % 28:02d},3A001.a.2,"
                          f"Kowloon Trading {i % 300},{1000 + i % 977}.50,Rad-hard ICs\n")
            else:
                out.write(f"D{i},Germany,2021-03-{1 + i % 28:02d},EAR99,Berlin GmbH {i % 500},"
                          f"{100 + i % 97}.25,Cables and connectors\n")
    url = f"sqlite:///{WORK / 'bench.sqlite3'}"
    db = open_database(url)
    run = run_screening(db, data, ScreenOptions()).run
    return url, run.id


def _measure(url: str, run_id: int, kind: str) -> dict:
    os.environ["HKSCREEN_DATA_DIR"] = str(WORK)
    from screening.db import open_database
    from screening.reports import write_report

    db = open_database(url)
    started = time.perf_counter()
    if kind in ("xlsx", "pdf", "csv", "json"):
        write_report(db, run_id, WORK / f"report.{kind}", generated_by="bench")
    else:  # bare writers of the same Lines table, side by side
        from screening.reports.content import line_cells
        from screening.store import runs as run_store
        with db.sessions() as session:
            rows = [line_cells(line, None) + list(line.raw)
                    for line in run_store.iter_lines(session, run_id)]
        started = time.perf_counter()
        if kind == "bare-xlsxwriter":
            import xlsxwriter
            book = xlsxwriter.Workbook(str(WORK / "bare1.xlsx"), {
                "constant_memory": True, "strings_to_formulas": False})
            ws = book.add_worksheet("Lines")
            for r, row in enumerate(rows):
                ws.write_row(r, 0, [v if v is not None else "" for v in row])
            book.close()
        else:
            import openpyxl
            book = openpyxl.Workbook(write_only=True)
            ws = book.create_sheet("Lines")
            for row in rows:
                ws.append(row)
            book.save(WORK / "bare2.xlsx")
    seconds = time.perf_counter() - started
    return {"kind": kind, "seconds": seconds,
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "_measure":
        print(json.dumps(_measure(sys.argv[2], int(sys.argv[3]), sys.argv[4])))
        return
    url, run_id = _make_run()
    from screening.db import open_database
    from screening.store import runs as run_store
    db = open_database(url)
    with db.sessions() as session:
        findings = sum(len(line.findings) for line in run_store.iter_lines(session, run_id))
    print(f"run {run_id}: 100,000 lines, {findings:,} findings")
    for kind in ("xlsx", "pdf", "csv", "json", "bare-xlsxwriter", "bare-openpyxl"):
        out = subprocess.run([sys.executable, __file__, "_measure", url, str(run_id), kind],
                             check=True, capture_output=True, text=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{kind:<16} {r['seconds']:7.2f} s   peak RSS {r['rss_mb']:6.0f} MB", flush=True)


if __name__ == "__main__":
    main()
