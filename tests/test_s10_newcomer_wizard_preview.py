"""Defect (newcomer check, s10): the import wizard's last page ("Preview the first lines:
normalised values as they will be screened") shows a Verdict column computed without
restricted-party screening (``screen_line`` only). On the bundled sample, line CN-2002
(row 26, consignee "Guangzhou Trading") is previewed as a green CLEAR, while the run the
officer starts by pressing Screen makes it REVIEW with two PARTY_MATCH_SDN findings (SDN
List entries 54494 and 49365). Nothing on the page says party screening is left out, so
the preview tells the officer a line matching the SDN List is clear.

Expected: the preview's verdict for a line is the verdict the run gives it (or the preview
says plainly that it is not a verdict).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from screening.cli import main
from screening.db import open_database
from tests.conftest import SAMPLE_XLSX, advance_to, open_wizard


def test_preview_verdicts_are_the_runs_verdicts(qtbot, tmp_path: Path,
                                                bundled_lists) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'hk.sqlite3'}"
    assert main(["--database-url", url, "screen", str(SAMPLE_XLSX), "--quiet", "--json",
                 str(tmp_path / "run.json")]) == 1
    run = {line["line_id"]: line["verdict"]
           for line in json.loads((tmp_path / "run.json").read_text("utf-8"))["lines"]}
    assert run["CN-2002"] == "REVIEW"  # the SDN-list match

    db = open_database(url)
    try:
        page = _preview(qtbot, db)
        preview = {row[1]: row[page.VERDICT] for row in page.model.rows}
        differing = {line_id: (verdict, run[line_id]) for line_id, verdict in preview.items()
                     if verdict != run[line_id]}
        assert differing == {}, f"preview verdict vs the run's: {differing}"
    finally:
        db.dispose()


def _preview(qtbot, db):  # type: ignore[no-untyped-def]
    wizard = open_wizard(qtbot, db, SAMPLE_XLSX)
    return advance_to(wizard, wizard.preview_page)


def test_preview_says_which_lists_its_verdicts_include(qtbot, tmp_path: Path,
                                                       bundled_lists) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'hk.sqlite3'}"
    assert main(["--database-url", url, "lists", "info"]) == 0  # a fresh install's lists
    db = open_database(url)
    try:
        page = _preview(qtbot, db)
        note = page.party_note.text()
        assert "restricted-party screening against" in note, note
        assert "Consolidated Screening List" in note, note
        page.window().grab().save(str(tmp_path / "preview.png"))
    finally:
        db.dispose()


@pytest.mark.usefixtures("no_lists")  # the test imports the lists it means
def test_preview_without_lists_says_no_party_is_checked(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'hk.sqlite3'}"
    assert main(["--database-url", url, "screen", str(SAMPLE_XLSX), "--quiet", "--json",
                 str(tmp_path / "run.json")]) == 1
    run = {line["line_id"]: line["verdict"]
           for line in json.loads((tmp_path / "run.json").read_text("utf-8"))["lines"]}
    db = open_database(url)
    try:
        page = _preview(qtbot, db)
        assert page.party_note.text().startswith("No restricted-party list is loaded")
        assert {row[1]: row[page.VERDICT] for row in page.model.rows} == {
            row[1]: run[row[1]] for row in page.model.rows}
    finally:
        db.dispose()


def test_preview_of_a_file_without_party_columns_is_the_runs_review(
        qtbot, tmp_path: Path, bundled_lists) -> None:  # type: ignore[no-untyped-def]
    # (s32) Such a file's lines are REVIEW in the run (no party was checked): so in the
    # preview, where they were CLEAR.
    path = tmp_path / "no_parties.csv"
    path.write_text("Line ID,Ship Date,Destination,ECCN\nB1,2021-03-01,Germany,EAR99\n"
                    "B2,2021-03-01,Japan,EAR99\n", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'hk.sqlite3'}"
    assert main(["--database-url", url, "screen", str(path), "--quiet", "--json",
                 str(tmp_path / "run.json")]) == 1
    run = {line["line_id"]: line["verdict"]
           for line in json.loads((tmp_path / "run.json").read_text("utf-8"))["lines"]}
    assert run == {"B1": "REVIEW", "B2": "REVIEW"}
    db = open_database(url)
    try:
        wizard = open_wizard(qtbot, db, path)
        page = advance_to(wizard, wizard.preview_page)
        assert {row[1]: row[page.VERDICT] for row in page.model.rows} == run
    finally:
        db.dispose()
