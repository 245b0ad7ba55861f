"""Scenario tests written from the regulations (timeline, Country Chart, exceptions).

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
    S("TSR suspended for HK from 2020-06-30", "HK", "2020-10-10", "2D002", LR, "HK", True,
      exception="TSR", has=("LICENSE_EXCEPTION_SUSPENDED",)),
    S("TSR is for software and technology: never for a commodity (s29)", "HK", "2020-10-10",
      "3A001.b.2", LR, "HK", exception="TSR", has=("LICENSE_EXCEPTION_NOT_AVAILABLE",)),
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
    S("3A090 RS requirement for Macau only from 2023-01-17 (88 FR 2821)", "MO", "2022-11-01",
      "3A090", CL, "MO", lacks=("SPECIAL_CONTROL",)),
    S("3A090 RS requirement reaches Macau from 2023-01-17 (effective the day before "
      "publication)", "MO", "2023-01-17", "3A090", LR,
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


@dataclass(frozen=True)
class C:
    """A scenario for a rule change of issue 9: the verdict and the citation it must carry."""

    fact: str
    dest: str
    date: str
    eccn: str
    verdict: Verdict
    code: str
    citation: str
    end_user: EndUserType | None = None
    exception: str | None = None
    ultimate: str | None = None


MIEU_T = EndUserType.MILITARY_INTELLIGENCE
CITED = [
    C("744.21 (72 FR 33646, 2007-06-19): AT-only Supp. No. 2 item to a military end user in "
      "China in 2019 is REVIEW, not CLEAR", "CN", "2019-05-01", "4A994", RV, "MEU_REVIEW",
      "72 FR 33646", MIL),
    # (Before 2014, where the rules' history begins, every line is REVIEW: s22 hunt.)
    C("a line exported before 2014-01-01 is REVIEW: the rules' history begins then", "CN",
      "2007-06-18", "4A994", RV, "RULES_NOT_COVERING_DATE", "15 CFR parts 738, 740, 774", MIL),
    C("744.22 (86 FR 4865): a military-intelligence end user in China needs a licence for "
      "EAR99 too", "HK", "2022-02-01", "EAR99", LR, "MIEU_LICENSE_REQUIRED", "86 FR 4865",
      MIEU_T),
    C("744.23 end-use controls (87 FR 62186) named on a China line", "CN", "2023-03-01",
      "3A991", CL, "EUC_744_23_END_USE", "87 FR 62186", CIV),
    C("3A090 did not exist before 2022-10-07 (87 FR 62186): REVIEW the classification", "CN",
      "2022-10-06", "3A090.a", RV, "ECCN_NOT_IN_FORCE", "87 FR 62186"),
    C("3A090.c (HBM) did not exist before 2024-12-02 (89 FR 96790)", "CN", "2024-12-01",
      "3A090.c", RV, "PARAGRAPH_NOT_IN_FORCE", "89 FR 96790"),
    C(".z paragraphs did not exist before 2023-11-17 (88 FR 73458)", "HK", "2023-06-01",
      "5A992.z.1", RV, "PARAGRAPH_NOT_IN_FORCE", "88 FR 73458"),
    C("5A992.z.1 to Hong Kong needs a licence worldwide (742.6(a)(6)(iii)(A))", "HK",
      "2026-09-01", "5A992.z.1", LR, "SPECIAL_CONTROL", "15 CFR 742.6(a)(6)(iii)(A)", CIV),
    C("3A090.a to Germany needs a licence (any destination worldwide) from the AI diffusion "
      "text", "DE", "2026-09-01", "3A090.a", LR, "SPECIAL_CONTROL",
      "15 CFR 742.6(a)(6)(iii)(A)"),
    C("3A090 to Germany in 2024 (before the worldwide wording) is not licensed, but rests on "
      "Germany's A:5 membership known only from the 2026-07-23 groups edition: REVIEW", "DE",
      "2024-06-01", "3A090.b", RV, "GROUP_MEMBERSHIP_ASSUMED", "88 FR 73458"),
    C("3A090 to China between 2022-10-07 and 2025-01-12 uses the dated China row", "CN",
      "2023-03-01", "3A090.b", LR, "SPECIAL_CONTROL", "87 FR 62186"),
    C("Foundry due-diligence (90 FR 5298): 3A090.a lines carry the presumption note", "SG",
      "2025-02-01", "3A090.a", LR, "SPECIAL_CONTROL_REVIEW", "90 FR 5298"),
    C("4A003 NS1 applies to .b/.c/.z.1 only: 4A003.g to China is NS2", "CN", "2026-09-01",
      "4A003.g", LR, "CHART_LICENSE_REQUIRED", "15 CFR part 738 Supp. No. 1"),
    C("6A003 NS2 covers the entire entry: 6A003.a.1 to China needs a licence", "CN",
      "2026-09-01", "6A003.a.1", LR, "CHART_LICENSE_REQUIRED",
      "15 CFR part 774 Supp. No. 1 (ECCN 6A003), eCFR edition 2026-08-07"),
    C("600-series .y to China: RS under 742.6(a)(7) (named destinations), not 744.21", "CN",
      "2026-09-01", "9A610.y.1", LR, "SPECIAL_CONTROL", "15 CFR 742.6(a)(7)"),
    C("Russia: every CCL item licensed under 746.8 from 2022-04-08 (87 FR 22130)", "RU",
      "2023-01-01", "5A992.c", LR, "PART_746_LICENSE_REQUIRED", "87 FR 22130"),
    C("Russia 2022-03-01: only Categories 3-9 then; REVIEW the category", "RU", "2022-03-01",
      "0A999", RV, "PART_746_REVIEW", "87 FR 12226"),
    C("Cuba: Part 746 governs, licence even for EAR99", "CU", "2026-09-01", "EAR99", LR,
      "EMBARGOED_DESTINATION", "15 CFR 746.2"),
    C("0A983 needs a licence to all destinations regardless of end use", "JP", "2026-09-01",
      "0A983", LR, "SPECIAL_CONTROL", "15 CFR part 742"),
    C("A USML pointer entry says ITAR, not 'not an ECCN'", "HK", "2026-09-01", "0A002", RV,
      "ECCN_POINTS_TO_USML", "22 CFR parts 120-130"),
    C("After 2020-12-23 a Hong Kong line is told GBS is not available to China (not "
      "'suspended under 740.2(a)(23)')", "HK", "2021-07-02", "3A001.a.2", LR,
      "LICENSE_EXCEPTION_SUSPENDED", "85 FR 83765", exception="GBS"),
    C("GBS claimed for an ECCN whose entry says 'GBS: N/A' (0A501) is not available", "SG",
      "2026-09-01", "0A501.a", LR, "LICENSE_EXCEPTION_NOT_AVAILABLE",
      "15 CFR part 774 Supp. No. 1 (ECCN 0A501)", exception="GBS"),
    C("Reexport of a 3A001 item from Hong Kong to China under APR is LICENSE_REQUIRED", "HK",
      "2022-05-01", "3A001.a.2", LR, "LICENSE_EXCEPTION_NOT_AVAILABLE", "15 CFR 740.16(a)",
      exception="APR", ultimate="CN"),
]


@pytest.mark.parametrize("c", CITED, ids=[c.fact for c in CITED])
def test_rule_change_scenario(c: C, rules) -> None:
    line = make_line(c.dest, c.date, c.eccn, end_user_type=c.end_user, exception=c.exception,
                     ultimate=c.ultimate)
    result = screen_line(line, rules)
    summary = [(f.code, f.severity.value, f.citations) for f in result.findings]
    assert result.verdict is c.verdict, (c.fact, summary)
    if c.code:
        finding = next((f for f in result.findings if f.code == c.code), None)
        assert finding is not None, (c.fact, summary)
        assert any(c.citation in cite for cite in finding.citations), (c.fact, summary)


def test_hong_kong_messages_say_what_applied_on_the_date(rules) -> None:
    after = screen_line(make_line("HK", "2021-07-02", "3A001.a.2", exception="GBS"), rules)
    message = next(f.message for f in after.findings
                   if f.code == "LICENSE_EXCEPTION_SUSPENDED")
    assert "not available to China" in message and "suspended from 2020-06-30" not in message
    during = screen_line(make_line("HK", "2020-08-17", "3A001.a.2", exception="GBS"), rules)
    assert "suspended from 2020-06-30" in next(
        f.message for f in during.findings if f.code == "LICENSE_EXCEPTION_SUSPENDED")
    # GBS was already lost on 2020-06-30: the 2020-12-23 savings clause does not apply.
    lost = screen_line(make_line("HK", "2021-01-10", "3A001.a.2", exception="GBS"), rules)
    assert not any(f.code.startswith("SAVINGS_CLAUSE") for f in lost.findings)


def test_no_finding_repeats_a_citation_and_2020_lines_cite_no_later_rule(rules) -> None:
    for s in SCENARIOS:
        if s.date is None:
            continue
        line = make_line(s.dest, s.date, s.eccn, exception=s.exception, end_user_type=s.end_user,
                         ultimate=s.ultimate, license_number=s.license_number)
        for f in screen_line(line, rules).findings:
            keys = [" ".join(c.split()[:3]) for c in f.citations if " FR " in c]
            assert len(keys) == len(set(keys)), (s.fact, f.code, f.citations)
            if s.date < "2021-01-01":
                later = [c for c in f.citations if c.split(" FR ")[0] in ("87", "88", "89", "90")]
                assert not later, (s.fact, f.code, later)


def test_newly_licensable_names_only_the_cells_it_rests_on(rules) -> None:
    result = screen_line(make_line("HK", "2021-03-01", "2A290"), rules)
    newly = next(f for f in result.findings if f.code == "NEWLY_LICENSABLE")
    assert newly.unverified == ("Country Chart HK_PRE2020 NP2 cell (INFERRED)",)


def test_a_clear_on_unverified_data_says_so(rules) -> None:
    result = screen_line(make_line("CN", "2026-09-01", "5A992.c", end_user_type=CIV), rules)
    assert result.verdict is CL
    assert result.verdict is Verdict.CLEAR
    note = next(f for f in result.findings if f.code == "CLEAR_ON_UNVERIFIED_DATA")
    assert "Supp. No. 2 status of 5A992 (PARTIAL)" in note.unverified
    # Worded for the item and destination: a party match may raise the line beside it (s33
    # review: "No licence requirement found" stood beside a licence requirement).
    assert note.message.startswith("The item and destination checks found no licence")
    verified = screen_line(make_line("DE", "2026-09-01", "3A001.a.2"), rules)
    assert verified.verdict is CL
    assert not any(f.code == "CLEAR_ON_UNVERIFIED_DATA" for f in verified.findings)




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


def test_the_memo_never_changes_a_result(rules) -> None:
    """screen_line reuses results across dates in one epoch (per destination and ECCN);
    every reuse must equal screening the line afresh, on both sides of every boundary."""
    import datetime as dt
    import random

    from screening.engine import _screen
    from screening.paths import seed_rules_dir
    from screening.rules.files import read_rule_dir
    from screening.rules.ruleset import build_ruleset
    fresh = build_ruleset(read_rule_dir(seed_rules_dir()))
    rng = random.Random(7)
    day = dt.timedelta(days=1)
    dates = sorted({d + delta for d in fresh.boundaries for delta in (-day, dt.timedelta(0))})
    eccns = ["EAR99", "3A001.a.2", "3A090", "3A090.c", "5A992.z.1", "2A290", "4A994",
             "9A610.y.1", "0A983", "3E001", "5A002"]
    dests = ["HK", "CN", "MO", "RU", "DE", "IR", "BY", "VE", "SG", "MM", "AE", "SA"]
    for _ in range(3000):
        line = make_line(rng.choice(dests), str(rng.choice(dates)), rng.choice(eccns),
                         exception=rng.choice([None, None, "GBS", "NLR", "APR"]),
                         end_user_type=rng.choice([None, MIL, CIV]),
                         ultimate=rng.choice([None, None, "CN"]))
        memoised, direct = screen_line(line, fresh), _screen(line, fresh)
        assert (memoised.verdict, memoised.findings, memoised.newly_licensable) == \
            (direct.verdict, direct.findings, direct.newly_licensable), line


def test_end_user_type_is_read_only_where_a_rule_reads_it(rules) -> None:
    """The memos keep one result per key for every end-user type of a line whose
    destinations (and what they are licensed as) have no end-use rule reading the type:
    screening such lines afresh with each type must give the same result, and for the
    countries that have one, some line must differ. (An end use part 744 controls for
    every item is read everywhere: ``end_user_key`` keeps it.)"""
    import datetime as dt

    from screening.engine import _screen
    from screening.paths import seed_rules_dir
    from screening.rules.files import read_rule_dir
    from screening.rules.ruleset import build_ruleset
    fresh = build_ruleset(read_rule_dir(seed_rules_dir()))
    countries = fresh.end_user_countries
    assert {"CN", "HK", "RU", "BY", "VE", "IR"} <= countries
    assert not {"DE", "SG", "JP", "MO", "GB"} & countries  # MO: a "ccl" rule only
    day = dt.timedelta(days=1)
    dates = sorted({d + delta for d in fresh.boundaries[::7] for delta in (-day, day)})
    from screening.engine import end_user_key
    from screening.normalize import PART_744_TYPES

    types = [None, *(t for t in EndUserType if t not in PART_744_TYPES)]
    for t in PART_744_TYPES:
        assert end_user_key("DE", None, t, fresh) is t
        assert "END_USE_PART_744" in {f.code for f in _screen(
            make_line("DE", "2024-01-02", "EAR99", end_user_type=t), fresh).findings}
    eccns = ["EAR99", "3A001.a.2", "3A090.c", "5A992.z.1", "2A290", "9A610.y.1", "0A983",
             "4A994", "1C350"]
    outside = sorted((set(fresh.country_names) - countries) & {
        "DE", "SG", "JP", "MO", "GB", "FR", "IN", "TW", "KR", "AE", "IL", "PK", "TR"})
    assert len(outside) >= 8
    differs = set()
    for eccn in eccns:
        for date in dates[::3]:
            for exception in (None, "GBS", "NLR"):
                for ultimate in (None, "CN"):
                    for dest in [*outside, "HK", "CN", "RU"]:
                        results = {
                            (r.verdict, r.findings, r.newly_licensable) for r in (
                                _screen(make_line(dest, str(date), eccn, exception=exception,
                                                  end_user_type=t, ultimate=ultimate),
                                        fresh) for t in types)}
                        if dest in outside and ultimate is None:
                            assert len(results) == 1, (dest, date, eccn, exception)
                        elif len(results) > 1:
                            differs.add(dest)
    assert {"HK", "CN", "RU"} <= differs



def test_a_line_dated_after_the_rules_newest_edition_says_so(rules) -> None:
    """(Own check, s19:) a line exported after the newest eCFR edition the rules hold was
    CLEAR with nothing said: a rule published since is not in them. The note is INFO (the
    run's own age warnings are the list's), on the first day after the edition, not on it."""
    assert str(rules.current_to) == "2026-08-07"
    for dest, eccn in (("DE", "3A991"), ("HK", "EAR99"), ("CN", "5A002")):
        on = screen_line(make_line(dest, "2026-08-07", eccn), rules)
        after = screen_line(make_line(dest, "2026-08-08", eccn), rules)
        later = screen_line(make_line(dest, "2027-06-01", eccn), rules)
        assert "RULES_OLDER_THAN_EXPORT_DATE" not in {f.code for f in on.findings}
        for result in (after, later):
            (note,) = [f for f in result.findings if f.code == "RULES_OLDER_THAN_EXPORT_DATE"]
            assert note.severity is Severity.INFO and "2026-08-07" in note.message
            assert result.verdict is on.verdict, dest


# --- Country Groups known only as of the eCFR edition of 2026-07-23 ----------------------

GROUPS_EDITION = "eCFR edition 2026-07-23"


def _assumed(result) -> list:
    return [f for f in result.findings if f.code == "GROUP_MEMBERSHIP_ASSUMED"]


@pytest.mark.parametrize("eccn", ["3A090.a", "4A090.a"])
def test_a_group_worded_control_kept_off_by_assumed_membership_is_review(rules, eccn) -> None:
    """88 FR 73458 (2023-11-17 to 2025-01-12): D:1/D:4/D:5 except A:5/A:6. The rules know
    the UAE's groups only from the 2026-07-23 edition (A:5, not D:4): on 2024-03-01 that is
    an assumption, so the line is not CLEAR on it."""
    result = screen_line(make_line("AE", "2024-03-01", eccn), rules)
    assert result.verdict is RV
    (f,) = _assumed(result)
    assert f.severity is Severity.REVIEW
    special = "RS-3A090-D" if eccn.startswith("3") else "RS-4A090-D"
    assert special in f.message and "A:5" in f.message and "D:4" in f.message
    assert "2026-07-23" in f.message and "assumed" in f.message
    assert any("88 FR 73458" in c for c in f.citations)
    assert any(GROUPS_EDITION in c and "part 740 Supp. No. 1" in c for c in f.citations)


def test_a_group_worded_control_applying_through_assumed_membership_stays_licence(rules):
    result = screen_line(make_line("SA", "2024-03-01", "3A090.a"), rules)
    assert result.verdict is LR
    assert "SPECIAL_CONTROL" in [f.code for f in result.findings]
    (f,) = _assumed(result)
    assert f.severity is Severity.INFO and "D:4" in f.message


@pytest.mark.parametrize("date", ["2026-07-23", "2026-08-01"])
def test_no_assumed_membership_on_or_after_the_groups_edition(rules, date) -> None:
    for dest in ("AE", "SA", "DE"):
        assert not _assumed(screen_line(make_line(dest, date, "3A090.a"), rules))
    assert not _assumed(screen_line(make_line("CN", date, "3E001"), rules))


def test_the_groups_edition_splits_the_memo_epochs(rules) -> None:
    """The finding depends on the export date against 2026-07-23: a memo boundary."""
    import datetime as dt
    assert dt.date(2026, 7, 23) in rules.boundaries_for(("AE", None), "3A090")
    before = screen_line(make_line("DE", "2026-07-22", "3E001"), rules)
    after = screen_line(make_line("DE", "2026-07-23", "3E001"), rules)
    assert _assumed(before) and not _assumed(after)


@pytest.mark.parametrize("dest,eccn", [
    ("AE", "EAR99"), ("AE", "5A992.c"), ("DE", "5A992.c"), ("SA", "2A290"),
    ("MO", "3A090.a"),  # Macau is named in the control itself
    ("BR", "3A090.a"),  # in no group the control names: nothing rests on a membership
])
def test_no_assumed_membership_without_group_wording(rules, dest, eccn) -> None:
    assert not _assumed(screen_line(make_line(dest, "2024-03-01", eccn), rules))


def test_a_ship_to_leg_resting_on_a_licence_exception_is_confirmed(rules) -> None:
    """(s19 hunt:) shipped to Hong Kong on 2020-06-29 with GBS claimed, ultimate destination
    Germany: CLEAR, while the same line to Hong Kong is a review of GBS. The ship-to country
    would need a licence but for the exception, so the line rests on the ultimate column."""
    line = make_line("HK", "2020-06-29", "3A001.a.2", exception="GBS", ultimate="DE")
    result = screen_line(line, rules)
    assert result.verdict is RV
    (found,) = [f for f in result.findings if f.code == "SHIP_TO_NEEDS_LICENCE"]
    assert "a licence exception claimed aside" in found.message
    plain = screen_line(make_line("GB", "2020-06-29", "3A001.a.2", exception="GBS",
                                  ultimate="DE"), rules)
    assert "SHIP_TO_NEEDS_LICENCE" not in {f.code for f in plain.findings}
