"""Restricted parties on real data: the bundled Consolidated Screening List on a fresh install,
the run's statement of which lists were used (or that no party screening was done), list
age, owners and the affiliates rule, and bad list files refused whole."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest
from sqlalchemy import func, select

from screening.cli import main
from screening.db import open_database
from screening.model import Verdict
from screening.parties import MAX_FIELD, PartyListError, read_list_file
from screening.paths import resources_dir
from screening.service import ScreenOptions, run_screening
from screening.store import parties as party_store
from screening.store import party_index_cache
from screening.store.schema import PartyEntryRow

SYNTHETIC = resources_dir() / "lists" / "synthetic_csl.csv"
BUNDLED = resources_dir() / "lists" / "consolidated_screening_list_2026-07-31.csv.gz"
HEADER = "Line ID,Export Date,Destination,ECCN,Consignee"


def _csv(path: Path, header: str, *rows: str) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def _summary(path: Path) -> dict[str, str]:
    wb = openpyxl.load_workbook(path, read_only=True)
    out = {str(r[0]): str(r[1]) for r in wb["Summary"].iter_rows(values_only=True)
           if r and r[0] is not None}
    out.update({f"run:{r[0]}": str(r[1]) for r in wb["Run"].iter_rows(values_only=True)
                if r and r[0] is not None})
    wb.close()
    return out


def _line(doc: dict, line_id: str) -> dict:
    return next(line for line in doc["lines"] if line["line_id"] == line_id)


# --- a fresh install screens against the real list --------------------------------------

def test_fresh_install_screens_a_real_entity_list_entry(bundled_lists, _isolated_data_dir,
                                                        tmp_path, capsys) -> None:
    assert not any(_isolated_data_dir.iterdir())  # an empty data directory
    shipment = _csv(tmp_path / "shipment.csv", HEADER,
                    # "Exodus Microelectronics Company Limited" (Entity List, 75 FR 1699),
                    # with another legal suffix and the words in another order.
                    "EL-1,2026-11-02,Hong Kong,EAR99,MICROELECTRONICS EXODUS LTD.",
                    "OK-1,2026-11-02,Hong Kong,EAR99,Harbourfront Stationery Supplies")
    out, report = tmp_path / "run.json", tmp_path / "run.xlsx"
    code = main(["screen", str(shipment), "--json", str(out), "--report", str(report)])
    assert code == 1
    db = open_database()  # the default database in the data directory, made by the run
    with db.sessions() as session:
        (info,) = party_store.active_lists(session)
    db.dispose()
    assert (info.name, info.list_date, info.entry_count, info.origin) == (
        "Consolidated Screening List", dt.date(2026, 7, 31), 25_921, "bundled")
    assert info.source_counts["Entity List (EL) - Bureau of Industry and Security"] == 3420
    assert info.file_sha256 == party_store.bundled_list_manifest()["sha256"]
    doc = json.loads(out.read_text(encoding="utf-8"))
    line = _line(doc, "EL-1")
    assert line["verdict"] in (Verdict.LICENSE_REQUIRED.value, Verdict.PROHIBITED.value)
    # The list also gives "Exodus Microelectronics Co., Ltd." as an alias of another entry.
    (match,) = [f for f in line["findings"] if f["code"] == "PARTY_MATCH_ENTITY_LIST"
                and "entry 'Exodus Microelectronics Company Limited'" in f["message"]]
    assert f"{match['severity']}" == "license"
    assert "ENTITY_LIST:" in match["message"] and "75 FR 1699" in match["message"]
    assert "75 FR 1699" in match["citations"]
    assert "Entity List (EL) - Bureau of Industry and Security" in match["citations"]
    assert _line(doc, "OK-1")["verdict"] == "CLEAR"
    screening = doc["run"]["party_screening"]
    assert screening["performed"] is True
    (used,) = screening["lists"]
    assert (used["name"], used["list_date"], used["entries"]) == (
        "Consolidated Screening List", "2026-07-31", 25_921)
    assert used["sha256"] == info.file_sha256
    assert screening["thresholds"] == {"strong": 92.0, "weak": 85.0}
    summary = _summary(report)
    assert "Consolidated Screening List of 2026-07-31" in summary["Restricted-party screening"]
    assert info.file_sha256 in summary["run:Party list: Consolidated Screening List"]
    assert "Entity List (EL) - Bureau of Industry and Security: 3,420" in \
        summary["run:Party list: Consolidated Screening List: entries per source"]
    assert summary["run:Party match thresholds (score 0-100)"] == "strong 92, weak 85"

    # The same line with the lists removed: the run says no party screening was done.
    capsys.readouterr()
    assert main(["lists", "remove", "Consolidated Screening List"]) == 0
    code = main(["screen", str(shipment), "--json", str(out), "--report", str(report)])
    stderr = capsys.readouterr().err
    assert "party screening not performed" in stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    # No line is CLEAR: no party was checked (the README's promise; it was CLEAR, exit 0).
    assert code == 1 and _line(doc, "EL-1")["verdict"] == "REVIEW"
    assert [f["code"] for f in _line(doc, "EL-1")["findings"]
            if f["severity"] != "info"] == ["PARTY_NOT_CHECKED"]
    assert doc["run"]["party_screening"]["performed"] is False
    assert "party screening not performed" in doc["run"]["party_screening"]["statement"]
    assert doc["run"]["party_screening"]["lists"] == []
    summary = _summary(report)
    assert "party screening not performed" in summary["Restricted-party screening"]
    assert "party screening not performed" in summary["Party screening warnings"]
    # A removed list is not installed again on the next start.
    db = open_database()
    with db.sessions() as session:
        assert party_store.active_lists(session) == []
    db.dispose()


def test_bundled_list_is_the_published_file() -> None:
    manifest = party_store.bundled_list_manifest()
    assert party_store.list_digest(BUNDLED) == manifest["sha256"]
    fmt, entries = read_list_file(BUNDLED)
    assert fmt == "csl-csv" and len(entries) == manifest["entries"] == 25_921
    codes = {e.list_code for e in entries}
    assert {"ENTITY_LIST", "MEU_LIST", "SDN", "DENIED_PERSONS", "DEBARRED",
            "UNVERIFIED_LIST"} <= codes
    exodus = next(e for e in entries if e.name == "Exodus Microelectronics Company Limited")
    assert exodus.countries == ("HK",) and exodus.federal_register_notice == "75 FR 1699"


# --- list age ------------------------------------------------------------------------------

def _import_synthetic(db_url: str, days_old: int) -> None:
    date = (dt.datetime.now(dt.UTC).date() - dt.timedelta(days=days_old)).isoformat()
    assert main(["--database-url", db_url, "lists", "import", str(SYNTHETIC), "--name",
                 "CSL", "--date", date]) == 0


@pytest.mark.usefixtures("no_lists")  # the test imports the lists it means
@pytest.mark.parametrize(("days", "warned"), [(31, True), (29, False)])
def test_list_age_warning_in_the_run_and_the_reports(db, db_url, tmp_path, days,
                                                     warned) -> None:
    _import_synthetic(db_url, days)
    shipment = _csv(tmp_path / "s.csv", HEADER, "A,2026-11-02,HK,EAR99,Nobody Trading")
    run = run_screening(db, shipment, ScreenOptions(json_out=tmp_path / "r.json")).run
    text = f"CSL of {(dt.datetime.now(dt.UTC).date() - dt.timedelta(days=days))}, " \
           f"{days} days old at screening"
    assert any(text in w for w in run.party_warnings) is warned
    assert bool(run.party_warnings) is warned
    doc = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert doc["run"]["party_screening"]["lists"][0]["age_days"] == days
    from screening.reports import write_report
    write_report(db, run.id, tmp_path / "r.xlsx", generated_by="t")
    write_report(db, run.id, tmp_path / "r.pdf", generated_by="t")
    assert (text in _summary(tmp_path / "r.xlsx").get("Party screening warnings", "")) \
        is warned
    assert (text in _summary(tmp_path / "r.xlsx")["run:Party screening warnings"]) is warned
    import subprocess
    pdf = subprocess.run(["pdftotext", "-raw", str(tmp_path / "r.pdf"), "-"], check=True,
                         capture_output=True, text=True).stdout
    assert (text in " ".join(pdf.split())) is warned


@pytest.mark.usefixtures("no_lists")  # the test imports the lists it means
def test_list_age_limit_is_configurable(db, db_url, tmp_path, monkeypatch) -> None:
    _import_synthetic(db_url, 31)
    shipment = _csv(tmp_path / "s.csv", HEADER, "A,2026-11-02,HK,EAR99,Nobody Trading")
    assert not run_screening(db, shipment, ScreenOptions(list_max_age_days=45)).run \
        .party_warnings
    monkeypatch.setenv("HKSCREEN_LIST_MAX_AGE_DAYS", "40")
    run = run_screening(db, shipment, ScreenOptions(party_strong=95, party_weak=80)).run
    assert not run.party_warnings and run.party_check["max_list_age_days"] == 40
    assert run.party_check["thresholds"] == {"strong": 95, "weak": 80}


@pytest.mark.usefixtures("no_lists")  # the test imports the lists it means
def test_list_age_warning_in_the_workbench_header(qtbot, db, db_url, tmp_path) -> None:
    from PySide6.QtCore import QSettings

    from ui.main_window import MainWindow
    from ui.settings import Settings

    settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    window = MainWindow(db, settings, synchronous_jobs=True)
    qtbot.addWidget(window)
    shipment = _csv(tmp_path / "s.csv", HEADER, "A,2026-11-02,HK,EAR99,Nobody Trading")
    runs = {}
    for days in (31, 29):
        _import_synthetic(db_url, days)
        runs[days] = run_screening(db, shipment, ScreenOptions(), rules=window.rules).run
    window.load_run(runs[31].id)
    assert window.party_label.isVisibleTo(window)
    assert "31 days old at screening" in window.party_label.text()
    window.load_run(runs[29].id)
    assert not window.party_label.isVisibleTo(window)
    assert window.party_label.text() == ""
    # (s19:) columns not read are stated there too
    other = _csv(tmp_path / "o.csv", HEADER + ",EU", "A,2026-11-02,HK,EAR99,Nobody Trading,X")
    window.load_run(run_screening(db, other, ScreenOptions(), rules=window.rules).run.id)
    assert window.party_label.isVisibleTo(window)
    assert "Columns not read (no field mapped): 'EU'" in window.party_label.text()


@pytest.mark.usefixtures("no_lists")  # the test imports the lists it means
def test_no_list_is_stated_in_the_workbench_header(qtbot, db, tmp_path) -> None:
    from PySide6.QtCore import QSettings

    from ui.main_window import MainWindow
    from ui.settings import Settings

    settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    window = MainWindow(db, settings, synchronous_jobs=True)
    qtbot.addWidget(window)
    shipment = _csv(tmp_path / "s.csv", HEADER, "A,2026-11-02,HK,EAR99,Nobody Trading")
    window.load_run(run_screening(db, shipment, ScreenOptions(), rules=window.rules).run.id)
    assert window.party_label.isVisibleTo(window)
    assert "party screening not performed" in window.party_label.text()


# --- owners and the affiliates rule --------------------------------------------------------

OWNED = "Line ID,Export Date,Destination,ECCN,Consignee,Parent Company,Ownership %"


def _owned_run(db, tmp_path: Path, share: str = "60%") -> dict:
    # The owner is the synthetic Entity List entry "Harbour Power Systems Limited" (HK).
    shipment = _csv(tmp_path / "owned.csv", OWNED, *(
        f"{name},{date},HK,EAR99,Kowloon Bay Lighting Ltd,Harbour Power Systems Ltd,{share}"
        for name, date in (("BEFORE", "2025-09-01"), ("SUSPENDED", "2025-12-01"),
                           ("AFTER", "2026-11-20"))))
    out = tmp_path / "owned.json"
    run_screening(db, shipment, ScreenOptions(json_out=out))
    return json.loads(out.read_text(encoding="utf-8"))


def _codes(line: dict) -> list[str]:
    return [f["code"] for f in line["findings"]]


def test_owner_on_the_entity_list_and_the_affiliates_rule_by_date(db, db_url,
                                                                  tmp_path) -> None:
    _import_synthetic(db_url, 1)
    doc = _owned_run(db, tmp_path)
    assert doc["run"]["mapping"]["parent_company"] == "Parent Company"
    assert doc["run"]["mapping"]["ownership_pct"] == "Ownership %"
    for line in doc["lines"]:  # every line names the owner, the entry and the share
        (owner,) = [f for f in line["findings"] if f["code"] == "PARTY_OWNER_MATCH_ENTITY_LIST"]
        assert "'Harbour Power Systems Ltd' (Parent Company column)" in owner["message"]
        assert "Entity List no. 90001" in owner["message"] and "60%" in owner["message"]
    before = _line(doc, "BEFORE")
    assert not [c for c in _codes(before) if c.startswith("AFFILIATES_RULE")]
    assert before["verdict"] == "REVIEW"
    suspended = _line(doc, "SUSPENDED")
    (finding,) = [f for f in suspended["findings"] if f["code"].startswith("AFFILIATES")]
    assert suspended["verdict"] == "REVIEW" and finding["code"] == "AFFILIATES_RULE_SUSPENDED"
    assert "suspended on the export date 2025-12-01" in finding["message"]
    assert "not in force" in finding["message"]
    assert "later Federal Register notice may have changed" in finding["message"]
    assert any("90 FR 47201" in c for c in finding["citations"])
    assert any("No. 216" in c for c in finding["citations"])
    after = _line(doc, "AFTER")
    (finding,) = [f for f in after["findings"] if f["code"].startswith("AFFILIATES")]
    assert after["verdict"] == "LICENSE_REQUIRED" and finding["code"] == "AFFILIATES_RULE"
    assert "in force on the export date 2026-11-20" in finding["message"]
    assert "owned 60%" in finding["message"] and "744.11" in finding["message"]
    assert "later Federal Register notice may have changed" in finding["message"]
    assert "90 FR 47201 (2025-09-30), FR Doc. 2025-19001; 15 CFR 744.11(a)(1)" \
        in finding["citations"]

    # Without the suspension in the rule data, the same line inside the window needs a licence.
    assert main(["--database-url", db_url, "rules", "remove", "affiliate_rules.csv",
                 "id=AFFILIATES-SUSPENDED-2025", "--reason", "test: suspension lifted",
                 "--citation", "test"]) == 0
    doc = _owned_run(db, tmp_path)
    assert _line(doc, "SUSPENDED")["verdict"] == "LICENSE_REQUIRED"
    assert "AFFILIATES_RULE" in _codes(_line(doc, "SUSPENDED"))
    assert not [c for c in _codes(_line(doc, "BEFORE")) if c.startswith("AFFILIATES_RULE")]


def test_owner_share_below_half_or_unknown(db, db_url, tmp_path) -> None:
    _import_synthetic(db_url, 1)
    doc = _owned_run(db, tmp_path, share="40")
    after = _line(doc, "AFTER")
    assert after["verdict"] == "REVIEW" and "AFFILIATES_RULE" not in _codes(after)
    assert "stated ownership share: 40%" in after["findings"][-1]["message"]
    doc = _owned_run(db, tmp_path, share="")
    assert "AFFILIATES_RULE_SHARE_UNKNOWN" in _codes(_line(doc, "AFTER"))
    assert _line(doc, "AFTER")["verdict"] == "REVIEW"
    doc = _owned_run(db, tmp_path, share="sixty")
    bad = _line(doc, "AFTER")
    assert bad["verdict"] == "ERROR"
    assert any("is not an ownership percentage" in f["message"]
               and "owned.csv row 4 col G" in f["message"]
               for f in bad["findings"])


@pytest.mark.parametrize("header", ["Parent Company", "Ultimate Parent", "Owner",
                                    "Beneficial Owner"])
def test_every_owner_column_is_screened(db, db_url, tmp_path, header) -> None:
    _import_synthetic(db_url, 1)
    shipment = _csv(tmp_path / "o.csv", f"Line ID,Export Date,Destination,ECCN,{header}",
                    "A,2021-03-01,HK,EAR99,Pearl Delta Microsystems Company Limited")
    out = tmp_path / "o.json"
    run_screening(db, shipment, ScreenOptions(json_out=out))
    (line,) = json.loads(out.read_text(encoding="utf-8"))["lines"]
    assert "PARTY_OWNER_MATCH_ENTITY_LIST" in _codes(line)
    assert f"({header} column)" in line["findings"][-1]["message"]


def test_owner_column_names_are_recognised() -> None:
    from screening.ingest.columns import Field, guess_field
    assert guess_field("Ultimate Parent Company") is Field.ULTIMATE_PARENT
    assert guess_field("UBO") is Field.BENEFICIAL_OWNER
    assert guess_field("Ownership (%)") is Field.OWNERSHIP_PCT
    assert guess_field("% Owned") is Field.OWNERSHIP_PCT
    assert guess_field("Owner Country") is None
    assert guess_field("Ultimate Consignee") is Field.END_USER


# --- bad list files --------------------------------------------------------------------------

CSL_HEADER = "source,entity_number,name,alt_names,address_countries,federal_register_notice"
EL = "Entity List (EL) - Bureau of Industry and Security"


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("quote.csv", f'{CSL_HEADER}\n{EL},1,Good Co,,HK,\n{EL},2,"Broken Co,,HK,\n{EL},3,X,,HK,\n',
     'quote.csv: row 3: unterminated quote'),
    ("noname.csv", f"{CSL_HEADER}\n{EL},1,Good Co,,HK,\n{EL},2,,,HK,\n",
     "noname.csv: row 3, column name: value required"),
    ("big.csv", f"{CSL_HEADER}\n{EL},1,Good Co,,HK,\n{EL},2,{'A' * (MAX_FIELD + 1)},,HK,\n",
     "big.csv: row 3, column name: 32,769 characters"),
    ("types.json", json.dumps({"results": [
        {"source": EL, "name": "Good Co"},
        {"source": EL, "name": "Other Co", "alt_names": [1, 2]},
        {"source": EL, "name": 7}]}),
     "types.json: result 2, field alt_names: expected a list of text, got list"),
    ("types2.json", json.dumps({"results": [{"source": EL, "name": ["A"]}]}),
     "types2.json: result 1, field name: expected text, got list"),
    ("notobject.json", json.dumps({"results": ["Good Co"]}),
     "notobject.json: result 1: expected an object, got str"),
])
def test_bad_list_files_are_refused_whole(tmp_path, name, content, expected) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(PartyListError) as info:
        read_list_file(path)
    assert any(p.startswith(expected) for p in info.value.problems), info.value.problems


@pytest.mark.usefixtures("no_lists")  # the test imports the lists it means
def test_a_bad_file_leaves_the_previous_list_active(db, db_url, tmp_path, capsys) -> None:
    _import_synthetic(db_url, 1)
    # A bad row after many good ones: thousands of rows are already stored when it is met.
    rows = [f"{EL},{i},Company Number {i},,HK," for i in range(12_000)]
    bad = _csv(tmp_path / "late.csv", CSL_HEADER, *rows, f'{EL},x,"Unclosed,,HK,')
    capsys.readouterr()
    assert main(["--database-url", db_url, "lists", "import", str(bad), "--name", "CSL"]) == 2
    err = capsys.readouterr().err
    assert "list not imported" in err and "late.csv: row 12002: unterminated quote" in err
    with db.sessions() as session:
        (active,) = party_store.active_lists(session)
        stored = session.scalar(select(func.count()).select_from(PartyEntryRow))
    assert active.file_name == "synthetic_csl.csv" and stored == active.entry_count


def test_official_layouts_and_compressed_files(tmp_path) -> None:
    csv_text = (f"{CSL_HEADER},license_requirement\n"
                f'{EL},,"Example Optics Co., Ltd.",Ex Optics; EO,CN;HK,88 FR 1,For all items\n')
    path = tmp_path / "csl.csv.gz"
    path.write_bytes(gzip.compress(csv_text.encode("utf-8")))
    fmt, (entry,) = read_list_file(path)
    assert fmt == "csl-csv" and entry.countries == ("CN", "HK")
    assert entry.alt_names == ("Ex Optics", "EO") and entry.number == ""
    assert entry.key.startswith("ENTITY_LIST:") and "no entity number" in entry.reference
    assert party_store.list_digest(path) == __import__("hashlib").sha256(
        csv_text.encode("utf-8")).hexdigest()


def test_the_built_index_is_kept_and_a_damaged_copy_rebuilt(db, db_url) -> None:
    from screening.parties import PartyIndex
    from screening.paths import data_dir
    _import_synthetic(db_url, 1)  # the import builds and keeps the index
    (cached,) = (data_dir() / "cache").glob("party-index-*.marshal")
    stamp = cached.stat().st_mtime_ns
    with db.sessions() as session:
        index, _lists = party_store.load_index(session, strong=95, weak=80)
        fresh = PartyIndex.build(party_store.load_entries(session), 95, 80)
    # The run read the copy the import made (it did not build and write another).
    assert list((data_dir() / "cache").glob("party-index-*.marshal")) == [cached]
    assert cached.stat().st_mtime_ns == stamp
    assert index is not None and (index.strong, index.weak) == (95, 80)
    # The cached entries become PartyEntry objects as they are read (a sequence, not a list).
    assert len(index.entries) == len(fresh.entries) and len(index.owners) == len(fresh.owners)
    assert list(index.owners) == fresh.owners and index.owners[-2:] == fresh.owners[-2:]
    assert index.entries[-1] == fresh.entries[-1] and index.entries[1:3] == fresh.entries[1:3]
    assert list(index.entries) == fresh.entries and index.names == fresh.names
    assert index.tokens == fresh.tokens
    assert index.match("Harbour Power Systems Ltd", "HK") == \
        fresh.match("Harbour Power Systems Ltd", "HK")
    cached.write_bytes(b"not marshal data")
    with db.sessions() as session:
        again, _lists = party_store.load_index(session)
    assert again is not None and again.entries == fresh.entries
    # A readable file whose packed parts were damaged is rebuilt too, not used: one byte
    # changed anywhere past its first line, or the file cut short.
    key = cached.stem.removeprefix("party-index-")
    good = cached.read_bytes()
    assert party_index_cache.load(key, 92, 85) is not None
    for at in (40, len(good) // 2, len(good) - 1):
        cached.write_bytes(good[:at] + bytes([good[at] ^ 0x20]) + good[at + 1:])
        assert party_index_cache.load(key, 92, 85) is None, at
    for cut in (len(good) - 1, 30, 0):
        cached.write_bytes(good[:cut])
        assert party_index_cache.load(key, 92, 85) is None, cut


def test_the_kept_index_unpacks_only_what_a_run_reads(db, db_url) -> None:
    """A small run reads a few of the list's names: the kept index maps its file and
    unpacks a part (a chunk of entries, a bucket of search keys, a list of texts) only when
    it is first read (s20, start-up), and reads the same as the index built afresh."""
    from screening.parties import PartyIndex
    _import_synthetic(db_url, 1)
    with db.sessions() as session:
        index, _lists = party_store.load_index(session)
        fresh = PartyIndex.build(party_store.load_entries(session))
    assert index is not None
    packed = [name for name in ("names", "compact", "sorted_names") if
              type(index.__dict__[name]).__name__ == "_Text"]
    assert packed == ["names", "compact", "sorted_names"]
    postings = index.tokens
    assert not postings._opened  # type: ignore[attr-defined]
    assert index.match("Nobody Listed Trading", "HK") == fresh.match("Nobody Listed Trading",
                                                                      "HK")
    opened = set(postings._opened)  # type: ignore[attr-defined]
    assert opened and len(opened) < len(postings._buckets)  # type: ignore[attr-defined]
    assert index.names == fresh.names and type(index.__dict__["names"]) is list
    assert sorted(index.tokens) == sorted(fresh.tokens) and len(index.tokens) == \
        len(fresh.tokens)
    assert index.tokens.get("no such key") is None and "no such key" not in index.tokens


@pytest.mark.usefixtures("no_lists")
def test_a_check_against_undated_lists_only_leaves_no_line_clear(tmp_path: Path) -> None:
    """(s21 hunt:) with only a list imported without --date, the run said party screening
    was performed and every line was CLEAR, exit 0: a CLEAR needs the check to have run on
    a dated list. One dated list among them is enough."""
    watch = tmp_path / "watch.csv"
    watch.write_text("name,country\nHikvision,CN\n", encoding="utf-8")
    shipment = tmp_path / "s.csv"
    shipment.write_text("Line,Destination,Export Date,ECCN,Consignee\n"
                        "U1,Germany,2023-05-02,EAR99,Acme Ltd\n", encoding="utf-8")
    out = tmp_path / "o.json"
    assert main(["lists", "import", str(watch), "--name", "Watch"]) == 0
    assert main(["screen", str(shipment), "--json", str(out), "--quiet"]) == 1
    line = _line(json.loads(out.read_text(encoding="utf-8")), "U1")
    assert line["verdict"] == "REVIEW"
    assert [f["code"] for f in line["findings"]] == ["PARTY_LIST_UNDATED"]
    assert "--date" in line["findings"][0]["message"]
    assert main(["lists", "import", str(SYNTHETIC), "--name", "CSL dated",
                 "--date", dt.date.today().isoformat()]) == 0
    assert main(["screen", str(shipment), "--json", str(out), "--quiet"]) == 0
    assert _line(json.loads(out.read_text(encoding="utf-8")), "U1")["verdict"] == "CLEAR"


@pytest.mark.usefixtures("no_lists")
def test_a_custom_list_alone_leaves_no_line_clear(tmp_path: Path) -> None:
    """(s21 second hunt:) with the bundled list removed and only a dated custom watch list
    of one name imported, every line was CLEAR with no word that no government list was
    checked. A CLEAR needs dated lists holding the Entity List, the Denied Persons List and
    the SDN List; a list with only some of them says which are missing."""
    watch = tmp_path / "watch.csv"
    watch.write_text("name,country\nHikvision,CN\n", encoding="utf-8")
    entity_only = tmp_path / "el.csv"
    entity_only.write_text("name,source,country\nNobody Listed Here Trading,"
                           "Entity List (EL) - Bureau of Industry and Security,CN\n",
                           encoding="utf-8")
    shipment = tmp_path / "s.csv"
    shipment.write_text("Line,Destination,Export Date,ECCN,Consignee\n"
                        "U1,Germany,2023-05-02,EAR99,Acme Ltd\n", encoding="utf-8")
    out = tmp_path / "o.json"
    today = dt.date.today().isoformat()
    assert main(["lists", "import", str(watch), "--name", "Watch", "--date", today]) == 0
    assert main(["screen", str(shipment), "--json", str(out), "--quiet"]) == 1
    data = json.loads(out.read_text(encoding="utf-8"))
    line = _line(data, "U1")
    assert line["verdict"] == "REVIEW"
    assert [f["code"] for f in line["findings"]] == ["PARTY_LISTS_INCOMPLETE"]
    assert ("no dated list holding the Entity List, Denied Persons List or SDN List"
            in line["findings"][0]["message"])
    assert any("Entity List" in w for w in data["run"]["party_screening"]["warnings"])
    assert main(["lists", "import", str(entity_only), "--name", "EL", "--date", today]) == 0
    assert main(["screen", str(shipment), "--json", str(out), "--quiet"]) == 1
    line = _line(json.loads(out.read_text(encoding="utf-8")), "U1")
    assert "holding the Denied Persons List or SDN List:" in line["findings"][0]["message"]
    # A custom list naming a government list in its rows is still a custom list.
    assert main(["lists", "import", str(SYNTHETIC), "--name", "CSL", "--date", today]) == 0
    assert main(["screen", str(shipment), "--json", str(out), "--quiet"]) == 0



@pytest.mark.usefixtures("no_lists")
def test_a_list_dated_in_the_future_is_refused_and_counts_as_undated(tmp_path: Path) -> None:
    """(s21 second hunt:) --date 2099-01-01 was taken: lines CLEAR, and the list's age never
    warned again. Refused at import; a list already held with such a date is no dated list."""
    from screening.party_screen import UNDATED_LISTS, lists_findings

    watch = tmp_path / "watch.csv"
    watch.write_text("name,country\nHikvision,CN\n", encoding="utf-8")
    assert main(["lists", "import", str(watch), "--name", "Watch", "--date", "2099-01-01"]) == 2
    today = dt.date(2026, 12, 2)
    held = {"Entity List (EL) - Bureau of Industry and Security": 1,
            "Denied Persons List (DPL) - Bureau of Industry and Security": 1,
            "Specially Designated Nationals (SDN) - Treasury Department": 1}

    def listed(date: dt.date) -> SimpleNamespace:
        return SimpleNamespace(list_date=date, format="csl-csv", source_counts=held)

    assert lists_findings([listed(dt.date(2099, 1, 1))], today) == (UNDATED_LISTS,)
    assert lists_findings([listed(dt.date(2099, 1, 1)), listed(today)], today) == ()


@pytest.mark.usefixtures("no_lists", "list_sizes")
def test_a_list_naming_the_government_lists_but_holding_a_part_of_them_is_incomplete(
        tmp_path: Path) -> None:
    """(s22 second review:) a three-row file with the three lists as sources, imported with
    a date after the bundled list was removed, left Huawei and Mahan Air CLEAR: a list
    holding under half the entries the bundled list had of one is a part of it."""
    three = tmp_path / "wl.csv"
    three.write_text("name,source,country\n" + "".join(
        f"Nobody {n},{source},XX\n" for n, source in enumerate((
            "Entity List (EL) - Bureau of Industry and Security",
            "Denied Persons List (DPL) - Bureau of Industry and Security",
            "Specially Designated Nationals (SDN) - Treasury Department")))
        , encoding="utf-8")
    shipment = tmp_path / "s.csv"
    shipment.write_text("Line,Destination,Export Date,ECCN,Consignee\n"
                        "U1,Germany,2023-05-02,EAR99,Acme Ltd\n", encoding="utf-8")
    out = tmp_path / "o.json"
    assert main(["lists", "import", str(three), "--name", "WL",
                 "--date", dt.date.today().isoformat()]) == 0
    assert main(["screen", str(shipment), "--json", str(out), "--quiet"]) == 1
    line = _line(json.loads(out.read_text(encoding="utf-8")), "U1")
    assert [f["code"] for f in line["findings"]] == ["PARTY_LISTS_INCOMPLETE"]
    assert ("Entity List in full (1 entries, where the Consolidated Screening List of "
            "2026-07-31 had 3,420)") in line["findings"][0]["message"]


@pytest.mark.usefixtures("list_sizes")
def test_the_bundled_manifest_counts_the_lists_a_clear_needs() -> None:
    from collections import Counter

    from screening.parties import REQUIRED_LISTS, bundled_list_sizes, list_kind

    counts: Counter[str] = Counter()
    with gzip.open(resources_dir() / "lists" / "consolidated_screening_list_2026-07-31.csv.gz",
                   "rt", encoding="utf-8") as handle:
        import csv
        for row in csv.DictReader(handle):
            counts[list_kind(row["source"])[0]] += 1
    sizes, edition = bundled_list_sizes.__wrapped__()
    assert sizes == {code: counts[code] for code, _label in REQUIRED_LISTS}
    assert edition == "Consolidated Screening List of 2026-07-31"
