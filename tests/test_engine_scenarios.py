"""Scenario tests written from ../shared/reference (timeline, Country Chart, exceptions).

Each scenario's id states the regulatory fact it checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from screening.engine import screen_line
from screening.model import Severity, Verdict
from screening.normalize import EndUserType
from tests.conftest import make_line

MIL, CIV, GOV = EndUserType.MILITARY, EndUserType.CIVIL, EndUserType.GOVERNMENT
LR, RV, CL, ER = Verdict.LICENSE_REQUIRED, Verdict.REVIEW, Verdict.CLEAR, Verdict.ERROR


@dataclass(frozen=True)
class S:
    fact: str
    dest: str | None
    date: str | None
    eccn: str | None
    verdict: Verdict
    licensing: str | None = None
    newly: bool = False
    has: tuple[str, ...] = ()
    lacks: tuple[str, ...] = ()
    exception: str | None = None
    license_number: str | None = None
    end_user: EndUserType | None = None
    ultimate: str | None = None
    kw: dict = field(default_factory=dict)


SCENARIOS = [
    # --- Regime R3: from 2020-12-23 Hong Kong is licensed on China's row (85 FR 83765) ----
    S("85 FR 83765: HK on 2020-12-23 is licensed as CN", "HK", "2020-12-23", "EAR99", CL, "CN",
      has=("LICENSED_AS",)),
    S("85 FR 83765: HK on 2020-12-22 still uses its own row", "HK", "2020-12-22", "EAR99", CL,
      "HK", lacks=("LICENSED_AS",)),
    S("CN row has NP2 X; HK_PRE2020 (inferred) did not: 2A290 newly licensable", "HK",
      "2021-03-01", "2A290", LR, "CN", True, has=("CHART_LICENSE_REQUIRED", "NEWLY_LICENSABLE")),
    S("2A290 to HK before the change: NP2 blank on HK's old row, so no chart licence", "HK",
      "2020-03-01", "2A290", CL, "HK", lacks=("CHART_LICENSE_REQUIRED",)),
    S("2D290 software follows 2A290: NP2 licence for HK as CN", "HK", "2022-01-10", "2D290",
      LR, "CN", True, has=("CHART_LICENSE_REQUIRED",)),
    S("NS2 X for HK since 2014-12-23 (79 FR 76867): 3A001 not newly licensable in 2021", "HK",
      "2021-03-01", "3A001.a.2", LR, "CN", False, has=("CHART_LICENSE_REQUIRED",),
      lacks=("NEWLY_LICENSABLE",)),
    S("79 FR 76867: NS2 added for HK on 2014-12-23, so 3A001 needed a licence in 2018", "HK",
      "2018-05-01", "3A001.a.2", LR, "HK", has=("CHART_LICENSE_REQUIRED",)),
    S("Before 2014-12-23 HK had no NS2 X: 3A001.a.2 (NS2 only) needed no licence", "HK",
      "2014-06-01", "3A001.a.2", CL, "HK"),
    S("3A001.b.2 is NS1 and RS1 controlled: HK_PRE2020 has NS1 X", "HK", "2019-05-01",
      "3A001.b.2", LR, "HK", has=("CHART_LICENSE_REQUIRED",)),
    S("EAR99 has no chart columns: CLEAR to HK after 2020-12-23", "HK", "2022-05-05", "EAR99",
      CL, "CN", lacks=("CHART_LICENSE_REQUIRED", "EEI_REQUIRED")),
    S("AT-only 5A992.c to a commercial HK end user needs no licence", "HK", "2021-02-15",
      "5A992.c", CL, "CN", end_user=CIV, has=("MEU_DECLARED_CIVIL",)),
    # --- Military end use/user (15 CFR 744.21), HK from 2020-12-23 ---------------------------
    S("744.21: Supp. No. 2 item 5A992 to a military end user in HK after 2020-12-23", "HK",
      "2021-03-08", "5A992.c", LR, "CN", True, end_user=MIL, has=("MEU_LICENSE_REQUIRED",)),
    S("744.21 did not name HK before 2020-12-23, but a military end user there is REVIEW",
      "HK", "2020-10-01", "5A992.c", RV, "HK", end_user=MIL, has=("MEU_HK_2020_REVIEW",),
      lacks=("MEU_LICENSE_REQUIRED",)),
    S("744.21: Supp. No. 2 item with no end-user type is REVIEW, never CLEAR", "HK",
      "2021-04-19", "3A991", RV, "CN", has=("MEU_REVIEW",)),
    S("744.21 covers China military end users from 2020-06-29", "CN", "2020-07-15", "3A991",
      LR, "CN", end_user=MIL, has=("MEU_LICENSE_REQUIRED",)),
    S("85 FR 23459: 3A991 added to Supp. No. 2 effective 2020-06-29 (not before)", "CN",
      "2020-06-28", "3A991", CL, "CN", end_user=MIL, lacks=("MEU_LICENSE_REQUIRED",)),
    S("744.21 does not reach EAR99 items", "HK", "2021-05-01", "EAR99", RV, "CN", end_user=MIL,
      lacks=("MEU_LICENSE_REQUIRED",), has=("MIEU_REVIEW",)),
    S("744.22 (86 FR 4865): military end user of EAR99 in China needs review from 2021-03-16",
      "CN", "2021-03-16", "EAR99", RV, "CN", end_user=MIL, has=("MIEU_REVIEW",)),
    S("744.22 not in force before 2021-03-16", "CN", "2021-03-15", "EAR99", CL, "CN",
      end_user=MIL, lacks=("MIEU_REVIEW",)),
    S("Government end user for a Supp. No. 2 item is REVIEW", "HK", "2021-06-01", "4A994", RV,
      "CN", end_user=GOV, has=("MEU_REVIEW",)),
    S("Supp. No. 2 lists 5D991: military end user in China needs a licence", "CN",
      "2021-06-01", "5D991", LR, "CN", end_user=MIL, has=("MEU_LICENSE_REQUIRED",)),
    S("Supp. No. 2 status unknown (9A012, added on an unconfirmed date) is REVIEW", "CN",
      "2021-06-01", "9A012.a.1", LR, "CN", end_user=MIL, has=("MEU_REVIEW",)),
    # --- License exceptions: suspension 2020-06-30 (740.2(a)(23)) and removal 2020-12-23 ------
    S("GBS available for HK (Country Group B) before 2020-06-30: REVIEW eligibility", "HK",
      "2020-05-14", "3A001.a.2", RV, "HK", exception="GBS",
      has=("LICENSE_EXCEPTION_CHECK",), lacks=("LICENSE_EXCEPTION_SUSPENDED",)),
    S("740.2(a)(23): GBS suspended for HK from 2020-06-30", "HK", "2020-08-17", "3A001.a.2",
      LR, "HK", True, exception="GBS", has=("LICENSE_EXCEPTION_SUSPENDED",)),
    S("GBS for HK after 2020-12-23: HK only gets what China gets", "HK", "2021-07-02",
      "3A001.a.2", LR, "CN", True, exception="GBS", has=("LICENSE_EXCEPTION_SUSPENDED",)),
    S("LVS suspended for HK from 2020-06-30", "HK", "2020-07-01", "3A001.a.2", LR, "HK", True,
      exception="LVS", has=("LICENSE_EXCEPTION_SUSPENDED",)),
    S("STA (740.20(c)(2), HK in A:6) suspended for HK from 2020-06-30", "HK", "2020-09-01",
      "3A001.a.2", LR, "HK", True, exception="STA", has=("LICENSE_EXCEPTION_SUSPENDED",)),
    S("TSR suspended for HK from 2020-06-30", "HK", "2020-10-10", "3A001.b.2", LR, "HK", True,
      exception="TSR", has=("LICENSE_EXCEPTION_SUSPENDED",)),
    S("3E001 technology scope is prose ('technology for commodities controlled by ...'): "
      "REVIEW quoting it, never CLEAR", "HK", "2020-10-10", "3E001", RV, "HK",
      has=("CHART_PARAGRAPH_DEPENDENT",)),
    S("GBS never available for China (not in Country Group B)", "CN", "2019-01-10",
      "3A001.a.2", LR, "CN", exception="GBS", has=("LICENSE_EXCEPTION_NOT_AVAILABLE",)),
    S("CIV removed for every destination effective 2020-06-29", "CN", "2020-07-01",
      "3A001.a.2", LR, "CN", exception="CIV", has=("LICENSE_EXCEPTION_REMOVED",)),
    S("APP Tier 1 for HK suspended 2020-06-30; only China's Tier 3 remains (partial)", "HK",
      "2020-08-01", "4A003", RV, "HK", exception="APP", has=("LICENSE_EXCEPTION_CHECK",)),
    S("ENC not among the suspended HK exceptions: REVIEW, not LICENSE_REQUIRED", "HK",
      "2020-11-03", "5A002", RV, "HK", exception="ENC", has=("LICENSE_EXCEPTION_CHECK",)),
    S("GBS still available to Singapore (Country Group B)", "SG", "2021-02-02", "3A001.a.2", RV,
      "SG", exception="GBS", has=("LICENSE_EXCEPTION_CHECK",)),
    S("A suspended exception claimed where no licence is needed is still flagged", "HK",
      "2020-08-01", "EAR99", RV, "HK", exception="GBS", has=("LICENSE_EXCEPTION_SUSPENDED",)),
    S("Unknown license exception code is REVIEW", "HK", "2021-03-01", "3A001.a.2", LR, "CN",
      exception="XYZ", has=("UNKNOWN_LICENSE_EXCEPTION",)),
    S("NLR claimed where the chart requires a licence", "HK", "2021-03-01", "2A290", LR, "CN",
      True, exception="NLR", has=("NLR_NOT_AVAILABLE",)),
    S("Licence number cited: REVIEW to confirm it covers the line", "HK", "2021-09-30",
      "3A001.a.2", RV, "CN", license_number="D1234567", has=("LICENSE_CITED",)),
    # --- Savings clauses ------------------------------------------------------------------------
    S("Savings clause: NLR lost on 2020-12-23, exported by 2021-01-22 (INFO)", "HK",
      "2021-01-10", "2A290", LR, "CN", True, exception="NLR", has=("SAVINGS_CLAUSE",)),
    S("Savings clause edge date 2021-01-22 needs REVIEW", "HK", "2021-01-22", "2A291", LR,
      "CN", True, exception="NLR", has=("SAVINGS_CLAUSE_EDGE",)),
    S("No savings clause after 2021-01-22", "HK", "2021-01-25", "2A290", LR, "CN", True,
      lacks=("SAVINGS_CLAUSE", "SAVINGS_CLAUSE_EDGE")),
    S("June 30 savings clause: GBS shipment on dock 2020-06-30", "HK", "2020-06-30",
      "3A001.a.2", LR, "HK", True, exception="GBS", has=("SAVINGS_CLAUSE",)),
    # --- EEI (Note to 758.1(b)(10)) ----------------------------------------------------------
    S("EEI required for every CCL item to HK from 2020-12-23 regardless of value", "HK",
      "2020-12-23", "5A992.c", CL, "CN", end_user=CIV, has=("EEI_REQUIRED",)),
    S("No China EEI rule for HK before 2020-12-23", "HK", "2020-12-22", "5A992.c", CL, "HK",
      end_user=CIV, lacks=("EEI_REQUIRED",)),
    S("EEI for all CCL items to China from 2020-09-27", "CN", "2020-09-27", "4A994", CL, "CN",
      end_user=CIV, has=("EEI_REQUIRED",)),
    S("Before 2020-09-27 China EEI only for Supp. No. 2 items", "CN", "2020-08-01", "3A001.a.2",
      LR, "CN", lacks=("EEI_REQUIRED",)),
    # --- Transshipment and other destinations ---------------------------------------------------
    S("Ultimate consignee in CN via HK is screened as CN and flagged", "HK", "2019-05-05",
      "3A001.a.2", LR, "CN", ultimate="CN", has=("TRANSSHIPMENT_TO_CN", "CHART_LICENSE_REQUIRED")),
    S("Macau stays a separate destination (not mapped to CN)", "MO", "2022-05-02", "5A992.c",
      CL, "MO", end_user=CIV, lacks=("LICENSED_AS", "MEU_DECLARED_CIVIL")),
    S("3A090 RS licence for China from 2022-10-07 reaches HK (87 FR 62186)", "HK",
      "2023-02-01", "3A090", LR, "CN", True, has=("SPECIAL_CONTROL",)),
    S("3A090 RS requirement for Macau only from 2023-01-18 (88 FR 2821)", "MO", "2022-11-01",
      "3A090", CL, "MO", lacks=("SPECIAL_CONTROL",)),
    S("3A090 RS requirement reaches Macau from 2023-01-18", "MO", "2023-01-18", "3A090", LR,
      "MO", has=("SPECIAL_CONTROL",)),
    S("Embargoed destination (E:1) needs a licence even for EAR99", "IR", "2021-01-01", "EAR99",
      LR, "IR", has=("EMBARGOED_DESTINATION",)),
    S("Germany has no NS2 X: 3A001.a.2 needs no licence", "DE", "2021-02-03", "3A001.a.2", CL,
      "DE"),
    # --- Indeterminate and unscreenable lines --------------------------------------------------
    S("ECCN not on the Control List is REVIEW (indeterminate), never CLEAR", "HK",
      "2025-01-08", "4A998", RV, "CN", has=("UNKNOWN_ECCN",)),
    S("4A003 NS columns depend on the paragraph: REVIEW", "HK", "2022-03-14", "4A003", RV, "CN",
      has=("CHART_PARAGRAPH_DEPENDENT",)),
    S("3A999 off-chart rows name North Korea and Iraq only; to HK as China the Supp. No. 2 "
      "military end-use check is what remains: REVIEW", "HK", "2022-03-14", "3A999", RV, "CN",
      has=("MEU_REVIEW",), lacks=("SPECIAL_CONTROL", "CHART_LICENSE_REQUIRED")),
    S("3A999 to North Korea: AT licence under the entry's own words (742.19) and Part 746",
      "KP", "2022-03-14", "3A999", LR, "KP", has=("SPECIAL_CONTROL", "EMBARGOED_DESTINATION")),
    S("Missing destination is ERROR", None, "2021-03-01", "5A992.c", ER, None,
      has=("MISSING_VALUE",)),
    S("Missing export date is ERROR", "HK", None, "5A992.c", ER, None, has=("MISSING_VALUE",)),
    S("Missing classification is ERROR", "HK", "2021-03-01", None, ER, None,
      has=("MISSING_VALUE",)),
]


@pytest.mark.parametrize("s", SCENARIOS, ids=[s.fact for s in SCENARIOS])
def test_scenario(s: S, rules) -> None:
    line = make_line(s.dest, s.date, s.eccn, exception=s.exception,
                     license_number=s.license_number, end_user_type=s.end_user,
                     ultimate=s.ultimate)
    result = screen_line(line, rules)
    codes = [f.code for f in result.findings]
    assert result.verdict is s.verdict, (s.fact, [(f.code, f.severity) for f in result.findings])
    assert result.licensing_destination == s.licensing
    assert result.newly_licensable is s.newly, codes
    for code in s.has:
        assert code in codes, (code, codes)
    for code in s.lacks:
        assert code not in codes, (code, codes)


def test_at_least_forty_scenarios() -> None:
    assert len(SCENARIOS) >= 40


def test_every_licence_finding_cites_a_source(rules) -> None:
    for s in SCENARIOS:
        line = make_line(s.dest, s.date, s.eccn, exception=s.exception,
                         license_number=s.license_number, end_user_type=s.end_user,
                         ultimate=s.ultimate)
        for f in screen_line(line, rules).findings:
            if f.severity in (Severity.LICENSE, Severity.REVIEW) and f.code != "MISSING_VALUE":
                assert f.citations, (s.fact, f.code)


def test_findings_relying_on_inferred_data_say_so(rules) -> None:
    result = screen_line(make_line("HK", "2021-03-01", "2A290"), rules)
    newly = next(f for f in result.findings if f.code == "NEWLY_LICENSABLE")
    assert any("HK_PRE2020 NP2 cell (INFERRED)" in u for u in newly.unverified)
    assert "relies on unverified rule data" in newly.to_json()["message"]


def test_licensing_destination_reported_beside_shipped_to(rules) -> None:
    result = screen_line(make_line("HK", "2021-03-01", "3A001.a.2"), rules)
    assert (result.destination, result.licensing_destination) == ("HK", "CN")
    assert result.to_json()["licensing_destination"] == "CN"


def test_verdict_is_most_severe_finding(rules) -> None:
    # A bad optional value (ERROR) does not hide a licence requirement (LICENSE_REQUIRED).
    from dataclasses import replace

    from screening.model import Finding
    line = replace(make_line("HK", "2021-03-01", "2A290"),
                   problems=(Finding("INVALID_VALUE", Severity.ERROR, "K9: bad value"),))
    result = screen_line(line, rules)
    assert result.verdict is Verdict.LICENSE_REQUIRED
    assert "INVALID_VALUE" in [f.code for f in result.findings]
