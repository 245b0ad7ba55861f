"""The screening procedure (DESIGN.md, steps 1-8) as pure functions over a RuleSet snapshot."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace

from screening.model import Eccn, Finding, Screening, Severity, ShipmentLine, worst
from screening.normalize import EndUserType
from screening.rules.ruleset import ChartRowRule, RuleSet

HK, CN = "HK", "CN"
#: Hong Kong's treatment before 2020-06-30 is the baseline for "newly licensable".
HK_BASELINE_DATE = dt.date(2020, 6, 29)
HK_CHANGE_START = dt.date(2020, 6, 30)
EMBARGO_GROUPS = ("E:1", "E:2")
_NOT_VERIFIED = ("PARTIAL", "INFERRED", "UNVERIFIED")
#: Findings meaning "a licence may be required; the data cannot tell".
_INDETERMINATE = ("CHART_PARAGRAPH_DEPENDENT", "SPECIAL_CONTROL_REVIEW", "UNKNOWN_ECCN",
                  "NO_CHART_ROW")


def _cites(*texts: str) -> tuple[str, ...]:
    """Split '; '-joined citation strings into a de-duplicated tuple."""
    out: dict[str, None] = {}
    for text in texts:
        for part in (text or "").split(";"):
            if part.strip():
                out[part.strip()] = None
    return tuple(out)


def _unverified(label: str, verification: str) -> tuple[str, ...]:
    return (f"{label} ({verification})",) if verification in _NOT_VERIFIED else ()


@dataclass(frozen=True, slots=True)
class _Licensing:
    """Licence-determining findings for one (item, destination, date)."""

    findings: tuple[Finding, ...]

    @property
    def needs_licence(self) -> bool:
        return any(f.severity in (Severity.LICENSE, Severity.PROHIBITED) for f in self.findings)



MEMO_LIMIT = 500_000


def screen_line(line: ShipmentLine, rules: RuleSet) -> Screening:
    """Screen one line. Lines with equal screening inputs in the same rule epoch get equal
    results, so those are memoised on the RuleSet (big files repeat them a lot)."""
    if line.problems or line.export_date is None:
        return _screen(line, rules)
    key = (line.destination, line.ultimate_destination, rules.epoch(line.export_date),
           line.eccn, line.license_exception, line.license_number, line.end_user_type)
    memo = rules.memo
    hit = memo.get(key)
    if hit is None:
        hit = _screen(line, rules)
        if len(memo) > MEMO_LIMIT:
            memo.clear()
        memo[key] = hit
        return hit
    return Screening(line.row, line.line_id, hit.verdict, hit.destination,
                     hit.licensing_destination, hit.newly_licensable, hit.findings)


def _screen(line: ShipmentLine, rules: RuleSet) -> Screening:
    findings: list[Finding] = list(line.problems)
    if line.destination is None or line.export_date is None or line.eccn is None:
        missing = [name for name, value in (("destination", line.destination),
                                            ("export date", line.export_date),
                                            ("classification (ECCN)", line.eccn)) if value is None]
        if not any(f.severity is Severity.ERROR for f in findings):
            findings.append(Finding("MISSING_VALUE", Severity.ERROR,
                                    f"Cannot screen: no usable {', '.join(missing)}."))
        return _result(line, findings, None, newly=False)

    date, eccn, shipped = line.export_date, line.eccn, line.destination
    target = line.ultimate_destination or shipped
    licensing = target
    mapping = rules.mapping_on(target, date)
    if mapping:
        licensing = mapping.licensed_as
        findings.append(Finding(
            "LICENSED_AS", Severity.INFO,
            f"Shipped to {rules.country_name(target)}: licensed as "
            f"{rules.country_name(licensing)} from {mapping.valid_from} ({mapping.summary}).",
            _cites(mapping.citation), _unverified("destination mapping", mapping.verification)))
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

    newly = False
    if target == HK and date >= HK_CHANGE_START and actual.needs_licence:
        baseline = _licensing(line, eccn, HK, HK_BASELINE_DATE, rules)
        if not baseline.needs_licence:
            newly = True
            findings.append(Finding(
                "NEWLY_LICENSABLE", Severity.INFO,
                "A licence is needed now, but was not under Hong Kong's treatment before "
                "2020-06-30 (its own Country Chart row, Country Groups A:6 and B, and the "
                "license exceptions then available).",
                _cites("85 FR 83765", "85 FR 45998"),
                _baseline_unverified(eccn, rules)))
        findings.extend(_savings(line, rules, target, newly))
    elif target == HK and line.license_exception and date >= HK_CHANGE_START:
        findings.extend(_savings(line, rules, target, newly))

    findings.extend(_eei(eccn, shipped, licensing, date, rules))
    if line.license_number and actual.needs_licence:
        findings = _licence_cited(findings, line.license_number)
    return _result(line, findings, licensing, newly)


def _baseline_unverified(eccn: Eccn, rules: RuleSet) -> tuple[str, ...]:
    """The inferred cells of Hong Kong's old row that the 'newly licensable' call rests on."""
    row = rules.chart_row(HK, HK_BASELINE_DATE)
    entry = rules.eccns.get(eccn.base)
    if row is None or entry is None:
        return ()
    # The old "no licence" rests on blank cells of Hong Kong's old row for the columns that
    # control this item; name those that are inferred rather than verified.
    return tuple(f"Country Chart {row.row_key} {c.column} cell (INFERRED)"
                 for c in entry.controls
                 if c.column in row.unverified_cells and c.column not in row.columns
                 and c.applies(eccn.paragraph) is not False)


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
    name = rules.country_name(dest)
    embargo = sorted(groups.intersection(EMBARGO_GROUPS))
    if embargo:
        findings.append(Finding(
            "EMBARGOED_DESTINATION", Severity.LICENSE,
            f"{name} is in Country Group {', '.join(embargo)}: a licence is required for "
            f"virtually all items subject to the EAR, including EAR99 (part 746).",
            ("15 CFR part 746", "15 CFR part 740, Supp. No. 1")))
    if not eccn.is_ear99:
        findings.extend(_chart_and_special(eccn, dest, date, groups, rules))
    findings = _apply_exception(line, findings, dest, date, rules)
    findings.extend(_end_use(line, eccn, dest, date, rules))
    return _Licensing(tuple(findings))


def _chart_and_special(eccn: Eccn, dest: str, date: dt.date, groups: frozenset[str],
                       rules: RuleSet) -> list[Finding]:
    key = ("chart", eccn, dest, rules.epoch(date))
    hit = rules.memo.get(key)
    if hit is None:
        hit = rules.memo[key] = tuple(_chart_and_special_uncached(eccn, dest, date, groups, rules))
    return list(hit)


def _chart_and_special_uncached(eccn: Eccn, dest: str, date: dt.date, groups: frozenset[str],
                                rules: RuleSet) -> list[Finding]:
    entry = rules.eccns.get(eccn.base)
    name = rules.country_name(dest)
    if entry is None:
        return [Finding(
            "UNKNOWN_ECCN", Severity.REVIEW,
            f"ECCN {eccn.text} is not in the rules database, so its licence requirement for "
            f"{name} cannot be determined (indeterminate). Check the Commerce Control List.",
            ("15 CFR part 774, Supp. No. 1",))]
    findings: list[Finding] = []
    row = rules.chart_row(dest, date)
    if row is None:
        findings.append(Finding(
            "NO_CHART_ROW", Severity.REVIEW,
            f"The rules database has no Country Chart row for {name} on the export date: "
            f"the licence requirement cannot be determined.", ("15 CFR part 738, Supp. No. 1",)))
    else:
        findings.extend(_chart(eccn, entry.controls, row, date, name, entry.citation))
    for special in entry.specials:
        if not special.covers(date):
            continue
        if eccn.paragraph and special.paragraphs and not any(
                eccn.paragraph == p or eccn.paragraph.startswith(p + ".")
                for p in special.paragraphs):
            continue
        hit = ("*" in special.destinations or dest in special.destinations
               or bool(groups.intersection(special.groups)))
        if (not hit or dest in special.except_destinations
                or groups.intersection(special.except_groups)):
            continue
        unsure = special.paragraphs and not eccn.paragraph
        severity = Severity.REVIEW if unsure or special.severity == "review" else Severity.LICENSE
        suffix = (f" Applies to {eccn.base}.{'/.'.join(special.paragraphs)} only: the "
                  f"paragraph is not given." if unsure else "")
        findings.append(Finding(
            "SPECIAL_CONTROL" if severity is Severity.LICENSE else "SPECIAL_CONTROL_REVIEW",
            severity, f"ECCN {eccn.text} to {name}: {special.summary}.{suffix}",
            _cites(special.citation), _unverified(f"special control {special.id}",
                                                  special.verification)))
    return findings


def _chart(eccn: Eccn, controls: Iterable, row: ChartRowRule, date: dt.date, name: str,
           entry_citation: str) -> list[Finding]:
    required: list[str] = []
    unsure: list[str] = []
    unverified: list[str] = []
    citations = [row.citation, entry_citation]
    for control in controls:
        if control.column not in row.columns:
            continue
        applies = control.applies(eccn.paragraph)
        if applies is False:
            continue
        (required if applies else unsure).append(control.column)
        citations.append(control.citation)
        unverified.extend(_unverified(f"ECCN {eccn.base} {control.column} control",
                                      control.verification))
        if control.column in row.unverified_cells:
            unverified.append(f"Country Chart {row.row_key} {control.column} cell (INFERRED)")
    findings: list[Finding] = []
    if required:
        findings.append(Finding(
            "CHART_LICENSE_REQUIRED", Severity.LICENSE,
            f"ECCN {eccn.text} is controlled for {', '.join(required)}, and the Country Chart row "
            f"for {name} ({row.name}) has an X in {', '.join(required)}: licence required.",
            _cites(*citations), tuple(unverified)))
    if unsure and required:
        findings.append(Finding(
            "CHART_PARAGRAPH_DEPENDENT", Severity.INFO,
            f"ECCN {eccn.text} may also be controlled for {', '.join(unsure)} (depends on the "
            f"paragraph); this matters for the licence application, not for whether one is "
            f"needed.", _cites(*citations), tuple(unverified)))
    elif unsure:
        findings.append(Finding(
            "CHART_PARAGRAPH_DEPENDENT", Severity.REVIEW,
            f"ECCN {eccn.text}: the {', '.join(unsure)} control applies only to some paragraphs "
            f"and the data cannot tell whether this item is one of them; {name} has an X in "
            f"{', '.join(unsure)} (indeterminate).", _cites(*citations), tuple(unverified)))
    if (row.known_as_of and date < row.known_as_of) or (row.date_basis and not row.known_as_of):
        findings.append(Finding(
            "CHART_DATE_BASIS", Severity.INFO,
            f"The Country Chart row for {name} is the {row.date_basis}; the row in force on "
            f"the export date is assumed to be the same.", _cites(row.citation)))
    return findings


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
    rule = rules.exception_rule(code, dest, date)
    status = rule.status if rule else None
    citations = _cites(rule.citation if rule else "", info.citation)
    unverified = (_unverified(f"license exception {code} rule", rule.verification) if rule
                  else _unverified(f"license exception {code}", info.verification))
    if status is None and info.eligible_groups:
        member = rules.groups_on(dest, date).intersection(info.eligible_groups)
        status = "available" if member else "not_available"
        citations = _cites(info.citation, "15 CFR part 740, Supp. No. 1")
    severity = Severity.LICENSE if needed else Severity.REVIEW
    not_needed = "" if needed else " (No licence requirement was found for this line, so the " \
                                   "claim is not needed; correct the export documents.)"
    if status in ("suspended", "not_available", "removed"):
        was_hk = HK in (line.destination, line.ultimate_destination)
        hk_before = rules.exception_rule(code, HK, HK_BASELINE_DATE)
        if status == "suspended" or (was_hk and dest == CN and hk_before
                                     and hk_before.status in ("available", "partial")):
            fcode = "LICENSE_EXCEPTION_SUSPENDED"
            message = (f"License exception {code} ({info.name}) is not available for exports to "
                       f"Hong Kong on the export date: suspended from 2020-06-30 "
                       f"(15 CFR 740.2(a)(23)) and, "
                       f"from 2020-12-23, Hong Kong only gets what China gets.")
            citations = _cites("BIS notice of 2020-06-30", "85 FR 45998", "85 FR 83765",
                               *citations)
        elif status == "removed":
            fcode = "LICENSE_EXCEPTION_REMOVED"
            message = (f"License exception {code} ({info.name}) was removed from the EAR "
                       f"effective {rule.valid_from if rule else '?'}.")
        else:
            fcode = "LICENSE_EXCEPTION_NOT_AVAILABLE"
            message = f"License exception {code} ({info.name}) is not available for {name}."
        return [*findings, Finding(fcode, severity, message + not_needed, citations, unverified)]
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


# --- step 5: military end use / end user -----------------------------------------------

def _end_use(line: ShipmentLine, eccn: Eccn, dest: str, date: dt.date,
             rules: RuleSet) -> list[Finding]:
    findings: list[Finding] = []
    entry = rules.eccns.get(eccn.base)
    end_user = line.end_user_type
    for rule in rules.end_use:
        if rule.country != dest or not rule.covers(date):
            continue
        name = rules.country_name(dest)
        if rule.scope == "all":
            if end_user == EndUserType.MILITARY:
                findings.append(Finding(
                    f"{rule.rule}_REVIEW", Severity.REVIEW,
                    f"Military end user in {name}: {rule.summary}; check whether the end user "
                    f"is a military-intelligence end user.", _cites(rule.citation),
                    _unverified(f"{rule.rule} rule", rule.verification)))
            continue
        if eccn.is_ear99 or entry is None:
            continue
        if entry.supp2 == "no" or (entry.supp2_since and date < entry.supp2_since):
            continue
        unverified = (*_unverified(f"{rule.rule} rule", rule.verification),
                      *_unverified(f"Supp. No. 2 status of {eccn.base}", entry.verification))
        listed = ("is listed in" if entry.supp2 == "yes"
                  else "may be listed in (status unknown)")
        base = (f"ECCN {eccn.base} {listed} Supplement No. 2 to part 744 and {name} is covered "
                f"by the military end use/user rule (15 CFR 744.21)")
        cites = _cites(rule.citation, entry.supp2_citation)
        if end_user == EndUserType.MILITARY and entry.supp2 == "yes":
            findings.append(Finding(f"{rule.rule}_LICENSE_REQUIRED", Severity.LICENSE,
                                    f"{base}; the end user is military: licence required.",
                                    cites, unverified))
        elif end_user == EndUserType.CIVIL and entry.supp2 == "yes":
            findings.append(Finding(f"{rule.rule}_DECLARED_CIVIL", Severity.INFO,
                                    f"{base}; the end user is declared civil. The rule still "
                                    f"applies if you know of a military end use or user.",
                                    cites, unverified))
        else:
            who = f"the end user type is {end_user.value}" if end_user else \
                  "the end user type is not given"
            findings.append(Finding(f"{rule.rule}_REVIEW", Severity.REVIEW,
                                    f"{base}; {who}: confirm the end use and end user are not "
                                    f"military.", cites, unverified))
    return findings


# --- step 6 and 7: savings clauses and EEI ------------------------------------------------

def _savings(line: ShipmentLine, rules: RuleSet, target: str, newly: bool) -> list[Finding]:
    date = line.export_date
    assert date is not None
    findings: list[Finding] = []
    exception_lost = bool(line.license_exception and line.license_exception != "NLR")
    for clause in rules.savings:
        if clause.country != target or date < clause.change_date:
            continue
        lost = newly or (clause.lost == "exception" and exception_lost)
        if clause.lost == "exception" and not exception_lost:
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
            clause.summary + (" The export date is the last day of the window: check the "
                              "exact wording before relying on it." if edge else
                              " Confirm the on-dock / en-route status before relying on it."),
            _cites(clause.citation), _unverified(f"savings clause {clause.id}",
                                                 clause.verification)))
    return findings


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
                            _cites(rule.citation),
                            _unverified("EEI rule", rule.verification))]
    return []


def _licence_cited(findings: list[Finding], number: str) -> list[Finding]:
    return [*_downgrade(findings, f"[licence {number} cited]"), Finding(
        "LICENSE_CITED", Severity.REVIEW,
        f"Licence {number} is cited for this line: confirm it covers this ECCN, destination, "
        f"end user, quantity/value and the export date.", ("15 CFR 750.7",))]
