"""Speed and memory of `hkscreen screen` against the bare read of the same file.

Generates (once, cached under bench/out/) a realistic 100,000-line x 12-column XLSX and a
1,000,000-line CSV, then measures each figure of issue 13 in one run, every measurement in a
fresh process (so its peak RSS is its own, with its store process added), ``--runs`` rounds
interleaved (floor, hkscreen, floor, hkscreen, ... so machine noise hits both), and prints
min / median / max:

  xlsx     100k-line XLSX: ``hkscreen screen FILE --json OUT`` vs a bare python-calamine read
  csv      1M-line CSV: the same command vs a bare stdlib ``csv`` read (seconds, peak RSS)
  report   the 100k-line XLSX run with ``--report r.xlsx`` vs the same run without it
  startup  ``hkscreen screen`` of a 10-line CSV and a 10-line XLSX (interpreter start included)
  postgres the 1M-line CSV run into the PostgreSQL database of ``--database-url`` vs SQLite

hkscreen figures are the wall time of the whole CLI process as a user runs it
(``python3 -m ui.entry screen FILE --json OUT --quiet``: interpreter start, imports, opening
the database, reading, screening, storing, JSON). Each run gets a copy of a data directory
prepared beforehand (database created, migrated and seeded, party index cached), so
first-start work is not measured. Bare reads are timed inside their process around the read
loop only (no interpreter start): the floor is the cheapest it can be.

Usage:
    python3 bench/bench_screen.py [--only xlsx,csv,report,startup,postgres] [--runs 3]
        [--xlsx-lines N] [--csv-lines N] [--database-url URL] [--openpyxl] [--write-readme]

``--write-readme`` replaces the rows this script owns in README.md's performance table
(between the ``bench-screen`` marker comments); rows from the other bench scripts are kept.
The PostgreSQL runs are added to that database (use a scratch one).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent / "out"
README = ROOT / "README.md"
BEGIN, END = "<!-- bench-screen:begin -->", "<!-- bench-screen:end -->"
COMMAND = "`python3 bench/bench_screen.py`"
GROUPS = ("xlsx", "csv", "report", "startup", "postgres")

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

    tmp = path.with_name(path.name + ".part")
    wb = xlsxwriter.Workbook(str(tmp), {"constant_memory": True,
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
    tmp.replace(path)


def make_csv(path: Path, n: int) -> None:
    tmp = path.with_name(path.name + ".part")
    with tmp.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for row in _rows(n, 2):
            row[1] = row[1].isoformat()
            writer.writerow(row)
    tmp.replace(path)


def bench_file(suffix: str, lines: int) -> Path:
    """The cached benchmark file of ``lines`` lines, generated on first use."""
    OUT.mkdir(exist_ok=True)
    path = OUT / f"bench_{lines}.{suffix}"
    if not path.exists():
        print(f"generating {path} ...", file=sys.stderr, flush=True)
        (make_xlsx if suffix == "xlsx" else make_csv)(path, lines)
    return path


# --- the bare reads, each in its own process ---------------------------------------------------

def bare_read(kind: str, path: Path) -> dict:
    """Time the read loop only (imports done first), in this process."""
    lines = 0
    if kind == "calamine":
        import python_calamine
        started = time.perf_counter()
        wb = python_calamine.CalamineWorkbook.from_path(str(path))
        for _ in wb.get_sheet_by_name("Shipments").iter_rows():
            lines += 1
    elif kind == "openpyxl":
        import openpyxl
        started = time.perf_counter()
        wb = openpyxl.load_workbook(path, read_only=True)
        for _ in wb["Shipments"].iter_rows(values_only=True):
            lines += 1
    elif kind == "csvread":
        started = time.perf_counter()
        with path.open(encoding="utf-8", newline="") as handle:
            for _ in csv.reader(handle):
                lines += 1
    else:
        raise ValueError(kind)
    seconds = time.perf_counter() - started
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "rss_mb": rss_mb, "lines": lines}


#: Seconds after which a measured process is stopped (``--timeout``); None: no limit.
TIMEOUT: list[float | None] = [None]


def _run_process(argv: list[str], env: dict[str, str] | None = None,
                 ok: tuple[int, ...] = (0,), *, limit: bool = True
                 ) -> tuple[float, float, float, str]:
    """(wall seconds, peak RSS MB, processor seconds, stdout) of one child process, its
    descendants included; ``limit``: stopped after ``--timeout`` seconds."""
    timeout = TIMEOUT[0] if limit else None
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        child = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=err, text=True)
        timer = threading.Timer(timeout, child.kill) if timeout else None
        if timer:
            timer.start()
        tree = _TreeMemory(child.pid)
        try:
            _, status, usage = os.wait4(child.pid, 0)
        finally:
            tree.stop()
            if timer:
                timer.cancel()
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if timer and timer.finished.is_set() and seconds >= (timeout or 0):
        raise RuntimeError(f"stopped after {timeout:g} s, the --timeout")
    if child.returncode not in ok:
        raise RuntimeError(f"{' '.join(argv)} exited {child.returncode}:\n{stderr[-2000:]}")
    # wait4 gives the peak of the process or of one descendant, not of them together: a big
    # run stores in a child process of its own, so their sum is sampled as well.
    # Processor time (user + system, the waited-for store process included) is steadier
    # than wall time on a busy host, where time the host gives others is not counted.
    return (seconds, max(usage.ru_maxrss / 1024, tree.peak_mb),
            usage.ru_utime + usage.ru_stime, stdout)


class _TreeMemory:
    """The peak of the summed resident memory of a process and its descendants (Linux),
    sampled every 20 ms."""

    def __init__(self, pid: int):
        self.pid, self.peak_mb = pid, 0.0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._done.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._done.wait(0.02):
            total = sum(map(_rss_kb, _tree(self.pid)))
            self.peak_mb = max(self.peak_mb, total / 1024)


def _tree(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            with open(f"/proc/{current}/task/{current}/children", encoding="ascii") as f:
                todo.extend(map(int, f.read().split()))
        except OSError:
            pass
    return found


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


# --- hkscreen as a user runs it ------------------------------------------------------------------

class DataDirs:
    """Prepared data directories (one per database URL) copied afresh for each run."""

    def __init__(self, work: Path, small: Path) -> None:
        self.work, self.small, self.prepared = work, small, {}

    def fresh(self, url: str | None) -> Path:
        key = url or "sqlite"
        if key not in self.prepared:
            prepared = self.work / f"prepared-{len(self.prepared)}"
            prepared.mkdir()
            # The first start creates, migrates and seeds the database and caches the party
            # index: done here so that no measured run pays for it.
            _run_process(hk_argv(self.small, prepared / "out.json", url),
                         hk_env(prepared), ok=(0, 1), limit=False)
            self.prepared[key] = prepared
        run_dir = Path(tempfile.mkdtemp(prefix="run-", dir=self.work))
        shutil.rmtree(run_dir)
        shutil.copytree(self.prepared[key], run_dir)
        return run_dir


def hk_argv(path: Path, json_out: Path, url: str | None, report: Path | None = None
            ) -> list[str]:
    argv = [sys.executable, "-m", "ui.entry"]
    if url:
        argv += ["--database-url", url]
    argv += ["screen", str(path), "--json", str(json_out), "--quiet"]
    if report is not None:
        argv += ["--report", str(report)]
    return argv


def hk_env(data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HKSCREEN_")}
    env["HKSCREEN_DATA_DIR"] = str(data)
    # Bytecode cached as a user's Python caches it (some hosts set this for every process:
    # then each start compiled the modules changed since their cache was last written).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def hkscreen(dirs: DataDirs, path: Path, url: str | None = None, report: bool = False
             ) -> dict:
    data = dirs.fresh(url)
    try:
        seconds, rss, cpu, stdout = _run_process(
            hk_argv(path, data / "out.json", url, data / "r.xlsx" if report else None),
            hk_env(data), ok=(0, 1))
        found = re.search(r": ([\d,]+) lines", stdout)
        lines = int(found.group(1).replace(",", "")) if found else 0
    finally:
        shutil.rmtree(data, ignore_errors=True)
    return {"seconds": seconds, "rss_mb": rss, "lines": lines, "cpu": cpu}


def interpreter_start() -> dict:
    seconds, rss, _cpu, _ = _run_process([sys.executable, "-c", "pass"])
    return {"seconds": seconds, "rss_mb": rss, "lines": 0}


# --- the plan --------------------------------------------------------------------------------

@dataclass
class Samples:
    label: str
    values: list[dict] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def seconds(self) -> list[float]:
        return [v["seconds"] for v in self.values]

    def median(self) -> float:
        return statistics.median(self.seconds())

    def rss(self) -> float:
        return max(v["rss_mb"] for v in self.values)

    def spread(self) -> str:
        s = self.seconds()
        return f"{min(s):.2f} / {statistics.median(s):.2f} / {max(s):.2f} s"

    def cpu_bound(self, floor: Samples) -> str:
        """The processor time of the runs (user + system, store process included) and what
        it sets as the least wall time on this machine's cores: no schedule of that work
        across them can beat it, so a ratio under it needs less work, not more overlap."""
        cpu = [v["cpu"] for v in self.values if "cpu" in v]
        if not cpu:
            return ""
        cores = os.cpu_count() or 1
        least = statistics.median(cpu) / cores
        return (f"; processor time {statistics.median(cpu):.2f} s (median), so on "
                f"{cores} cores at least {least:.2f} s = {least / floor.median():.1f}x")


def plan(args: argparse.Namespace, groups: list[str]) -> dict[str, tuple[str, object]]:
    """Measurement name -> (label, zero-argument callable), in the interleaving order."""
    dirs = args.dirs
    kinds: dict[str, tuple[str, object]] = {}
    if "startup" in groups:
        kinds["python"] = ("interpreter start: `python3 -c pass`", interpreter_start)
        kinds["small_csv"] = ("`hkscreen screen` 10-line CSV",
                              lambda: hkscreen(dirs, args.small_csv))
        kinds["small_xlsx"] = ("`hkscreen screen` 10-line XLSX",
                               lambda: hkscreen(dirs, args.small_xlsx))
    if groups_need(groups, "xlsx", "report"):
        if "xlsx" in groups:
            kinds["calamine"] = ("python-calamine read", lambda: _spawn_read("calamine",
                                                                              args.xlsx))
            if args.openpyxl:
                kinds["openpyxl"] = ("openpyxl read-only read",
                                     lambda: _spawn_read("openpyxl", args.xlsx))
        kinds["hk_xlsx"] = ("hkscreen XLSX", lambda: hkscreen(dirs, args.xlsx))
    if "report" in groups:
        kinds["hk_report"] = ("hkscreen XLSX + report",
                              lambda: hkscreen(dirs, args.xlsx, report=True))
    if groups_need(groups, "csv", "postgres"):
        if "csv" in groups:
            kinds["csvread"] = ("stdlib csv read", lambda: _spawn_read("csvread", args.csv))
        kinds["hk_csv"] = ("hkscreen CSV (SQLite)", lambda: hkscreen(dirs, args.csv))
    if "postgres" in groups:
        kinds["hk_pg"] = ("hkscreen CSV (PostgreSQL)",
                          lambda: hkscreen(dirs, args.csv, url=args.database_url))
    return kinds


def groups_need(groups: list[str], *names: str) -> bool:
    return any(n in groups for n in names)


def _spawn_read(kind: str, path: Path) -> dict:
    _, rss, _cpu, stdout = _run_process([sys.executable, __file__, "_read", kind, str(path)])
    result = json.loads(stdout.strip().splitlines()[-1])
    result["rss_mb"] = max(result["rss_mb"], rss)
    return result


# --- figures ----------------------------------------------------------------------------------

@dataclass
class Figure:
    what: str
    hk: str
    floor: str
    ratio: str
    target: str
    met: bool | None
    includes: str


def _ratio(hk: Samples, floor: Samples) -> tuple[float, str]:
    """Ratio of the medians, and the range of the per-round ratios."""
    per_round = [h / f for h, f in zip(hk.seconds(), floor.seconds(), strict=True)]
    ratio = hk.median() / floor.median()
    return ratio, f"{ratio:.2f}x ({min(per_round):.2f}–{max(per_round):.2f}x by round)"


def figures(args: argparse.Namespace, s: dict[str, Samples]) -> list[Figure]:
    out: list[Figure] = []
    x, c = f"{args.xlsx_lines:,}", f"{args.csv_lines:,}"
    for key, kind in (("small_csv", "CSV"), ("small_xlsx", "XLSX")):
        if {key, "python"} <= s.keys():
            med = s[key].median()
            out.append(Figure(
                f"start-up: `hkscreen screen` of a 10-line {kind}", s[key].spread(),
                f"interpreter start {s['python'].spread()}", f"{med:.2f} s", "< 0.4 s",
                med < 0.4, "whole process wall time incl. interpreter start; data directory "
                "prepared beforehand, so first-start database creation is excluded"))
    if {"calamine", "hk_xlsx"} <= s.keys():
        ratio, text = _ratio(s["hk_xlsx"], s["calamine"])
        out.append(Figure(
            f"{x}-line x 12-col XLSX, `screen --json`", f"{s['hk_xlsx'].spread()}, "
            f"{s['hk_xlsx'].rss():.0f} MB", f"python-calamine {s['calamine'].spread()}",
            text + s["hk_xlsx"].cpu_bound(s["calamine"]), "≤ 2.0x", ratio <= 2.0,
            "hkscreen: whole CLI process; calamine: the read loop only"))
    if {"openpyxl", "hk_xlsx"} <= s.keys():
        ratio, text = _ratio(s["hk_xlsx"], s["openpyxl"])
        out.append(Figure(
            f"{x}-line XLSX, `screen --json` vs openpyxl", s["hk_xlsx"].spread(),
            f"openpyxl read-only {s['openpyxl'].spread()}", text, "comparison", None,
            "as above"))
    if {"hk_report", "hk_xlsx"} <= s.keys():
        ratio, text = _ratio(s["hk_report"], s["hk_xlsx"])
        out.append(Figure(
            f"{x}-line XLSX with `--report r.xlsx`", f"{s['hk_report'].spread()}, "
            f"{s['hk_report'].rss():.0f} MB", f"same run without the report "
            f"{s['hk_xlsx'].spread()}", text, "≤ 1.5x", ratio <= 1.5,
            "both: whole CLI process"))
    if {"csvread", "hk_csv"} <= s.keys():
        hk = s["hk_csv"]
        ratio, text = _ratio(hk, s["csvread"])
        met = hk.median() < 12 and ratio <= 7 and hk.rss() < 500
        out.append(Figure(
            f"{c}-line CSV, `screen --json` (SQLite)", f"{hk.spread()}, peak RSS "
            f"{hk.rss():.0f} MB", f"stdlib csv {s['csvread'].spread()}",
            text + hk.cpu_bound(s["csvread"]),
            "< 12 s, ≤ 7x, < 500 MB", met, "hkscreen: whole CLI process; peak RSS of it "
            "and its store process together (sampled every 20 ms); csv: the read loop only"))
    if {"hk_pg", "hk_csv"} <= s.keys():
        ratio, text = _ratio(s["hk_pg"], s["hk_csv"])
        out.append(Figure(
            f"{c}-line CSV, `screen --json` into PostgreSQL", f"{s['hk_pg'].spread()}, "
            f"peak RSS {s['hk_pg'].rss():.0f} MB", f"same run into SQLite "
            f"{s['hk_csv'].spread()}", text, "none set", None,
            "whole CLI process; the PostgreSQL server's own work runs in its processes "
            "(same machine)"))
    return out


def machine_loop() -> float:
    """Seconds a fixed pure-Python loop takes here (best of 3): the machine's speed at the
    time, so that figures of runs on different days can be told apart from code changes
    (this machine shares its host: the same loop has taken three times as long on a busy
    day)."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        sum(range(10**7))
        best = min(best, time.perf_counter() - start)
    return best


def markdown(figs: list[Figure], args: argparse.Namespace) -> str:
    """The note and the rows for README.md's performance table (its four columns)."""
    today = dt.date.today().isoformat()
    rows = [f"| {f.what}; {f.includes} | {f.hk} vs {f.floor}: **{f.ratio}** | {f.target}"
            f"{'' if f.met is None else (' (met)' if f.met else ' (not met)')} | {COMMAND} |"
            if f.floor else f"| {f.what} | {f.hk} | | {COMMAND} |" for f in figs]
    head = "| what | measured | target | command |\n| --- | --- | --- | --- |"
    loads = sorted(args.loads)
    note = (f"Rows from `bench_screen.py` measured {today} ({os.cpu_count()} cores, Python "
            f"{platform.python_version()}; 1-minute load average {loads[0]:.1f} to "
            f"{loads[-1]:.1f} during the run, so figures may be noisy; a fixed pure-Python "
            f"loop, `sum(range(10**7))`, took {min(args.loop):.2f} to {max(args.loop):.2f} s "
            f"before and after: compare it across runs before the figures): min / median / max "
            f"of {args.runs} interleaved runs, each a fresh process; the ratio is of the "
            f"medians. Rows from the other bench scripts are from earlier sessions.")
    return note + "\n\n" + head + "\n" + "\n".join(rows)


def write_readme(table: str, measured_postgres: bool) -> None:
    """Replace this script's rows of the README's performance table (between the markers),
    keeping the rows of the other bench scripts (and an earlier PostgreSQL row when this run
    did not measure PostgreSQL)."""
    text = README.read_text(encoding="utf-8")
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        raise SystemExit(f"{README}: no {BEGIN} ... {END} markers")
    body = text[start + len(BEGIN):end]
    kept = []
    for row in body.splitlines():
        line = row
        if not line.startswith("|") or re.match(r"\|\s*(what|-+)\s*\|", line):
            continue
        if "bench_screen.py" in line:
            if measured_postgres or "PostgreSQL" not in line:
                continue
            if "earlier run" not in line:
                line = line.replace("; ", " (an earlier run); ", 1)
        kept.append(line)
    note, _, ours = table.partition("\n\n")
    section = f"{BEGIN}\n{note}\n\n{ours}\n" + "".join(f"{line}\n" for line in kept) + END
    README.write_text(text[:start] + section + text[end + len(END):], encoding="utf-8")
    print(f"README.md performance table regenerated ({len(kept)} earlier rows kept)")


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "_read":
        print(json.dumps(bare_read(sys.argv[2], Path(sys.argv[3]))))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--xlsx-lines", type=int, default=100_000)
    parser.add_argument("--csv-lines", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument("--only", default=None, help="comma-separated subset of "
                        f"{','.join(GROUPS)} (default: all; postgres needs --database-url)")
    parser.add_argument("--database-url", help="PostgreSQL URL for the postgres measurement")
    parser.add_argument("--openpyxl", action="store_true",
                        help="also time an openpyxl read-only read of the XLSX")
    parser.add_argument("--timeout", type=float, help="stop a measured process after this "
                        "many seconds (its figure is then reported as not measured)")
    parser.add_argument("--write-readme", action="store_true",
                        help="regenerate this script's rows of README.md's performance table")
    args = parser.parse_args()
    groups = args.only.split(",") if args.only else \
        [g for g in GROUPS if g != "postgres" or args.database_url]
    unknown = [g for g in groups if g not in GROUPS]
    if unknown:
        parser.error(f"unknown measurement(s) {', '.join(unknown)}; choose from "
                     f"{', '.join(GROUPS)}")
    if "postgres" in groups and not args.database_url:
        parser.error("postgres needs --database-url")
    if args.write_readme and not set(GROUPS[:4]) <= set(groups):
        parser.error(f"--write-readme needs every measurement ({','.join(GROUPS[:4])}, "
                     f"and postgres if you have the server) so the table stays one run's")
    TIMEOUT[0] = args.timeout
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if groups_need(groups, "xlsx", "report"):
        args.xlsx = bench_file("xlsx", args.xlsx_lines)
    if groups_need(groups, "csv", "postgres"):
        args.csv = bench_file("csv", args.csv_lines)
    with tempfile.TemporaryDirectory(prefix="hkbench-") as work:
        work_dir = Path(work)
        args.small_csv = work_dir / "small.csv"
        make_csv(args.small_csv, 10)
        args.small_xlsx = work_dir / "small.xlsx"
        make_xlsx(args.small_xlsx, 10)
        args.dirs = DataDirs(work_dir, args.small_csv)
        args.loads = [os.getloadavg()[0]]
        args.loop = [machine_loop()]
        kinds = plan(args, groups)
        samples = {key: Samples(label) for key, (label, _) in kinds.items()}
        for round_ in range(1, args.runs + 1):
            for key, (label, measure) in kinds.items():
                try:
                    r = measure()  # type: ignore[operator]
                except RuntimeError as exc:  # a failed or stopped run: said, not averaged
                    samples[key].failures.append(str(exc).splitlines()[0])
                    print(f"round {round_}  {label:<38} FAILED: {exc}", flush=True)
                    continue
                samples[key].values.append(r)
                args.loads.append(os.getloadavg()[0])
                rate = f"{r['lines'] / r['seconds']:>10,.0f} lines/s" if r["lines"] > 1000 else ""
                cpu = f"  processor {r['cpu']:.2f} s" if "cpu" in r else ""
                print(f"round {round_}  {label:<38} {r['seconds']:8.2f} s  peak RSS "
                      f"{r['rss_mb']:6.0f} MB  {r['lines']:>10,} lines {rate}{cpu}", flush=True)
    args.loop.append(machine_loop())
    complete = {k: v for k, v in samples.items() if v.values and not v.failures}
    figs = figures(args, complete)
    for key, s in samples.items():
        if key not in complete:
            reason = s.failures[0] if s.failures else "no run"
            print(f"not measured: {s.label}: {reason}")
            figs.append(Figure(s.label, f"not measured ({reason})", "", "", "", None, ""))
    print()
    for f in (f for f in figs if f.floor):
        verdict = "" if f.met is None else ("  target met" if f.met else "  TARGET NOT MET")
        print(f"{f.what}: {f.hk} vs {f.floor}: {f.ratio}; target {f.target}{verdict}")
    for sample in complete.values():
        cpu = sorted(v["cpu"] for v in sample.values if "cpu" in v)
        if cpu:
            print(f"processor time (user + system, store process included) of "
                  f"{sample.label}: {cpu[0]:.2f} / {statistics.median(cpu):.2f} / "
                  f"{cpu[-1]:.2f} s")
    table = markdown(figs, args)
    print("\n" + table)
    if args.write_readme:
        write_readme(table, "postgres" in groups)


if __name__ == "__main__":
    main()
