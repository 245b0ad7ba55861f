"""The screening procedure (DESIGN.md, steps 1-8) as pure functions over a RuleSet snapshot."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TypeVar

from screening.citations import cites, unverified_note
from screening.control_list_check import chart_and_special, destination_controls
from screening.model import (
    HK_AS_CHINA_FROM,
    Eccn,
    Finding,
    Screening,
    Severity,
    ShipmentLine,
    Verdict,
    worst,
)
from screening.normalize import MILITARY_TYPES, PART_744_TYPES, EndUserType
from screening.rules.ccl_prose import exception_paragraphs, parse_paragraph_list
from screening.rules.ruleset import RULES_COVER_FROM, EndUseRuleR, RuleSet

HK, CN = "HK", "CN"
#: Hong Kong's treatment before 2020-06-30 is the baseline for "newly licensable".
HK_BASELINE_DATE = dt.date(2020, 6, 29)
HK_CHANGE_START = dt.date(2020, 6, 30)
#: Findings meaning "a licence may be required; the data cannot tell".
_INDETERMINATE = ("CHART_PARAGRAPH_DEPENDENT", "SPECIAL_CONTROL_REVIEW", "UNKNOWN_ECCN",
                  "NO_CHART_ROW", "ECCN_POINTS_TO_USML", "ECCN_NOT_IN_FORCE",
                  "PARAGRAPH_NOT_IN_FORCE", "PARAGRAPH_TEXT_UNDATED", "ECCN_NO_REQUIREMENTS",
                  "PARAGRAPH_NO_REQUIREMENTS",
                  "PART_746_REVIEW", "PART_746_REFERRAL", "ECCN_PARAGRAPH_NOT_IN_CCL",
                  "ECCN_PARAGRAPH_UNKNOWN", "ECCN_PARAGRAPH_RESERVED", "GROUP_MEMBERSHIP_ASSUMED")


@dataclass(frozen=True, slots=True)
class _Licensing:
    """Licence-determining findings for one (item, destination, date)."""

    findings: tuple[Finding, ...]

    @property
    def needs_licence(self) -> bool:
        return any(f.severity in (Severity.LICENSE, Severity.PROHIBITED) for f in self.findings)



MEMO_LIMIT = 500_000
_T = TypeVar("_T")  # an end-user type, or its text


def screen_line(line: ShipmentLine, rules: RuleSet) -> Screening:
    """Screen one line. Lines with equal screening inputs in the same rule epoch get equal
    results, so those are memoised on the RuleSet (big files repeat them a lot)."""
    if line.problems or line.export_date is None:
        return _screen(line, rules)
    base, needs = screen_uncited(line, rules)
    if line.license_number and needs:
        return cite_licence(base, line.license_number, line)
    if base.row == line.row and base.line_id == line.line_id:
        return base
    return Screening(line.row, line.line_id, base.verdict, base.destination,
                     base.licensing_destination, base.newly_licensable, base.findings)


def screen_uncited(line: ShipmentLine, rules: RuleSet) -> tuple[Screening, bool]:
    """The result of a line without problems and with an export date as if it cited no
    licence number (its row and line id may be another line's), and whether a licence is
    needed; memoised. The licence number is not in the key: it only adds its citation to a
    line needing a licence (``cite_licence``), and numbers rarely repeat."""
    assert line.export_date is not None
    epoch = rules.epoch_for(line.export_date, (line.destination, line.ultimate_destination),
                            line.eccn.base if line.eccn else "")
    exception = exception_key(line.license_exception, line.value, line.eccn, rules)
    over = exception.__class__ is tuple and exception[1] is not None  # type: ignore[index]
    key = (line.destination, line.ultimate_destination, epoch, line.eccn,
           # Lines over the LVS limit share the result but for the value stated in it.
           ("LVS", _VALUE_MARK) if over else exception,
           end_user_key(line.destination, line.ultimate_destination, line.end_user_type, rules))
    memo = rules.memo
    hit = memo.get(key)
    if hit is None:
        hit = _screen_uncited(line, rules)
        if len(memo) > MEMO_LIMIT:
            memo.clear()
        memo[key] = hit
    return _valued(hit, line) if over else hit


#: Where a finding states the line's value (LVS over its limit): the memoised result holds
#: this mark, and each line's result its own value (``_valued``).
_VALUE_MARK = "\ufffcvalue\ufffc"


def _valued(result: tuple[Screening, bool], line: ShipmentLine) -> tuple[Screening, bool]:
    """``result`` with the line's value written where its findings hold ``_VALUE_MARK``."""
    screening, needs = result
    if not any(_VALUE_MARK in f.message for f in screening.findings):
        return result
    shown = f"{line.value:,.2f}"
    findings = tuple(replace(f, message=f.message.replace(_VALUE_MARK, shown))
                     if _VALUE_MARK in f.message else f for f in screening.findings)
    return replace(screening, findings=findings), needs


def exception_key(code: str | None, value: float | None, eccn: Eccn | None,
                  rules: RuleSet) -> object:
    """A line's license exception as a memo key: LVS with the line's value where it exceeds
    the entry's LVS limit for the item (the only place a line's value is read, and then the
    finding states it); a value within the limit, or no limit, does not change the result."""
    if code != "LVS":
        return code
    limit = _lvs_limit_of(eccn, rules) if value is not None else None
    return (code, value if limit is not None and value > limit else None)


def _lvs_limit_of(eccn: Eccn | None, rules: RuleSet) -> float | None:
    """The LVS limit ``_apply_exception`` holds ``eccn``'s line to (None: none)."""
    if eccn is None or (entry := rules.eccns.get(eccn.base)) is None:
        return None
    return lvs_limit(eccn, rules.exception_flags.get(entry.eccn, {}).get("LVS", ""))


def outside_supp2(rules: RuleSet) -> Callable[[Eccn | None, dt.date | None], bool]:
    """Whether an item is certainly not in Supplement No. 2 to part 744 on a day: EAR99, or
    an entry the rules hold is not in it (or not yet). An unknown entry or status is not
    certainly outside."""
    def outside(eccn: Eccn | None, date: dt.date | None) -> bool:
        if eccn is None or date is None:
            return False
        if eccn.is_ear99:
            return True
        entry = rules.eccns.get(eccn.base)
        return entry is not None and (entry.supp2 == "no" or bool(
            entry.supp2_since and date < entry.supp2_since))
    return outside


def end_user_key(destination: str | None, ultimate: str | None, end_user_type: _T,
                 rules: RuleSet) -> _T | None:
    """The end-user type as a memo key needs it: None where no rule reads it (the
    destination, the ultimate destination and what they are licensed as have no end-use
    rule reading it), so those lines share one result whatever the type."""
    countries = rules.end_user_countries
    if destination in countries or ultimate in countries or end_user_type in PART_744_TYPES:
        return end_user_type
    return None


def _screen(line: ShipmentLine, rules: RuleSet) -> Screening:
    result, needs = _valued(_screen_uncited(line, rules), line)
    if line.license_number and needs:
        return cite_licence(result, line.license_number, line)
    return result


def cite_licence(result: Screening, number: str, line: ShipmentLine | None = None
                 ) -> Screening:
    """``result`` of a line needing a licence, with the licence ``number`` the line cites;
    the row and line id are ``line``'s (else ``result``'s)."""
    findings = _licence_cited(list(result.findings), number)
    row, line_id = (line.row, line.line_id) if line is not None else (result.row,
                                                                      result.line_id)
    return Screening(row, line_id, worst([f.verdict for f in findings]),
                     result.destination, result.licensing_destination,
                     result.newly_licensable, tuple(findings))


def _screen_uncited(line: ShipmentLine, rules: RuleSet) -> tuple[Screening, bool]:
    """The line's result as if it cited no licence number, and whether a licence is
    needed (a cited number then turns the licence findings into a check of it)."""
    findings: list[Finding] = list(line.problems)
    if line.destination is None or line.export_date is None or line.eccn is None:
        missing = [name for name, value in (("destination", line.destination),
                                            ("export date", line.export_date),
                                            ("classification (ECCN)", line.eccn)) if value is None]
        if not any(f.severity is Severity.ERROR for f in findings):
            findings.append(Finding("MISSING_VALUE", Severity.ERROR,
                                    f"Cannot screen: no usable {', '.join(missing)}."))
        return _result(line, findings, None, newly=False), False

    date, eccn, shipped = line.export_date, line.eccn, line.destination
    target = line.ultimate_destination or shipped
    licensing = target
    mapping = rules.mapping_on(target, date)
    if mapping:
        licensing = mapping.licensed_as
        findings.append(Finding(
            "LICENSED_AS", Severity.INFO,
            f"Shipped to {rules.country_name(target)}: licensed as "
            f"{rules.country_name(licensing)} from {mapping.valid_from}. "
            f"{_sentence(mapping.summary)}",
            cites(mapping.citation), unverified_note("destination mapping", mapping.verification)))
    if shipped == HK and target == CN:
        findings.append(Finding(
            "TRANSSHIPMENT_TO_CN", Severity.REVIEW,
            "Shipped to Hong Kong with an ultimate destination in mainland China: screened as "
            "China. Confirm the ultimate consignee and that the export documents name China.",
            ("15 CFR 738.4", "15 CFR 758.1")))
    elif target != shipped:
        findings.append(Finding(
            "ULTIMATE_DESTINATION", Severity.INFO,
            f"Screened for the ultimate destination {rules.country_name(target)}, "
            f"not the ship-to country {rules.country_name(shipped)}.", ("15 CFR 738.4",)))

    actual = _licensing(line, eccn, licensing, date, rules)
    findings.extend(actual.findings)
    if target != shipped and not actual.needs_licence:
        # The goods reach the ship-to country first: if it would need a licence and the
        # ultimate destination does not, the line rests on that column alone (a column
        # mistaken for the ultimate destination, or a transshipment point such as Hong
        # Kong), so it is confirmed, never CLEAR on it without a word.
        via_mapping = rules.mapping_on(shipped, date)
        via = via_mapping.licensed_as if via_mapping else shipped
        # (The licence exception claimed aside: one that would cover the ship-to country,
        # GBS to Hong Kong before 2020-06-30, still needs its own check there.)
        if via != licensing and _licensing(replace(line, license_exception=None), eccn, via,
                                           date, rules).needs_licence:
            findings.append(Finding(
                "SHIP_TO_NEEDS_LICENCE", Severity.REVIEW,
                f"Shipped to {rules.country_name(shipped)}, which would need a licence for "
                f"this item on the export date (a licence exception claimed aside), and "
                f"screened for the ultimate destination "
                f"{rules.country_name(target)}, which does not: confirm that the goods go on "
                f"to {rules.country_name(target)} (and the export documents name it), or "
                f"screen the line for {rules.country_name(shipped)}.",
                ("15 CFR 738.4", "15 CFR 758.1")))

    newly = False
    if target == HK and date >= HK_CHANGE_START and actual.needs_licence:
        baseline = _licensing(line, eccn, HK, HK_BASELINE_DATE, rules)
        if eccn.paragraph and not baseline.needs_licence and any(
                f.code == "PARAGRAPH_NOT_IN_FORCE" for f in baseline.findings):
            # A paragraph made later (3A001.z, 2023) holds items the entry held before: a
            # reason for control of the whole entry reached them then too (s25 rules hunt:
            # 3A001.z.1.b, NS2 to Hong Kong before 2020, counted as newly licensable).
            baseline = _licensing(line, Eccn(eccn.base), HK, HK_BASELINE_DATE, rules)
        if not baseline.needs_licence:
            newly = True
            findings.append(Finding(
                "NEWLY_LICENSABLE", Severity.INFO,
                "A licence is needed now, but was not under Hong Kong's treatment before "
                "2020-06-30 (its own Country Chart row, Country Groups A:6 and B, and the "
                "license exceptions then available).",
                # Before 2020-12-23 Hong Kong kept its own row: what changed was the
                # suspension of its license exceptions (s33 review: 85 FR 83765 was cited
                # on lines of July to December 2020).
                cites("85 FR 83765", "85 FR 45998") if date >= HK_AS_CHINA_FROM else
                cites("BIS notice of 2020-06-30", "85 FR 45998"),
                _baselineunverified_note(eccn, licensing, date, rules)))
        findings.extend(_savings(line, rules, target, newly))
    elif target == HK and line.license_exception and date >= HK_CHANGE_START:
        findings.extend(_savings(line, rules, target, newly))

    findings.extend(_eei(eccn, shipped, licensing, date, rules))
    if date < RULES_COVER_FROM:
        findings.append(_before_coverage())
    if rules.current_to is not None and date > rules.current_to:
        findings.append(_after_edition(rules.current_to))
    if worst([f.verdict for f in findings]) is Verdict.CLEAR:
        basis = _clear_basis(line, eccn, licensing, date, rules, findings)
        if basis:
            findings.append(Finding(
                CLEAR_ON_UNVERIFIED, Severity.INFO,
                # (Worded for the item and destination: a party match found later may
                # still raise the line, and this finding stays beside it.)
                "The item and destination checks found no licence requirement; that rests "
                "on rule data not fully verified.",
                (), basis))
    # A line needing a licence is never CLEAR, so citing one later cannot affect the above.
    return _result(line, findings, licensing, newly), actual.needs_licence


def _before_coverage() -> Finding:
    """REVIEW on a line exported before the rules' history begins (s22 hunt: 9A610.y.1 to
    Hong Kong in 2012, before the entry existed, and 5A992.c in 1995 were CLEAR)."""
    return Finding(
        "RULES_NOT_COVERING_DATE", Severity.REVIEW,
        f"The export date is before {RULES_COVER_FROM}, the first date these rules cover: "
        f"the Control List, Country Chart, Country Groups and licence exceptions then were "
        f"not the ones held here (many entries, such as the 600 series, did not exist). "
        f"Check the line against the regulations in force on its export date.",
        ("15 CFR parts 738, 740, 774",))


def _after_edition(current_to: dt.date) -> Finding:
    """INFO on a line exported after the newest edition the rules hold (one message for
    every such date: results are memoised by rule epoch, not by day)."""
    return Finding(
        "RULES_OLDER_THAN_EXPORT_DATE", Severity.INFO,
        f"The export date is after {current_to}, the newest eCFR edition these rules hold: "
        f"a rule published since then is not reflected in this result. Load the current "
        f"edition (hkscreen rules update-ccl) and screen the file again.",
        (f"15 CFR part 774 Supp. No. 1, eCFR edition {current_to}",))


#: INFO finding on a CLEAR line whose determination used PARTIAL/INFERRED/UNVERIFIED rows.
CLEAR_ON_UNVERIFIED = "CLEAR_ON_UNVERIFIED_DATA"


def _clear_basis(line: ShipmentLine, eccn: Eccn, dest: str, date: dt.date, rules: RuleSet,
                 findings: list[Finding]) -> tuple[str, ...]:
    """The rows a CLEAR rests on that are not VERIFIED: the chart row's cells for the
    columns controlling the item, the destination mapping, the item's Supplement No. 2
    status where the military end-use rule reaches the destination, and whatever the INFO
    findings already name."""
    basis: list[str] = [u for f in findings for u in f.unverified]
    mapping = rules.mapping_on(line.ultimate_destination or line.destination or "", date)
    if mapping:
        basis.extend(unverified_note("destination mapping", mapping.verification))
    entry = rules.eccns.get(eccn.base)
    row = rules.chart_row(dest, date)
    if entry is not None and not eccn.is_ear99:
        if row is not None:
            basis.extend(f"Country Chart {row.row_key} {c.column} cell (INFERRED)"
                         for c in entry.controls
                         if c.covers(date) and c.column in row.unverified_cells
                         and c.applies(eccn.paragraph) is not False)
            basis.extend(unverified_note(f"Country Chart row {row.row_key}", row.verification)
                         if not row.unverified_cells else ())
        if any(r.scope == "supp2" and r.covers(date)
               for r in rules.end_use_by_country.get(dest, ())):
            basis.extend(unverified_note(f"Supp. No. 2 status of {eccn.base}",
                                     entry.supp2_verification or entry.verification))
    return tuple(dict.fromkeys(basis))


def _baselineunverified_note(eccn: Eccn, licensing: str, date: dt.date,
                         rules: RuleSet) -> tuple[str, ...]:
    """The inferred cells of Hong Kong's old row that the 'newly licensable' call rests on:
    only the columns that make the item licensable now."""
    row = rules.chart_row(HK, HK_BASELINE_DATE)
    now = rules.chart_row(licensing, date)
    entry = rules.eccns.get(eccn.base)
    if row is None or entry is None or now is None:
        return ()
    # The old "no licence" rests on blank cells of Hong Kong's old row for the columns that
    # require a licence now; name those that are inferred rather than verified.
    return tuple(dict.fromkeys(
        f"Country Chart {row.row_key} {c.column} cell (INFERRED)"
        for c in entry.controls
        if c.covers(date) and c.column in now.columns and c.column in row.unverified_cells
        and c.column not in row.columns and c.applies(eccn.paragraph) is True))


def _result(line: ShipmentLine, findings: list[Finding], licensing: str | None,
            newly: bool) -> Screening:
    return Screening(
        row=line.row, line_id=line.line_id,
        verdict=worst([f.verdict for f in findings]),
        destination=line.destination, licensing_destination=licensing,
        newly_licensable=newly, findings=tuple(findings))


# --- step 3 to 5: what makes a licence necessary ----------------------------------------

def _licensing(line: ShipmentLine, eccn: Eccn, dest: str, date: dt.date,
               rules: RuleSet) -> _Licensing:
    findings: list[Finding] = []
    groups = rules.groups_on(dest, date)
    findings.extend(destination_controls(eccn, dest, date, rules))
    if not eccn.is_ear99:
        findings.extend(chart_and_special(eccn, dest, date, groups, rules))
    findings = _apply_exception(line, findings, dest, date, rules)
    findings.extend(_end_use(line, eccn, dest, date, rules))
    return _Licensing(tuple(findings))


# --- step 4: license exceptions ----------------------------------------------------------

def _downgrade(findings: list[Finding], note: str) -> list[Finding]:
    """Turn licence findings into review findings when something may authorise the export."""
    return [replace(f, severity=Severity.REVIEW, message=f"{f.message} {note}")
            if f.severity is Severity.LICENSE else f for f in findings]


def _apply_exception(line: ShipmentLine, findings: list[Finding], dest: str, date: dt.date,
                     rules: RuleSet) -> list[Finding]:
    code = line.license_exception
    needed = any(f.severity is Severity.LICENSE for f in findings)
    name = rules.country_name(dest)
    if not code:
        return findings
    if code == "NLR":
        if needed:
            return [*findings, Finding(
                "NLR_NOT_AVAILABLE", Severity.LICENSE,
                f"The line claims NLR (no licence required), but a licence is required for "
                f"{name} on the export date.", ("15 CFR 738.4",))]
        return findings
    info = rules.exceptions.get(code)
    if info is None:
        return [*findings, Finding(
            "UNKNOWN_LICENSE_EXCEPTION", Severity.REVIEW,
            f"License exception {code!r} is not a code the rules database knows.",
            ("15 CFR part 740",))]
    entry = rules.eccns.get(line.eccn.base) if line.eccn else None
    flag = rules.exception_flags.get(entry.eccn, {}).get(code, "") if entry else ""
    if entry and flag.strip().rstrip(".").upper() == "N/A":  # "N/A for MT" is partly N/A
        return [*findings, Finding(
            "LICENSE_EXCEPTION_NOT_AVAILABLE", Severity.LICENSE if needed else Severity.REVIEW,
            f"License exception {code} ({info.name}) is not available for ECCN "
            f"{entry.eccn}: the entry's List Based License Exceptions line reads "
            f"\"{code}: {flag.strip()}\".", cites(entry.citation, info.citation))]
    if entry and line.eccn is not None and (
            outside := _outside_flag(line.eccn, entry.eccn, flag)) is not None:
        return [*findings, Finding(
            "LICENSE_EXCEPTION_NOT_AVAILABLE", Severity.LICENSE if needed else Severity.REVIEW,
            f"License exception {code} ({info.name}) is not available for "
            f"{line.eccn.text}: the entry's List Based License Exceptions line reads "
            f"\"{code}: {flag.strip()}\" ({outside}).", cites(entry.citation, info.citation))]
    if entry and code in _ENTRY_NAMED and not flag:
        return [*findings, Finding(
            "LICENSE_EXCEPTION_NOT_AVAILABLE", Severity.LICENSE if needed else Severity.REVIEW,
            f"License exception {code} ({info.name}) authorises only the items an entry's "
            f"License Exceptions section names for it, and ECCN {entry.eccn}'s names none "
            f"(it has no \"{code}:\" line).", cites(entry.citation, info.citation))]
    if entry and line.eccn is not None and not flag and (scope := _ITEM_SCOPE.get(code)) \
            and not scope[1](line.eccn.base):
        covers, _test, section = scope
        return [*findings, Finding(
            "LICENSE_EXCEPTION_NOT_AVAILABLE", Severity.LICENSE if needed else Severity.REVIEW,
            f"License exception {code} ({info.name}) authorises only {covers}; "
            f"{line.eccn.text} is none of them.", cites(section, info.citation))]
    if code == "APR" and line.destination == HK and dest == CN:
        return [*findings, Finding(
            "LICENSE_EXCEPTION_NOT_AVAILABLE", Severity.LICENSE if needed else Severity.REVIEW,
            "License exception APR (15 CFR 740.16(a)) authorises only reexports from a country "
            "in Country Group A:1 under that country's own authorisation; a reexport from Hong "
            "Kong to China is not one (Hong Kong is not in A:1, and since 2020-12-23 it is "
            "licensed as China itself).", cites("15 CFR 740.16(a)", "85 FR 83765",
                                                 info.citation))]
    rule = rules.exception_rule(code, dest, date)
    status = rule.status if rule else None
    citations = cites(rule.citation if rule else "", info.citation)
    unverified = (unverified_note(f"license exception {code} rule", rule.verification) if rule
                  else unverified_note(f"license exception {code}", info.verification))
    if status is None and info.eligible_groups:
        member = rules.groups_on(dest, date).intersection(info.eligible_groups)
        status = "available" if member else "not_available"
        citations = cites(info.citation, "15 CFR part 740, Supp. No. 1")
    severity = Severity.LICENSE if needed else Severity.REVIEW
    not_needed = "" if needed else " (No licence requirement was found for this line, so the " \
                                   "claim is not needed; correct the export documents.)"
    if status in ("suspended", "not_available", "removed"):
        was_hk = HK in (line.destination, line.ultimate_destination)
        hk_before = rules.exception_rule(code, HK, HK_BASELINE_DATE)
        if was_hk and dest == CN and hk_before and hk_before.status in ("available",
                                                                        "partial"):
            fcode = "LICENSE_EXCEPTION_SUSPENDED"
            message = (f"License exception {code} ({info.name}) is not available for exports to "
                       f"Hong Kong on the export date: since 2020-12-23 Hong Kong is licensed "
                       f"as China, and {code} is not available to China (85 FR 83765; the "
                       f"2020-06-30 suspension under 15 CFR 740.2(a)(23) ended with Hong Kong's "
                       f"separate treatment).")
            citations = cites("85 FR 83765", *citations)
        elif status == "suspended":
            fcode = "LICENSE_EXCEPTION_SUSPENDED"
            message = (f"License exception {code} ({info.name}) is not available for exports to "
                       f"Hong Kong on the export date: suspended from 2020-06-30 "
                       f"(15 CFR 740.2(a)(23)).")
            citations = cites("BIS notice of 2020-06-30", "85 FR 45998", *citations)
        elif status == "removed":
            fcode = "LICENSE_EXCEPTION_REMOVED"
            message = (f"License exception {code} ({info.name}) was removed from the EAR "
                       f"effective {rule.valid_from if rule else '?'}.")
        else:
            fcode = "LICENSE_EXCEPTION_NOT_AVAILABLE"
            message = f"License exception {code} ({info.name}) is not available for {name}."
        return [*findings, Finding(fcode, severity, message + not_needed, citations, unverified)]
    if code == "STA" and rule is not None and "740.20(c)(2)" in rule.citation and \
            _STA_C2_BAR.search(flag):
        # The destination takes STA only under (c)(2) (Hong Kong, in A:6 before 2020-06-30),
        # and the entry's own line bars (c)(2) (s25 rules hunt: 9A610.h with STA to Hong
        # Kong in 2019 was REVIEW "available").
        return [*findings, Finding(
            "LICENSE_EXCEPTION_NOT_AVAILABLE", severity,
            f"License exception STA ({info.name}) is available for {name} only under "
            f"15 CFR 740.20(c)(2), and the entry's List Based License Exceptions line reads "
            f"\"{flag.strip()}\".{not_needed}", cites(entry.citation if entry else "",
                                                     "15 CFR 740.20(c)(2)", *citations))]
    if code == "LVS" and entry and line.value is not None and (
            limit := _lvs_limit_of(line.eccn, rules)) is not None and line.value > limit:
        return [*findings, Finding(
            "LICENSE_EXCEPTION_NOT_AVAILABLE", severity,
            f"License exception LVS ({info.name}) is not available for this line: its value, "
            f"{_VALUE_MARK} (taken as US dollars), exceeds the ${limit:,.0f} the entry's "
            f"List Based License Exceptions line allows for {line.eccn.text} (\"LVS: "
            f"{flag.strip()}\"; 15 CFR 740.3(a)).{not_needed}",
            cites(entry.citation, "15 CFR 740.3", *citations))]
    if code == "STA" and entry and line.eccn is not None and (
            group_bar := sta_group_bar(line.eccn, flag, rules.groups_on(dest, date))):
        return [*findings, Finding(
            "LICENSE_EXCEPTION_NOT_AVAILABLE", severity,
            f"License exception STA ({info.name}) is not available for {line.eccn.text} to "
            f"{name} (in Country Group {group_bar} on the export date): the entry's STA "
            f"paragraph reads \"{flag.strip()}\".{not_needed}",
            cites(entry.citation, "15 CFR 740.20", *citations))]
    # (After the suspensions and unavailabilities, which say more.)
    if line.eccn is not None and (barred := _advanced_computing_bar(line.eccn, code, dest,
                                                                     date, rules)):
        return [*findings, Finding(
            "LICENSE_EXCEPTION_NOT_AVAILABLE", Severity.LICENSE if needed else Severity.REVIEW,
            f"License exception {code} ({info.name}) is not available for "
            f"{line.eccn.text} to {name}: {barred}", cites(
                "15 CFR 740.2(a)(9)(ii)", "87 FR 62186", "88 FR 73458", info.citation))]
    possible = needed or any(f.code in _INDETERMINATE for f in findings)
    if not possible:
        return findings
    if status in ("available", "partial"):
        detail = ("available for this destination" if status == "available" else
                  "available for this destination only for some paragraphs or end users")
        basis = rule.note if rule and rule.note else info.section
        note = (f"License exception {code} is claimed and {detail} ({basis}): confirm the "
                f"item's eligibility and the conditions of {info.section}.")
        return [*_downgrade(findings, f"[{code} claimed]"),
                Finding("LICENSE_EXCEPTION_CHECK", Severity.REVIEW, note, citations, unverified)]
    return [*findings, Finding(
        "LICENSE_EXCEPTION_UNDETERMINED", Severity.REVIEW,
        f"License exception {code} is claimed; the rules database cannot tell whether it is "
        f"available for {name} on the export date.", citations, unverified)]


_AMOUNT_RE = re.compile(r"\$\s?(?P<amount>[\d,]+)(?:\s*(?::|for)\s+(?P<list>[^;$]+))?")


@functools.lru_cache(maxsize=4096)
def lvs_limit(eccn: Eccn, flag: str) -> float | None:
    """The LVS value limit an entry's line sets for ``eccn``'s paragraph ("$5000",
    "$3,000 for .a through .c; $6,000 for .d"), or None: no amount, or none for it."""
    for match in _AMOUNT_RE.finditer(" ".join(flag.split())):
        listed = match.group("list")
        said = parse_paragraph_list(eccn.base, listed.strip(" .")) if listed else None
        if listed and said is None:
            return None  # items named in words: the limit's reach is not read
        if said is None or any(eccn.paragraph == item or eccn.paragraph.startswith(item + ".")
                                for item in said):
            return float(match.group("amount").replace(",", ""))
    return None


#: The Country Group clauses of an entry's STA paragraph ("License Exception STA may not be
#: used to ship any commodity in 5A001.j to any of the destinations listed in Country Group
#: A:5 or A:6 ..., or any commodity in 5A001.b.3, .b.5 or .h to ... Country Group A:6").
_STA_GROUP_RE = re.compile(
    r"(?P<what>.*?)\bto any of the destinations listed in Country Group "
    r"(?P<groups>A:[56](?:\s*or\s*A:[56])?)", re.IGNORECASE)
_STA_WHOLE_RE = re.compile(
    r"^(?:license exception sta may not be used to (?:ship or transmit|ship|transmit)\s+)?"
    r"(?:any (?:item|commodity|commodities|technology|software|“software”|“technology”)"
    r"|commodities|“software”|“technology”|software|technology)"
    r"(?:\s+(?:in|specified in|specified by) (?:this (?:entry|eccn)|(?:eccns? )?(?P<base>\w{5})))?"
    r"\s*$", re.IGNORECASE)
_STA_ITEMS_RE = re.compile(
    r"^(?:license exception sta may not be used to (?:ship or transmit|ship|transmit)\s+)?"
    r"(?:any (?:item|commodity|commodities|technology|software)\s+in\s+|"
    r"(?:commodities|software|technology|“software”|“technology”)\s+in\s+)?(?P<list>.+?)"
    r"(?:\s+entry)?\s*$", re.IGNORECASE)


@functools.lru_cache(maxsize=4096)  # a few entries' lines, read for many lines
def sta_group_bar(eccn: Eccn, flag: str, groups: frozenset[str]) -> str:
    """The Country Group (of ``groups``, the destination's) for which an entry's STA
    paragraph bars ``eccn`` ("A:6"), or "": it does not, or it names the items in words the
    rules do not read (s29 rules hunt: STA on 5A001.j and 6A003.b.4 to Hong Kong, in A:6 in
    2019, was REVIEW "available")."""
    if not flag or groups.isdisjoint({"A:5", "A:6"}):
        return ""
    for match in _STA_GROUP_RE.finditer(" ".join(flag.split())):
        barred = [g for g in ("A:5", "A:6") if g in match.group("groups") and g in groups]
        if not barred:
            continue
        what = match.group("what").strip(" ,;.()").removeprefix("or ").removeprefix(
            "and ").strip()
        what = re.sub(r"^.*?\)\s*(?:,|;)?\s*(?:or|and)?\s*", "", what) \
            if what.lower().startswith("see ") else what
        whole = _STA_WHOLE_RE.match(what)
        if whole and whole.group("base") in (None, eccn.base):
            return barred[0]
        items = _STA_ITEMS_RE.match(what)
        said = parse_paragraph_list(eccn.base, items.group("list")) if items else None
        if said and any(eccn.paragraph == item or eccn.paragraph.startswith(item + ".")
                        for item in said):
            return barred[0]
    return ""


#: An entry's STA line barring paragraph (c)(2) of 740.20 ("Paragraph (c)(2) of License
#: Exception STA ... may not be used for any item in 9A610").
_STA_C2_BAR = re.compile(r"\(c\)\(2\)[^;]*?may not be used")
#: License exceptions that authorise only some kinds of item, wherever they go: (what they
#: cover, whether an entry is one, section). Claimed for another item they are not
#: available (s25 rules hunt: TSU for the 3A090.a chip, APP and ENC for 3A001.a.7 turned a
#: licence requirement into REVIEW "confirm the item's eligibility").
_ITEM_SCOPE: dict[str, tuple[str, Callable[[str], bool], str]] = {
    "TSU": ("software and technology (ECCNs of product groups D and E)",
            lambda base: base[1:2] in ("D", "E"), "15 CFR 740.13"),
    "ENC": ("encryption items (ECCNs 5A002, 5A004, 5B002, 5D002, 5E002, and the mass-market "
            "5A992, 5D992, 5E992)",
            lambda base: base in {"5A002", "5A004", "5B002", "5D002", "5E002", "5A992",
                                  "5D992", "5E992"}, "15 CFR 740.17"),
    "APP": ("computers, their parts, software and technology (Category 4)",
            lambda base: base.startswith("4"), "15 CFR 740.7"),
    # (s29 rules hunt: TSR on the 3A001.a.2 commodity to Hong Kong in 2019 was "available".)
    "TSR": ("software and technology (ECCNs of product groups D and E)",
            lambda base: base[1:2] in ("D", "E"), "15 CFR 740.6"),
    "LVS": ("commodities (ECCNs of product groups A, B and C)",
            lambda base: base[1:2] in ("A", "B", "C"), "15 CFR 740.3"),
    "GBS": ("commodities (ECCNs of product groups A, B and C)",
            lambda base: base[1:2] in ("A", "B", "C"), "15 CFR 740.4"),
}
#: License exceptions only for the items whose entries name them in a line of their own
#: ("ACE: Yes for 5A001.j ...", 15 CFR 740.22; IEC, AIA, LPP, ACM, HBM likewise): claimed
#: for an entry with no such line they are not available (s29 rules hunt: ACE on the
#: 3A090.a chip to Hong Kong was REVIEW "available").
_ENTRY_NAMED = frozenset({"ACE", "IEC", "AIA", "LPP", "ACM", "HBM"})


def _outside_flag(eccn: Eccn, base: str, flag: str) -> str | None:
    """Why an entry's exception line leaves ``eccn``'s paragraph out ("Yes for 1A004.a,
    .b, and .c.2" and 1A004.c.1; "Yes, except 5A001.a, b.5, e, and h" and 5A001.b.5.a), or
    None: it does not, the line names no paragraph, or the line is no list (s24 rules
    hunt: GBS on 3A001.b.1 to Hong Kong in 2019 was "available", though 3A001's GBS line
    does not name .b.1)."""
    if not eccn.paragraph or not flag:
        return None
    said = exception_paragraphs(base, flag)
    if said is None:
        return None
    kind, listed = said
    paragraph = eccn.paragraph

    def within(item: str) -> bool:
        return paragraph == item or paragraph.startswith(item + ".")

    if kind == "only":
        if any(within(item) or item.startswith(paragraph + ".") for item in listed):
            return None
        return f"{eccn.text} is not among the paragraphs named"
    hit = next((item for item in listed if within(item)), None)
    return None if hit is None else f"{base}.{hit} is excepted"


#: Entries and .z paragraphs of the advanced-computing rules (87 FR 62186, effective
#: 2022-10-07; 88 FR 73458, effective 2023-11-17), which 15 CFR 740.2(a)(9)(ii) keeps from
#: license exceptions to the destinations of their RS control.
_ADVANCED_ENTRIES = frozenset({"3A090", "4A090"})
_Z_ENTRIES = frozenset({"3A001", "4A003", "4A004", "4A005", "5A002", "5A004", "5A992",
                        "5D002", "5D992"})
#: The exceptions 740.2(a)(9)(ii) names among those the rules know (those made for these
#: items, LPP, IEC, AIA, ACE, are theirs to judge): every other is barred.
_ADVANCED_ALLOWED = frozenset({"TSU", "GOV", "NAC", "ACA", "LPP", "IEC", "AIA", "ACE"})
_ADVANCED_FROM = dt.date(2022, 10, 7)
_WIDENED_FROM = dt.date(2023, 11, 17)  # 88 FR 73458: D:1, D:4 and D:5, not A:5 or A:6


def _advanced_computing_bar(eccn: Eccn, code: str, dest: str, date: dt.date,
                            rules: RuleSet) -> str:
    """Why 15 CFR 740.2(a)(9)(ii) bars exception ``code`` for ``eccn`` to ``dest`` on
    ``date`` (s24 rules hunt: RPL, TMP, BAG and APP on 3A090.a to Hong Kong were REVIEW,
    "available"); "" if it does not."""
    advanced = eccn.base in _ADVANCED_ENTRIES or (
        eccn.base in _Z_ENTRIES and eccn.paragraph.split(".")[0] == "z")
    if not advanced or code in _ADVANCED_ALLOWED or date < _ADVANCED_FROM:
        return ""
    if date < _WIDENED_FROM:
        if dest != CN:
            return ""
        where = "China (Hong Kong included, as China)"
    else:
        groups = rules.groups_on(dest, date)
        if dest != "MO" and (groups.isdisjoint({"D:1", "D:4", "D:5"})
                             or not groups.isdisjoint({"A:5", "A:6"})):
            return ""
        where = "Macau and destinations in Country Groups D:1, D:4 and D:5 not also in A:5 " \
                "or A:6"
    return (f"15 CFR 740.2(a)(9)(ii) allows no license exception but TSU, GOV, NAC/ACA and "
            f"those made for these items for advanced-computing items (3A090, 4A090 and the "
            f".z paragraphs) to {where}.")


# --- step 5: military end use / end user -----------------------------------------------

def _end_use(line: ShipmentLine, eccn: Eccn, dest: str, date: dt.date,
             rules: RuleSet) -> list[Finding]:
    findings: list[Finding] = []
    entry = rules.eccns.get(eccn.base)
    end_user = line.end_user_type
    name = rules.country_name(dest)
    unread: list[EndUseRuleR] = []  # rules on every item that an unread type may meet
    if end_user in PART_744_TYPES:
        findings.append(_part_744_end_use(name))
    shown = "Military" if end_user == EndUserType.MILITARY_744_END_USE else \
        str(end_user).capitalize() if end_user else "The"
    for rule in rules.end_use_by_country.get(dest, ()):
        if not rule.covers(date):
            continue
        unverified = unverified_note(f"{rule.rule} rule", rule.verification)
        sources = cites(rule.citation)
        if rule.scope == "ccl":  # an end-use control the data cannot check (744.23)
            if not eccn.is_ear99 and entry is not None:
                findings.append(Finding(f"{_code(rule.rule)}_END_USE", Severity.INFO,
                                        f"{name}: {rule.summary}.", sources, unverified))
            continue
        if rule.scope == "all" and end_user == EndUserType.UNRECOGNISED:
            unread.append(rule)
            continue
        if rule.scope == "all":
            wanted = (EndUserType.MILITARY_INTELLIGENCE if rule.end_user == "intelligence"
                      else EndUserType.MILITARY)
            if end_user == wanted or (rule.end_user == "military" and end_user in MILITARY_TYPES):
                severity = Severity.LICENSE if rule.severity == "license" else Severity.REVIEW
                suffix = ("licence required" if severity is Severity.LICENSE else
                          "check whether the end user or end use is covered"
                          + (" (for example a military-intelligence end user)"
                             if rule.rule == "MIEU" else ""))
                kind = "LICENSE_REQUIRED" if severity is Severity.LICENSE else "REVIEW"
                findings.append(Finding(
                    f"{_code(rule.rule)}_{kind}", severity,
                    f"{shown} end user in {name}: "
                    f"{rule.summary}; {suffix}.", sources, unverified))
            continue
        if eccn.is_ear99 or entry is None:
            continue
        if entry.supp2 == "no" or (entry.supp2_since and date < entry.supp2_since):
            continue
        unverified = (*unverified, *unverified_note(f"Supp. No. 2 status of {eccn.base}",
                                                entry.supp2_verification or entry.verification))
        listed = ("is listed in" if entry.supp2 == "yes"
                  else "may be listed in (status unknown)")
        base = (f"ECCN {eccn.base} {listed} Supplement No. 2 to part 744 and {name} is covered "
                f"by the military end use/user rule (15 CFR 744.21)")
        sources = cites(rule.citation, entry.supp2_citation)
        code = _code(rule.rule)
        military = end_user in MILITARY_TYPES
        if military and entry.supp2 == "yes" and rule.severity != "review":
            findings.append(Finding(f"{code}_LICENSE_REQUIRED", Severity.LICENSE,
                                    f"{base}; the end user is military: licence required.",
                                    sources, unverified))
        elif military and entry.supp2 == "yes":
            findings.append(Finding(f"{code}_REVIEW", Severity.REVIEW,
                                    f"{base}: {rule.summary}. The end user is military: "
                                    f"confirm there is no military end use.", sources, unverified))
        elif end_user == EndUserType.CIVIL and entry.supp2 == "yes":
            findings.append(Finding(f"{code}_DECLARED_CIVIL", Severity.INFO,
                                    f"{base}; the end user is declared civil. The rule still "
                                    f"applies if you know of a military end use or user.",
                                    sources, unverified))
        else:
            if end_user == EndUserType.UNRECOGNISED:
                who = "the end-user type given was not understood"
            elif end_user == EndUserType.PART_744_END_USE:
                who = "the end-user type names an end use part 744 controls (see that finding)"
            elif end_user:
                who = f"the end user type is {end_user}"
            else:
                who = "the end user type is not given"
            findings.append(Finding(f"{code}_REVIEW", Severity.REVIEW,
                                    f"{base}; {who}: confirm the end use and end user are not "
                                    f"military.", sources, unverified))
    if unread:
        findings.append(_type_not_understood(name, unread))
    return findings


def _part_744_end_use(name: str) -> Finding:
    """REVIEW for a line whose end-user type names an end use part 744 controls for every
    item subject to the EAR, EAR99 included (s21 hunt: "Nuclear weapons research" and
    "Missile development" were read as another kind of party, CLEAR)."""
    return Finding(
        "END_USE_PART_744", Severity.REVIEW,
        f"The end-user type names a nuclear, rocket, missile or unmanned aerial vehicle, "
        f"chemical or biological weapons, or supercomputer or advanced-chip end use: 15 CFR "
        f"744.2, 744.3, 744.4 and 744.23 require a licence for any item subject to the EAR, "
        f"EAR99 included, when the exporter knows of such an end use in the countries they "
        f"name ({name} may be one). Determine the end use and whether a licence is needed, "
        f"and record the decision.",
        ("15 CFR 744.2", "15 CFR 744.3", "15 CFR 744.4", "15 CFR 744.23"))


def _type_not_understood(name: str, rules: list[EndUseRuleR]) -> Finding:
    """REVIEW for a line whose end-user type cell was not understood, to a destination with
    end-use rules on every item (EAR99 too): the type could be the one they license."""
    kinds = sorted({"military-intelligence" if r.end_user == "intelligence" else "military"
                    for r in rules})
    return Finding(
        "END_USER_TYPE_NOT_UNDERSTOOD", Severity.REVIEW,
        f"The end-user type cell was not understood (none of the words hkscreen reads, or an "
        f"abbreviation or code it does not, such as 'MI' or 'GSD'), and "
        f"{name} has end-use rules on every item subject to the EAR, EAR99 included, for "
        f"{' and '.join(kinds)} end users: confirm the end user is not one, or write the type "
        f"as military, military intelligence, government, civil or commercial.",
        tuple(dict.fromkeys(c for r in rules for c in cites(r.citation))),
        tuple(dict.fromkeys(n for r in rules
                            for n in unverified_note(f"{r.rule} rule", r.verification))))


def _code(rule: str) -> str:
    """A rule name as a finding-code prefix ("744.23" -> "EUC_744_23")."""
    return rule.replace("-", "_") if rule[:1].isalpha() else "EUC_" + rule.replace(".", "_")


# --- step 6 and 7: savings clauses and EEI ------------------------------------------------

def _savings(line: ShipmentLine, rules: RuleSet, target: str, newly: bool) -> list[Finding]:
    date = line.export_date
    assert date is not None
    findings: list[Finding] = []
    exception_lost = bool(line.license_exception and line.license_exception != "NLR")
    for clause in rules.savings:
        if clause.country != target or date < clause.change_date:
            continue
        if _needed_before(line, target, clause.change_date, rules):
            continue  # already licensable the day before: nothing was lost on that date
        lost = newly or (clause.lost == "exception" and exception_lost)
        if clause.lost == "exception" and not exception_lost:
            continue
        if clause.lost == "nlr_or_exception" and not newly and not exception_lost:
            continue
        if not lost:
            continue
        in_window = date <= clause.export_by if clause.export_by else date == clause.change_date
        if not in_window:
            continue
        edge = clause.edge_date is not None and date == clause.edge_date
        findings.append(Finding(
            "SAVINGS_CLAUSE_EDGE" if edge else "SAVINGS_CLAUSE",
            Severity.REVIEW if edge else Severity.INFO,
            _sentence(clause.summary) + (
                " The export date is the last day of the window: check the exact wording "
                "before relying on it." if edge else
                " Confirm the on-dock / en-route status before relying on it."),
            cites(clause.citation), unverified_note(f"savings clause {clause.id}",
                                                 clause.verification)))
    return findings


def _sentence(text: str) -> str:
    """Rule-data prose as a sentence (ends with a full stop), so findings read as text."""
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def _needed_before(line: ShipmentLine, target: str, change: dt.date, rules: RuleSet) -> bool:
    """Did the line need a licence on the day before a change (under the rules then)?"""
    # Memoised in the rules' memo: a fixed day, and _licensing reads only these of the line.
    key = ("needed_before", line.destination, line.ultimate_destination, line.eccn,
           line.license_exception, line.end_user_type, target, change)
    needed = rules.memo.get(key)
    if needed is None:
        day = change - dt.timedelta(days=1)
        mapping = rules.mapping_on(target, day)
        assert line.eccn is not None
        needed = rules.memo[key] = _licensing(
            line, line.eccn, mapping.licensed_as if mapping else target, day,
            rules).needs_licence
    return needed


def _eei(eccn: Eccn, shipped: str, licensing: str, date: dt.date,
         rules: RuleSet) -> list[Finding]:
    if eccn.is_ear99:
        return []
    entry = rules.eccns.get(eccn.base)
    for country in dict.fromkeys((shipped, licensing)):
        for rule in rules.eei:
            if rule.country != country or not rule.covers(date):
                continue
            if rule.scope == "supp2" and not (entry and entry.supp2 == "yes"):
                continue
            aes = " Report the AES country of destination as HK." if shipped == HK else ""
            return [Finding("EEI_REQUIRED", Severity.INFO,
                            f"{rule.summary} (filing required regardless of value).{aes}",
                            cites(rule.citation),
                            unverified_note("EEI rule", rule.verification))]
    return []


def _licence_cited(findings: list[Finding], number: str) -> list[Finding]:
    return [*_downgrade(findings, f"[licence {number} cited]"), Finding(
        "LICENSE_CITED", Severity.REVIEW,
        f"Licence {number} is cited for this line: confirm it covers this ECCN, destination, "
        f"end user, quantity/value and the export date.", ("15 CFR 750.7",))]
