"""Restricted-party findings for a line's consignee, end user and owners, each distinct party
worked out once per run (shipment files repeat their parties)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any, Protocol

from screening.affiliates import AffiliateRuleRow, owner_findings
from screening.model import Eccn, Finding, Screening, Severity, ShipmentLine, worst
from screening.normalize import embargoed_place, may_name_place, military_name_word
from screening.parties import (
    PartyIndex,
    missing_government_lists,
    names_nobody,
    needs_a_finding,
    party_findings,
    refers_elsewhere,
)

CACHE_LIMIT = 200_000
_LIST_CITES = ("15 CFR 744.11 (Entity List)", "15 CFR part 744, Supplement No. 4")
#: A line of a run whose party check ran (a list loaded, a party column mapped) but that
#: names no party was not checked: REVIEW, never CLEAR.
UNNAMED = Finding(
    "PARTY_NOT_CHECKED", Severity.REVIEW,
    "No restricted-party check for this line: its consignee, end-user and owner cells are "
    "empty. Confirm who the parties are and record a decision, or name them and screen "
    "again.", _LIST_CITES)


#: Every line of a run whose input maps no consignee, end-user or owner column: no line
#: names a party, so none was checked, and a CLEAR needs the check (s32: a file of line,
#: date, destination and ECCN alone was CLEAR with exit code 0).
NO_PARTY_COLUMN = Finding(
    "PARTY_NOT_CHECKED", Severity.REVIEW,
    "No restricted-party check for this line: the file has no consignee, end-user or owner "
    "column (none is mapped), so no party of any line was checked against the lists. Map or "
    "add the column naming the parties and screen again, or record a decision.", _LIST_CITES)

#: Every line of a run screened with no list loaded: no party was checked against any.
NO_LIST = Finding(
    "PARTY_NOT_CHECKED", Severity.REVIEW,
    "No restricted-party check for this line: no screening list is loaded, so its parties "
    "were checked against no list. Import the current Consolidated Screening List "
    "(hkscreen lists import FILE --date YYYY-MM-DD) and screen again, or record a "
    "decision.", _LIST_CITES)
#: Every line of a run whose lists all lack a publication date: whether they were current
#: is unknown (s21 hunt: a one-entry list imported without --date made every line CLEAR).
UNDATED_LISTS = Finding(
    "PARTY_LIST_UNDATED", Severity.REVIEW,
    "The restricted-party check ran only against lists without a publication date, so "
    "whether they were current on the screening date is unknown. Import the list with its "
    "date (hkscreen lists import FILE --date YYYY-MM-DD) and screen again, or record a "
    "decision.", _LIST_CITES)


class ListFacts(Protocol):
    """What ``lists_findings`` reads of a loaded list (``store.parties.ListInfo``)."""

    @property
    def list_date(self) -> dt.date | None: ...
    @property
    def format(self) -> str: ...
    @property
    def source_counts(self) -> dict[str, int]: ...


def lists_findings(lists: Sequence[ListFacts], today: dt.date, *,
                   party_columns: bool = True) -> tuple[Finding, ...]:
    """What every line of a run screened on ``today`` gets from the lists it is screened
    against: a CLEAR needs a check against dated lists (a date after the screening day is
    no date) holding the Entity List, the Denied Persons List and the SDN List, and a
    party to check (``party_columns``: the input maps a consignee, end-user or owner
    column; without one, ``NO_PARTY_COLUMN``)."""
    unmapped = () if party_columns else (NO_PARTY_COLUMN,)
    if not lists:
        return (NO_LIST, *unmapped)
    if not dated_lists(lists, today):
        return (UNDATED_LISTS, *unmapped)
    missing = missing_from_dated(lists, today)
    return ((lists_incomplete(missing),) if missing else ()) + unmapped


def dated_lists(lists: Sequence[ListFacts], today: dt.date) -> list[ListFacts]:
    """The lists with a publication date by ``today`` (a later date is no date)."""
    return [item for item in lists if item.list_date is not None and item.list_date <= today]


def missing_from_dated(lists: Sequence[ListFacts], today: dt.date) -> list[str]:
    """What the dated lists among ``lists`` lack of those a CLEAR needs
    (``parties.missing_government_lists``); nothing when none is dated."""
    dated = dated_lists(lists, today)
    return missing_government_lists(
        (item.format, item.source_counts) for item in dated) if dated else []


def lists_incomplete(missing: list[str]) -> Finding:
    """Every line of a run whose dated lists lack a government list (``REQUIRED_LISTS``)."""
    return Finding(
        "PARTY_LISTS_INCOMPLETE", Severity.REVIEW,
        f"The restricted-party check ran against no dated list holding the "
        f"{_and_joined(missing)}: its parties were not checked against all of "
        f"{'it' if len(missing) == 1 else 'them'}. Import the current Consolidated Screening "
        f"List (hkscreen lists import FILE --date YYYY-MM-DD) and screen again, or record a "
        f"decision.", _LIST_CITES)


def _and_joined(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


#: The cells ``no_party_named`` reads, in a line's order.
NAMED_ROLES_ORDER = ("Consignee", "End user")


def no_party_named(consignee: str | None, end_user: str | None) -> Finding | None:
    """REVIEW for a line whose consignee and end-user cells point at each other or at an
    empty cell ("Same as consignee" beside an empty consignee): neither names a party, so
    no name was checked. None when either names one, when both are empty (UNNAMED says
    so), or when a cell already has its own PARTY_NOT_NAMED ("same as consignee" in the
    consignee cell, "TBD")."""
    if consignee is None and end_user is None:
        return None
    for role, cell in zip(NAMED_ROLES_ORDER, (consignee, end_user), strict=True):
        if cell is not None and not refers_elsewhere(cell):
            return None  # it names a party
        if cell is not None and names_nobody(cell, role):
            return None  # its own finding says it names nobody
    said = " and ".join(f"the {role.lower()} cell {'is empty' if cell is None else repr(cell)}"
                        for role, cell in zip(NAMED_ROLES_ORDER, (consignee, end_user),
                                              strict=True))
    return Finding(
        "PARTY_NOT_NAMED", Severity.REVIEW,
        f"No party is named: {said}, each pointing at the other or at an empty cell, so the "
        f"restricted-party check had no name to check, and an unknown party is a red flag. "
        f"Enter the party's name, or record a decision.",
        ("15 CFR 744.11 (Entity List)", "15 CFR part 732, Supplement No. 3"))


def with_findings(result: Screening, found: tuple[Finding, ...]) -> Screening:
    """``result`` with ``found`` added, its verdict raised."""
    findings = (*result.findings, *found)
    return Screening(result.row, result.line_id, worst([f.verdict for f in findings]),
                     result.destination, result.licensing_destination,
                     result.newly_licensable, findings)


def military_name_finding(role: str, name: str, word: str, country: str | None
                          ) -> Finding:
    """REVIEW for a party of a line named as a military one, in a country whose end-use
    rules read that (``PartyScreen.military_countries``)."""
    return Finding(
        "PARTY_NAME_MILITARY", Severity.REVIEW,
        f"{role} {name!r} is named as a military party ({word!r}): the military end use "
        f"and end-user rules for {country} (15 CFR 744.21, 744.22) go by who the party is, "
        f"whatever the end-user type column says. Confirm the end user and end use, and "
        f"record a decision.", ("15 CFR 744.21", "15 CFR 744.22"))


def place_in_name(role: str, name: str, country: str | None) -> Finding | None:
    """REVIEW for a party cell naming a place under a part 746 embargo the line is not
    screened to ("Acme Trading, Tehran, Iran" as end user of a line to the UAE: s21 second
    hunt, CLEAR), or None. Checked per distinct party name."""
    if not may_name_place(name) or (found := embargoed_place(name)) is None \
            or found[0] == country:
        return None
    _code, place, section = found
    return Finding(
        "PARTY_IN_EMBARGOED_PLACE", Severity.REVIEW,
        f"{role} {name!r} names {place}, under the embargo of {section}, but the line is "
        f"screened to {country or 'no readable destination'}: confirm where the goods go and "
        f"who receives them (a red flag, 15 CFR part 732 Supp. No. 3); a shipment to the "
        f"embargoed place needs the licence that section requires.", (section,))


#: Whether an item is certainly outside Supplement No. 2 to part 744 on a day (EAR99, or an
#: entry the rules hold is not in it then): ``engine.outside_supp2`` with the run's rules.
OutsideSupp2 = Callable[[Eccn | None, dt.date | None], bool]
_MEU_LIST = "PARTY_MATCH_MEU_LIST"
_NOT_SUPP2 = (
    " The Military End-User List's licence requirement covers only items listed in "
    "Supplement No. 2 to part 744 (15 CFR 744.21(b)), and {item} is not one of them: this "
    "listing requires no licence for the line, but the party is a military end user. "
    "Confirm no other requirement applies (the end use, 15 CFR 744.21(a) and part 744) "
    "and record a decision.")


def for_item(found: tuple[Finding, ...], eccn: Eccn | None, date: dt.date | None,
             outside_supp2: OutsideSupp2 | None) -> tuple[Finding, ...]:
    """``found`` (a line's party findings) for the line's item and export date: a Military
    End-User List match whose requirement is for Supplement No. 2 items licenses no item
    outside it (s29 rules hunt: EAR99 to "AECC Aviation Power Co. Ltd." was
    LICENSE_REQUIRED), REVIEW then, saying why; and a listing published after the export
    date did not apply to it (``before_listing``)."""
    found = before_listing(found, date)
    if outside_supp2 is None or not any(
            f.code == _MEU_LIST and f.severity is Severity.LICENSE for f in found) or \
            not outside_supp2(eccn, date):
        return found
    item = "EAR99" if eccn is None or eccn.is_ear99 else f"ECCN {eccn.text}"
    return tuple(
        replace(f, severity=Severity.REVIEW, message=f.message + _NOT_SUPP2.format(item=item))
        if f.code == _MEU_LIST and f.severity is Severity.LICENSE
        and "supplement no. 2" in f.message.lower() else f for f in found)


_FR_CITE_RE = re.compile(r"\b(\d{2,3}) FR (\d+)\b")
_BINDING = (Severity.LICENSE, Severity.PROHIBITED)
_LISTED_LATER = (
    " The entry's earliest Federal Register notice, {cite}, is of {year}, after this line's "
    "export date ({date}): the listing did not apply to this export, so it requires no "
    "licence for it (unless the party was listed before under a notice the list no longer "
    "names). Confirm when the party was listed, and whether another rule applied then.")
_LISTED_THAT_YEAR = (
    " The entry's earliest Federal Register notice, {cite}, is of {year}, the year of this "
    "export ({date}): if it took effect after that day, the listing did not apply to this "
    "export.")


def _binding_match(finding: Finding) -> bool:
    """A party match that requires a licence or forbids the export."""
    return finding.severity in _BINDING and finding.code.startswith("PARTY_MATCH_")


def listed_in(finding: Finding) -> tuple[int, str] | None:
    """(year, citation) of the earliest Federal Register notice a party match cites (its
    entry's listing; the volume gives the year: volume 84 is of 2019), None if it cites
    none (the SDN List gives none)."""
    cites = [(int(volume), int(page)) for cite in finding.citations
             for volume, page in _FR_CITE_RE.findall(cite)]
    if not cites:
        return None
    volume, page = min(cites)
    return volume + 1935, f"{volume} FR {page}"


def before_listing(found: tuple[Finding, ...], date: dt.date | None) -> tuple[Finding, ...]:
    """``found`` with each party match that requires a licence or forbids the export
    checked against the line's export date: one whose entry was listed in a later year
    than the export (its earliest Federal Register notice) is REVIEW, saying so; one listed
    that same year says the listing may have come after the export (s33 review: Huawei
    International, listed by 84 FR 22961 in 2019, made a 2018 export LICENSE_REQUIRED)."""
    if date is None or not any(map(_binding_match, found)):
        return found
    dated = []
    for finding in found:
        if _binding_match(finding) and (listed := listed_in(finding)) is not None and \
                date.year <= listed[0]:
            year, cite = listed
            said = {"cite": cite, "year": year, "date": date.isoformat()}
            dated.append(replace(finding, severity=Severity.REVIEW,
                                 message=finding.message + _LISTED_LATER.format(**said))
                         if date.year < year else
                         replace(finding, message=finding.message
                                 + _LISTED_THAT_YEAR.format(**said)))
        else:
            dated.append(finding)
    return tuple(dated)


def new_at_ship_to(found: tuple[Finding, ...], there: tuple[Finding, ...]
                   ) -> tuple[Finding, ...]:
    """The findings ``there`` (a line's parties in its ship-to country) that add to ``found``
    (the same parties in its ultimate destination): not already found, and not a match of
    the same party with the same list entry found at least as severe (s32: each match of a
    line shipped to Hong Kong for China was reported twice, "country agrees (CN)" and
    "(HK; the entry is in CN ...)"). A match more severe there is kept: the goods reach
    the ship-to country first."""
    if not there:
        return ()
    rank = {f.subject: f.verdict.rank for f in found if f.subject}
    return tuple(f for f in there if f not in found and not (
        f.subject and rank.get(f.subject, -1) >= f.verdict.rank))


class PartyScreen:
    def __init__(self, index: PartyIndex, suppressed: frozenset[tuple[str, str, str]],
                 affiliate_rules: tuple[AffiliateRuleRow, ...], party_columns: bool = True,
                 *, military_countries: frozenset[str],
                 outside_supp2: OutsideSupp2 | None = None):
        """``party_columns``: whether the input maps a consignee, end-user or owner column
        (without one the run states that no party was checked, for every line).
        ``military_countries``: the countries whose end-use rules read whether the end user
        is military (``RuleSet.end_user_countries``): a party named as military there
        (any of the line's, a further end user or a purchaser too) is a review, whatever
        the end-user type column says."""
        self.index, self.suppressed, self.affiliate_rules = index, suppressed, affiliate_rules
        self.party_columns = party_columns
        self.military_countries = military_countries
        self.outside_supp2 = outside_supp2
        self.cache: dict[tuple[Any, ...], tuple[Finding, ...]] = {}

    def party(self, role: str, name: str, country: str | None) -> tuple[Finding, ...]:
        """Findings for one party of a line (none for most)."""
        key = (role, name, country)
        found = self.cache.get(key)
        if found is None:
            found = party_findings(((role, name),), country, self.index, self.suppressed) \
                if self.index.may_match(name) or needs_a_finding(name) else ()
            if country in self.military_countries and \
                    (word := military_name_word(name)) is not None:
                found += (military_name_finding(role, name, word, country),)
            if (place := place_in_name(role, name, country)) is not None:
                found += (place,)
            if len(self.cache) < CACHE_LIMIT:
                self.cache[key] = found
        return found

    def parties_of(self, consignee: str | None, end_user: str | None,
                   country: str | None) -> tuple[Finding, ...]:
        """Findings for a line's consignee and end user. Called for every line of a run:
        the cache is read here first, ``party`` only works out a party not seen yet."""
        cache = self.cache
        found: tuple[Finding, ...] = ()
        if consignee:
            found = cache.get(("Consignee", consignee, country))  # type: ignore[assignment]
            if found is None:
                found = self.party("Consignee", consignee, country)
        if end_user:
            more = cache.get(("End user", end_user, country))
            if more is None:
                more = self.party("End user", end_user, country)
            found += more
        return found

    def at_ship_to(self, found: tuple[Finding, ...], consignee: str | None,
                   end_user: str | None, ship_to: str) -> tuple[Finding, ...]:
        """The findings the consignee and end user have in the ship-to country, when the
        line is screened for another ultimate destination, that ``found`` lacks: the goods
        reach the ship-to country first (s27 hunt: "PLA Unit 61398" as consignee of goods
        shipped to Hong Kong for Germany was CLEAR; an Entity List consignee there only
        REVIEW, "the entry is in HK, not DE")."""
        return new_at_ship_to(found, self.parties_of(consignee, end_user, ship_to))

    def screen(self, result: Screening, line: ShipmentLine) -> Screening:
        """``result`` with the line's party findings added (and its verdict raised)."""
        country = line.ultimate_destination or line.destination
        # Other parties (purchaser, notify party ...) are screened besides the consignee and
        # end user, never instead of them: a line naming only those is still unnamed.
        others: tuple[Finding, ...] = ()
        ship_to = line.destination if line.destination != country else None
        for role, name in line.other_parties:
            found_here = self.party(role, name, country)
            if ship_to:  # (as ``at_ship_to``: the purchaser, a further end user ... too)
                found_here += new_at_ship_to(found_here, self.party(role, name, ship_to))
            others += found_here
        if not (line.consignee or line.end_user or line.owners):
            found = for_item(((UNNAMED,) if self.party_columns else ()) + others, line.eccn,
                             line.export_date, self.outside_supp2)
            return with_findings(result, found) if found else result
        found = self.parties_of(line.consignee, line.end_user, country)
        if line.destination and line.destination != country:
            found += self.at_ship_to(found, line.consignee, line.end_user, line.destination)
        if (nobody := no_party_named(line.consignee, line.end_user)) is not None:
            found += (nobody,)
        if line.owners:
            found += owner_findings(line.owners, line.ownership_pct, country,
                                    line.export_date, self.index, self.affiliate_rules,
                                    self.suppressed)
        found = for_item(found + others, line.eccn, line.export_date, self.outside_supp2)
        return with_findings(result, found) if found else result
