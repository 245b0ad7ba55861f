"""Party and end-user cells that name nobody, hide what they are, or say what hkscreen did
not read (session 18: an independent tester's false CLEARs)."""

from __future__ import annotations

from pathlib import Path

import pytest

from screening.cli import main
from screening.normalize import EndUserType, normalize_end_user_type
from screening.parties import names_no_party
from tests.conftest import import_listed, screen_text

HEADER = "Line,Destination,Export Date,ECCN,Consignee,End User,End User Type\n"


def _with_list(tmp_path: Path) -> None:
    import_listed(tmp_path, "Centre Bright Electronics Company Limited")


@pytest.mark.parametrize("cell", ["N/A", "TBD", "Unknown", "-", "to be advised",
                                  "Various", "????????", "???? (HK) Co",
                                  "1234", "Ltd", "Company Limited", "see above", "Stock", "未知"])
def test_a_party_cell_naming_nobody_is_a_review(tmp_path, cell) -> None:
    """A placeholder, question marks where Excel's ANSI CSV lost the letters, no letters or
    only a legal form: the lists had no name to check (10 of 11 such lines were CLEAR)."""
    _with_list(tmp_path)
    _run, lines = screen_text(tmp_path, HEADER + f'P1,Hong Kong,2023-03-01,EAR99,"{cell}",'
                              f'"{cell}",civil\nP2,Hong Kong,2023-03-01,EAR99,Acme Widgets '
                              f'Trading Ltd,Acme Widgets Trading Ltd,civil\n')
    assert lines["P1"].verdict == "REVIEW"
    found = [f for f in lines["P1"].findings if f.code == "PARTY_NOT_NAMED"]
    assert len(found) == 2 and "names no party" in found[0].message
    assert lines["P2"].verdict == "CLEAR"


@pytest.mark.parametrize("name", ["Acme Widgets Trading Ltd", "3M Hong Kong Limited",
                                  "Unknown Worlds Entertainment", "A1 Telekom", "X-Ray Ltd",
                                  "华为技术有限公司", "Stockholm Trading AB", "7-Eleven",
                                  "Various Ltd", "Stock Spirits",
                                  # (the consignee it names is screened on the line)
                                  "Same as consignee", "Consignee"])
def test_real_names_are_not_taken_for_placeholders(name) -> None:
    assert names_no_party(name) is None


def test_a_consignee_said_to_be_the_consignee_names_nobody(tmp_path) -> None:
    """(Re-run of the hunt:) both cells "same as consignee": no party named anywhere."""
    _with_list(tmp_path)
    _run, lines = screen_text(tmp_path, HEADER + (
        "S1,Hong Kong,2023-03-01,EAR99,same as consignee,same as consignee,civil\n"
        "S2,Hong Kong,2023-03-01,EAR99,Acme Widgets Trading Ltd,Same as consignee,civil\n"))
    assert lines["S1"].verdict == "REVIEW"
    assert ["(a reference to itself)" in f.message for f in lines["S1"].findings
            if f.code == "PARTY_NOT_NAMED"] == [True]
    assert lines["S2"].verdict == "CLEAR"


def test_an_end_user_said_to_be_an_empty_consignee_names_nobody(tmp_path) -> None:
    """(Own check, s19:) end user "Same as consignee" beside an empty consignee cell was
    CLEAR: no name was checked. Fast path (E1) and slow path (E2: an owner sends the line
    there) alike; with the consignee named (E3) the consignee is screened as the end user."""
    _with_list(tmp_path)
    _run, lines = screen_text(tmp_path, (
        "Line,Destination,Export Date,ECCN,Consignee,End User,End User Type,Parent Company\n"
        "E1,Hong Kong,2023-03-01,EAR99,,Same as consignee,civil,\n"
        "E2,Hong Kong,2023-03-01,EAR99,,same as Consignee,civil,Acme Holdings Ltd\n"
        "E3,Hong Kong,2023-03-01,EAR99,Centre Bright Electronics Company Limited,"
        "Same as consignee,civil,\n"
        "E4,Hong Kong,2023-03-01,EAR99,Acme Widgets Trading Ltd,Same as consignee,civil,\n"))
    for line in ("E1", "E2"):
        assert lines[line].verdict == "REVIEW", line
        found = [f for f in lines[line].findings if f.code == "PARTY_NOT_NAMED"]
        assert len(found) == 1 and "the consignee cell is empty" in found[0].message, line
    assert any(f.code.startswith("PARTY_MATCH_") for f in lines["E3"].findings)
    assert lines["E4"].verdict == "CLEAR"


def test_an_other_party_written_as_none_is_no_finding(tmp_path) -> None:
    """(Review:) "NONE" is how forwarders write "no intermediate consignee"."""
    _with_list(tmp_path)
    _run, lines = screen_text(tmp_path, (
        "Line,Destination,Export Date,ECCN,Consignee,Intermediate Consignee,Notify Party\n"
        "F1,Hong Kong,2023-03-01,EAR99,Acme Widgets Trading Ltd,NONE,N/A\n"))
    assert lines["F1"].verdict == "CLEAR"


def test_other_parties_never_stand_in_for_the_consignee_and_end_user(tmp_path) -> None:
    """(Review:) a line naming only a purchaser or notify party was CLEAR, and the run said
    party screening was performed: its consignee and end user were never checked."""
    _with_list(tmp_path)
    run, lines = screen_text(tmp_path, (
        "Line,Destination,Export Date,ECCN,Notify Party\n"
        "F1,Hong Kong,2023-03-01,EAR99,Acme Widgets Trading Ltd\n"
        "F2,Hong Kong,2023-03-01,EAR99,Centre Bright Electronics Company Limited\n"))
    assert not run.party_check["performed"]
    _run, lines = screen_text(tmp_path, (
        "Line,Destination,Export Date,ECCN,Consignee,Notify Party\n"
        "F1,Hong Kong,2023-03-01,EAR99,,Acme Widgets Trading Ltd\n"
        "F2,Hong Kong,2023-03-01,EAR99,,Centre Bright Electronics Company Limited\n"
        "F3,Hong Kong,2023-03-01,EAR99,Acme Widgets Trading Ltd,\n"), name="b.csv")
    assert lines["F1"].verdict == "REVIEW"
    def parties(line):  # type: ignore[no-untyped-def]
        return [f.code for f in line.findings if f.code.startswith("PARTY")]

    assert parties(lines["F1"]) == ["PARTY_NOT_CHECKED"]
    assert parties(lines["F2"]) == ["PARTY_NOT_CHECKED", "PARTY_MATCH_CUSTOM"]
    assert lines["F3"].verdict == "CLEAR"


@pytest.mark.parametrize("name", ["Acme\u00adWidgets Trading Ltd", "Acme Widgets\u200b Trading",
                                  "\u0634\u0631\u06a9\u062a\u200c\u0647\u0627"])
def test_a_soft_hyphen_or_joiner_in_a_name_is_screened_not_refused(tmp_path, name) -> None:
    """(Review:) Persian names need the zero-width non-joiner; a soft hyphen changes no
    name. Bidirectional controls stay refused (the test above). (A name in Arabic script
    is a review all the same: the lists are written in Latin letters.)"""
    _with_list(tmp_path)
    _run, lines = screen_text(tmp_path, HEADER + f"Z1,Hong Kong,2023-03-01,EAR99,{name},,\n")
    assert "UNTRUSTED_CHARACTERS" not in {f.code for f in lines["Z1"].findings}
    if name.isascii() or "Acme" in name:
        assert lines["Z1"].verdict == "CLEAR"
    else:
        assert [f.code for f in lines["Z1"].findings if f.severity.value != "info"] == \
            ["PARTY_NAME_OTHER_SCRIPT"]


@pytest.mark.parametrize(("column", "cell"), [
    ("Consignee", "\u202edetimiL ynapmoC scinortcelE thgirB ertneC\u202c"),
    ("End User", "\u2067detimiL ynapmoC scinortcelE thgirB ertneC"),
    ("End User Type", "Mil\u200bitary intelligence"),
])
def test_a_party_or_end_user_type_cell_with_invisible_characters_is_an_error(
        tmp_path, column, cell) -> None:
    """A listed name written backwards after U+202E displays as itself in Excel and was
    screened as the reversed text (CLEAR); a zero-width space made "Military intelligence"
    an unknown type (CLEAR for EAR99)."""
    _with_list(tmp_path)
    cells = {"Consignee": "Acme Widgets Trading Ltd", "End User": "Acme Widgets Trading Ltd",
             "End User Type": "civil", column: cell}
    _run, lines = screen_text(tmp_path, HEADER + "B1,Hong Kong,2023-03-01,EAR99,"
                              + ",".join(cells[c] for c in ("Consignee", "End User",
                                                           "End User Type")) + "\n")
    assert lines["B1"].verdict == "ERROR"
    (found,) = [f for f in lines["B1"].findings if f.code == "UNTRUSTED_CHARACTERS"]
    assert f"the {column!r} cell was not read" in found.message


@pytest.mark.parametrize(("text", "kind"), [
    ("军事情报", EndUserType.MILITARY_INTELLIGENCE),
    ("軍事情報", EndUserType.MILITARY_INTELLIGENCE),
    ("Mil. intelligence", EndUserType.MILITARY_INTELLIGENCE),
    ("PLA intelligence", EndUserType.MILITARY_INTELLIGENCE),
    ("Intelligence Bureau, Joint Staff Dept", EndUserType.MILITARY_INTELLIGENCE),
    ("軍情", EndUserType.MILITARY_INTELLIGENCE), ("解放军", EndUserType.MILITARY),
    ("Rocket Force", EndUserType.MILITARY_744_END_USE), ("Non-military", EndUserType.CIVIL),
    ("Distributor", EndUserType.OTHER), ("Reseller", EndUserType.OTHER),
    ("End user", EndUserType.OTHER), ("Business intelligence", EndUserType.OTHER),
    ("N/A", None), ("政府", EndUserType.GOVERNMENT),
    # (Review:) civil uses as officers write them; a negation; 冠军 is "champion"
    ("Commercial use", EndUserType.CIVIL), ("Civil end use", EndUserType.CIVIL),
    ("Commercial (non-military)", EndUserType.CIVIL),
    ("Government (non-military)", EndUserType.GOVERNMENT), ("冠军科技", EndUserType.OTHER),
    # (s19:) kinds of party are read; text with no word read is not understood
    ("Hospital", EndUserType.OTHER), ("State-owned enterprise", EndUserType.OTHER),
    ("Unknown", EndUserType.OTHER), ("Research institute", EndUserType.OTHER),
    ("MI", EndUserType.UNRECOGNISED), ("Intelligence", EndUserType.UNRECOGNISED),
    ("Comercial", EndUserType.UNRECOGNISED), ("1", EndUserType.UNRECOGNISED),
    ("Intelligence agency", EndUserType.UNRECOGNISED),
    ("Surveillance bureau", EndUserType.UNRECOGNISED),
    # (s19 review:) industries as companies write them; security services are not read
    ("Pharma", EndUserType.OTHER), ("Power plant", EndUserType.OTHER),
    ("Semiconductor fab", EndUserType.OTHER), ("R&D", EndUserType.OTHER),
    ("工业", EndUserType.OTHER), ("Comm", EndUserType.CIVIL),
    ("Ministry of State Security", EndUserType.UNRECOGNISED),
    ("Cyber security company", EndUserType.OTHER),
])
def test_end_user_types_as_officers_write_them(text, kind) -> None:
    assert normalize_end_user_type(text) == kind


def test_end_user_types_as_written_reach_the_end_use_rules(tmp_path) -> None:
    """15 CFR 744.22 reaches EAR99 items for military-intelligence end users in China (Hong
    Kong included): "PLA intelligence" was read as an unknown type, CLEAR. A distributor is
    not the end user: a Supplement No. 2 item to one is a review, as for a type not given
    (an EAR99 item stays CLEAR, as for a blank type: the rules read a known end user)."""
    _with_list(tmp_path)
    party = "Acme Widgets Trading Ltd"
    _run, lines = screen_text(tmp_path, HEADER + "".join(
        f"{line},Hong Kong,2023-03-01,{eccn},{party},{party},{kind}\n"
        for line, eccn, kind in (
            ("M1", "EAR99", "PLA intelligence"), ("M2", "5A992.c", "Distributor"),
            ("M3", "5A992.c", "Commercial use"), ("M4", "EAR99", "Distributor"))))
    assert lines["M1"].verdict == "LICENSE_REQUIRED"
    assert lines["M2"].verdict == "REVIEW"
    assert "MEU_REVIEW" in {f.code for f in lines["M2"].findings}
    assert lines["M3"].verdict == "CLEAR" and lines["M4"].verdict == "CLEAR"


def test_an_end_user_type_not_understood_is_no_clear_where_rules_read_it(tmp_path) -> None:
    """(Own check, s19:) "MI" as the end-user type of an EAR99 line to Hong Kong was CLEAR:
    744.22 reaches EAR99 items for military-intelligence end users in China, and the cell
    was not understood. Where no end-use rule reads the type (Germany), or the type is a
    kind of party read (a distributor), the line stays CLEAR."""
    _with_list(tmp_path)
    party = "Acme Widgets Trading Ltd"
    _run, lines = screen_text(tmp_path, HEADER + "".join(
        f"{line},{dest},2023-03-01,{eccn},{party},{party},{kind}\n"
        for line, dest, eccn, kind in (
            ("U1", "Hong Kong", "EAR99", "MI"), ("U2", "China", "EAR99", "Comercial"),
            ("U3", "Germany", "EAR99", "MI"), ("U4", "Hong Kong", "EAR99", "Hospital"),
            ("U5", "Hong Kong", "5A992.c", "MI"))))
    for line in ("U1", "U2"):
        assert lines[line].verdict == "REVIEW", line
        (found,) = [f for f in lines[line].findings
                    if f.code == "END_USER_TYPE_NOT_UNDERSTOOD"]
        assert "15 CFR 744.22" in found.citations and "military-intelligence" in found.message
    assert lines["U3"].verdict == "CLEAR" and lines["U4"].verdict == "CLEAR"
    assert lines["U5"].verdict == "REVIEW"
    (meu,) = [f for f in lines["U5"].findings if f.code == "MEU_REVIEW"]
    assert "the end-user type given was not understood" in meu.message


@pytest.mark.parametrize("header", ["Ultimate End User", "Final End User", "Actual End User",
                                    "Name of End User", "EU Name", "最终用户",
                                    # (s19 hunt:) CLEAR, exit 0, nothing said
                                    "Final Consignee", "Ultimate Customer", "Final Customer",
                                    "Endkunde"])
def test_an_end_user_column_as_officers_head_it_is_screened(tmp_path, header) -> None:
    """(Review:) a listed end user under "Ultimate End User" was in no mapped column:
    CLEAR, exit 0, nothing said."""
    _with_list(tmp_path)
    _run, lines = screen_text(tmp_path, f"Line,Destination,Export Date,ECCN,Consignee,{header}\n"
                              "X1,Hong Kong,2023-03-01,EAR99,DHL Global Forwarding (Hong Kong) "
                              "Limited,Centre Bright Electronics Company Limited\n")
    assert lines["X1"].verdict == "REVIEW"  # the custom list's own severity
    assert any(f.code == "PARTY_MATCH_CUSTOM" and f.message.startswith("End user")
               for f in lines["X1"].findings)


@pytest.mark.parametrize("header", ["Receiver", "Recipient", "Goods Recipient",
                                    "Deliver To Name", "Ship-To Party", "Ship To Company",
                                    "Delivery Party"])
def test_a_consignee_column_as_forwarders_head_it_is_screened(tmp_path, header) -> None:
    """(s19 hunt:) listed names under these headers were CLEAR, exit 0, nothing said ("Ship-To
    Party" was even taken for a second destination column and the file refused)."""
    _with_list(tmp_path)
    _run, lines = screen_text(tmp_path, f"Line,Destination,Export Date,ECCN,{header}\n"
                              "X1,Hong Kong,2023-03-01,EAR99,Centre Bright Electronics "
                              "Company Limited\nX2,Hong Kong,2023-03-01,EAR99,Acme Ltd\n")
    assert any(f.code == "PARTY_MATCH_CUSTOM" and f.message.startswith("Consignee")
               for f in lines["X1"].findings)
    assert lines["X2"].verdict == "CLEAR"


@pytest.mark.parametrize("header", ["Purchaser", "Importer", "Intermediate Consignee",
                                    "Notify Party", "Bill-To Name", "Payer"])
def test_other_parties_to_the_transaction_are_screened(tmp_path, header) -> None:
    """15 CFR 744.11 reaches a listed entity that is any party to the transaction (748.5:
    purchaser, intermediate consignee, ultimate consignee, end user)."""
    _with_list(tmp_path)
    _run, lines = screen_text(tmp_path, (
        f"Line,Destination,Export Date,ECCN,Consignee,{header},"
        f"{header.removesuffix(' Name')} Country\n"
        "X1,Hong Kong,2023-03-01,EAR99,Acme Widgets Trading Ltd,Centre Bright Electronics "
        "Company Limited,HK\n"
        "X2,Hong Kong,2023-03-01,EAR99,Acme Widgets Trading Ltd,Acme Widgets Trading Ltd,HK\n"
        "X3,Hong Kong,2023-03-01,EAR99,Acme Widgets Trading Ltd,,HK\n"))
    (found,) = [f for f in lines["X1"].findings if f.code == "PARTY_MATCH_CUSTOM"]
    assert found.message.startswith(f"{header} 'Centre Bright")
    assert lines["X2"].verdict == "CLEAR" and lines["X3"].verdict == "CLEAR"


def test_columns_not_read_are_named_in_the_summary_and_the_json(tmp_path, capsys) -> None:
    """(s19 hunt:) a listed name under a header hkscreen does not know ("EU") was CLEAR,
    exit 0, with nothing on the terminal or in the JSON saying the column was not read."""
    import json

    _with_list(tmp_path)
    path = tmp_path / "eu.csv"
    path.write_text("Line,Destination,Export Date,ECCN,Consignee,EU,,Notes,\n"
                    "E1,Hong Kong,2023-03-01,EAR99,Acme Widgets Trading Ltd,Centre Bright "
                    "Electronics Company Limited,Kong Fat,,\n", encoding="utf-8")
    out = tmp_path / "out.json"
    main(["--database-url", f"sqlite:///{tmp_path / 'hk.sqlite3'}", "screen", str(path),
          "--json", str(out)])
    said = capsys.readouterr().out
    assert "Columns not read (no field mapped" in said
    assert "'EU', 'column G (no header)', 'Notes'" in said
    run = json.loads(out.read_text(encoding="utf-8"))["run"]
    assert run["unmapped_columns"] == ["EU", "column G (no header)", "Notes"]
    assert "Consignee" in run["mapping"].values()


def test_another_name_for_a_party_beside_its_own_is_screened_not_refused(tmp_path) -> None:
    """(s19 review:) with "Receiver" taken for the consignee, files holding "Customer" and
    "Receiver" (or "End User" and "Final Customer") were refused as holding two columns for
    one party: the field's own name wins. (s20:) the other column was then named as not
    read, and a listed name in it left the line CLEAR: it is screened as a further party of
    the line, under its header, on the fast and the slow path (R3: an owner). Alone,
    "Receiver" is the consignee and "Receiver Country" the destination."""
    _with_list(tmp_path)
    listed = "Centre Bright Electronics Company Limited"
    run, lines = screen_text(tmp_path, (
        "Line,Destination,Export Date,ECCN,Customer,Receiver,End User,Final Customer,"
        "Parent Company\n"
        "R1,Hong Kong,2023-03-01,EAR99,Acme Widgets Trading Ltd,Acme Ltd,Acme Ltd,Acme Ltd,\n"
        f"R3,Hong Kong,2023-03-01,EAR99,Acme Widgets Trading Ltd,{listed},Acme Ltd,Acme Ltd,"
        "Acme Holdings Ltd\n"
        f"R4,Hong Kong,2023-03-01,EAR99,Acme Widgets Trading Ltd,Acme Ltd,Acme Ltd,{listed},"
        "\n"))
    assert run.mapping["consignee"] == "Customer" and run.mapping["end_user"] == "End User"
    assert run.unmapped_columns == []
    assert run.party_check["other_party_columns"] == ["Receiver", "Final Customer"]
    assert lines["R1"].verdict == "CLEAR"
    for line, role in (("R3", "Receiver"), ("R4", "Final Customer")):
        found = [f for f in lines[line].findings if f.code == "PARTY_MATCH_CUSTOM"]
        assert found and role in found[0].message, line
        assert lines[line].verdict != "CLEAR", line
    run, lines = screen_text(tmp_path, (
        "Line,Receiver Country,Export Date,ECCN,Receiver\n"
        "R2,Hong Kong,2023-03-01,EAR99,Centre Bright Electronics Company Limited\n"),
        name="b.csv")
    assert run.mapping["destination"] == "Receiver Country"
    assert any(f.code == "PARTY_MATCH_CUSTOM" for f in lines["R2"].findings)


@pytest.mark.parametrize(("consignee", "end_user"), [
    ("", "same as ship to"), ("", "= consignee"), ("", "s/a consignee"),
    # (s20 hunt: each was CLEAR)
    ("", "Refer to consignee"), ("", '""Same as consignee""'), ("", "Idem consignee"),
    ("", "s.a. consignee"), ("", "Consignee itself"), ("", "Buyer"), ("", "Ship-to"),
    ("", "Sold to party"), ("", "wie Empfänger"), ("", "Mismo que consignatario"),
    ("", "ibid"), ("", "do."), ("", "see column E"), ("", "Own use"), ("", "vide supra"),
    ("", "Consignee is end user"), ("", "Same as buyer"), ("", "Same as sold-to"),
    ("", "Idem"), ("", "Same"), ("Same as end user", ""),
    ("Same as end user", "Same as consignee")])
def test_party_cells_pointing_at_each_other_or_at_nothing_name_nobody(
        tmp_path, consignee, end_user) -> None:
    """(s19 review:) each was CLEAR with no name checked; "Same Day Logistics Ltd" is a
    name, and a consignee named beside "Same as consignee" is screened as the end user."""
    _with_list(tmp_path)
    _run, lines = screen_text(tmp_path, HEADER + (
        f'Q1,Hong Kong,2023-03-01,EAR99,"{consignee}","{end_user}",civil\n'
        'Q2,Hong Kong,2023-03-01,EAR99,,Same Day Logistics Ltd,civil\n'
        'Q3,Hong Kong,2023-03-01,EAR99,Acme Widgets Trading Ltd,Same as consignee,civil\n'))
    assert lines["Q1"].verdict == "REVIEW"
    (found,) = [f for f in lines["Q1"].findings if f.code == "PARTY_NOT_NAMED"]
    assert found.message.startswith("No party is named")
    assert lines["Q2"].verdict == "CLEAR" and lines["Q3"].verdict == "CLEAR"


def test_a_party_number_and_its_name_screen_both(tmp_path) -> None:
    """(s19 review:) SAP writes a party's number and its name ("Payer", "Payer Name";
    "Consignee", "Consignee Name"): such files were refused as holding two columns for one
    party. The name column is the party; (s20 hunt:) the number column was left unread,
    and a listed name in it was CLEAR: it is screened as a further party, and a number in
    it is no finding."""
    _with_list(tmp_path)
    listed = "Centre Bright Electronics Company Limited"
    run, lines = screen_text(tmp_path, (
        "Line,Destination,Export Date,ECCN,Consignee,Consignee Name,Payer,Payer Name\n"
        f"N1,Hong Kong,2023-03-01,EAR99,100234,{listed},200345,Acme Ltd\n"
        f"N2,Hong Kong,2023-03-01,EAR99,{listed},Acme Ltd,200345,Acme Ltd\n"
        f"N3,Hong Kong,2023-03-01,EAR99,100234,Acme Ltd,{listed},Acme Ltd\n"
        "N4,Hong Kong,2023-03-01,EAR99,100234,Acme Ltd,200345,Acme Ltd\n"))
    assert run.mapping["consignee"] == "Consignee Name"
    assert run.mapping["purchaser"] == "Payer Name"
    assert run.unmapped_columns == []
    assert run.party_check["other_party_columns"] == ["Consignee", "Payer"]
    for line in ("N1", "N2", "N3"):
        assert any(f.code == "PARTY_MATCH_CUSTOM" for f in lines[line].findings), line
    assert lines["N4"].verdict == "CLEAR"


def test_a_pointer_cell_seen_again_in_a_later_batch_is_still_a_review(tmp_path) -> None:
    """Whether a cell points at another party is worked out once per name (s20, speed): the
    same "Same as consignee" beside an empty consignee, thousands of lines later (another
    batch, the name already seen), is a review as the first one was."""
    _with_list(tmp_path)
    rows = [f"N{i},Hong Kong,2023-03-01,EAR99,Acme Widgets Trading Ltd,Acme Widgets Trading "
            f"Ltd,civil\n" for i in range(6000)]
    rows[3] = "P1,Hong Kong,2023-03-01,EAR99,,Same as consignee,civil\n"
    rows[5990] = "P2,Hong Kong,2023-03-01,EAR99,,Same as consignee,civil\n"
    rows[5991] = "P3,Hong Kong,2023-03-01,EAR99,Acme Widgets Trading Ltd,Same as consignee," \
                 "civil\n"
    _run, lines = screen_text(tmp_path, HEADER + "".join(rows))
    for line in ("P1", "P2"):
        assert lines[line].verdict == "REVIEW", line
        assert [f.code for f in lines[line].findings if f.code == "PARTY_NOT_NAMED"] == \
            ["PARTY_NOT_NAMED"], line
    assert lines["P3"].verdict == "CLEAR"
    assert lines["N5999"].verdict == "CLEAR"


def test_the_report_names_the_columns_not_read_and_the_further_party_columns(
        tmp_path) -> None:
    """An auditor reads from the report's Run sheet which columns were not screened and
    which party columns were screened besides the mapped ones (s20)."""
    import openpyxl

    _with_list(tmp_path)
    shipment = tmp_path / "s.csv"
    shipment.write_text(
        "Line,Destination,Export Date,ECCN,Consignee,Receiver,Notes\n"
        "R1,Hong Kong,2023-03-01,EAR99,Acme Widgets Trading Ltd,"
        "Centre Bright Electronics Company Limited,x\n", encoding="utf-8")
    report = tmp_path / "r.xlsx"
    assert main(["--database-url", f"sqlite:///{tmp_path / 'hk.sqlite3'}", "screen",
                 str(shipment), "--report", str(report), "--quiet"]) == 1
    book = openpyxl.load_workbook(report, read_only=True)
    rows = {r[0]: r[1] for r in book["Run"].iter_rows(values_only=True) if r and r[0]}
    book.close()
    assert rows["Columns not read (no field mapped)"] == "'Notes'"
    assert rows["Further party columns screened (another name of a party beside its own "
                "column)"] == "'Receiver'"


@pytest.mark.parametrize("header", ["EndUser", "Final User", "Ultimate Recipient",
                                    "Endverwender", "Receiving Party", "Empfaenger", "收货方",
                                    "Bill To", "Invoice To", "Also Notify",
                                    "Freight Forwarder", "Forwarder", "Carrier",
                                    "Shipping Agent", "Agent", "Logistics Provider", "3PL",
                                    "Customs Broker", "货代",
                                    # (s21 second hunt)
                                    "Airline", "Shipping Line", "Vessel", "Courier",
                                    "Broker", "NVOCC", "Spedition", "货运代理", "报关行"])
def test_more_names_of_party_columns_are_screened(tmp_path, header) -> None:
    """(s20 hunt:) a listed name under each of these headers was CLEAR, the column only
    named as not read (alone, "EndUser" left the run without party screening). (s21 hunt:)
    so was a forwarder or carrier on the Denied Persons List, whom a denial order bars from
    forwarding and carrying."""
    _with_list(tmp_path)
    run, lines = screen_text(tmp_path, (
        f"Line,Destination,Export Date,ECCN,Consignee,{header}\n"
        "H1,Hong Kong,2023-03-01,EAR99,Acme Ltd,Centre Bright Electronics Company Limited\n"
        "H2,Hong Kong,2023-03-01,EAR99,Acme Ltd,Acme Ltd\n"))
    assert run.unmapped_columns == []
    assert any(f.code == "PARTY_MATCH_CUSTOM" for f in lines["H1"].findings)
    assert lines["H2"].verdict == "CLEAR"


@pytest.mark.parametrize("column", ["Purchaser", "Receiver", "Parent Company"])
def test_lost_letters_in_any_party_column_are_a_review(tmp_path, column) -> None:
    """(s20 hunt:) "????" (Chinese lost in an ANSI save) as the purchaser or a further
    party was CLEAR; only the consignee and end user were checked for it."""
    _with_list(tmp_path)
    _run, lines = screen_text(tmp_path, (
        f"Line,Destination,Export Date,ECCN,Consignee,End User,{column}\n"
        "Q1,Hong Kong,2023-03-01,EAR99,Acme Ltd,Acme Ltd,????\n"
        "Q2,Hong Kong,2023-03-01,EAR99,Acme Ltd,Acme Ltd,N/A\n"))
    assert lines["Q1"].verdict == "REVIEW"
    assert [f.code for f in lines["Q1"].findings if f.severity.value == "review"] == \
        ["PARTY_NOT_NAMED"]


@pytest.mark.parametrize(("name", "script"), [
    ("هواپیمایی ماهان", "Arabic"), ("מהאן אייר", "Hebrew"), ("महान एयर", "Devanagari"),
    ("มาฮานแอร์", "Thai"), ("მაჰან ეარ", "Georgian"), ("Մահան Էյր", "Armenian"),
    ("Μαχάν Έαρ", "Greek"), ("Махан Эйр", "Cyrillic"),
    ("马汉航空", "Chinese, Japanese or Korean"), ("마한항공", "Chinese, Japanese or Korean")])
def test_a_name_in_a_script_the_lists_are_not_written_in_is_a_review(tmp_path, name,
                                                                       script) -> None:
    """(s21 hunt:) Mahan Air (SDN) written in Persian, Hebrew, Devanagari, Thai, Georgian,
    Armenian, Greek, or Russian was CLEAR to the UAE: only Chinese, Japanese and Korean
    names were held unchecked. Latin names with accents are not."""
    _with_list(tmp_path)
    _run, lines = screen_text(tmp_path, HEADER + f"S1,United Arab Emirates,2023-03-01,EAR99,"
                              f"{name},,\nS2,United Arab Emirates,2023-03-01,EAR99,"
                              f"Société Générale Ağ Dış Ticaret Łódź Việt,,\n")
    assert lines["S1"].verdict == "REVIEW"
    found = {f.code: f.message for f in lines["S1"].findings}
    assert f"is written in {script} script and no listed name matched it" in \
        found["PARTY_NAME_OTHER_SCRIPT"]
    assert lines["S2"].verdict == "CLEAR"


def test_a_party_named_as_military_is_a_review_where_the_military_rules_apply(tmp_path) -> None:
    """(s21 hunt:) 'PLA Navy Hospital No. 401', 'Armed Police Corps Logistics Dept', 'Hong
    Kong Garrison Supplies Office' as end user of a Supplement No. 2 item to China were
    CLEAR because the end-user type column said commercial: the military end-user rules go
    by who the party is. Not where no such rule applies (Germany); "Market Forces" is no
    military name."""
    _with_list(tmp_path)
    _run, lines = screen_text(tmp_path, HEADER + (
        "M1,China,2023-05-02,5A992.c,Shek Kip Mei Trading,PLA Navy Hospital No. 401,commercial\n"
        "M2,Hong Kong,2023-05-02,5A992.c,Armed Police Corps Logistics Dept,,civil\n"
        "M3,China,2023-05-02,EAR99,Acme Ltd,Hong Kong Garrison Supplies Office,commercial\n"
        "M4,China,2023-05-02,5A992.c,Acme Ltd,解放军第401医院,commercial\n"
        "M5,Germany,2023-05-02,5A992.c,Acme Ltd,PLA Navy Hospital No. 401,commercial\n"
        "M6,China,2023-05-02,5A992.c,Acme Ltd,Market Forces Ltd,commercial\n"
        # (s21 second hunt)
        "M7,China,2023-05-02,5A992.c,Acme Ltd,Unit 61398,commercial\n"
        "M8,China,2023-05-02,5A992.c,Acme Ltd,PLARF Base 61,commercial\n"
        "M9,Russia,2023-05-02,EAR99,Acme Ltd,Rosgvardia,commercial\n"
        "M10,Venezuela,2023-05-02,5A992.c,Acme Ltd,FANB,commercial\n"
        "M11,China,2023-05-02,5A992.c,Acme Ltd,火箭军工程大学,commercial\n"
        "M12,China,2023-05-02,5A992.c,Acme Ltd,Plan B Trading,commercial\n"))
    for key, word in (("M1", "'pla'"), ("M2", "'armed police'"), ("M3", "'garrison'"),
                      ("M4", "'解放军'"), ("M7", "'Unit 61398'"), ("M8", "'plarf'"),
                      ("M9", "'rosgvardia'"), ("M10", "'fanb'"), ("M11", "'军工'")):
        found = {f.code: f.message for f in lines[key].findings}
        assert lines[key].verdict == "REVIEW", key
        assert f"is named as a military party ({word})" in found["PARTY_NAME_MILITARY"], key
    for key in ("M5", "M6", "M12"):
        assert "PARTY_NAME_MILITARY" not in {f.code for f in lines[key].findings}, key
    # A further end-user column is read for it too.
    _run, lines = screen_text(tmp_path, (
        "Line,Destination,Export Date,ECCN,Consignee,End User,Final Customer\n"
        "F1,China,2023-05-02,5A992.c,Acme Ltd,Acme Ltd,PLA Navy Hospital No. 401\n"),
        name="further.csv")
    assert "PARTY_NAME_MILITARY" in {f.code for f in lines["F1"].findings}
    assert lines["F1"].verdict != "CLEAR"


@pytest.mark.parametrize("cell", ["d°", "dito", "wie oben", "as previous", "ditto (see row 2)",
                                  "same as above (row 4)", "同上"])
def test_a_party_cell_pointing_at_the_row_above_names_nobody(tmp_path, cell) -> None:
    """(s21 second hunt:) a Denied Person in the row above, then "d°" or "wie oben" below:
    the second line was screened against the word and CLEAR."""
    _with_list(tmp_path)
    _run, lines = screen_text(tmp_path, HEADER + (
        "D1,Hong Kong,2023-03-01,EAR99,Acme Ltd,Acme Ltd,commercial\n"
        f"D2,Hong Kong,2023-03-01,EAR99,{cell},Acme Ltd,commercial\n"))
    assert lines["D1"].verdict == "CLEAR"
    found = {f.code: f.message for f in lines["D2"].findings}
    assert lines["D2"].verdict == "REVIEW"
    assert "names no party (a placeholder)" in found["PARTY_NOT_NAMED"]
