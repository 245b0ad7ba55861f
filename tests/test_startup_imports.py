"""`hkscreen screen` of a small file loads only what screening needs: the migration tool,
the report writers, the signing library and the desktop app are imported by the commands
that use them. Start-up time itself is measured by bench/bench_screen.py, not here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SAMPLE_XLSX

#: Modules `hkscreen screen FILE --json OUT` must not load (each costs start-up time; numpy
#: alone 0.1 s: bulk party scoring imports it when a big file needs it, not before).
HEAVY = ("alembic", "mako", "openpyxl", "reportlab", "xlsxwriter", "PySide6", "shiboken6",
         "cryptography", "numpy", "ui.app", "ui.main_window",
         "screening.reports.writer", "screening.reports.xlsx", "screening.reports.pdf",
         "screening.reports.verify", "screening.signing",
         # the rule table definitions: the rules come from their kept copy while unchanged
         "screening.rules.schema", "screening.rules.files", "screening.rules.store")

# Runs the console script's main() as `hkscreen` does, then lists the modules it loaded.
_PROBE = """
import json, sys
from ui.entry import main
code = main(sys.argv[2:])
with open(sys.argv[1], "w", encoding="utf-8") as out:
    json.dump({"code": code, "modules": sorted(sys.modules)}, out)
"""


def _hkscreen(tmp_path: Path, *args: str) -> tuple[int, list[str]]:
    listing = tmp_path / "modules.json"
    subprocess.run([sys.executable, "-c", _PROBE, str(listing), *args], cwd=ROOT,
                   env=os.environ.copy(), check=True, capture_output=True, text=True)
    result = json.loads(listing.read_text(encoding="utf-8"))
    return result["code"], result["modules"]


def _heavy(modules: list[str]) -> list[str]:
    return [m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY)]


@pytest.fixture
def small_csv(tmp_path: Path) -> Path:
    path = tmp_path / "small.csv"
    path.write_text("Line ID,Destination,Export Date,ECCN,Consignee\n"
                    "L1,Hong Kong,2021-03-01,3A001.a.2,Kowloon Trading Ltd\n"
                    "L2,Germany,2021-03-02,EAR99,Berlin GmbH\n", encoding="utf-8")
    return path


def test_screen_of_a_small_file_imports_no_heavy_module(tmp_path: Path, small_csv: Path,
                                                        bundled_lists: None) -> None:
    # The first start creates and migrates the database (Alembic is needed then) ...
    code, first = _hkscreen(tmp_path, "screen", str(small_csv), "--quiet")
    assert code == 1  # the Hong Kong line needs attention
    assert "alembic" in first
    # ... every later run finds it current and loads none of the heavy modules.
    for path in (small_csv, SAMPLE_XLSX):
        code, modules = _hkscreen(tmp_path, "screen", str(path), "--json",
                                  str(tmp_path / "out.json"))
        assert code == 1
        assert "screening.service" in modules and "screening.parties" in modules
        assert _heavy(modules) == [], f"{path.name}: {_heavy(modules)}"
        assert json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["lines"]


def test_a_report_still_loads_its_writer(tmp_path: Path, small_csv: Path) -> None:
    """The other side: the lazy imports are there when a command needs them."""
    _hkscreen(tmp_path, "screen", str(small_csv), "--quiet")
    code, modules = _hkscreen(tmp_path, "screen", str(small_csv), "--quiet",
                              "--report", str(tmp_path / "r.xlsx"))
    assert code == 1 and (tmp_path / "r.xlsx").stat().st_size > 0
    assert {"screening.reports.writer", "cryptography", "xlsxwriter"} <= set(modules)
