"""An output path naming the file being screened (s22 review: ``--report book.xlsx`` on
``book.xlsx`` replaced the user's spreadsheet with the report, exit 1, no word)."""

from __future__ import annotations

import os
from pathlib import Path

from screening.cli import main

CSV = ("Line,Destination,Export Date,ECCN,Consignee\n"
       "U1,Germany,2023-05-02,EAR99,Acme Ltd\n")


def _input(tmp_path: Path) -> Path:
    path = tmp_path / "in.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


def test_a_json_or_report_onto_the_input_is_refused_and_the_input_kept(tmp_path,
                                                                        capsys) -> None:
    source = _input(tmp_path)
    assert main(["screen", str(source), "--json", str(source), "--quiet"]) == 2
    assert "that is the file being screened" in capsys.readouterr().err
    os.link(source, tmp_path / "linked.csv")
    assert main(["screen", str(source), "--report", str(tmp_path / "linked.csv"),
                 "--quiet"]) == 2
    assert main(["screen", str(source), "--report",
                 str(tmp_path / "sub" / ".." / "in.csv"), "--quiet"]) == 2
    assert source.read_text(encoding="utf-8") == CSV


def test_one_path_for_two_outputs_is_refused(tmp_path, capsys) -> None:
    source = _input(tmp_path)
    out = tmp_path / "r.xlsx"
    assert main(["screen", str(source), "--report", str(out), "--report", str(out),
                 "--quiet"]) == 2
    assert "given twice as an output" in capsys.readouterr().err


def test_a_report_onto_a_screened_file_is_refused(tmp_path, capsys) -> None:
    """``hkscreen report RUN --out`` naming a file some run screened (the same content)."""
    source = _input(tmp_path)
    assert main(["screen", str(source), "--quiet"]) == 0
    copy = tmp_path / "copy.csv"
    copy.write_bytes(source.read_bytes())
    assert main(["report", "1", "--out", str(copy)]) == 2
    assert "that file is the input of run 1" in capsys.readouterr().err
    assert copy.read_text(encoding="utf-8") == CSV
    assert main(["report", "1", "--out", str(tmp_path / "r.csv")]) == 0


def test_a_failed_xlsx_export_leaves_nothing_beside_the_old_report(tmp_path, monkeypatch,
                                                                   capsys) -> None:
    """(s22 review:) on a full disk xlsxwriter's scratch files stayed in the user's folder."""
    import errno
    import tempfile

    import xlsxwriter

    source = _input(tmp_path)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    old = out_dir / "old.xlsx"
    old.write_bytes(b"an earlier report")
    assert main(["screen", str(source), "--quiet"]) == 0

    def full_disk(self) -> None:  # type: ignore[no-untyped-def]
        tempfile.mkstemp(dir=self.tmpdir)  # a part written, as xlsxwriter writes them
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(xlsxwriter.Workbook, "_store_workbook", full_disk)
    assert main(["report", "1", "--out", str(old)]) == 2
    assert "No space left on device" in capsys.readouterr().err
    assert sorted(p.name for p in out_dir.iterdir()) == ["old.xlsx"]
    assert old.read_bytes() == b"an earlier report"


def test_an_output_onto_the_database_or_an_earlier_input_is_refused(tmp_path, capsys) -> None:
    """(s22 second review:) ``--json`` onto the SQLite file wiped the audit database, and
    onto an earlier run's input replaced it."""
    from screening.db import default_database_url

    first = _input(tmp_path)
    assert main(["screen", str(first), "--quiet"]) == 0
    second = tmp_path / "second.csv"
    second.write_text(CSV.replace("U1", "U2"), encoding="utf-8")
    database = Path(default_database_url().removeprefix("sqlite:///"))
    before = database.read_bytes()
    assert main(["screen", str(second), "--json", str(database), "--quiet"]) == 2
    assert "that is the hkscreen database" in capsys.readouterr().err
    assert main(["screen", str(second), "--json", str(first), "--quiet"]) == 2
    assert "that file is the input of run 1" in capsys.readouterr().err
    assert first.read_text(encoding="utf-8") == CSV
    assert main(["report", "1", "--out", str(database.with_name(database.name + "-wal"))]) == 2
    assert database.stat().st_size >= len(before) > 0
