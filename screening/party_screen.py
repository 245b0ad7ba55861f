"""Restricted-party findings for a line's consignee, end user and owners, each distinct party
worked out once per run (shipment files repeat their parties)."""

from __future__ import annotations

from typing import Any

from screening.affiliates import AffiliateRuleRow, owner_findings
from screening.model import Finding, Screening, ShipmentLine, worst
from screening.parties import PartyIndex, party_findings

CACHE_LIMIT = 200_000


class PartyScreen:
    def __init__(self, index: PartyIndex, suppressed: frozenset[tuple[str, str, str]],
                 affiliate_rules: tuple[AffiliateRuleRow, ...]):
        self.index, self.suppressed, self.affiliate_rules = index, suppressed, affiliate_rules
        self.cache: dict[tuple[Any, ...], tuple[Finding, ...]] = {}

    def party(self, role: str, name: str, country: str | None) -> tuple[Finding, ...]:
        """Findings for one party of a line (none for most)."""
        key = (role, name, country)
        found = self.cache.get(key)
        if found is None:
            found = party_findings(((role, name),), country, self.index, self.suppressed) \
                if self.index.may_match(name) else ()
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

    def screen(self, result: Screening, line: ShipmentLine) -> Screening:
        """``result`` with the line's party findings added (and its verdict raised)."""
        country = line.ultimate_destination or line.destination
        found = self.parties_of(line.consignee, line.end_user, country)
        if line.owners:
            found += owner_findings(line.owners, line.ownership_pct, country,
                                    line.export_date, self.index, self.affiliate_rules,
                                    self.suppressed)
        if not found:
            return result
        findings = (*result.findings, *found)
        return Screening(result.row, result.line_id, worst([f.verdict for f in findings]),
                         result.destination, result.licensing_destination,
                         result.newly_licensable, findings)
