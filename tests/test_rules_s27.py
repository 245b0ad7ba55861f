"""Rules found missing or undated in session 27: License Requirement Notes outside the
requirement tables, the firearms ECCNs of 2024, and 9A610.b's later exclusion."""

from __future__ import annotations

import pytest

from tests.conftest import screen_text

HEAD = "Line,Export Date,Ship-to Country,ECCN,End User\n"


def _line(tmp_path, date: str, dest: str, eccn: str):  # type: ignore[no-untyped-def]
    tmp_path.mkdir(parents=True, exist_ok=True)
    _run, lines = screen_text(tmp_path, HEAD + f"T1,{date},{dest},{eccn},Acme Widgets Ltd\n")
    line = lines["T1"]
    return line.verdict, {f.code: f.message for f in line.findings}


@pytest.mark.parametrize("eccn", ["0A506", "0A507.a", "0A508", "0A509"])
def test_the_2024_firearms_eccns_did_not_exist_before_2024_05_30(tmp_path, eccn) -> None:
    """Created by 89 FR 34680 (effective 2024-05-30): a line of 2023 so classified names an
    entry that did not exist (semi-automatic firearms were 0A501 or 0A502 then)."""
    verdict, found = _line(tmp_path, "2023-06-01", "Hong Kong", eccn)
    assert verdict == "REVIEW"
    assert "created on 2024-05-30" in found["ECCN_NOT_IN_FORCE"]


def test_the_2024_firearms_eccns_are_screened_from_2024_05_30(tmp_path) -> None:
    verdict, found = _line(tmp_path, "2024-05-30", "Hong Kong", "0A506")
    assert verdict == "LICENSE_REQUIRED", found
    assert "ECCN_NOT_IN_FORCE" not in found


@pytest.mark.parametrize(("date", "dest"), [("2015-06-01", "China"),
                                             ("2019-03-01", "Hong Kong"),
                                             ("2025-12-31", "Hong Kong")])
def test_9a610_b_before_the_edition_is_a_review(tmp_path, date, dest) -> None:
    """The edition excludes 9A610.b from NS and RS; the 2013 entry did not, and the rule
    between is not dated here: screened on today's rows the line was CLEAR."""
    verdict, found = _line(tmp_path, date, dest, "9A610.b")
    assert verdict == "REVIEW"
    assert "9A610.b (L-100 aircraft made before 2013)" in found["PARAGRAPH_TEXT_UNDATED"]


def test_9a610_b_from_the_edition_and_other_paragraphs_are_screened_as_before(tmp_path) -> None:
    _verdict, found = _line(tmp_path / "b", "2026-09-01", "Hong Kong", "9A610.b")
    assert "PARAGRAPH_TEXT_UNDATED" not in found
    verdict, found = _line(tmp_path / "a", "2015-06-01", "China", "9A610.a")
    assert verdict == "LICENSE_REQUIRED", found
    assert "PARAGRAPH_TEXT_UNDATED" not in found


@pytest.mark.parametrize(("date", "dest"), [("2025-03-01", "Hong Kong"), ("2025-03-01", "China"),
                                             ("2021-01-04", "Hong Kong")])
def test_0a501_y_7_to_china_needs_the_licence_of_the_entrys_note(tmp_path, date, dest) -> None:
    """The License Requirement Note to 0A501 (outside the entry's requirement table): a
    licence for 0A501.y.7 firearms to the People's Republic of China. NS, RS and FC leave
    out .y, so on the table alone the line was CLEAR."""
    verdict, found = _line(tmp_path, date, dest, "0A501.y.7")
    assert verdict == "LICENSE_REQUIRED", found
    assert "0A501.y.7 firearms" in found["SPECIAL_CONTROL"]


def test_other_0a501_y_items_and_other_destinations_are_not_reached(tmp_path) -> None:
    verdict, found = _line(tmp_path / "y1", "2025-03-01", "Hong Kong", "0A501.y.1")
    assert verdict == "CLEAR", found
    verdict, found = _line(tmp_path / "fr", "2025-03-01", "France", "0A501.y.7")
    assert "SPECIAL_CONTROL" not in found
    verdict, found = _line(tmp_path / "y", "2025-03-01", "Hong Kong", "0A501.y")
    assert verdict == "REVIEW"  # .y may be .y.7
    assert "SPECIAL_CONTROL_REVIEW" in found


def test_an_edition_folders_paragraph_rows_may_name_their_own_edition(tmp_path) -> None:
    """Categories 0, 2 and 6-9 come from another edition's text than the folder's: the
    optional ``edition`` column says so per row, and a value that is no date is refused
    naming the file, row and column."""
    import shutil

    from screening.paths import seed_rules_dir
    from screening.rules.ccl_edition import read_edition
    from screening.rules.files import RuleFileError, read_rule_dir

    folder = seed_rules_dir().parent / "ccl" / "edition-2026-08-07"
    aliases = {r["alias"]: r["country_code"]
               for r in read_rule_dir(seed_rules_dir())["country_aliases.csv"]}
    edition = read_edition(folder, "2026-08-07", aliases, "2026-07-23")
    editions = {r.get("edition") for r in edition.files["ccl_paragraphs.csv"]}
    assert {"", "2026-09-24"} <= editions
    copy = tmp_path / "edition"
    shutil.copytree(folder, copy)
    paragraphs = copy / "ccl_paragraphs.csv"
    text = paragraphs.read_text(encoding="utf-8")
    paragraphs.write_text(text.replace(",2026-09-24\n", ",sometime\n", 1), encoding="utf-8")
    with pytest.raises(RuleFileError) as raised:
        read_edition(copy, "2026-08-07", aliases, "2026-07-23")
    assert "column edition: 'sometime': expected a date" in str(raised.value)
