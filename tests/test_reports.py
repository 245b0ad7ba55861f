"""Audit reports: content, formatting an auditor expects, formula-injection safety, atomic
writes, reproducibility, digest and ``hkscreen verify``, and real clients (openpyxl,
LibreOffice, pdftotext)."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess

import openpyxl
import pytest

from screening.cli import main
from screening.reports import write_report
from screening.reports.safety import ExportError, neutralise
from screening.reports.tabular import RUN_HEADERS
from screening.reports.verify import Status, verify_report
from screening.reports.writer import file_sha256
from screening.service import ScreenOptions, run_screening
from screening.store.reviews import Disposition, add_reviews
from tests.conftest import SAMPLE_XLSX

HOSTILE = ['=HYPERLINK("http://evil.example","click")', "=cmd|' /C calc'!A0", "@SUM(1)",
           "+1+2", "-2+3", "\t=1+1", "\r=1+1"]


@pytest.fixture
def run_id(db) -> int:
    run = run_screening(db, SAMPLE_XLSX, ScreenOptions()).run
    with db.sessions.begin() as session:
        add_reviews(session, run.id, [12], Disposition.HOLD, reason="waiting for end-use "
                    "statement", reviewer="ann")
        add_reviews(session, run.id, [12], Disposition.LICENSE_OBTAINED,
                    license_number="D765432", reviewer="bob")
    return run.id


def test_xlsx_sheets_content_and_format(db, run_id, tmp_path) -> None:
    result = write_report(db, run_id, tmp_path / "r.xlsx", generated_by="auditor")
    book = openpyxl.load_workbook(tmp_path / "r.xlsx")
    assert book.sheetnames == ["Summary", "Findings", "Lines", "Reviews", "Rules", "Run"]
    summary = {r[0]: r[1] for r in book["Summary"].iter_rows(min_row=3, values_only=True)}
    assert summary["Input SHA-256"] == (
        __import__("hashlib").sha256(SAMPLE_XLSX.read_bytes()).hexdigest())
    assert summary["Lines"] == 34 and summary["Lines LICENSE_REQUIRED"] == 10
    assert summary["Report digest (SHA-256)"] == result.digest
    assert "no finding under rules version" in summary["What this report says"]
    assert "approved" not in summary["What this report says"].lower()
    lines = book["Lines"]
    assert lines.freeze_panes == "C2" and lines.auto_filter.ref
    assert book["Findings"].freeze_panes == "A2"
    header = [c.value for c in lines[1]]
    rows = list(lines.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 34
    by_id = {r[1]: dict(zip(header, r, strict=False)) for r in rows}
    hk = by_id["HK-1008"]
    assert (hk["Verdict"], hk["Shipped to"], hk["Licensed as"]) == ("LICENSE_REQUIRED", "HK",
                                                                    "CN")
    assert hk["Disposition"] == "Licence obtained" and hk["Disposition by"] == "bob"
    assert hk["Export date"].year == 2020  # a real date cell, not text
    assert hk["Original: Ship-to Country"] == "Hong Kong"
    verdict_cell = next(c for c in lines[2] if c.value in ("CLEAR", "REVIEW", "ERROR",
                                                            "LICENSE_REQUIRED"))
    assert verdict_cell.fill.fgColor.rgb not in (None, "00000000")
    reviews = list(book["Reviews"].iter_rows(min_row=2, values_only=True))
    assert [(r[2], r[9]) for r in reviews] == [("ann", "Yes"), ("bob", "No")]
    rules_text = " ".join(str(v) for r in book["Rules"].iter_rows(values_only=True)
                          for v in r if v)
    assert "85 FR 83765" in rules_text and "HK_PRE2020" in rules_text
    assert "INFERRED" in rules_text
    run_sheet = {r[0]: r[1] for r in book["Run"].iter_rows(min_row=3, values_only=True)}
    assert run_sheet["Python"] and run_sheet["Database"] == db.backend
    assert lines.page_setup.orientation == "landscape"
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate)


def _hostile_run(db, tmp_path) -> int:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    ws.append(["Line ID", "Destination", "Export Date", "ECCN", "End User", "Consignee",
               "Description", "License No.", "Notes"])
    for i, text in enumerate(HOSTILE):
        ws.append([text, "HK", "2021-03-01", "2A290", text, text, text, text, text])
        ws.cell(i + 2, 1).data_type = "s"  # store the hostile text as text in the input too
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    wb.save(tmp_path / "hostile.xlsx")
    run = run_screening(db, tmp_path / "hostile.xlsx", ScreenOptions()).run
    with db.sessions.begin() as session:
        for text in HOSTILE:
            add_reviews(session, run.id, [2], Disposition.CLEARED, reason=text, reviewer=text)
    return run.id


def test_formula_injection_xlsx(db, tmp_path) -> None:
    run_id = _hostile_run(db, tmp_path)
    write_report(db, run_id, tmp_path / "h.xlsx", generated_by="=evil()")
    book = openpyxl.load_workbook(tmp_path / "h.xlsx")
    seen = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value in HOSTILE:
                    assert cell.data_type == "s"
                    seen.add(cell.value)
    assert {h for h in HOSTILE if not h.startswith(("\t", "\r"))} <= seen


def test_formula_injection_csv(db, tmp_path) -> None:
    run_id = _hostile_run(db, tmp_path)
    write_report(db, run_id, tmp_path / "h.csv", generated_by="x")
    raw = (tmp_path / "h.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    import csv
    rows = list(csv.reader((tmp_path / "h.csv").read_text(encoding="utf-8-sig").splitlines()))
    for row in rows[1:]:
        for value in row:
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
    assert any(v == "'=cmd|' /C calc'!A0" for row in rows for v in row)
    assert neutralise("plain") == "plain" and neutralise("-5") == "'-5"


def test_atomic_write_keeps_earlier_file(db, run_id, tmp_path, monkeypatch) -> None:
    target = tmp_path / "r.xlsx"
    target.write_bytes(b"earlier report")
    import screening.reports.xlsx as xlsx_module

    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(xlsx_module, "write_xlsx", boom)
    with pytest.raises(ExportError, match="No space left on device"):
        write_report(db, run_id, target, generated_by="x")
    assert target.read_bytes() == b"earlier report"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []
    with pytest.raises(ExportError, match="does not exist"):
        write_report(db, run_id, tmp_path / "missing" / "r.csv", generated_by="x")
    with pytest.raises(ExportError, match="unknown report format"):
        write_report(db, run_id, tmp_path / "r.docx", generated_by="x")
    (tmp_path / "dir.csv").mkdir()
    with pytest.raises(ExportError, match="cannot write"):
        write_report(db, run_id, tmp_path / "dir.csv", generated_by="x")


def test_csv_and_json_reproducible(db, tmp_path) -> None:
    first = run_screening(db, SAMPLE_XLSX, ScreenOptions()).run.id
    second = run_screening(db, SAMPLE_XLSX, ScreenOptions()).run.id
    for run, name in ((first, "a"), (second, "b")):
        write_report(db, run, tmp_path / f"{name}.csv", generated_by="x")
        write_report(db, run, tmp_path / f"{name}.json", generated_by="x")
    # The lines are the same; each row ends with its own run's facts (run, input, rules,
    # who, when, list), the same for every row of a report.
    tables = [list(csv.reader((tmp_path / f"{n}.csv").read_text(encoding="utf-8-sig")
                              .splitlines())) for n in "ab"]
    width = len(RUN_HEADERS)
    assert [row[:-width] for row in tables[0]] == [row[:-width] for row in tables[1]]
    assert tables[0][0][-width:] == RUN_HEADERS
    for table, run in zip(tables, (first, second), strict=True):
        facts = {tuple(row[-width:]) for row in table[1:]}
        assert len(facts) == 1
        (stated,) = facts
        assert stated[0] == str(run) and stated[1] == SAMPLE_XLSX.name
        assert stated[2] == file_sha256(SAMPLE_XLSX) and len(stated[4]) == 64
        assert stated[7].startswith("Restricted-party screening")
    write_report(db, first, tmp_path / "again.csv", generated_by="y")  # the same run again
    assert (tmp_path / "again.csv").read_bytes() == (tmp_path / "a.csv").read_bytes()
    a, b = (json.loads((tmp_path / f"{n}.json").read_text(encoding="utf-8")) for n in "ab")
    assert a["lines"] == b["lines"] and a["run"]["id"] != b["run"]["id"]
    assert json.dumps(a["lines"]).encode() == json.dumps(b["lines"]).encode()


def test_json_report_has_contract_and_reviews(db, run_id, tmp_path) -> None:
    write_report(db, run_id, tmp_path / "r.json", generated_by="x")
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert len(data["lines"]) == 34 and data["run"]["input"]["sheet"] == "Shipments"
    assert [r["disposition"] for r in data["reviews"]] == ["hold", "license_obtained"]
    assert data["reviews"][0]["superseded"] is True


def test_verify_passes_then_detects_tampering(db, run_id, tmp_path) -> None:
    report = tmp_path / "r.xlsx"
    write_report(db, run_id, report, generated_by="x")
    result = verify_report(report, SAMPLE_XLSX, db)
    assert [c.status for c in result.checks] == [Status.PASSED] * 7, result.checks
    assert result.exit_code == 0
    only = verify_report(report, None, db)
    assert [c.status for c in only.checks] == [Status.PASSED, Status.NOT_MADE, Status.NOT_MADE,
                                               Status.PASSED, Status.PASSED, Status.PASSED,
                                               Status.PASSED]
    other = tmp_path / "other.csv"
    other.write_text("x", encoding="utf-8")
    wrong = verify_report(report, other, db)
    assert wrong.checks[1].status is Status.FAILED and wrong.exit_code == 1
    book = openpyxl.load_workbook(report)
    for row in book["Lines"].iter_rows(min_row=2):
        if row[1].value == "HK-1008":
            row[2].value = "CLEAR"  # an edit an auditor must be able to detect
    book.save(tmp_path / "edited.xlsx")
    edited = verify_report(tmp_path / "edited.xlsx", SAMPLE_XLSX, db)
    assert edited.checks[0].status is Status.FAILED and edited.exit_code == 1
    assert edited.checks[2].status is Status.FAILED  # re-screen disagrees with the edit


def test_verify_with_other_rules_version_is_not_made(db, run_id, tmp_path) -> None:
    report = tmp_path / "r.xlsx"
    write_report(db, run_id, report, generated_by="x")
    from screening.rules.store import read_tables, replace_rules
    with db.sessions.begin() as session:
        tables = read_tables(session)
        tables["eccns.csv"][0]["description"] += " (edited)"
        replace_rules(session, tables, "test edit")
    result = verify_report(report, SAMPLE_XLSX, db)
    assert result.checks[2].status is Status.NOT_MADE
    assert "not available" in result.checks[2].detail


def _pdf_text(path) -> str:  # type: ignore[no-untyped-def]
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def test_pdf_report(db, run_id, tmp_path) -> None:
    result = write_report(db, run_id, tmp_path / "r.pdf", generated_by="x")
    assert result.pages and result.pages >= 2
    assert result.digest and len(result.digest) == 64
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) not installed")
    text = _pdf_text(tmp_path / "r.pdf")
    sha = __import__("hashlib").sha256(SAMPLE_XLSX.read_bytes()).hexdigest()
    assert text.count(f"input SHA-256 {sha}") == result.pages  # header on every page
    assert text.count(f"run {run_id} ·") == result.pages
    assert f"Page 1 of {result.pages}" in text and f"Page {result.pages} of {result.pages}" \
        in text
    assert "HK-1008" in text and "Licence obtained D765432 by bob" in " ".join(text.split())
    assert "10 CLEAR lines are omitted" in text
    assert "HK-1010" not in text  # a CLEAR line
    # the cover: a summary table with the verdict counts and the chart
    cover = text.split("\f")[0]
    assert "Control List edition (eCFR)" in cover and "2026-08-07" in cover  # rules edition
    assert "LICENSE_REQUIRED" in cover and "Not decided" in cover and "Lines by export month" \
        in cover and "2020-12-23" in cover and "2020-06-30" in cover
    # an audit document: every review (superseded marked), a rules appendix, the digest
    reviews = text[text.index("Reviews\n"):]
    assert "waiting for end-use statement" in reviews and "superseded" in reviews
    assert "in force" in reviews
    appendix = text[text.index("Rules appendix"):]
    assert "Regime changes" in appendix and "85 FR 83765" in appendix
    assert "INFERRED" in appendix and "VERIFIED" in appendix
    assert "Digest and signature" in text
    assert "Report digest (SHA-256)" in text and result.digest in text


def test_pdf_digest_covers_what_it_states(db, run_id, tmp_path) -> None:
    """The PDF's digest is over its summary, findings, lines and reviews (the XLSX digest is
    over every cell of the workbook, so the two differ): the same content gives the same
    digest, another review another digest."""
    from screening.reports.content import load_content
    from screening.reports.pdf import write_pdf
    with db.sessions() as session:
        content = load_content(session, run_id, "x")
        pages, first = write_pdf(session, content, tmp_path / "a.pdf")
        assert write_pdf(session, content, tmp_path / "b.pdf")[1] == first and pages >= 2
    with db.sessions.begin() as session:
        add_reviews(session, run_id, [12], Disposition.NOTE, reason="later", reviewer="cy")
    with db.sessions() as session:
        later = load_content(session, run_id, "x")
        later.generated_at = content.generated_at
        assert write_pdf(session, later, tmp_path / "c.pdf")[1] != first


def test_pdf_long_rows_continue_under_a_repeated_header(db, tmp_path) -> None:
    """A run with many flagged lines: the table header is on every page of the table."""
    path = tmp_path / "many.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write("Line,Destination,Export Date,ECCN\n")
        for i in range(120):
            out.write(f"L-{i},HK,2021-03-{1 + i % 28:02d},3A001.a.2\n")
    run = run_screening(db, path, ScreenOptions()).run
    result = write_report(db, run.id, tmp_path / "many.pdf", generated_by="x")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) not installed")
    pages = _pdf_text(tmp_path / "many.pdf").split("\f")
    # "L-": a hyphen, never in the base64 key and signature the cover prints ("L1" could be)
    flagged = [p for p in pages if "L-1" in p and "Reviews\n" not in p]
    assert len(flagged) >= 3
    assert all("Findings" in p and "Disposition" in p for p in flagged)
    assert result.pages == len([p for p in pages if p.strip()])


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_the_findings_print_one_page_wide_at_the_size_the_width_allows(db, run_id, tmp_path
                                                                        ) -> None:
    """Fitted to a page per 60 findings, their text printed at about 3.6 pt (s33 auditor's
    review): one page wide, as many pages tall as they take."""
    import openpyxl

    write_report(db, run_id, tmp_path / "r.xlsx", generated_by="x")
    book = openpyxl.load_workbook(tmp_path / "r.xlsx")
    for name in ("Findings", "Lines"):
        ws = book[name]
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0, name


def test_libreoffice_opens_the_xlsx_report(db, run_id, tmp_path) -> None:
    write_report(db, run_id, tmp_path / "r.xlsx", generated_by="x")
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir",
                    str(tmp_path / "lo"), str(tmp_path / "r.xlsx")], check=True,
                   capture_output=True, timeout=180,
                   env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    text = subprocess.run(["pdftotext", str(tmp_path / "lo" / "r.pdf"), "-"], check=True,
                          capture_output=True, text=True).stdout
    sha = __import__("hashlib").sha256(SAMPLE_XLSX.read_bytes()).hexdigest()
    assert sha in text
    assert "Lines" in text and "34" in text
    assert "LICENSED_AS" in text and "HK-1008" in text  # Findings and Lines rows (spliced)
    pages = subprocess.run(["pdfinfo", str(tmp_path / "lo" / "r.pdf")], check=True,
                           capture_output=True, text=True).stdout
    count = int(next(ln.split()[1] for ln in pages.splitlines() if ln.startswith("Pages:")))
    # (The Findings sheet prints one page wide over as many pages as it takes: fitted to
    # fewer, its text was 3.6 pt, s33.)
    assert count <= 10, f"the sample report prints on {count} pages"
    assert text.count(f"input SHA-256 {sha}") == count  # footer on every page
    assert f"Page {count} of {count}" in text


def test_cli_report_commands(capsys, db_url, tmp_path) -> None:
    code = main(["--database-url", db_url, "screen", str(SAMPLE_XLSX), "--quiet", "--report",
                 str(tmp_path / "s.xlsx"), "--report", str(tmp_path / "s.pdf")])
    out = capsys.readouterr().out
    assert code == 1 and "report written to" in out and (tmp_path / "s.pdf").exists()
    assert out.count(", signed)") == 2
    assert main(["--database-url", db_url, "report", "1", "--out",
                 str(tmp_path / "later.csv")]) == 0
    assert (tmp_path / "later.csv").exists()
    # A CSV carries no signature of its own (s33 auditor's review: "signed" said it did).
    out = capsys.readouterr().out
    assert ", its signature recorded in this database)" in out and "signed)" not in out
    assert main(["--database-url", db_url, "report", "7", "--out", str(tmp_path / "x.csv")]) == 2
    capsys.readouterr()
    assert main(["--database-url", db_url, "verify", str(tmp_path / "s.xlsx"),
                 str(SAMPLE_XLSX)]) == 0
    assert capsys.readouterr().out.count("PASSED") == 7
    (tmp_path / "junk.xlsx").write_bytes(b"junk")
    assert main(["--database-url", db_url, "verify", str(tmp_path / "junk.xlsx")]) == 2
    assert main(["--database-url", db_url, "screen", str(SAMPLE_XLSX), "--report",
                 str(tmp_path / "x.doc")]) == 2


def test_rules_sheet_carries_the_change_log(db, tmp_path) -> None:
    from screening.rules.edit import set_rule_value
    with db.sessions.begin() as session:
        set_rule_value(session, "eccns.csv", {"eccn": "3A991"}, "notes", "checked again",
                       expected=get_notes(session), reason="annual review",
                       citation="15 CFR 774", changed_by="ann")
    run = run_screening(db, SAMPLE_XLSX, ScreenOptions()).run
    write_report(db, run.id, tmp_path / "r.xlsx", generated_by="x")
    book = openpyxl.load_workbook(tmp_path / "r.xlsx", read_only=True)
    text = " ".join(str(v) for r in book["Rules"].iter_rows(values_only=True) for v in r if v)
    assert "change log" in text and "annual review" in text and "ann" in text


def get_notes(session) -> str:  # type: ignore[no-untyped-def]
    from screening.rules.edit import get_rule_value
    return get_rule_value(session, "eccns.csv", {"eccn": "3A991"}, "notes")


def _rules_sections_of(path) -> dict[str, list[tuple]]:  # type: ignore[no-untyped-def]
    """The Rules sheet as {section title: data rows}."""
    book = openpyxl.load_workbook(path, read_only=True)
    sections: dict[str, list[tuple]] = {}
    title = None
    header = False
    for row in book["Rules"].iter_rows(min_row=3, values_only=True):
        cells = [v for v in row if v is not None]
        if not cells:
            title = None
            continue
        if title is None:
            title, header = str(cells[0]), True
            sections[title] = []
        elif header:
            header = False
        else:
            sections[title].append(tuple(row))
    return sections


def test_rules_sheet_lists_regime_changes_and_change_log_separately(db, tmp_path) -> None:
    from screening.rules.edit import set_rule_value
    with db.sessions.begin() as session:
        set_rule_value(session, "eccns.csv", {"eccn": "3A991"}, "notes", "checked again",
                       expected=get_notes(session), reason="annual review",
                       citation="15 CFR 774", changed_by="ann")
        regime_count = len(load_ruleset_of(session).regime_changes)
    run = run_screening(db, SAMPLE_XLSX, ScreenOptions()).run
    write_report(db, run.id, tmp_path / "r.xlsx", generated_by="x")
    sections = _rules_sections_of(tmp_path / "r.xlsx")
    regime = sections["Regime changes"]
    assert regime_count >= 10 and len(regime) == regime_count
    assert any("85 FR 83765" in str(cell) for row in regime for cell in row)
    assert not any("annual review" in str(cell) for row in regime for cell in row)
    log = sections["Rule changes made before this run (change log)"]
    assert len(log) == 1 and log[0][1] == "ann" and "annual review" in log[0]


def load_ruleset_of(session):  # type: ignore[no-untyped-def]
    from screening.rules.ruleset import load_ruleset
    return load_ruleset(session)


def test_every_report_format_gets_the_same_file_mode(db, run_id, tmp_path) -> None:
    import os
    import stat
    old = os.umask(0o022)
    try:
        modes = {}
        for fmt in ("xlsx", "pdf", "csv", "json"):
            write_report(db, run_id, tmp_path / f"r.{fmt}", generated_by="x")
            modes[fmt] = stat.S_IMODE((tmp_path / f"r.{fmt}").stat().st_mode)
        assert set(modes.values()) == {0o644}, modes
        (tmp_path / "r.pdf").chmod(0o600)  # a replaced report keeps the mode it had
        write_report(db, run_id, tmp_path / "r.pdf", generated_by="x")
        assert stat.S_IMODE((tmp_path / "r.pdf").stat().st_mode) == 0o600
    finally:
        os.umask(old)


def test_screen_json_results_get_a_reports_file_mode(db_url, tmp_path) -> None:
    """``screen --json OUT``: the umask's mode like a report (not the temporary file's
    0600), and a replaced results file keeps the mode it had."""
    import os
    import stat
    results = tmp_path / "results.json"
    old = os.umask(0o027)
    try:
        assert main(["--database-url", db_url, "screen", str(SAMPLE_XLSX), "--quiet",
                     "--json", str(results)]) == 1
        assert stat.S_IMODE(results.stat().st_mode) == 0o640
        results.chmod(0o604)
        assert main(["--database-url", db_url, "screen", str(SAMPLE_XLSX), "--quiet",
                     "--json", str(results)]) == 1
        assert stat.S_IMODE(results.stat().st_mode) == 0o604
    finally:
        os.umask(old)


def test_xlsx_print_layout_and_chart(db, run_id, tmp_path) -> None:
    import zipfile
    write_report(db, run_id, tmp_path / "r.xlsx", generated_by="x")
    book = openpyxl.load_workbook(tmp_path / "r.xlsx")
    for sheet in book.worksheets:
        setup = sheet.page_setup
        assert setup.orientation == "landscape", sheet.title
        assert setup.paperSize == 9, sheet.title  # A4 on every sheet
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        assert setup.fitToWidth in (None, 1), sheet.title  # one page wide (1 is the default)
        assert sheet.print_title_rows, sheet.title
        assert f"run {run_id}" in sheet.oddHeader.left.text, sheet.title
        footer = sheet.oddFooter
        assert "input SHA-256 a05cbf1f" in footer.left.text and "&P of &N" in \
            footer.right.text, sheet.title
    assert book["Lines"].print_area == "'Lines'!$A$1:$U$35"  # input columns: screen only
    with zipfile.ZipFile(tmp_path / "r.xlsx") as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 1
        xml = archive.read(charts[0]).decode("utf-8")
    assert "<c:grouping val=\"stacked\"/>" in xml and "Summary!$D$" in xml
    assert "2020-06-30" in xml and "2020-12-23" in xml  # the two changes, marked
    rows = list(book["Summary"].iter_rows(values_only=True))
    table = {r[3]: r[4:9] for r in rows if isinstance(r[3], str) and r[3][:2] == "20"}
    assert "2020-06" in table and "2020-12" in table
    dated = [r for r in book["Lines"].iter_rows(min_row=2, values_only=True) if r[6]]
    assert sum(sum(counts) for counts in table.values()) == len(dated) == 31
    assert any("3 line(s) without an export date" in str(v) for r in rows for v in r)


def test_a_csv_row_wider_than_its_header_is_reported_with_every_cell(db, tmp_path) -> None:
    """Cells beyond the header row are kept: the run names their columns (unnamed), the
    XLSX report shows them and verifies."""
    data = tmp_path / "wide.csv"
    data.write_text("Line ID,Ship Date,Ship-to Country,ECCN\n"
                    "L1,2021-03-01,Hong Kong,5A992.c,extra,more\n"
                    "L2,2021-03-01,Hong Kong,5A992.c\n", encoding="utf-8")
    run = run_screening(db, data, ScreenOptions()).run
    assert run.headers == ["Line ID", "Ship Date", "Ship-to Country", "ECCN", "", ""]
    report = tmp_path / "r.xlsx"
    write_report(db, run.id, report, generated_by="auditor")
    result = verify_report(report, data, db)
    assert [c.status for c in result.checks] == [Status.PASSED] * 7, result.checks
    book = openpyxl.load_workbook(report, read_only=True)
    rows = list(book["Lines"].iter_rows(values_only=True))
    book.close()
    assert rows[0][-2:] == ("Original: column 5", "Original: column 6")
    assert rows[1][-2:] == ("extra", "more") and rows[2][-2:] == (None, None)
    write_report(db, run.id, tmp_path / "r.csv", generated_by="auditor")
    table = (tmp_path / "r.csv").read_text(encoding="utf-8-sig").splitlines()
    assert ",Original: ECCN,Original: column 5,Original: column 6,Run," in table[0]
    assert ",5A992.c,extra,more,1," in table[1]


def test_a_run_recorded_narrower_than_its_lines_is_refused_clearly(db, tmp_path,
                                                                  monkeypatch) -> None:
    """A run recorded before runs named the extra columns: a clear refusal naming the way
    out, and no temporary file of the half-written workbook left beside the target."""
    from screening.ingest.readers import TableSource
    monkeypatch.setattr(TableSource, "widest", property(lambda self: 0,
                                                        lambda self, value: None))
    data = tmp_path / "wide.csv"
    data.write_text("Line ID,Ship Date,Ship-to Country,ECCN\n"
                    "L1,2021-03-01,Hong Kong,5A992.c,extra,more\n", encoding="utf-8")
    run = run_screening(db, data, ScreenOptions()).run
    assert len(run.headers) == 4
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ExportError, match=r"6 cells of the input but names only 4 columns"
                                          r".*hkscreen runs rescreen"):
        write_report(db, run.id, out / "r.xlsx", generated_by="auditor")
    assert list(out.iterdir()) == []


def test_every_lines_table_marks_an_override_and_its_reason(db, tmp_path) -> None:
    """A licence exception confirmed against a finding (GBS suspended for HK-1004) is an
    override: the CSV, the XLSX Lines sheet and the PDF's digest say so with the exception
    and the reason, and the new reports still verify."""
    from screening.reports.content import disposition_text
    run = run_screening(db, SAMPLE_XLSX, ScreenOptions()).run
    with db.sessions.begin() as session:
        add_reviews(session, run.id, [8], Disposition.EXCEPTION_CONFIRMED, reason="eligible",
                    license_exception="GBS", reviewer="A. Officer",
                    override_reason="advisory opinion 2021-07")
        add_reviews(session, run.id, [12], Disposition.HOLD, reason="end use", reviewer="ann")
    want = "Licence exception confirmed GBS; OVERRIDE of a finding: advisory opinion 2021-07"
    for fmt in ("csv", "xlsx", "pdf"):
        write_report(db, run.id, tmp_path / f"o.{fmt}", generated_by="x")
    with (tmp_path / "o.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = {row["Line ID"]: row for row in csv.DictReader(f)}
    assert rows["HK-1004"]["Disposition"] == want
    assert rows["HK-1008"]["Disposition"] == "Hold"  # an ordinary decision: its label alone
    book = openpyxl.load_workbook(tmp_path / "o.xlsx", read_only=True)
    lines = list(book["Lines"].iter_rows(values_only=True))
    book.close()
    column = lines[0].index("Disposition")
    shown = {r[1]: r[column] for r in lines[1:]}
    assert shown["HK-1004"] == want and shown["HK-1008"] == "Hold"
    with db.sessions() as session:
        from screening.store.reviews import run_reviews
        in_force = [r for r in run_reviews(session, run.id) if r.row == 8]
    assert disposition_text(in_force[-1]) == want
    for fmt in ("xlsx", "pdf", "csv"):
        result = verify_report(tmp_path / f"o.{fmt}", SAMPLE_XLSX, db)
        assert result.exit_code == 0, [(c.name, c.status, c.detail) for c in result.checks]
