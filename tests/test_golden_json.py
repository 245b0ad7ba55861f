"""The `screen --json` output of a 20,000-line mixed file, byte for byte, against golden
files written before the speed work (issue 13): the pipeline may get faster, never give
another answer. The lines part is compared as the bytes written; the run part with what
changes from run to run (ids, times, who, the list's age) set aside.

After a deliberate change of results, regenerate: ``python3 tests/golden_input.py --write``."""

from __future__ import annotations

import datetime as dt
import json
import lzma
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest

from screening.cli import main
from screening.ingest.rows import latest_export_date
from tests.golden_input import write_csv, write_xlsx

GOLDEN = Path(__file__).resolve().parent / "golden"
#: Run fields that differ between two runs of the same file on the same rules and lists.
_VOLATILE = ("id", "started_at", "finished_at", "user", "host")


def _comparable(output: Path) -> bytes:
    """The run part without its volatile fields (sorted JSON), a newline, then the lines
    part exactly as written."""
    data = output.read_bytes()
    at = data.index(b'"lines":')
    run: dict[str, Any] = json.loads(data)["run"]
    for key in _VOLATILE:
        run.pop(key, None)
    parties = run.get("party_screening") or {}
    parties.pop("warnings", None)  # the list's age at screening
    for item in parties.get("lists", []):
        item.pop("age_days", None)
        item.pop("id", None)
    return json.dumps(run, sort_keys=True, ensure_ascii=False).encode() + b"\n" + data[at:]


def _screen(source: Path, url: str, out: Path) -> bytes:
    code = main(["--database-url", url, "screen", str(source), "--json", str(out), "--quiet"])
    assert code in (0, 1), code  # 1: lines need a licence or review
    return _comparable(out)


def _first_difference(got: bytes, want: bytes) -> str:
    got_lines, want_lines = got.split(b"\n{"), want.split(b"\n{")
    for i, (a, b) in enumerate(zip(got_lines, want_lines, strict=False)):
        if a != b:
            return f"first difference in part {i}:\n got: {a[:600]!r}\nwant: {b[:600]!r}"
    return f"{len(got_lines)} parts written, {len(want_lines)} expected"


#: The latest export date accepted moves with the day of the run (two years after it).
_LATEST = re.compile(rb"to \d{4}-\d{2}-\d{2}, two years after this run")
_LATEST_HELD = b"to <two years after the run>, two years after this run"


def _undated(data: bytes) -> bytes:
    return _LATEST.sub(_LATEST_HELD, data)


def _check(got: bytes, name: str) -> None:
    today = latest_export_date(dt.date.today()).isoformat().encode()
    assert b"to " + today + b", two years after this run" in got
    got = _undated(got)
    want = _undated(lzma.decompress((GOLDEN / name).read_bytes()))
    assert got == want, _first_difference(got.replace(b'{"row"', b'\n{"row"'),
                                          want.replace(b'{"row"', b'\n{"row"'))


@pytest.mark.usefixtures("bundled_lists")
def test_csv_json_is_unchanged(tmp_path: Path, db_url: str) -> None:
    got = _screen(write_csv(tmp_path / "golden.csv"), db_url, tmp_path / "out.json")
    _check(got, "golden_csv.json.xz")


@pytest.mark.usefixtures("bundled_lists")
def test_xlsx_json_is_unchanged(tmp_path: Path) -> None:
    got = _screen(write_xlsx(tmp_path / "golden.xlsx"), f"sqlite:///{tmp_path / 'hk.db'}",
                  tmp_path / "out.json")
    _check(got, "golden_xlsx.json.xz")


def write_golden() -> None:
    """Writes the golden files from this checkout's code (the real bundled list)."""
    GOLDEN.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        root = Path(work)
        os.environ["HKSCREEN_DATA_DIR"] = str(root / "data")
        for kind, writer in (("csv", write_csv), ("xlsx", write_xlsx)):
            got = _screen(writer(root / f"golden.{kind}"), f"sqlite:///{root / kind}.db",
                          root / f"{kind}.json")
            (GOLDEN / f"golden_{kind}.json.xz").write_bytes(lzma.compress(got, preset=9))
            run = json.loads(got.split(b"\n", 1)[0])
            print(kind, run["counts"], f"{len(got):,} bytes")
