"""Report-writing benchmark.

The report ratio (issue 13's target: at most 1.5x): ``hkscreen screen FILE --json OUT`` on the
100,000-line benchmark workbook, with and without ``--report r.xlsx``, 3 interleaved runs of
each (every run a fresh process and a fresh, already created SQLite database); prints each run,
min/median/max of both and of the ratio (run with report / run without, pair by pair), and
what the report itself cost; by the wall clock and by CPU time (all threads of the process).

``--formats`` also screens a generated 100,000-line CSV once (5,000 Hong Kong lines that carry
findings, 95,000 CLEAR lines) and writes each report format in a fresh subprocess (so peak RSS
is its own), and times the two XLSX writers side by side on the same Lines table (xlsxwriter
constant_memory vs openpyxl write-only).

Usage: python3 bench/bench_reports.py [--runs 3] [--xlsx-lines 100000] [--formats]
           [--code DIR]   (measure another checkout's code, e.g. an earlier commit's)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent / "out"
WORK = Path(tempfile.gettempdir()) / "hkscreen-bench-reports"


# --- the report ratio ------------------------------------------------------------------------

def _env(code: Path, data: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(code), "HKSCREEN_DATA_DIR": str(data)}


def _cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _screen(code: Path, data_file: Path, run_dir: Path, report: bool) -> tuple[float, float]:
    """Seconds (wall clock, CPU) for one ``hkscreen screen`` in a fresh process on a fresh
    database. CPU seconds (all threads) say more than the wall clock on a shared machine."""
    run_dir.mkdir(parents=True)
    url = f"sqlite:///{run_dir / 'bench.sqlite3'}"
    env = _env(code, run_dir)
    subprocess.run([sys.executable, "-c", "import sys; from screening.db import open_database; "
                    "open_database(sys.argv[1]).dispose()", url],
                   check=True, env=env, cwd=code)  # schema and bundled lists: not timed
    command = [sys.executable, "-m", "screening.cli", "--database-url", url, "screen",
               str(data_file), "--json", str(run_dir / "out.json"), "--quiet"]
    if report:
        command += ["--report", str(run_dir / "r.xlsx")]
    cpu = _cpu_of_children()
    started = time.perf_counter()
    result = subprocess.run(command, env=env, cwd=code, capture_output=True, text=True,
                            check=False)
    seconds = time.perf_counter() - started
    cpu = _cpu_of_children() - cpu
    if result.returncode not in (0, 1):  # 1: lines need attention (or a stale list warning)
        raise SystemExit(f"screen failed ({result.returncode}): {result.stderr}")
    if report and not (run_dir / "r.xlsx").exists():
        raise SystemExit(f"no report written: {result.stdout}{result.stderr}")
    shutil.rmtree(run_dir)  # the database, JSON and report of a run: hundreds of MB
    return seconds, cpu


def _spread(values: list[float], unit: str = " s") -> str:
    return (f"min {min(values):.2f}{unit}  median {statistics.median(values):.2f}{unit}  "
            f"max {max(values):.2f}{unit}")


def report_ratio(code: Path, lines: int, runs: int) -> None:
    data_file = OUT / f"bench_{lines}.xlsx"
    if not data_file.exists():
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from bench_screen import make_xlsx
        OUT.mkdir(exist_ok=True)
        print(f"generating {data_file} ...", file=sys.stderr)
        make_xlsx(data_file, lines)
    base = Path(tempfile.mkdtemp(prefix="hkbench-ratio-"))
    without: list[tuple[float, float]] = []
    with_report: list[tuple[float, float]] = []
    print(f"hkscreen screen {data_file.name} --json OUT [--report r.xlsx], code from {code}")
    try:
        for i in range(runs):
            without.append(_screen(code, data_file, base / f"plain{i}", report=False))
            with_report.append(_screen(code, data_file, base / f"report{i}", report=True))
            (plain, plain_cpu), (full, full_cpu) = without[-1], with_report[-1]
            print(f"  run {i + 1}: without report {plain:6.2f} s (CPU {plain_cpu:5.2f} s)   "
                  f"with --report {full:6.2f} s (CPU {full_cpu:5.2f} s)   "
                  f"ratio {full / plain:.2f}x", flush=True)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    for label, index in (("wall clock", 0), ("CPU", 1)):
        plain_s = [w[index] for w in without]
        full_s = [w[index] for w in with_report]
        print(f"{label}:")
        print(f"  without report: {_spread(plain_s)}")
        print(f"  with --report:  {_spread(full_s)}")
        print(f"  report itself:  {_spread([f - p for f, p in zip(full_s, plain_s, strict=True)])}")
        print(f"  report ratio:   "
              f"{_spread([f / p for f, p in zip(full_s, plain_s, strict=True)], 'x')}"
              f"   target <= 1.5x")


# --- each format on a generated run (--formats) ------------------------------------------------

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


def formats() -> None:
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


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "_measure":
        print(json.dumps(_measure(sys.argv[2], int(sys.argv[3]), sys.argv[4])))
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--xlsx-lines", type=int, default=100_000)
    parser.add_argument("--formats", action="store_true", help="also time each report format")
    parser.add_argument("--code", type=Path, default=ROOT,
                        help="checkout whose code is measured (default: this one)")
    args = parser.parse_args()
    report_ratio(args.code.resolve(), args.xlsx_lines, args.runs)
    if args.formats:
        formats()


if __name__ == "__main__":
    main()
