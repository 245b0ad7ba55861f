"""A restricted-party listing published after a line's export date did not apply to that
export (s33 review: "Huawei International Co., Limited", listed by 84 FR 22961 in 2019,
made a 2018 shipment LICENSE_REQUIRED, a false violation in a look-back screening).

The lists give no listing date, but each Entity List, MEU List, Denied Persons and ITAR
Debarred entry cites its Federal Register notices, and a notice's volume gives its year. A
binding match of an entry whose earliest notice is of a later year than the export is a
REVIEW saying so; one of the same year says the listing may have come after the export."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from screening.model import Finding, Severity
from screening.party_screen import before_listing, listed_in
from tests.conftest import screen_text

HUAWEI = Finding("PARTY_MATCH_ENTITY_LIST", Severity.LICENSE,
                 "Consignee 'Huawei International Co., Limited' matches Entity List entry ...",
                 ("85 FR 29852", "84 FR 22961", "Entity List (EL) - Bureau of Industry and "
                  "Security"))
DENIED = Finding("PARTY_MATCH_DPL", Severity.PROHIBITED, "End user 'X' matches ...",
                 ("81 FR 12345; 83 FR 100",))


def test_the_earliest_notice_gives_the_listing_year() -> None:
    assert listed_in(HUAWEI) == (2019, "84 FR 22961")
    assert listed_in(DENIED) == (2016, "81 FR 12345")
    assert listed_in(Finding("PARTY_MATCH_SDN", Severity.PROHIBITED, "...", ())) is None


@pytest.mark.parametrize(("finding", "date", "severity", "said"), [
    (HUAWEI, dt.date(2018, 9, 1), Severity.REVIEW, "after this line's export date"),
    (HUAWEI, dt.date(2019, 3, 1), Severity.LICENSE, "the year of this export"),
    (HUAWEI, dt.date(2020, 1, 2), Severity.LICENSE, None),
    (DENIED, dt.date(2015, 12, 31), Severity.REVIEW, "after this line's export date"),
    (DENIED, dt.date(2017, 1, 1), Severity.PROHIBITED, None)])
def test_a_binding_match_listed_after_the_export_is_a_review(
        finding: Finding, date: dt.date, severity: Severity, said: str | None) -> None:
    (dated,) = before_listing((finding,), date)
    assert dated.severity is severity
    if said is None:
        assert dated == finding
    else:
        assert said in dated.message and listed_in(finding)[1] in dated.message  # type: ignore[index]


def test_other_findings_and_undated_lines_are_as_they_were() -> None:
    review = Finding("PARTY_MATCH_ENTITY_LIST", Severity.REVIEW, "weaker match", ("84 FR 22961",))
    other = Finding("PARTY_OWNER_MATCH_ENTITY_LIST", Severity.LICENSE, "owner", ("84 FR 22961",))
    found = (review, other, HUAWEI)
    assert before_listing(found, dt.date(2010, 1, 1))[:2] == (review, other)
    assert before_listing(found, None) == found


@pytest.mark.usefixtures("bundled_lists")
def test_a_shipment_before_huawei_s_listing_is_no_violation(tmp_path: Path) -> None:
    party = '"Huawei International Co., Limited"'
    _run, lines = screen_text(
        tmp_path, "Line ID,Ship Date,Ship-to Country,ECCN,Consignee,End User\n"
        f"B1,2018-09-01,Hong Kong,5A992.c,{party},{party}\n"
        f"A1,2020-03-01,Hong Kong,5A992.c,{party},{party}\n")
    assert lines["B1"].verdict == "REVIEW"
    assert any("84 FR 22961, is of 2019, after this line's export date (2018-09-01)"
               in f.message for f in lines["B1"].findings)
    assert lines["A1"].verdict == "LICENSE_REQUIRED"
