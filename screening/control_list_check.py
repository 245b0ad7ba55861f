"""Step 3 of the screening procedure: what the Control List and Part 746 require for an item
to a destination on a date (Country Chart columns, off-chart destination rows, paragraph
scope, entries that point to the USML or did not exist yet)."""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Iterable
from dataclasses import replace

from screening.citations import cites, unverified_note
from screening.model import Eccn, Finding, Severity
from screening.rules.ruleset import (
    ChartRowRule,
    ControlRule,
    EccnRule,
    GroupRule,
    RuleSet,
    SpecialRule,
)


def destination_controls(eccn: Eccn, dest: str, date: dt.date,
                         rules: RuleSet) -> list[Finding]:
    """Part 746: destinations the Country Chart does not govern (embargoes, sanctions)."""
    name = rules.country_name(dest)
    findings: list[Finding] = []
    for rule in rules.destination_controls.get(dest, ()):
        if not rule.covers(date):
            continue
        if (rule.items == "ccl" and eccn.is_ear99) or (rule.items == "ear99"
                                                       and not eccn.is_ear99):
            continue
        severity = {"license": Severity.LICENSE, "prohibited": Severity.PROHIBITED}.get(
            rule.severity, Severity.REVIEW)
        code = ("EMBARGOED_DESTINATION" if rule.items == "all" else
                "PART_746_LICENSE_REQUIRED" if severity is not Severity.REVIEW
                else "PART_746_REVIEW")
        findings.append(Finding(
            code, severity, f"{name}: {rule.summary}. The regulation: \"{rule.requirement}\"",
            cites(rule.citation), unverified_note(f"Part 746 rule {rule.id}", rule.verification)))
    row = rules.chart_row(dest, date)
    if row is not None and row.referral and not findings:
        findings.append(Finding(
            "PART_746_REFERRAL", Severity.REVIEW,
            f"The Country Chart does not govern {name}: \"{row.referral}\" The rules database "
            f"has no Part 746 rule for this item on the export date (indeterminate).",
            cites(row.citation, "15 CFR part 746")))
    return findings


def chart_and_special(eccn: Eccn, dest: str, date: dt.date, groups: frozenset[str],
                      rules: RuleSet) -> list[Finding]:
    key = ("chart", eccn, dest, rules.epoch_for(date, (dest,), eccn.base))
    hit = rules.memo.get(key)
    if hit is None:
        hit = rules.memo[key] = tuple(_chart_and_special_uncached(eccn, dest, date, groups, rules))
    return list(hit)


def _entry_problems(eccn: Eccn, entry: EccnRule, date: dt.date) -> list[Finding]:
    """An entry that points to the USML, has no licence requirements, or did not exist on
    the export date: the chart cannot decide (REVIEW, in the entry's own words)."""
    entry_cites = cites(entry.citation)
    if entry.points_to_itar:
        return [Finding(
            "ECCN_POINTS_TO_USML", Severity.REVIEW,
            f"ECCN {eccn.text} points to the USML: \"{entry.description}\" Items it describes "
            f"are subject to the ITAR (22 CFR parts 120-130), licensed by the State Department, "
            f"not under the EAR Country Chart. Confirm the jurisdiction and classification.",
            cites("22 CFR parts 120-130", *entry_cites))]
    if entry.valid_from and date < entry.valid_from:
        made = next((d for d in entry.created if d.kind == "created" and not d.paragraphs),
                    None)
        return [Finding(
            "ECCN_NOT_IN_FORCE", Severity.REVIEW,
            f"ECCN {eccn.base} did not exist on the export date: it was created on "
            f"{entry.valid_from}. Check the classification the item had on the export date.",
            cites(made.citation if made else "", *entry_cites),
            unverified_note(f"creation date of {eccn.base}", made.verification) if made else ())]
    for d in entry.created:
        if not (d.paragraphs and eccn.paragraph and date < d.valid_from
                and any(eccn.paragraph == p or eccn.paragraph.startswith(p + ".")
                        for p in d.paragraphs)):
            continue
        if d.kind == "created":
            return [Finding(
                "PARAGRAPH_NOT_IN_FORCE", Severity.REVIEW,
                f"Paragraph {eccn.text} did not exist on the export date: {d.summary} on "
                f"{d.valid_from}. Check the classification the item had on the export date.",
                cites(d.citation, *entry_cites), unverified_note(f"creation date {d.id}",
                                                        d.verification))]
        if d.kind == "text_from":
            # Its text or controls changed on a date the rules do not hold: the edition's
            # rows would screen an earlier line on today's scope.
            return [Finding(
                "PARAGRAPH_TEXT_UNDATED", Severity.REVIEW,
                f"Paragraph {eccn.text}: {d.summary}. The rules hold its text and controls "
                f"only as in force from {d.valid_from}; on the export date they may have "
                f"differed. Check the classification and licence requirement in the Control "
                f"List of the export date.",
                cites(d.citation, *entry_cites), unverified_note(f"dated text {d.id}",
                                                        d.verification))]
    if not entry.controls and not entry.specials:
        return [Finding(
            "ECCN_NO_REQUIREMENTS", Severity.REVIEW,
            f"ECCN {eccn.base} has no licence requirements in the Control List edition: "
            f"\"{entry.description}\" (reserved entries, items of the 0x521 series or entries "
            f"controlled elsewhere). The licence requirement cannot be determined here.",
            entry_cites)]
    return []


def _paragraph_problems(eccn: Eccn, entry: EccnRule, rules: RuleSet) -> list[Finding]:
    """A paragraph the Control List cannot hold, or that its text does not have or marks
    [Reserved]: whatever the entry's own requirements say, the item's classification is in
    doubt (a typo, "5A992.z.l" for .z.1, or a paragraph that does not exist) -- REVIEW, never
    CLEAR on the parent entry's requirements alone."""
    paragraph = eccn.paragraph
    if not paragraph:
        return []
    labels = paragraph.split(".")
    entry_cites = cites(entry.citation)
    if any(label.isdigit() != (level % 2 == 1) for level, label in enumerate(labels)):
        return [Finding(
            "ECCN_PARAGRAPH_NOT_IN_CCL", Severity.REVIEW,
            f"ECCN {eccn.text}: .{paragraph} cannot be a Control List paragraph (they begin "
            f"with a letter and alternate letters and numbers, as 3A001.b.2.a); a typo for "
            f"another one? Check the classification.", entry_cites)]
    known = rules.known_paragraphs(eccn.base)
    if known is None:
        # No "Items" text for the entry: the paragraphs added to only some entries (.z
        # since 2023; .x and .y of the 600 series and the 0x5zz / 9x515 entries) are
        # checked against the entries the rules name them for.
        first = labels[0]
        named = rules.mentioned_paragraphs(eccn.base)
        if first in ("x", "y", "z") and first not in named \
                and not (first in ("x", "y") and eccn.base[2] in "56"):
            return [Finding(
                "ECCN_PARAGRAPH_UNKNOWN", Severity.REVIEW,
                f"ECCN {eccn.text}: no rule or text the rules database holds names a paragraph "
                f".{first} of {eccn.base} (.{first} paragraphs belong to some entries only). "
                f"Check the classification.", entry_cites)]
        return []
    edition = f"the Control List text of {known.edition}" if known.edition else \
        "the Control List text the rules database holds"
    for level in range(len(labels)):
        path = ".".join(labels[:level + 1])
        if path in known.reserved:
            return [Finding(
                "ECCN_PARAGRAPH_RESERVED", Severity.REVIEW,
                f"ECCN {eccn.text}: paragraph {eccn.base}.{path} is [Reserved] in {edition}: "
                f"no item is classified there. Check the classification.", entry_cites)]
        if path in known.paths:
            continue
        parent = ".".join(labels[:level])
        label = labels[level]
        # Labels of this level's kind (the text's notes add numbered paragraphs where the
        # items are lettered).
        siblings = {s for s in known.children(parent) if s.isdigit() == label.isdigit()}
        # Beyond the last paragraph the text lists at this level. (One missing between
        # listed ones is more likely a paragraph the extraction missed: 1B003 lacks its .a.)
        if siblings and _label_order(label) > max(map(_label_order, siblings)):
            shown = ", ".join(f".{parent + '.' if parent else ''}{s}"
                              for s in sorted(siblings, key=_label_order))
            return [Finding(
                "ECCN_PARAGRAPH_UNKNOWN", Severity.REVIEW,
                f"ECCN {eccn.text}: {eccn.base} has no paragraph .{path} in {edition} (it "
                f"has {shown}). Check the classification.", entry_cites)]
        if not siblings and parent and parent in known.rows:
            return [Finding(
                "ECCN_PARAGRAPH_UNKNOWN", Severity.REVIEW,
                f"ECCN {eccn.text}: paragraph {eccn.base}.{parent} has no sub-paragraphs in "
                f"{edition}, so there is no .{path}. Check the classification.", entry_cites)]
        return []  # the text does not go this deep: nothing to compare with
    return []


def _paragraph_without_requirements(eccn: Eccn, entry: EccnRule,
                                    date: dt.date) -> list[Finding]:
    """REVIEW for a paragraph that none of the entry's licence requirement rows in force on
    the date covers, not even AT, and no special control either (s22 hunt: 7A005.a and
    1B233.a, .c, .d, whose rows all name 7A005.b or 1B233.b, were CLEAR to Hong Kong). An
    item on the Control List that no EAR reason controls is mostly licensed by another
    agency (the ITAR, the NRC): the entry's own wording cannot say, as for an entry without
    requirements (ECCN_NO_REQUIREMENTS)."""
    if not _uncovered(entry, eccn.paragraph, date):
        return []
    controls = [c for c in entry.controls if c.covers(date)]
    scopes = "; ".join(dict.fromkeys(f"{c.reason or c.column}: {c.scope_text(eccn.base)}"
                                     for c in controls))
    return [Finding(
        "PARAGRAPH_NO_REQUIREMENTS", Severity.REVIEW,
        f"ECCN {eccn.text}: none of {eccn.base}'s licence requirements covers paragraph "
        f".{eccn.paragraph} ({scopes}). An item the Control List names that no reason for "
        f"control covers is usually controlled by another agency (the ITAR, the Nuclear "
        f"Regulatory Commission) or classified elsewhere: the licence requirement cannot be "
        f"determined here. Check the classification and the jurisdiction.",
        cites(entry.citation, *(c.citation for c in controls)))]


def _uncovered(entry: EccnRule, paragraph: str, date: dt.date) -> bool:
    """Whether the entry has licence requirements in force on the date and none of them,
    nor any special control, can cover ``paragraph``."""
    controls = [c for c in entry.controls if c.covers(date)]
    return bool(controls) and all(c.applies(paragraph) is False for c in controls) and all(
        not s.covers(date) or s.applies(paragraph) is False for s in entry.specials)


def _entry_with_uncovered_paragraphs(eccn: Eccn, entry: EccnRule, date: dt.date,
                                     rules: RuleSet) -> list[Finding]:
    """REVIEW for a classification without a paragraph whose entry has paragraphs that
    none of its requirements covers (s22 second review: bare 7A005 and 1B233 were CLEAR
    where 7A005.a and 1B233.a are REVIEW): the item may be one of them."""
    known = rules.known_paragraphs(eccn.base)
    named: list[str] = []  # of an entry without text: the letters its rules name
    if known is not None:
        letters = sorted(p for p in known.children("")
                         if p.isalpha() and p not in known.reserved)
    else:
        named = _top_letters(rules.mentioned_paragraphs(eccn.base))
        letters = _letters_named(named)
    uncovered = [p for p in letters if _uncovered(entry, p, date)]
    if not uncovered:
        return []
    basis = "" if known is not None else (
        f" (the rules database holds no paragraph text for {eccn.base}; its rules and notes "
        f"name {', '.join(f'{eccn.base}.{p}' for p in named)}, so the paragraphs before it "
        f"are taken to exist)")
    shown = ", ".join(f"{eccn.base}.{p}" for p in uncovered)
    return [Finding(
        "PARAGRAPH_NO_REQUIREMENTS", Severity.REVIEW,
        f"ECCN {eccn.text} is given without a paragraph, and none of its licence requirements "
        f"covers {shown}{basis}: such an item is usually controlled by another agency (the "
        f"ITAR, the Nuclear Regulatory Commission). Give the paragraph, or check the "
        f"jurisdiction.", cites(entry.citation))]


def _top_letters(paths: Iterable[str]) -> list[str]:
    """The top-level lettered paragraphs among ``paths`` ("b" of "b", "b.1"), sorted."""
    return sorted(p for p in paths if len(p) == 1 and p.isalpha())


def _letters_named(paths: Iterable[str]) -> list[str]:
    """The top-level paragraphs an entry without paragraph text has, as far as what names
    them shows: those named, and every letter before the last one named (s23: bare 7A005,
    whose rows all name .b, was CLEAR; its .a is ITAR-controlled). The .x, .y and .z
    paragraphs of some entries follow gaps, so nothing is inferred before them."""
    named = set(_top_letters(paths))
    ordinary = [p for p in named if p not in "xyz"]
    before = string.ascii_lowercase[:string.ascii_lowercase.index(max(ordinary)) + 1] \
        if ordinary else ""
    return sorted(named | set(before))


def _label_order(label: str) -> tuple[int, str]:
    return (int(label), "") if label.isdigit() else (0, label)


def _chart_and_special_uncached(eccn: Eccn, dest: str, date: dt.date, groups: frozenset[str],
                                rules: RuleSet) -> list[Finding]:
    entry = rules.eccns.get(eccn.base)
    name = rules.country_name(dest)
    if entry is None:
        return [Finding(
            "UNKNOWN_ECCN", Severity.REVIEW,
            f"ECCN {eccn.text} is not on the Commerce Control List the rules database holds, "
            f"so its licence requirement for {name} cannot be determined (indeterminate). "
            f"Check the classification.", ("15 CFR part 774, Supp. No. 1",))]
    problems = _entry_problems(eccn, entry, date)
    if problems:
        return problems
    findings: list[Finding] = _paragraph_problems(eccn, entry, rules)
    if eccn.paragraph and not findings:
        findings.extend(_paragraph_without_requirements(eccn, entry, date))
    elif not eccn.paragraph and not eccn.is_ear99:
        findings.extend(_entry_with_uncovered_paragraphs(eccn, entry, date, rules))
    row = rules.chart_row(dest, date)
    if row is None:
        if not rules.destination_controls.get(dest):
            findings.append(Finding(
                "NO_CHART_ROW", Severity.REVIEW,
                f"The rules database has no Country Chart row for {name} on the export date: "
                f"the licence requirement cannot be determined.",
                ("15 CFR part 738, Supp. No. 1",)))
    elif not row.referral:
        findings.extend(_chart(eccn, [c for c in entry.controls if c.covers(date)], row, date,
                               name, entry))
    for special in entry.specials:
        if not special.covers(date):
            continue
        named = ("*" in special.destinations or dest in special.destinations
                 or dest in special.except_destinations)
        through = groups.intersection(special.groups)
        excluded = groups.intersection(special.except_groups)
        hit = "*" in special.destinations or dest in special.destinations or bool(through)
        applies = special.applies(eccn.paragraph)
        if applies is False:
            continue
        # Worded by Country Group: whether it reaches the destination rests on memberships
        # the rules may know only from an edition later than the export date (assumed).
        if not hit or dest in special.except_destinations or excluded:
            assumed = () if named else _assumed_groups(dest, date, excluded, rules)
            if assumed:
                findings.append(_membership_assumed(eccn, special, dest, name, date, through,
                                                    excluded, assumed, rules))
            continue
        assumed = () if named else _assumed_groups(dest, date, through, rules)
        severity = (Severity.REVIEW if applies is None or special.severity == "review"
                    else Severity.LICENSE)
        findings.append(Finding(
            "SPECIAL_CONTROL" if severity is Severity.LICENSE else "SPECIAL_CONTROL_REVIEW",
            severity, _special_message(eccn, special, name, applies),
            cites(special.citation), unverified_note(f"special control {special.id}",
                                                  special.verification)))
        if assumed:
            findings.append(_membership_assumed(eccn, special, dest, name, date, through,
                                                excluded, assumed, rules))
    if findings and entry.edition and date < dt.date.fromisoformat(entry.edition):
        findings = _with_edition_basis(findings, eccn, entry)
    return findings


def _assumed_groups(dest: str, date: dt.date, deciding: frozenset[str],
                    rules: RuleSet) -> tuple[GroupRule, ...]:
    """The destination's rows for the deciding groups that the rules know only from an
    edition later than the export date (no dated membership history): assumed."""
    return tuple(g for g in rules.groups.get(dest, ())
                 if g.group in deciding and g.covers(date) and g.known_as_of is not None
                 and date < g.known_as_of)


def _membership_assumed(eccn: Eccn, special: SpecialRule, dest: str, name: str,
                        date: dt.date, through: frozenset[str], excluded: frozenset[str],
                        assumed: tuple[GroupRule, ...], rules: RuleSet) -> Finding:
    """A special control worded by Country Group decided for an export date before the
    edition the destination's memberships are known from: the line rests on assuming them
    unchanged. REVIEW when the membership keeps the control off the line (it would be CLEAR
    on it), INFO beside the control's own finding when it makes the control apply. (The
    text names no date but the edition's: results are memoised per rule epoch.)"""
    editions = sorted({g.known_as_of for g in assumed if g.known_as_of})
    edition = " and ".join(str(e) for e in editions)
    listed = sorted(g.group for g in rules.groups.get(dest, ())
                    if g.covers(date) and g.known_as_of in editions)
    outside = [g for g in (*special.groups, *special.except_groups) if g not in listed]
    wording = (f"it applies to Country Groups {_any_of(special.groups)}"
               + (f" except {_any_of(special.except_groups)}" if special.except_groups
                  else ""))
    if excluded:
        decided = (f"does not apply: {name} is in Country Group {_all_of(sorted(excluded))}, "
                   f"which it excepts ({wording})")
    else:
        decided = (f"applies because {name} is in Country Group {_all_of(sorted(through))} "
                   f"({wording})")
    message = (
        f"ECCN {eccn.text} to {name}: special control {special.id} ({special.summary}) "
        f"{decided}. The rules database has the Country Groups of {name} only as of the "
        f"eCFR edition of {edition}, which lists it in {_all_of(listed) or 'no group'}"
        + (f" and not in {_any_of(outside)}" if outside else "")
        + f"; its membership on the export date was assumed from that edition. Confirm the "
          f"Country Groups of {name} on the export date"
        + (": a destination then in a group the control names and in none it excepts needs "
           "a licence." if excluded else "."))
    return Finding(
        "GROUP_MEMBERSHIP_ASSUMED", Severity.REVIEW if excluded else Severity.INFO, message,
        cites(special.citation, *(g.citation for g in assumed)),
        unverified_note(f"special control {special.id}", special.verification))


def _all_of(items: Iterable[str]) -> str:
    items = list(items)
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)


def _any_of(items: Iterable[str]) -> str:
    items = list(items)
    return ", ".join(items[:-1]) + " or " + items[-1] if len(items) > 1 else "".join(items)


def _with_edition_basis(findings: list[Finding], eccn: Eccn, entry: EccnRule) -> list[Finding]:
    """Say once that the line is screened on the edition's text: folded into the chart's
    date-basis note when there is one (one INFO line, not two, on every older line)."""
    text = (f"ECCN {eccn.base} is screened on its text in the eCFR edition of {entry.edition}; "
            f"the entry in force on the export date is assumed to be the same unless a dated "
            f"rule says otherwise.")
    for i, f in enumerate(findings):
        if f.code == "CHART_DATE_BASIS":
            findings[i] = replace(f, message=(
                f"{f.message[:-1]}, and ECCN {eccn.base} on its entry in the eCFR edition of "
                f"{entry.edition}."), citations=cites(*f.citations, entry.citation))
            return findings
    return [*findings, Finding("CCL_DATE_BASIS", Severity.INFO, text, cites(entry.citation))]


def _special_message(eccn: Eccn, special: SpecialRule, name: str, applies: bool | None) -> str:
    text = f"ECCN {eccn.text} to {name}: {special.summary}"
    if special.condition and applies is None:
        text += (f". It applies only when: \"{special.condition}\" - the data cannot check "
                 f"this (indeterminate)")
    elif applies is None:
        text += (f". It applies to {special.scope_text(eccn.base)} only, and the "
                 f"classification does not say whether this item is one of them "
                 f"(indeterminate)")
    return text + "."


def _chart(eccn: Eccn, controls: Iterable[ControlRule], row: ChartRowRule, date: dt.date,
           name: str, entry: EccnRule) -> list[Finding]:
    required: list[str] = []
    unsure: list[ControlRule] = []
    unverified: list[str] = []
    citations = [row.citation, entry.citation]
    for control in controls:
        if control.column not in row.columns:
            continue
        applies = control.applies(eccn.paragraph)
        if applies is False:
            continue
        if applies:
            required.append(control.column)
        else:
            unsure.append(control)
        citations.append(control.citation)
        unverified.extend(unverified_note(f"ECCN {eccn.base} {control.column} control",
                                          control.verification))
        if control.column in row.unverified_cells:
            unverified.append(f"Country Chart {row.row_key} {control.column} cell (INFERRED)")
    required = list(dict.fromkeys(required))
    where = _row_label(row, name)
    sources, relies = cites(*citations), tuple(dict.fromkeys(unverified))
    findings: list[Finding] = []
    if required:
        findings.append(Finding(
            "CHART_LICENSE_REQUIRED", Severity.LICENSE,
            f"ECCN {eccn.text} is controlled for {', '.join(required)}, and the Country Chart "
            f"{where} has an X in {', '.join(required)}: licence required.",
            sources, relies))
    if unsure:
        detail = "; ".join(_unsure_text(eccn, c) for c in unsure)
        columns = ", ".join(dict.fromkeys(c.column for c in unsure))
        if required:
            findings.append(Finding(
                "CHART_PARAGRAPH_DEPENDENT", Severity.INFO,
                f"ECCN {eccn.text} may also be controlled for {columns}: {detail}. This "
                f"matters for the licence application, not for whether one is needed.",
                sources, relies))
        else:
            findings.append(Finding(
                "CHART_PARAGRAPH_DEPENDENT", Severity.REVIEW,
                f"ECCN {eccn.text}: {detail}. The Country Chart {where} has an X in "
                f"{columns}, so a licence may be required (indeterminate).",
                sources, relies))
    if (row.known_as_of and date < row.known_as_of) or (row.date_basis and not row.known_as_of):
        findings.append(Finding(
            "CHART_DATE_BASIS", Severity.INFO,
            f"Screened on the Country Chart {where} of the {row.date_basis} (assumed unchanged "
            f"since the export date).", cites(row.citation)))
    return findings


def _row_label(row: ChartRowRule, name: str) -> str:
    """"row for China", or "row Hong Kong (separate destination) ..." when the row's own
    name says more than the destination's."""
    return f"row for {name}" if row.name in (name, "") else f"row \"{row.name}\""


def _unsure_text(eccn: Eccn, control: ControlRule) -> str:
    if control.condition:
        return (f"{control.column} applies only when \"{control.condition}\" (the data "
                f"cannot check this)")
    return (f"{control.column} applies to {control.scope_text(eccn.base)} only and the "
            f"classification gives no paragraph that settles it")
