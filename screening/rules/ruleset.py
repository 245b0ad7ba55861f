"""Immutable in-memory snapshot of the rules, indexed for the engine's look-ups."""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sqlalchemy.orm import Session

from screening.normalize import build_alias_index
from screening.rules import cache as rules_cache
from screening.rules import revision
from screening.rules.chart import CHART_COLUMNS

_ISO_IN_TEXT = re.compile(r"(\d{4}-\d{2}-\d{2})")


@functools.lru_cache(maxsize=8192)  # the same lists (citations, groups) recur across rows
def _split(text: str) -> tuple[str, ...]:
    if not text:
        return ()
    return tuple(t for t in map(str.strip, text.split(";")) if t)


@dataclass(frozen=True, slots=True)
class Dated:
    valid_from: dt.date | None
    valid_to: dt.date | None

    def covers(self, date: dt.date) -> bool:
        return (self.valid_from is None or date >= self.valid_from) and (
            self.valid_to is None or date <= self.valid_to
        )


@dataclass(frozen=True, slots=True)
class ChartRowRule(Dated):
    row_key: str
    country: str
    name: str
    columns: frozenset[str]
    date_basis: str
    citation: str
    verification: str
    unverified_cells: frozenset[str]
    footnotes: tuple[str, ...] = ()
    referral: str = ""

    @property
    def known_as_of(self) -> dt.date | None:
        match = _ISO_IN_TEXT.search(self.date_basis)
        return dt.date.fromisoformat(match.group(1)) if match else None


@dataclass(frozen=True, slots=True)
class GroupRule(Dated):
    country: str
    group: str
    citation: str
    date_basis: str = ""
    edition: str = ""

    @property
    def known_as_of(self) -> dt.date | None:
        """The edition an undated membership is known from (its ``edition``, else the date
        its ``date_basis`` names): before it, the membership is assumed, not known. None
        for a row with a start date (dated history) or with no edition."""
        if self.valid_from is not None:
            return None
        match = _ISO_IN_TEXT.search(self.edition or "") or _ISO_IN_TEXT.search(
            self.date_basis or "")
        return dt.date.fromisoformat(match.group(1)) if match else None


@dataclass(frozen=True, slots=True)
class MappingRule(Dated):
    country: str
    licensed_as: str
    citation: str
    verification: str
    summary: str


class _ParagraphScope:
    """Which paragraphs a requirement row covers (see screening.rules.ccl_prose.Scope)."""

    __slots__ = ()
    paragraphs: tuple[str, ...]
    except_paragraphs: tuple[str, ...]
    condition: str

    def applies(self, paragraph: str) -> bool | None:
        """True/False, or None when the data cannot tell for this paragraph (no paragraph
        given where only some are controlled, or words the data cannot check)."""
        if self.paragraphs == ("?",):
            return None
        if self.paragraphs and paragraph and not _para_in(paragraph, self.paragraphs) \
                and not any(p.startswith(paragraph + ".") for p in self.paragraphs):
            return False
        if self.except_paragraphs and paragraph and _para_in(paragraph, self.except_paragraphs):
            return False
        if self.condition:
            return None
        if self.except_paragraphs and not paragraph:
            return None
        if not self.paragraphs:
            return True
        if not paragraph or not _para_in(paragraph, self.paragraphs):
            return None  # a parent paragraph of a controlled one: depends on the sub-item
        return True

    def scope_text(self, base: str) -> str:
        """The paragraphs in the regulation's style: 3A001.z.1.a, .z.2.a."""
        if self.paragraphs and self.paragraphs != ("?",):
            return f"{base}.{self.paragraphs[0]}" + "".join(f", .{p}"
                                                           for p in self.paragraphs[1:])
        if self.except_paragraphs:
            return f"{base} except .{', .'.join(self.except_paragraphs)}"
        return f"the whole of {base}"


@dataclass(frozen=True, slots=True)
class ControlRule(_ParagraphScope, Dated):
    id: str
    column: str
    reason: str
    paragraphs: tuple[str, ...]  # () = whole entry; ("?",) = some paragraphs, not captured
    except_paragraphs: tuple[str, ...]
    condition: str
    scope: str
    citation: str
    verification: str
    note: str


#: Entries whose "Items" paragraphs the eCFR extraction is known to have missed or mixed up
#: (3E001 carries 3E002's rows): no paragraph of theirs is judged unknown.
#: "Not worked out yet" in a memo whose values may be None.
_UNSET: Any = object()
PARAGRAPH_TEXT_GAPS = frozenset({"3E001", "3E002", "3D006", "0D614", "2B352"})
_MENTION_RE = re.compile(r"\b([0-9][A-E][0-9]{3})((?:\.(?:[a-z]|[0-9]{1,2})\b)+)")
_RESERVED_THROUGH_RE = re.compile(r"^through ([a-z])\.?\s*\[Reserved\]", re.IGNORECASE)
#: A note row marking numbered paragraphs [Reserved] ("y.2 through y.5. [Reserved]" in
#: 0A501, "y.2 [Reserved]" in 1A613): the extraction gives them no row of their own.
_NUMBERED_RESERVED_RE = re.compile(
    r"^([a-z](?:\.[0-9a-z]+)*)\.([0-9]+)\.?(?:\s+(?:through|to)\s+\1\.([0-9]+)\.?)?"
    r"\s*\[Reserved\]", re.IGNORECASE)
#: A note row that begins with a paragraph the extraction did not split off ("z.2 Commo...").
_LEADING_PARAGRAPH_RE = re.compile(r"^([a-z](?:\.[0-9]{1,2}(?:\.[a-z](?:\.[0-9]{1,2})?)?)?)\s")


@dataclass(frozen=True, slots=True)
class KnownParagraphs:
    """The paragraphs of one entry known from its text and its rules, each with its parents,
    and those its text marks [Reserved]."""

    paths: frozenset[str]
    reserved: frozenset[str]
    edition: str = ""  # the eCFR edition of the "Items" text
    rows: frozenset[str] = frozenset()  # the paragraphs with a row of their own in the text

    def children(self, parent: str) -> frozenset[str]:
        """The known labels one level below ``parent`` ("" for the top level)."""
        depth = parent.count(".") + 1 if parent else 0
        return frozenset(p.split(".")[depth] for p in self.paths
                         if (not parent or p.startswith(parent + "."))
                         and p.count(".") >= depth)


#: The first export date the rules are built to cover: the Control List's history, the Hong
#: Kong and China rule changes and the licence exceptions are held from 2014 on. A line
#: dated earlier is REVIEW (engine): the regulations then were not these.
RULES_COVER_FROM = dt.date(2014, 1, 1)
#: Letters that only the lettered lists of an entry's notes use, not its "Items": the text
#: extraction reads those lists as paragraphs (s22 hunt: 3A090.d, which does not exist, was
#: CLEAR from 2025, as the Technical Note to 3A090 lists "a." to "d."). 3A090 has .a, .b and
#: .c (89 FR 96790, 2024-12-05). (The lists cannot be told from the Items in general: the
#: extraction also nests real sub-paragraphs as lettered rows, as under 4A994.c.)
NOTE_ONLY_LETTERS = {"3A090": frozenset({"d"})}


def _items_rows(eccn: str, rows: tuple[tuple[str, int, str], ...]
                ) -> tuple[tuple[str, int, str], ...]:
    """The entry's text rows without those of ``NOTE_ONLY_LETTERS``."""
    letters = NOTE_ONLY_LETTERS.get(eccn)
    if not letters:
        return rows
    return tuple(row for row in rows if row[0].split(".", 1)[0] not in letters)


def _known_paragraphs(entry: EccnRule | None, rows: tuple[tuple[str, int, str], ...],
                      mentioned: Iterable[str], edition: str = "") -> KnownParagraphs:
    named: set[str] = set(mentioned)
    reserved: set[str] = set()
    for paragraph, depth, text in rows:
        lead = _LEADING_PARAGRAPH_RE.match(text) if not paragraph and depth == 0 else None
        if lead and "." in lead.group(1):
            named.add(lead.group(1))
        if not paragraph and (gap := _NUMBERED_RESERVED_RE.match(text.strip())):
            parent, first = gap.group(1), int(gap.group(2))
            numbers = [f"{parent}.{n}" for n in range(first, int(gap.group(3) or first) + 1)]
            named.update(numbers)
            reserved.update(numbers)
        if not paragraph:
            continue
        named.add(paragraph)
        through = _RESERVED_THROUGH_RE.match(text.strip())
        if through and "." not in paragraph:  # "d. through y. [Reserved]"
            letters = [chr(c) for c in range(ord(paragraph), ord(through.group(1).lower()) + 1)]
            named.update(letters)
            reserved.update(letters)
        elif text.strip().lower().startswith("[reserved]"):
            reserved.add(paragraph)
    if entry is not None:
        for rule in (*entry.controls, *entry.specials):
            named.update(p for p in (*rule.paragraphs, *rule.except_paragraphs) if p != "?")
        for created in entry.created:
            named.update(created.paragraphs)
    paths = {".".join(p.split(".")[:i + 1]) for p in named if p
             for i in range(p.count(".") + 1)}
    rows_of = frozenset(p for p, _d, _t in rows if p)
    return KnownParagraphs(frozenset(paths), frozenset(reserved), edition, rows_of)


def _para_in(paragraph: str, prefixes: tuple[str, ...]) -> bool:
    return any(paragraph == p or paragraph.startswith(p + ".") for p in prefixes)


@dataclass(frozen=True, slots=True)
class SpecialRule(_ParagraphScope, Dated):
    id: str
    eccn: str
    paragraphs: tuple[str, ...]
    except_paragraphs: tuple[str, ...]
    condition: str
    scope: str
    requirement: str
    reason: str
    destinations: tuple[str, ...]
    groups: tuple[str, ...]
    except_groups: tuple[str, ...]
    except_destinations: tuple[str, ...]
    severity: str
    summary: str
    citation: str
    verification: str


@dataclass(frozen=True, slots=True)
class EccnRule:
    eccn: str
    description: str
    reasons: tuple[str, ...]
    supp2: str
    supp2_since: dt.date | None
    supp2_citation: str
    citation: str
    verification: str
    notes: str
    controls: tuple[ControlRule, ...] = ()
    specials: tuple[SpecialRule, ...] = ()
    points_to_itar: bool = False
    valid_from: dt.date | None = None
    edition: str = ""
    supp2_verification: str = ""
    created: tuple[CclDateRule, ...] = ()


@dataclass(frozen=True, slots=True)
class CclDateRule:
    id: str
    eccn: str
    paragraphs: tuple[str, ...]
    kind: str
    valid_from: dt.date
    summary: str
    citation: str
    verification: str


@dataclass(frozen=True, slots=True)
class DestinationRule(Dated):
    id: str
    country: str
    items: str
    severity: str
    requirement: str
    summary: str
    citation: str
    verification: str


@dataclass(frozen=True, slots=True)
class ExceptionInfo:
    code: str
    name: str
    section: str
    eligible_groups: tuple[str, ...]
    citation: str
    verification: str


@dataclass(frozen=True, slots=True)
class ExceptionRule(Dated):
    code: str
    country: str
    status: str
    citation: str
    verification: str
    note: str


@dataclass(frozen=True, slots=True)
class EndUseRuleR(Dated):
    rule: str
    country: str
    scope: str
    end_user: str
    citation: str
    verification: str
    summary: str
    severity: str = ""


@dataclass(frozen=True, slots=True)
class EeiRuleR(Dated):
    country: str
    scope: str
    citation: str
    verification: str
    summary: str


@dataclass(frozen=True, slots=True)
class SavingsRule:
    id: str
    country: str
    change_date: dt.date
    lost: str
    export_by: dt.date | None
    edge_date: dt.date | None
    citation: str
    verification: str
    summary: str


@dataclass(frozen=True, slots=True)
class RegimeChangeR:
    id: str
    effective: dt.date
    published: dt.date | None
    citation: str
    title: str
    summary: str
    verification: str


@dataclass(frozen=True)
class RuleSet:
    version: str
    aliases: dict[str, str]  # alias key -> country code (see normalize.build_alias_index)
    chart: dict[str, tuple[ChartRowRule, ...]]
    groups: dict[str, tuple[GroupRule, ...]]
    mappings: dict[str, tuple[MappingRule, ...]]
    eccns: dict[str, EccnRule]
    exceptions: dict[str, ExceptionInfo]
    exception_rules: dict[str, tuple[ExceptionRule, ...]]
    end_use: tuple[EndUseRuleR, ...]
    eei: tuple[EeiRuleR, ...]
    savings: tuple[SavingsRule, ...]
    regime_changes: tuple[RegimeChangeR, ...]
    country_names: dict[str, str] = field(default_factory=dict)
    destination_controls: dict[str, tuple[DestinationRule, ...]] = field(default_factory=dict)
    footnotes: dict[str, str] = field(default_factory=dict)
    #: ECCN -> exception code -> the entry's "List Based License Exceptions" text
    exception_flags: dict[str, dict[str, str]] = field(default_factory=dict)
    #: The "Items" paragraph rows, indexed on first use (only the rules browser shows them).
    paragraph_rows: tuple[dict[str, Any], ...] = field(default=(), repr=False)
    #: Engine memo (results depend on dates only through rule boundaries, see ``epoch_for``).
    memo: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)
    _line_boundaries: dict[Any, tuple[dt.date, ...]] = field(default_factory=dict,
                                                            compare=False, repr=False)
    #: ("known" or "mentioned", ECCN) -> ``known_paragraphs`` / ``mentioned_paragraphs``.
    _paragraphs_of: dict[tuple[str, str], Any] = field(default_factory=dict, compare=False,
                                                       repr=False)

    @cached_property
    def paragraphs(self) -> dict[str, tuple[tuple[str, int, str], ...]]:
        """ECCN -> its paragraphs (paragraph, depth, text) in the regulation's order."""
        out: dict[str, list[tuple[int, str, int, str]]] = defaultdict(list)
        for r in self.paragraph_rows:
            out[r["eccn"]].append((r["seq"], r["paragraph"], r["depth"], r["text"]))
        return {k: tuple((p, d, t) for _, p, d, t in sorted(v)) for k, v in out.items()}

    def known_paragraphs(self, base: str) -> KnownParagraphs | None:
        """The paragraphs the Control List text and the rules name for ECCN ``base``, or
        None for an entry whose "Items" text the rules do not hold (see
        ``KnownParagraphs``). Worked out per entry when first asked: a run names a few."""
        kept = self._paragraphs_of.get(("known", base), _UNSET)
        if kept is _UNSET:
            rows = self.paragraphs.get(base)
            kept = None if rows is None or base in PARAGRAPH_TEXT_GAPS else _known_paragraphs(
                self.eccns.get(base), _items_rows(base, rows), self.mentioned_paragraphs(base),
                max((str(r.get("edition") or "") for r in self._paragraph_rows_of(base)),
                    default=""))
            self._paragraphs_of[("known", base)] = kept
        return kept  # type: ignore[no-any-return]

    def mentioned_paragraphs(self, base: str) -> frozenset[str]:
        """The paragraphs of ECCN ``base`` any text or rule of the rules database names
        ("Yes for 3A001.a.1.b", "applies to 5A002.z.6": named, so held), with their parents."""
        kept = self._paragraphs_of.get(("mentioned", base), _UNSET)
        if kept is _UNSET:
            paths: set[str] = set()
            for text in self._texts:
                if base in text:  # only a text holding it can name it (a cheap scan first)
                    paths.update(path.lstrip(".") for found, path in _MENTION_RE.findall(text)
                                 if found == base)
            entry = self.eccns.get(base)
            if entry is not None:
                for rule in (*entry.controls, *entry.specials):
                    paths.update(p for p in (*rule.paragraphs, *rule.except_paragraphs)
                                 if p != "?")
                for created in entry.created:
                    paths.update(created.paragraphs)
            kept = frozenset(".".join(p.split(".")[:i + 1]) for p in paths if p
                             for i in range(p.count(".") + 1))
            self._paragraphs_of[("mentioned", base)] = kept
        return kept  # type: ignore[no-any-return]

    @cached_property
    def _texts(self) -> tuple[str, ...]:
        """Every text of the rules database that may name a paragraph."""
        texts = [t for rows in self.paragraphs.values() for _p, _d, t in rows]
        texts += [t for flags in self.exception_flags.values() for t in flags.values()]
        for entry in self.eccns.values():
            texts += [entry.description, entry.notes]
            texts += [r.scope for r in (*entry.controls, *entry.specials)]
        return tuple(filter(None, texts))

    def _paragraph_rows_of(self, base: str) -> list[dict[str, Any]]:
        return [r for r in self.paragraph_rows if r["eccn"] == base]

    @cached_property
    def current_to(self) -> dt.date | None:
        """The newest eCFR edition of the Control List the rules hold: a rule published
        after it is not in them (``rules update-ccl`` loads the next one)."""
        editions = [entry.edition for entry in self.eccns.values() if entry.edition]
        return dt.date.fromisoformat(max(editions)) if editions else None

    @cached_property
    def boundaries(self) -> tuple[dt.date, ...]:
        """Every date on which some rule starts or stops applying."""
        by_country, by_eccn, shared = self._scoped_boundaries
        return tuple(sorted(shared.union(*by_country.values(), *by_eccn.values())))

    @cached_property
    def end_use_by_country(self) -> dict[str, tuple[EndUseRuleR, ...]]:
        """``end_use`` per destination, in the same order."""
        out: dict[str, list[EndUseRuleR]] = defaultdict(list)
        for rule in self.end_use:
            out[rule.country].append(rule)
        return {country: tuple(rules) for country, rules in out.items()}

    @cached_property
    def end_user_countries(self) -> frozenset[str]:
        """The destinations for which a line's end-user type can change its result: those
        with an end-use rule that reads it (every scope but "ccl", which names an end use
        the data cannot show), and those that can be licensed as one of them (Hong Kong as
        China). For any other destination the engine's result is the same whatever the
        end-user type, so its memo keeps one result for them all."""
        found = {rule.country for rule in self.end_use if rule.scope != "ccl"}
        while True:
            more = {code for code, rules in self.mappings.items()
                    if code not in found and any(m.licensed_as in found for m in rules)}
            if not more:
                return frozenset(found)
            found |= more

    @cached_property
    def _scoped_boundaries(self) -> tuple[dict[str, frozenset[dt.date]],
                                          dict[str, frozenset[dt.date]], frozenset[dt.date]]:
        """The boundaries split by what they concern: a destination, an ECCN, or everyone.
        A Russian sanctions date cannot change a Hong Kong line, so it need not split the
        memo's epochs for it (the Control List added many such dates)."""
        day = dt.timedelta(days=1)
        country: dict[str, set[dt.date]] = defaultdict(set)
        eccn: dict[str, set[dt.date]] = defaultdict(set)
        shared: set[dt.date] = set()

        def add(into: set[dt.date], start: dt.date | None, end: dt.date | None = None) -> None:
            if start:
                into.add(start)
            if end:
                into.add(end + day)

        for code, rows in self.chart.items():
            for row in rows:
                add(country[code], row.valid_from, row.valid_to)
                add(country[code], row.known_as_of)
        for code, groups in self.groups.items():
            for g in groups:
                add(country[code], g.valid_from, g.valid_to)
                add(country[code], g.known_as_of)  # memberships assumed before it (engine)
        for code, mappings in self.mappings.items():
            for m in mappings:
                add(country[code], m.valid_from, m.valid_to)
        for code, rules_ in self.destination_controls.items():
            for dr in rules_:
                add(country[code], dr.valid_from, dr.valid_to)
        for rules in self.exception_rules.values():
            for r in rules:
                add(shared if r.country == "*" else country[r.country], r.valid_from, r.valid_to)
        for u in self.end_use:
            add(country[u.country], u.valid_from, u.valid_to)
        for e in self.eei:
            add(country[e.country], e.valid_from, e.valid_to)
        for c in self.savings:
            add(country[c.country], c.change_date, c.change_date)
            add(country[c.country], c.export_by, c.export_by)
            add(country[c.country], c.edge_date, c.edge_date)
        for code, entry in self.eccns.items():
            into = eccn[code]
            add(into, entry.supp2_since)
            add(into, entry.valid_from)
            for sp in entry.specials:
                add(into, sp.valid_from, sp.valid_to)
            for c in entry.controls:
                add(into, c.valid_from, c.valid_to)
            for d in entry.created:
                add(into, d.valid_from)
            add(into, dt.date.fromisoformat(entry.edition) if entry.edition else None)
        add(shared, None, self.current_to)  # a line dated after it says so (engine)
        add(shared, RULES_COVER_FROM)  # a line dated before it says so (engine)
        # A destination licensed as another (Hong Kong as China) is screened on both.
        for code, mappings in self.mappings.items():
            for m in mappings:
                country[code] |= country[m.licensed_as]
        frozen = {k: frozenset(v) for k, v in country.items()}
        return frozen, {k: frozenset(v) for k, v in eccn.items()}, frozenset(shared)

    def epoch_for(self, date: dt.date, countries: tuple[str | None, ...], eccn: str) -> int:
        """Like ``epoch``, over only the boundaries that can matter to a line for these
        destinations and this ECCN (finer memo reuse, same results)."""
        return bisect.bisect_right(self.boundaries_for(countries, eccn), date)

    def boundaries_for(self, countries: tuple[str | None, ...], eccn: str
                       ) -> tuple[dt.date, ...]:
        """The dates on which a rule that can matter to a line for these destinations and
        this ECCN (its five-character entry) changes, sorted."""
        key = (countries, eccn)
        dates = self._line_boundaries.get(key)
        if dates is None:
            by_country, by_eccn, shared = self._scoped_boundaries
            union = set(shared) | by_eccn.get(eccn, frozenset())
            for code in countries:
                if code:
                    union |= by_country.get(code, frozenset())
            dates = self._line_boundaries[key] = tuple(sorted(union))
        return dates

    # -- look-ups ------------------------------------------------------------------------
    def chart_row(self, country: str, date: dt.date) -> ChartRowRule | None:
        rows = self.chart.get(country, ())
        for row in rows:
            if row.covers(date):
                return row
        return None

    def groups_on(self, country: str, date: dt.date) -> frozenset[str]:
        return frozenset(g.group for g in self.groups.get(country, ()) if g.covers(date))

    def mapping_on(self, country: str, date: dt.date) -> MappingRule | None:
        return next((m for m in self.mappings.get(country, ()) if m.covers(date)), None)

    def exception_rule(self, code: str, country: str, date: dt.date) -> ExceptionRule | None:
        by_country = self._exception_rules_by_country
        specific = next((r for r in by_country.get((code, country), ()) if r.covers(date)),
                        None)
        return specific or next((r for r in by_country.get((code, "*"), ()) if r.covers(date)),
                                None)

    @cached_property
    def _exception_rules_by_country(self) -> dict[tuple[str, str], tuple[ExceptionRule, ...]]:
        """``exception_rules`` per (code, country), in the same order."""
        out: dict[tuple[str, str], list[ExceptionRule]] = defaultdict(list)
        for code, rules in self.exception_rules.items():
            for rule in rules:
                out[(code, rule.country)].append(rule)
        return {key: tuple(rules) for key, rules in out.items()}

    def country_name(self, code: str | None) -> str:
        if not code:
            return "?"
        return self.country_names.get(code, code)


def build_ruleset(tables: dict[str, list[dict[str, Any]]], *, version: str | None = None
                  ) -> RuleSet:
    """Index the rule tables (as read from files or from the database); ``version``: the
    rules version already computed from these very tables (else it is computed here)."""
    chart: dict[str, list[ChartRowRule]] = defaultdict(list)
    names: dict[str, str] = {}
    for r in tables["country_chart.csv"]:
        chart[r["country_code"]].append(ChartRowRule(
            r["valid_from"], r["valid_to"], r["row_key"], r["country_code"], r["name"],
            frozenset(c for c in CHART_COLUMNS if r[c]), r["date_basis"], r["citation"],
            r["verification"], frozenset(_split(r["unverified_cells"])),
            _split(r["footnotes"]), r["referral"],
        ))
        if r["row_key"] == r["country_code"]:
            names[r["country_code"]] = r["name"]
    names.setdefault("HK", "Hong Kong")
    groups: dict[str, list[GroupRule]] = defaultdict(list)
    for r in tables["country_groups.csv"]:
        groups[r["country_code"]].append(
            GroupRule(r["valid_from"], r["valid_to"], r["country_code"], r["group"], r["citation"],
                      r.get("date_basis") or "", str(r.get("edition") or "")))
    mappings: dict[str, list[MappingRule]] = defaultdict(list)
    for r in tables["destination_mappings.csv"]:
        mappings[r["country_code"]].append(MappingRule(
            r["valid_from"], r["valid_to"], r["country_code"], r["licensed_as"], r["citation"],
            r["verification"], r["summary"]))
    controls: dict[str, list[ControlRule]] = defaultdict(list)
    for r in tables["eccn_controls.csv"]:
        controls[r["eccn"]].append(ControlRule(
            r["valid_from"], r["valid_to"], r["id"], r["column"], r["reason"],
            _split(r["paragraphs"]), _split(r["except_paragraphs"]), r["condition"], r["scope"],
            r["citation"], r["verification"], r["note"]))
    specials: dict[str, list[SpecialRule]] = defaultdict(list)
    for r in tables["special_controls.csv"]:
        specials[r["eccn"]].append(SpecialRule(
            r["valid_from"], r["valid_to"], r["id"], r["eccn"], _split(r["paragraphs"]),
            _split(r["except_paragraphs"]), r["condition"], r["scope"], r["requirement"],
            r["reason"], _split(r["destinations"]), _split(r["groups"]),
            _split(r["except_groups"]), _split(r["except_destinations"]), r["severity"],
            r["summary"], r["citation"], r["verification"]))
    created: dict[str, list[CclDateRule]] = defaultdict(list)
    for r in tables["ccl_dates.csv"]:
        created[r["eccn"]].append(CclDateRule(
            r["id"], r["eccn"], _split(r["paragraphs"]), r["kind"], r["valid_from"],
            r["summary"], r["citation"], r["verification"]))
    eccns = {
        r["eccn"]: EccnRule(
            r["eccn"], r["description"], _split(r["reasons_for_control"]), r["supp2"],
            r["supp2_since"], r["supp2_citation"], r["citation"], r["verification"], r["notes"],
            tuple(sorted(controls.get(r["eccn"], ()),
                         key=lambda c: (CHART_COLUMNS.index(c.column), c.id))),
            tuple(sorted(specials.get(r["eccn"], ()), key=lambda s: s.id)),
            r["points_to_itar"] == "yes", r["valid_from"], r["edition"],
            r["supp2_verification"], tuple(created.get(r["eccn"], ())),
        )
        for r in tables["eccns.csv"]
    }
    destination_controls: dict[str, list[DestinationRule]] = defaultdict(list)
    for r in tables["destination_controls.csv"]:
        destination_controls[r["country_code"]].append(DestinationRule(
            r["valid_from"], r["valid_to"], r["id"], r["country_code"], r["items"],
            r["severity"], r["requirement"], r["summary"], r["citation"], r["verification"]))
    flags: dict[str, dict[str, str]] = defaultdict(dict)
    for r in tables["eccn_exception_flags.csv"]:
        flags[r["eccn"]][r["exception"]] = r["text"]
    exception_rules: dict[str, list[ExceptionRule]] = defaultdict(list)
    for r in tables["license_exception_rules.csv"]:
        exception_rules[r["code"]].append(ExceptionRule(
            r["valid_from"], r["valid_to"], r["code"], r["country_code"], r["status"],
            r["citation"], r["verification"], r["note"]))
    return RuleSet(
        version=_version_of(tables) if version is None else version,
        aliases={r["key"]: r["code"] for r in tables[ALIAS_INDEX]} if ALIAS_INDEX in tables
        else build_alias_index({r["alias"]: r["country_code"]
                                for r in tables["country_aliases.csv"]}),
        chart={k: tuple(sorted(v, key=_date_key)) for k, v in chart.items()},
        groups={k: tuple(v) for k, v in groups.items()},
        mappings={k: tuple(v) for k, v in mappings.items()},
        eccns=eccns,
        exceptions={r["code"]: ExceptionInfo(r["code"], r["name"], r["section"],
                                             _split(r["eligible_groups"]), r["citation"],
                                             r["verification"])
                    for r in tables["license_exceptions.csv"]},
        exception_rules={k: tuple(v) for k, v in exception_rules.items()},
        end_use=tuple(EndUseRuleR(r["valid_from"], r["valid_to"], r["rule"], r["country_code"],
                                  r["scope"], r["end_user"], r["citation"], r["verification"],
                                  r["summary"], r["severity"])
                      for r in tables["end_use_rules.csv"]),
        eei=tuple(EeiRuleR(r["valid_from"], r["valid_to"], r["country_code"], r["scope"],
                           r["citation"], r["verification"], r["summary"])
                  for r in tables["eei_rules.csv"]),
        savings=tuple(SavingsRule(r["id"], r["country_code"], r["change_date"], r["lost"],
                                  r["export_by"], r["edge_date"], r["citation"],
                                  r["verification"], r["summary"])
                      for r in tables["savings_clauses.csv"]),
        regime_changes=tuple(sorted(
            (RegimeChangeR(r["id"], r["effective"], r["published"], r["citation"], r["title"],
                           r["summary"], r["verification"]) for r in tables["regime_changes.csv"]),
            key=lambda c: c.effective)),
        country_names=names,
        destination_controls={k: tuple(v) for k, v in destination_controls.items()},
        footnotes={r["footnote"]: r["text"] for r in tables["chart_footnotes.csv"]},
        exception_flags=dict(flags),
        paragraph_rows=tuple(tables["eccn_paragraphs.csv"]),
    )


def _version_of(tables: dict[str, list[dict[str, Any]]]) -> str:
    from screening.rules.store import rules_version  # the table definitions: only here

    return rules_version(tables)


def _date_key(row: ChartRowRule) -> dt.date:
    return row.valid_from or dt.date.min


#: The country alias index as kept beside the tables (``load_ruleset``): 3,000 aliases'
#: keys cost a start 6 ms to work out.
ALIAS_INDEX = "alias index (derived)"


def load_ruleset(session: Session) -> RuleSet:
    """The rules in the database. The tables and their version are kept between runs
    (``screening.rules.cache``) under the database's rules revision token, which changes
    with every change to a rule table; they are kept only when the token read before the
    tables is still the token after them (no change committed in between)."""
    token = revision.token(session)
    if token is not None:
        kept = rules_cache.load(token)
        if kept is not None:
            tables, version = kept
            return build_ruleset(tables, version=version)
    from screening.rules.store import read_tables  # the table definitions: only here

    tables = read_tables(session)
    rules = build_ruleset(tables)
    if token is not None and revision.token(session) == token:
        rules_cache.save(token, {**tables, ALIAS_INDEX: [
            {"key": key, "code": code} for key, code in rules.aliases.items()]},
            rules.version)
    return rules
