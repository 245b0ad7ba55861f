"""Restricted-party screening: list import (Consolidated Screening List CSV/JSON, a simple
custom watch-list CSV), name normalisation, fuzzy matching with rapidfuzz, and findings.

Matching is blocked by tokens (only names sharing a token with the party are scored), so a
party is compared with tens of list names, not thousands."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from anyascii import anyascii
from rapidfuzz import fuzz, process

from screening.model import Finding, Severity

#: (code, label, severity of a strong match). Matched against the CSL "source" text.
LIST_KINDS: tuple[tuple[str, str, str, Severity], ...] = (
    ("entity list", "ENTITY_LIST", "Entity List", Severity.LICENSE),
    ("military end user", "MEU_LIST", "Military End-User List", Severity.LICENSE),
    ("specially designated nationals", "SDN", "SDN List", Severity.PROHIBITED),
    ("denied persons", "DENIED_PERSONS", "Denied Persons List", Severity.PROHIBITED),
    ("unverified list", "UNVERIFIED_LIST", "Unverified List", Severity.REVIEW),
    ("debarred", "DEBARRED", "ITAR Debarred", Severity.PROHIBITED),
)
CUSTOM = ("CUSTOM", "Custom watch list", Severity.REVIEW)
STRONG, WEAK = 92.0, 85.0  # scores (0-100) for a strong match and for one worth a look
MAX_POSTING = 200
_LEGAL = {
    "ltd", "limited", "co", "company", "corp", "corporation", "inc", "incorporated", "llc",
    "plc", "gmbh", "ag", "sa", "srl", "bv", "pte", "pty", "llp", "lp", "jsc", "ooo", "oao",
    "the", "and", "group", "holding", "holdings",
}
_CJK_SUFFIXES = ("股份有限公司", "有限责任公司", "有限責任公司", "有限公司", "公司")
_PUNCT_RE = re.compile(r"[^\w\s]|_")
_SPACE_RE = re.compile(r"\s+")
_CJK_RE = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af]")


class PartyListError(Exception):
    """A list file that cannot be imported; ``problems`` names each bad row and field."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def list_kind(source: str) -> tuple[str, str, Severity]:
    text = source.casefold()
    for needle, code, label, severity in LIST_KINDS:
        if needle in text:
            return code, label, severity
    return (re.sub(r"[^A-Z0-9]+", "_", source.upper()).strip("_")[:40] or "OTHER_LIST",
            source or "Other list", Severity.REVIEW)


def normalize_party(name: str) -> str:
    """Case, punctuation, legal suffixes (Ltd, Co., 有限公司 ...) and script folded away:
    "Kowloon Trading Co., Ltd." and "KOWLOON TRADING LIMITED" give the same text."""
    text = unicodedata.normalize("NFKC", name or "").strip()
    for suffix in _CJK_SUFFIXES:
        text = text.replace(suffix, " ")
    if _CJK_RE.search(text):  # transliterate, one token per syllable
        text = _CJK_RE.sub(lambda m: " " + anyascii(m.group()) + " ", text)
    text = anyascii(text).casefold().replace("&", " and ")
    tokens = [t for t in _SPACE_RE.split(_PUNCT_RE.sub(" ", text)) if t and t not in _LEGAL]
    return " ".join(tokens)


@dataclass(frozen=True)
class PartyEntry:
    key: str  # list code + entity number (or a content hash)
    list_code: str
    list_label: str
    severity: Severity
    source: str
    name: str
    alt_names: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()
    license_requirement: str = ""
    license_policy: str = ""
    federal_register_notice: str = ""
    start_date: str = ""
    source_url: str = ""

    @property
    def content_hash(self) -> str:
        """Changes when the entry changes: a false positive is then raised again."""
        data = json.dumps([self.name, self.alt_names, self.countries, self.addresses,
                           self.license_requirement, self.license_policy, self.start_date],
                          ensure_ascii=False)
        return hashlib.sha256(data.encode("utf-8")).hexdigest()[:16]

    def to_row(self) -> dict[str, Any]:
        return {"key": self.key, "list_code": self.list_code, "source": self.source,
                "name": self.name, "alt_names": json.dumps(self.alt_names, ensure_ascii=False),
                "countries": json.dumps(self.countries),
                "addresses": json.dumps(self.addresses, ensure_ascii=False),
                "license_requirement": self.license_requirement,
                "license_policy": self.license_policy,
                "federal_register_notice": self.federal_register_notice,
                "start_date": self.start_date, "source_url": self.source_url,
                "content_hash": self.content_hash}


def entry_from_row(row: dict[str, Any]) -> PartyEntry:
    code, label, severity = list_kind(row["source"]) if row["list_code"] != CUSTOM[0] \
        else CUSTOM
    return PartyEntry(row["key"], code, label, severity, row["source"], row["name"],
                      tuple(json.loads(row["alt_names"] or "[]")),
                      tuple(json.loads(row["countries"] or "[]")),
                      tuple(json.loads(row["addresses"] or "[]")), row["license_requirement"],
                      row["license_policy"], row["federal_register_notice"],
                      row["start_date"], row["source_url"])


# --- reading list files -------------------------------------------------------------------

def _split(value: Any) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(str(v).strip() for v in value if str(v).strip())
    return tuple(p.strip() for p in str(value or "").split(";") if p.strip())


def _countries(addresses: Any, extra: Iterable[str] = ()) -> tuple[str, ...]:
    found = []
    if isinstance(addresses, list):
        found = [a.get("country", "") for a in addresses if isinstance(a, dict)]
    return tuple(sorted({c.strip().upper() for c in [*found, *extra] if c and c.strip()}))


def _csl_entry(row: dict[str, Any], where: str, problems: list[str]) -> PartyEntry | None:
    name = str(row.get("name") or "").strip()
    source = str(row.get("source") or "").strip()
    if not name or not source:
        problems.append(f"{where}: 'name' and 'source' are required")
        return None
    code, label, severity = list_kind(source)
    number = str(row.get("entity_number") or row.get("id") or row.get("_id") or "").strip()
    addresses = row.get("addresses")
    if isinstance(addresses, list):
        address_texts = tuple(", ".join(str(a.get(k) or "") for k in
                                        ("address", "city", "state", "postal_code", "country")
                                        if a.get(k)) for a in addresses if isinstance(a, dict))
    else:
        address_texts = _split(addresses)
    countries = _countries(addresses, _split(row.get("country")))
    if not countries:  # CSV addresses end with the country code: "..., Shenzhen, CN"
        countries = tuple(sorted({a.rsplit(",", 1)[-1].strip().upper() for a in address_texts
                                  if len(a.rsplit(",", 1)[-1].strip()) == 2}))
    entry = PartyEntry("", code, label, severity, source, name, _split(row.get("alt_names")),
                       countries, address_texts, str(row.get("license_requirement") or ""),
                       str(row.get("license_policy") or ""),
                       str(row.get("federal_register_notice") or ""),
                       str(row.get("start_date") or ""),
                       str(row.get("source_list_url") or ""))
    return replace(entry, key=f"{code}:{number}" if number else f"{code}:{entry.content_hash}")


def read_list_file(path: Path) -> tuple[str, list[PartyEntry]]:
    """(format, entries) for a CSL CSV, a CSL JSON or a custom watch-list CSV. A file with any
    bad row is refused whole, listing every problem."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise PartyListError([f"{path}: cannot be read ({exc.strerror or exc})"]) from exc
    text = raw.decode("utf-8-sig", errors="replace")
    problems: list[str] = []
    entries: list[PartyEntry] = []
    if text.lstrip().startswith(("{", "[")):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise PartyListError([f"{path}: not valid JSON ({exc})"]) from exc
        results = data.get("results") if isinstance(data, dict) else data
        if not isinstance(results, list):
            raise PartyListError([f"{path}: expected a 'results' list (CSL JSON format)"])
        for i, row in enumerate(results, start=1):
            if not isinstance(row, dict):
                problems.append(f"{path.name}: result {i}: not an object")
                continue
            entry = _csl_entry(row, f"{path.name}: result {i}", problems)
            if entry:
                entries.append(entry)
        fmt = "csl-json"
    else:
        reader = csv.DictReader(io.StringIO(text))
        header = {h.strip().casefold() for h in reader.fieldnames or []}
        if {"source", "name"} <= header:
            fmt = "csl-csv"
            for i, row in enumerate(reader, start=2):
                entry = _csl_entry({k.strip(): v for k, v in row.items() if k},
                                   f"{path.name}: row {i}", problems)
                if entry:
                    entries.append(entry)
        elif "name" in header:
            fmt = "custom-csv"
            for i, cells in enumerate(reader, start=2):
                row = {k.strip().casefold(): (v or "").strip() for k, v in cells.items() if k}
                if not row.get("name"):
                    problems.append(f"{path.name}: row {i}, column name: value required")
                    continue
                country = row.get("country", "").upper()
                if country and not re.fullmatch(r"[A-Z]{2}", country):
                    problems.append(f"{path.name}: row {i}, column country: {country!r} is "
                                    f"not a two-letter code")
                    continue
                base = PartyEntry("", CUSTOM[0], CUSTOM[1], CUSTOM[2],
                                  row.get("list") or CUSTOM[1], row["name"],
                                  _split(row.get("alt_names")), (country,) if country else (),
                                  _split(row.get("address")), "", "", "", "", "")
                entries.append(replace(base, key=f"CUSTOM:{row.get('id') or base.content_hash}"))
        else:
            raise PartyListError([f"{path}: not a screening list: need a 'name' column (and "
                                  f"'source' for the Consolidated Screening List format)"])
    if problems:
        raise PartyListError(problems)
    if not entries:
        raise PartyListError([f"{path}: the list has no entries"])
    return fmt, entries


# --- matching -----------------------------------------------------------------------------

@dataclass(frozen=True)
class PartyMatch:
    entry: PartyEntry
    matched_name: str
    score: float
    country_agrees: bool | None  # None: no country on one side


@dataclass
class PartyIndex:
    entries: list[PartyEntry]
    strong: float = STRONG
    weak: float = WEAK
    names: list[str] = field(default_factory=list)  # normalised names
    compact: list[str] = field(default_factory=list)  # the same without spaces
    owners: list[tuple[int, str]] = field(default_factory=list)  # (entry index, shown name)
    tokens: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def build(cls, entries: list[PartyEntry], strong: float = STRONG,
              weak: float = WEAK) -> PartyIndex:
        index = cls(entries, strong, weak)
        tokens: dict[str, list[int]] = defaultdict(list)
        for e, entry in enumerate(entries):
            for shown in dict.fromkeys((entry.name, *entry.alt_names)):
                normalized = normalize_party(shown)
                if not normalized:
                    continue
                n = len(index.names)
                index.names.append(normalized)
                index.compact.append(normalized.replace(" ", ""))
                index.owners.append((e, shown))
                for key in _block_keys(normalized):
                    tokens[key].append(n)
        index.tokens = dict(tokens)
        return index

    def match(self, name: str, country: str | None = None) -> list[PartyMatch]:
        """Best match per list entry at or above the weak threshold, best first."""
        query = normalize_party(name)
        if not query:
            return []
        # Rare keys find the candidates; a key shared by hundreds of names (a word such as
        # "trading") adds nothing once rarer keys have found some.
        candidates: set[int] = set()
        for key in sorted(_block_keys(query), key=lambda k: len(self.tokens.get(k, ()))):
            posting = self.tokens.get(key, ())
            if candidates and len(posting) > MAX_POSTING:
                break
            candidates.update(posting)
        if not candidates:
            return []
        ids = list(candidates)
        choices = [self.names[i] for i in ids]
        scores: dict[int, float] = {}
        for _text, score, pos in process.extract(
                query, choices, scorer=fuzz.token_sort_ratio, score_cutoff=self.weak - 10,
                limit=20):
            scores[pos] = score
        # "Hong Kong" / "Hongkong", "Nato Import" / "NatoImport": compare without spaces too.
        compact = [self.compact[i] for i in ids]
        for _text, score, pos in process.extract(
                query.replace(" ", ""), compact, scorer=fuzz.ratio,
                score_cutoff=self.weak - 10, limit=20):
            scores[pos] = max(scores.get(pos, 0.0), score)
        best: dict[int, PartyMatch] = {}
        for pos, base in scores.items():
            score = base
            e, shown = self.owners[ids[pos]]
            entry = self.entries[e]
            agrees = None
            if country and entry.countries:
                agrees = country in entry.countries
                # The same name in another country is a weaker match.
                score = min(score + (3 if agrees else -10), 100.0)
            if score >= self.weak and (e not in best or score > best[e].score):
                best[e] = PartyMatch(entry, shown, score, agrees)
        return sorted(best.values(), key=lambda m: -m.score)


def _block_keys(normalized: str) -> set[str]:
    """Words, their first three letters (a typo later in the word still meets), and the
    start of the name without spaces ("Hong Kong" / "Hongkong")."""
    words = normalized.split()
    keys = set(words)
    keys.update("~" + w[:3] for w in words if len(w) > 3)
    keys.add("#" + normalized.replace(" ", "")[:6])
    return keys


def party_findings(parties: Iterable[tuple[str, str]], country: str | None,
                   index: PartyIndex, suppressed: frozenset[tuple[str, str, str]] = frozenset(),
                   ) -> tuple[Finding, ...]:
    """Findings for (role, name) parties of one line. ``suppressed`` holds (normalised party
    name, entry key, entry content hash) marked false positive by a reviewer."""
    findings: list[Finding] = []
    for role, name in parties:
        if not name:
            continue
        normalized = normalize_party(name)
        for m in index.match(name, country):
            entry = m.entry
            agree = {True: f", country agrees ({country})",
                     False: f", but the entry is in {'/'.join(entry.countries)}, not {country}",
                     None: ""}[m.country_agrees]
            text = (f"{role} {name!r} matches {entry.list_label} entry {entry.name!r} "
                    f"(matched {m.matched_name!r}, score {m.score:.0f}{agree}).")
            if (normalized, entry.key, entry.content_hash) in suppressed:
                findings.append(Finding("PARTY_MATCH_SUPPRESSED", Severity.INFO,
                                        text + " Marked a false positive by a reviewer.",
                                        _party_cites(entry)))
                continue
            strong = m.score >= index.strong
            severity = entry.severity if strong else Severity.REVIEW
            extra = ""
            if entry.license_requirement:
                extra += f" Licence requirement: {entry.license_requirement}."
            if entry.license_policy:
                extra += f" Licence policy: {entry.license_policy}."
            if not strong:
                extra += " Weaker match: confirm or mark it a false positive."
            findings.append(Finding(f"PARTY_MATCH_{entry.list_code}", severity, text + extra,
                                    _party_cites(entry)))
    return tuple(findings)


def _party_cites(entry: PartyEntry) -> tuple[str, ...]:
    cites = [c.strip() for c in entry.federal_register_notice.split(";") if c.strip()]
    return (*cites, entry.source) if entry.source else tuple(cites)
