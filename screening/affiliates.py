"""Owners of a line's party, screened against the restricted-party lists, and the Entity
List / MEU "affiliates" (50 percent) rule, effective-dated from ``affiliate_rules.csv``.

A match on an owner always gives a finding naming the owner, the list entry and the stated
share. Whether the affiliates rule makes the line LICENSE_REQUIRED depends on the export
date: before the rule's effective date there is no affiliate finding; while a suspension row
covers the date the finding is REVIEW and says the rule is suspended; otherwise, with a
share at or above the rule's threshold, LICENSE_REQUIRED. Every affiliate finding says
whether the rule was in force on the export date and that a later notice may have changed it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Date, Float, String, select
from sqlalchemy.orm import Session

from screening.model import Finding, Severity
from screening.parties import (
    PartyIndex,
    PartyMatch,
    how_matched,
    is_strong,
    looks_misread,
    lost_letters_finding,
    match_verb,
    misread_finding,
    normalize_party,
    other_script_finding,
    party_cites,
    script_not_listed,
    shown_matches,
)

#: The columns of ``rule_affiliate_rules`` (screening.rules.schema.AffiliateRule) a run
#: reads, typed so that dates come back as dates: every run reads them, and the rule table
#: definitions are loaded only when the rules themselves must be read from the database.
_TABLE = sa.table("rule_affiliate_rules", *(sa.column(name, kind) for name, kind in (
    ("id", String), ("lists", String), ("min_share_pct", Float), ("status", String),
    ("valid_from", Date), ("valid_to", Date), ("citation", String),
    ("verification", String), ("summary", String))))

LATER_NOTICE = ("A later Federal Register notice may have changed this rule after the rule "
                "data was recorded: check the Federal Register and 15 CFR 744.11.")


@dataclass(frozen=True)
class AffiliateRuleRow:
    id: str
    lists: frozenset[str]
    min_share_pct: float
    status: str  # in_force | suspended
    valid_from: dt.date | None
    valid_to: dt.date | None
    citation: str
    verification: str
    summary: str

    def covers(self, day: dt.date) -> bool:
        return ((self.valid_from is None or self.valid_from <= day)
                and (self.valid_to is None or day <= self.valid_to))


def rows_from_table(rows: Iterable[dict[str, Any]]) -> tuple[AffiliateRuleRow, ...]:
    return tuple(sorted((AffiliateRuleRow(
        r["id"], frozenset(c for c in str(r["lists"]).split(";") if c),
        float(r["min_share_pct"]), r["status"], r["valid_from"], r["valid_to"],
        r["citation"], r["verification"], r["summary"]) for r in rows),
        key=lambda r: (r.valid_from or dt.date.min, r.id)))


def load_affiliate_rules(session: Session) -> tuple[AffiliateRuleRow, ...]:
    return rows_from_table(dict(r) for r in session.execute(select(_TABLE)).mappings())


@dataclass(frozen=True)
class AffiliateStatus:
    """The rule for one list on one date: ``state`` is ``in_force``, ``suspended`` or
    ``not_in_force`` (before it or outside every row); ``rule`` the rule row, ``suspension``
    the suspension row covering the date."""

    state: str
    rule: AffiliateRuleRow
    suspension: AffiliateRuleRow | None = None


def status_on(rules: tuple[AffiliateRuleRow, ...], list_code: str,
              day: dt.date) -> AffiliateStatus | None:
    """None when no affiliates rule row names ``list_code``."""
    relevant = [r for r in rules if list_code in r.lists]
    base = [r for r in relevant if r.status == "in_force"]
    if not base:
        return None
    in_force = [r for r in base if r.covers(day)]
    if not in_force:
        return AffiliateStatus("not_in_force", base[0])
    suspension = next((r for r in relevant if r.status == "suspended" and r.covers(day)), None)
    if suspension is not None:
        return AffiliateStatus("suspended", in_force[-1], suspension)
    return AffiliateStatus("in_force", in_force[-1])


def owner_findings(owners: Iterable[tuple[str, str]], share: float | None,
                   country: str | None, export_date: dt.date | None, index: PartyIndex,
                   rules: tuple[AffiliateRuleRow, ...],
                   suppressed: frozenset[tuple[str, str, str]] = frozenset(),
                   ) -> tuple[Finding, ...]:
    """Findings for the owners of one line's party: (column header, owner name) pairs."""
    findings: list[Finding] = []
    stated = f"{share:g}%" if share is not None else "not stated"
    for column, name in owners:
        normalized = normalize_party(name) if suppressed else ""
        matches = index.match(name, country)
        if (script := script_not_listed(name)) is not None and \
                not any(is_strong(m, name, index) for m in matches):
            findings.append(other_script_finding(f"Owner {name!r} ({column} column)", "owner",
                                                 script))
        if looks_misread(name):  # (s19 hunt: checked for the other parties only)
            findings.append(misread_finding(f"Owner {name!r} ({column} column)"))
        if (lost := lost_letters_finding(f"Owner ({column} column)", name)) is not None:
            findings.append(lost)
        for m, hidden, more in shown_matches(matches, normalized, suppressed):
            entry = m.entry
            text = (f"Owner {name!r} ({column} column) {match_verb(m)} {entry.list_label} "
                    f"entry {entry.name!r}, {entry.reference} ({how_matched(m)}); stated "
                    f"ownership share: {stated}.")
            if hidden:
                findings.append(Finding("PARTY_OWNER_MATCH_SUPPRESSED", Severity.INFO,
                                        text + " Marked a false positive by a reviewer.",
                                        party_cites(entry)))
                continue
            strong = is_strong(m, name, index)
            extra = "" if strong else \
                f" {'Partial' if m.partial else 'Weaker'} match: confirm or mark it a false " \
                f"positive.{more}"
            findings.append(Finding(f"PARTY_OWNER_MATCH_{entry.list_code}", Severity.REVIEW,
                                    text + " The line's party may be owned by a listed "
                                    "party: review the ownership." + extra,
                                    party_cites(entry)))
            if strong and export_date is not None:
                found = _affiliate_finding(name, m, share, export_date, rules)
                if found is not None:
                    findings.append(found)
    return tuple(findings)


def _affiliate_finding(owner: str, m: PartyMatch, share: float | None, day: dt.date,
                       rules: tuple[AffiliateRuleRow, ...]) -> Finding | None:
    entry = m.entry
    status = status_on(rules, entry.list_code, day)
    if status is None or status.state == "not_in_force":
        return None  # before the rule (or outside it): the owner match finding says enough
    rule = status.rule
    if share is not None and share < rule.min_share_pct:
        return None
    cites = (rule.citation, *party_cites(entry))
    who = (f"the line's party is owned {share:g}% by {owner!r}" if share is not None
           else f"the line's party is owned by {owner!r} (share not stated)")
    head = f"Affiliates rule ({rule.id}): {who}, {entry.list_label} entry {entry.reference}."
    if status.state == "suspended":
        sus = status.suspension
        assert sus is not None
        return Finding("AFFILIATES_RULE_SUSPENDED", Severity.REVIEW, (
            f"{head} The rule (effective {rule.valid_from}) is suspended on the export date "
            f"{day} ({sus.id}: suspended {sus.valid_from} to {sus.valid_to}), so it is not "
            f"in force on that date and the listed owner's licence requirement does not "
            f"extend to this party by ownership; the ownership remains a red flag to review. "
            f"{LATER_NOTICE}"), (sus.citation, *cites), _unverified(rule, sus))
    if share is None:
        return Finding("AFFILIATES_RULE_SHARE_UNKNOWN", Severity.REVIEW, (
            f"{head} The affiliates rule is in force on the export date {day}: determine "
            f"the ownership share; {rule.min_share_pct:g}% or more (alone or with other "
            f"listed owners) means the listed owner's licence requirement applies. "
            f"{LATER_NOTICE}"), cites, _unverified(rule))
    requirement = f" Licence requirement: {entry.license_requirement}." \
        if entry.license_requirement else ""
    policy = f" Licence policy: {entry.license_policy}." if entry.license_policy else ""
    return Finding("AFFILIATES_RULE", Severity.LICENSE, (
        f"{head} The affiliates rule is in force on the export date {day} (effective "
        f"{rule.valid_from}; no suspension covers that date in the rule data): an entity "
        f"owned {rule.min_share_pct:g}% or more by a listed party takes the listed party's "
        f"restrictions.{requirement}{policy} {LATER_NOTICE}"), cites, _unverified(rule))


def _unverified(*rows: AffiliateRuleRow) -> tuple[str, ...]:
    return tuple(f"affiliate_rules.csv {r.id} ({r.verification})" for r in rows
                 if r.verification != "VERIFIED")
