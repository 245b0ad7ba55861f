"""The hkscreen CLI contract: options, JSON shape, exit codes, recorded runs."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from alembic.script import ScriptDirectory

from screening.cli import main
from screening.db import alembic_config
from tests.conftest import SAMPLE_CSV, SAMPLE_XLSX


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_screen_sample_writes_contract_json(capsys, db_url, tmp_path) -> None:
    out = tmp_path / "result.json"
    code, stdout, _ = run_cli(capsys, "--database-url", db_url, "screen", str(SAMPLE_XLSX),
                              "--json", str(out))
    assert code == 1  # some lines need attention
    data = json.loads(out.read_text(encoding="utf-8"))
    run = data["run"]
    assert set(run) >= {"id", "input", "rules_version", "app_version", "started_at",
                        "finished_at", "counts"}
    assert run["input"] == {"name": SAMPLE_XLSX.name,
                            "sha256": hashlib.sha256(SAMPLE_XLSX.read_bytes()).hexdigest(),
                            "size": SAMPLE_XLSX.stat().st_size, "sheet": "Shipments"}
    assert set(run["counts"]) == {"PROHIBITED", "LICENSE_REQUIRED", "ERROR", "REVIEW", "CLEAR"}
    assert sum(run["counts"].values()) == len(data["lines"]) == 34
    rows = [ln["row"] for ln in data["lines"]]
    assert rows == sorted(rows)  # input order
    for line in data["lines"]:
        assert set(line) == {"row", "line_id", "verdict", "destination",
                             "licensing_destination", "newly_licensable", "findings"}
        for finding in line["findings"]:
            assert {"code", "severity", "message", "citations"} <= set(finding)
    hk = next(ln for ln in data["lines"] if ln["line_id"] == "HK-1008")
    assert (hk["destination"], hk["licensing_destination"], hk["verdict"],
            hk["newly_licensable"]) == ("HK", "CN", "LICENSE_REQUIRED", True)
    assert "Run 1" in stdout and "LICENSE_REQUIRED" in stdout


def test_exit_zero_when_every_line_clear(capsys, db_url, tmp_path) -> None:
    path = tmp_path / "clear.csv"
    path.write_text("Line,Destination,Export Date,ECCN,Consignee\n"
                    "1,Germany,2021-01-05,EAR99,Mueller Maschinenbau GmbH\n"
                    "2,Japan,2021-01-06,5A992.c,Sakura Denki KK\n", encoding="utf-8")
    code, stdout, _ = run_cli(capsys, "--database-url", db_url, "screen", str(path))
    assert code == 0, stdout


@pytest.mark.parametrize("content", [b"", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600])
def test_exit_two_with_reason_on_stderr(capsys, db_url, tmp_path, content) -> None:
    path = tmp_path / "bad.xlsx"
    path.write_bytes(content)
    code, _, stderr = run_cli(capsys, "--database-url", db_url, "screen", str(path))
    assert code == 2 and str(path) in stderr and "Traceback" not in stderr


def test_exit_two_for_bad_arguments(capsys, db_url) -> None:
    with pytest.raises(SystemExit) as info:
        main(["screen", str(SAMPLE_XLSX), "--as-of", "yesterday"])
    assert info.value.code == 2
    code, _, stderr = run_cli(capsys, "--database-url", db_url, "screen", str(SAMPLE_XLSX),
                              "--mapping", "no-such-profile")
    assert code == 2 and "neither a JSON file nor a saved profile" in stderr


def test_exit_two_for_database_error(capsys, tmp_path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, stderr = run_cli(capsys, "--database-url", f"sqlite:///{blocker}/sub/db.sqlite",
                              "screen", str(SAMPLE_XLSX))
    assert code == 2 and "cannot open database" in stderr


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_an_in_memory_database_is_refused_with_the_reason(capsys, url) -> None:
    """Each connection would see an empty database of its own: a run would fail half-way
    with "no such table" and nothing would be kept."""
    code, _, stderr = run_cli(capsys, "--database-url", url, "screen", str(SAMPLE_XLSX))
    assert code == 2 and "in-memory database, which keeps nothing" in stderr


def test_mapping_file_and_date_order(capsys, db_url, tmp_path) -> None:
    out = tmp_path / "eu.json"
    code, _, _ = run_cli(capsys, "--database-url", db_url, "screen", str(SAMPLE_CSV),
                         "--mapping", str(SAMPLE_CSV.with_name("eu_branch_mapping.json")),
                         "--json", str(out))
    assert code == 1
    data = json.loads(out.read_text(encoding="utf-8"))
    assert len(data["lines"]) == 7 and data["run"]["date_order"] == "DMY"
    assert data["lines"][-1]["verdict"] == "ERROR"


def test_as_of_recorded(capsys, db_url, tmp_path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text("Order,Destination,ECCN\nA,HK,2A290\nB,HK,EAR99\n", encoding="utf-8")
    out = tmp_path / "o.json"
    code, _, _ = run_cli(capsys, "--database-url", db_url, "screen", str(path), "--as-of",
                         "2021-06-01", "--json", str(out))
    data = json.loads(out.read_text(encoding="utf-8"))
    assert code == 1 and data["run"]["as_of"] == "2021-06-01"
    assert data["lines"][0]["verdict"] == "LICENSE_REQUIRED"


def test_sheet_option(capsys, db_url, tmp_path) -> None:
    code, _, stderr = run_cli(capsys, "--database-url", db_url, "screen", str(SAMPLE_XLSX),
                              "--sheet", "Nope")
    assert code == 2 and "no sheet named 'Nope'" in stderr


def test_version(capsys, db_url) -> None:
    code, stdout, _ = run_cli(capsys, "--database-url", db_url, "--version")
    assert code == 0 and stdout.startswith("hkscreen ") and "\nrules " in stdout


def test_rules_info_export_import(capsys, db_url, tmp_path) -> None:
    code, stdout, _ = run_cli(capsys, "--database-url", db_url, "rules", "info")
    assert code == 0 and "rules version" in stdout and "85 FR 83765" in stdout
    code, _, _ = run_cli(capsys, "--database-url", db_url, "rules", "export", str(tmp_path / "r"))
    assert code == 0 and (tmp_path / "r" / "country_chart.csv").exists()
    code, stdout, _ = run_cli(capsys, "--database-url", db_url, "rules", "import",
                              str(tmp_path / "r"), "--reason", "r", "--citation", "c")
    assert code == 0 and "imported" in stdout
    (tmp_path / "r" / "eccns.csv").write_text("nonsense\n", encoding="utf-8")
    code, _, stderr = run_cli(capsys, "--database-url", db_url, "rules", "import",
                              str(tmp_path / "r"), "--reason", "r", "--citation", "c")
    assert code == 2 and "eccns.csv: row 1" in stderr


def test_runs_are_recorded_with_input_copy(capsys, db_url, tmp_path,
                                           _isolated_data_dir: Path) -> None:
    run_cli(capsys, "--database-url", db_url, "screen", str(SAMPLE_XLSX), "--quiet")
    code, stdout, _ = run_cli(capsys, "--database-url", db_url, "runs", "list")
    assert code == 0 and SAMPLE_XLSX.name in stdout and "complete" in stdout
    code, stdout, _ = run_cli(capsys, "--database-url", db_url, "runs", "show", "1", "--json")
    data = json.loads(stdout)
    assert len(data["lines"]) == 34 and data["run"]["status"] == "complete"
    sha = data["run"]["input"]["sha256"]
    copy = _isolated_data_dir / "inputs" / sha[:2] / f"{sha}.xlsx"
    assert copy.read_bytes() == SAMPLE_XLSX.read_bytes()
    code, _, stderr = run_cli(capsys, "--database-url", db_url, "runs", "show", "99")
    assert code == 2 and "no run with id 99" in stderr


def test_db_check_and_upgrade(capsys, db_url) -> None:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    code, stdout, _ = run_cli(capsys, "--database-url", db_url, "db", "upgrade")
    assert code == 0 and f"schema revision {head} (code head {head})" in stdout
    code, stdout, _ = run_cli(capsys, "--database-url", db_url, "db", "check")
    assert code == 0


def test_formula_cells_and_reproducible_results(capsys, db_url, tmp_path) -> None:
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    run_cli(capsys, "--database-url", db_url, "screen", str(SAMPLE_XLSX), "--json", str(first))
    run_cli(capsys, "--database-url", db_url, "screen", str(SAMPLE_XLSX), "--json", str(second))
    a, b = (json.loads(p.read_text(encoding="utf-8")) for p in (first, second))
    assert a["lines"] == b["lines"]
    assert a["run"]["rules_version"] == b["run"]["rules_version"]


def test_console_script_runs_in_a_subprocess(tmp_path) -> None:
    env_url = f"sqlite:///{tmp_path / 'sub.sqlite3'}"
    wb = openpyxl.Workbook()
    wb.active.append(["Line", "Destination", "Export Date", "ECCN"])
    wb.active.append(["1", "香港", "2021-03-01", "2a290"])
    wb.save(tmp_path / "one.xlsx")
    result = subprocess.run(
        [sys.executable, "-m", "screening.cli", "--database-url", env_url, "screen",
         str(tmp_path / "one.xlsx"), "--json", str(tmp_path / "one.json")],
        check=False, capture_output=True, text=True, env={"HKSCREEN_DATA_DIR": str(tmp_path / "d"),
                                             "PATH": "/usr/bin:/bin"})
    assert result.returncode == 1, result.stderr
    line = json.loads((tmp_path / "one.json").read_text(encoding="utf-8"))["lines"][0]
    assert line["licensing_destination"] == "CN" and line["newly_licensable"] is True


def test_profiles_save_and_use(capsys, db_url, tmp_path) -> None:
    mapping = tmp_path / "m.json"
    mapping.write_text('{"columns": {"destination": "Where to", "export_date": "When"},'
                       ' "date_order": "DMY"}', encoding="utf-8")
    data = tmp_path / "d.csv"
    data.write_text("Ref,Where to,When,ECCN\nA,HK,03/04/2021,2A290\n", encoding="utf-8")
    code, stdout, _ = run_cli(capsys, "--database-url", db_url, "profiles", "save", "branch",
                              str(mapping), "--sample", str(data))
    assert code == 0 and "saved" in stdout
    code, stdout, _ = run_cli(capsys, "--database-url", db_url, "profiles", "list")
    assert stdout.split() == ["branch"]
    out = tmp_path / "o.json"
    code, _, _ = run_cli(capsys, "--database-url", db_url, "screen", str(data), "--mapping",
                         "branch", "--json", str(out))
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["run"]["mapping_profile"] == "branch"
    assert result["lines"][0]["verdict"] == "LICENSE_REQUIRED"  # 3 April 2021, read as DMY


def test_long_finding_messages_are_cut_at_a_word_with_an_ellipsis() -> None:
    from screening.cli import shorten
    text = "Licence required for China (CN): ECCN 3A001 is controlled for NS2 " * 3
    short = shorten(text, 110)
    assert len(short) <= 110 and short.endswith("…")
    assert text.startswith(short[:-1]) and text[len(short) - 1] == " "
    assert shorten("short text", 110) == "short text"


def test_a_cut_message_keeps_its_closing_note() -> None:
    """(Review:) a REVIEW line's finding reads "...: licence required. [GBS claimed]": cut
    before the note, the summary made a REVIEW line say licence required."""
    from screening.cli import shorten
    text = ("Hong Kong is licensed as China from 2020-12-23 (85 FR 83765): ECCN 3A001 is "
            "controlled for NS1 to CN: licence required. [GBS claimed]")
    short = shorten(text, 110)
    assert len(short) <= 110 and short.endswith("… [GBS claimed]")


def test_summary_lists_the_first_lines_needing_attention(capsys, db_url, tmp_path) -> None:
    """The summary after a run names the first 25 lines that are not CLEAR, in input order,
    each with its verdict and main finding, as a read of the whole run would find them, and
    says there are more only when there are."""
    from screening.db import open_database
    from screening.model import Verdict
    from screening.store import runs

    path = tmp_path / "mixed.csv"
    rows = ["Line,Destination,Export Date,ECCN,Consignee"]
    for n in range(60):  # CLEAR lines first and between: the listing must skip them
        rows.append(f"C-{n},Germany,2021-01-05,EAR99,Mueller Maschinenbau GmbH")
        if n % 2:
            rows.append(f"F-{n},Hong Kong,2021-01-05,{'3A001' if n % 4 == 1 else 'ZZ999'},"
                        f"Victoria Components")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    code, stdout, _ = run_cli(capsys, "--database-url", db_url, "screen", str(path))
    assert code == 1
    db = open_database(db_url)
    try:
        with db.sessions() as session:
            flagged = [line for line in runs.iter_lines(session, 1)
                       if line.verdict is not Verdict.CLEAR]
            listed = runs.flagged_lines(session, 1, 1000)
    finally:
        db.dispose()
    assert len(flagged) == 30
    assert [(f.row, f.line_id, f.verdict, f.destination, f.licensing_destination, f.findings)
            for f in flagged] == [
        (f.row, f.line_id, f.verdict, f.destination, f.licensing_destination, f.findings)
        for f in listed]
    shown = stdout.split("Lines needing attention:\n")[1].splitlines()
    assert [line.split()[1] for line in shown[:25]] == [str(f.row) for f in flagged[:25]]
    assert [line.split()[3] for line in shown[:25]] == [f.verdict.value for f in flagged[:25]]
    assert shown[25] == "  ... (see the JSON or `hkscreen runs show` for all)"
    assert {f.verdict for f in flagged} >= {Verdict.LICENSE_REQUIRED, Verdict.ERROR}

    code, stdout, _ = run_cli(capsys, "--database-url", db_url, "runs", "show", "1")
    shown = stdout.split("Lines needing attention:\n")[1].splitlines()
    assert [line.split()[1] for line in shown] == [str(f.row) for f in flagged]
