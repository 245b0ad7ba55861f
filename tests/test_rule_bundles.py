"""Rule bundles: only a bundle with a valid manifest is imported, every import is logged
per changed table with its reason and citation, and the exported CSV files are inert in a
spreadsheet program."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess

import openpyxl
import pytest

from screening.cli import main
from screening.paths import seed_rules_dir
from screening.rules.edit import change_log, get_rule_value, set_rule_value
from screening.rules.files import RuleFileError
from screening.rules.store import current_meta, import_rules, read_tables, write_bundle
from screening.service import ScreenOptions, run_screening
from tests.conftest import SAMPLE_XLSX

LOGGED = ["--reason", "bundle from head office", "--citation", "85 FR 83765"]
HYPERLINK = '=HYPERLINK("https://www.federalregister.gov/d/2020-28031","85 FR 83765")'
KEY = {"country_code": "HK", "valid_from": "2020-12-23"}


def test_bundle_without_manifest_refused(capsys, db, db_url, tmp_path) -> None:
    with db.sessions() as session:
        before = current_meta(session).version
    shutil.copytree(seed_rules_dir(), tmp_path / "plain")  # valid files, no manifest
    assert main(["--database-url", db_url, "rules", "import", str(tmp_path / "plain"),
                 *LOGGED]) == 2
    assert "MANIFEST.json: missing" in capsys.readouterr().err
    with db.sessions() as session:
        assert current_meta(session).version == before and change_log(session) == []


def test_reason_and_citation_are_required(capsys, db, db_url, tmp_path) -> None:
    with db.sessions() as session:
        write_bundle(read_tables(session), tmp_path / "b", author="ann")
    with pytest.raises(SystemExit) as exit_info:
        main(["--database-url", db_url, "rules", "import", str(tmp_path / "b")])
    assert exit_info.value.code == 2 and "--reason" in capsys.readouterr().err
    with pytest.raises(RuleFileError, match="reason and a citation"), \
            db.sessions.begin() as session:
        import_rules(session, tmp_path / "b", reason=" ", citation="c")


def test_import_logs_each_changed_table(capsys, db, db_url, tmp_path) -> None:
    """Dropping the Hong Kong -> China mapping through a (properly rebuilt) bundle cut the
    sample's LICENSE_REQUIRED lines from 9 to 4 and left no trace; now it is in the log."""
    with db.sessions() as session:
        tables = read_tables(session)
        before = current_meta(session).version
    tables["destination_mappings.csv"] = [r for r in tables["destination_mappings.csv"]
                                          if r["country_code"] != "HK"]
    tables["eccns.csv"][0]["notes"] = "edited in the bundle"
    write_bundle(tables, tmp_path / "b", author="head office")
    assert main(["--database-url", db_url, "rules", "import", str(tmp_path / "b"),
                 *LOGGED]) == 0
    with db.sessions() as session:
        log = change_log(session)
        after = current_meta(session).version
    assert sorted(c.rule_file for c in log) == ["destination_mappings.csv", "eccns.csv"]
    mapping = next(c for c in log if c.rule_file == "destination_mappings.csv")
    assert (mapping.reason, mapping.citation) == ("bundle from head office", "85 FR 83765")
    assert mapping.column == "(table imported)" and mapping.new_value == ""
    removed = [json.loads(line) for line in mapping.old_value.splitlines()]
    assert [(r["country_code"], r["licensed_as"]) for r in removed] == [("HK", "CN")]
    assert mapping.row_key["rows removed"] == 1
    assert (mapping.version_before, mapping.version_after) == (before, after)
    eccn = next(c for c in log if c.rule_file == "eccns.csv")
    assert "edited in the bundle" in eccn.new_value and eccn.old_value  # old and new row
    run = run_screening(db, SAMPLE_XLSX, ScreenOptions()).run
    assert run.counts["LICENSE_REQUIRED"] < 9  # the change is real, and now it is logged


def test_hyperlink_citation_exported_inert(db, tmp_path) -> None:
    with db.sessions.begin() as session:
        old = get_rule_value(session, "destination_mappings.csv", KEY, "citation")
        set_rule_value(session, "destination_mappings.csv", KEY, "citation", HYPERLINK,
                       expected=old, reason="test", citation="test", changed_by="ann")
        version = current_meta(session).version
        write_bundle(read_tables(session), tmp_path / "b", author="ann")
    path = tmp_path / "b" / "destination_mappings.csv"
    cells = [c for row in csv.reader(path.read_text(encoding="utf-8").splitlines())
             for c in row]
    assert "'" + HYPERLINK in cells
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)
    with db.sessions.begin() as session:  # and it comes back exactly on import
        assert import_rules(session, tmp_path / "b", reason="r", citation="c") == version
        assert get_rule_value(session, "destination_mappings.csv", KEY, "citation") == \
            HYPERLINK
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice not installed")
    subprocess.run(["soffice", "--headless", "--convert-to", "xlsx", "--outdir",
                    str(tmp_path / "lo"), str(path)], check=True, capture_output=True,
                   timeout=180, env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    sheet = openpyxl.load_workbook(tmp_path / "lo" / "destination_mappings.xlsx").active
    cells_lo = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert cells_lo and all(c.data_type != "f" for c in cells_lo)
    assert any("HYPERLINK" in str(c.value) for c in cells_lo)
