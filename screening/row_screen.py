"""Raw rows in, stored rows out: the screening loop of a run.

Each distinct screening outcome (the engine's result for a key of destination, rule epoch,
ECCN, exception, licence and end-user type, plus any party findings) is numbered once: its
findings set and its part of a stored row. The rows the fast reader takes are screened
column by column: keys, outcomes, party findings and stored rows are built by C-level
``map``/``zip`` over the batch, Python runs only for an outcome or party not seen before.
Rows the fast reader does not take go through the record path (``RowConverter.convert``,
``screen_line``) and are numbered the same way. The lines' cells go beside the rows, to be
stored once for the batch (store.line_cells). The ``--json`` text is rendered from the
stored rows by whoever stores them (line_json).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass
from itertools import compress
from operator import attrgetter
from typing import Any

from screening.engine import (
    CLEAR_ON_UNVERIFIED,
    cite_licence,
    end_user_key,
    exception_key,
    screen_line,
    screen_uncited,
)
from screening.ingest.fast_rows import Columns, FastRows, Memo
from screening.ingest.pipeline import PreparedInput
from screening.model import Finding, Screening, ShipmentLine, Verdict, worst
from screening.normalize import clean_text
from screening.parties import needs_a_finding, refers_elsewhere
from screening.party_screen import (
    UNNAMED,
    PartyScreen,
    for_item,
    new_at_ship_to,
    no_party_named,
    with_findings,
)
from screening.rules.ruleset import RuleSet
from screening.store.line_cells import IN_BATCH
from screening.store.runs import LINE_COLUMNS, FindingSets, LineBatch, batch_rows, line_row

OUTCOME_LIMIT = 500_000
#: Distinct party names whose check is kept (beyond it, checked again: same answer).
NAMES_LIMIT = 200_000
#: Rows read before the fast reader decides which columns to cache.
TUNE_AFTER = 2000
_db_part = attrgetter("db_part")
RAW = LINE_COLUMNS.index("raw_json")
_verdict, _newly = attrgetter("verdict"), attrgetter("newly")
_clear_unverified = attrgetter("clear_unverified")
#: How runs.clear_on_unverified finds such a set in the stored findings JSON.
_UNVERIFIED_MARK = f'"{CLEAR_ON_UNVERIFIED}"'


class Outcome:
    """One distinct result as stored: verdict, licensing destination, findings set (the
    line's own destination is in its part of the row)."""

    __slots__ = ("clear_unverified", "db_part", "findings", "licensing", "newly", "set_no",
                 "verdict")

    def __init__(self, verdict: Verdict, licensing: str | None, newly: bool,
                 findings: tuple[Finding, ...], sets: FindingSets):
        self.verdict = verdict.value
        self.licensing, self.newly = licensing, newly
        self.findings = findings
        self.set_no, text = sets.number(findings)
        #: CLEAR resting on rule data not fully verified, judged on the stored findings
        #: as runs.clear_on_unverified judges them (the run's count is the lines' sum).
        self.clear_unverified = self.verdict == Verdict.CLEAR.value and _UNVERIFIED_MARK in text
        #: Its part of a run_lines row (store.runs.LINE_COLUMNS from raw_json: the cells
        #: are stored with the batch, store.line_cells).
        self.db_part = (IN_BATCH, self.verdict, licensing, newly, self.set_no)


def _of(result: Screening, sets: FindingSets) -> Outcome:
    return Outcome(result.verdict, result.licensing_destination, result.newly_licensable,
                   result.findings, sets)


@dataclass(frozen=True)
class BatchTally:
    """A batch's lines per verdict, how many are newly licensable, and how many are CLEAR
    on rule data not fully verified."""

    counts: dict[str, int]
    newly: int
    clear_unverified: int = 0


class RowScreener:
    """Screens batches of raw rows of one prepared input for one run."""

    def __init__(self, prepared: PreparedInput, rules: RuleSet, parties: PartyScreen | None,
                 sets: FindingSets, run_id: int, dates_as_text: bool,
                 every_line: tuple[Finding, ...] = ()):
        """``every_line``: findings every line gets (``party_screen.lists_findings``)."""
        self.prepared, self.rules, self.parties, self.sets = prepared, rules, parties, sets
        self.every_line = every_line
        self.run_id, self.as_text = run_id, dates_as_text
        self.fast = FastRows(prepared._converter, dates_as_text, run_id)
        self.outcomes: dict[tuple[Any, ...], Outcome] = {}
        self.merged: dict[tuple[Any, ...], Outcome] = {}
        #: Outcome key without the licence number: its result as if the line cited none,
        #: and whether a licence is needed (a cited number is then checked: ``_outcome``).
        self.bases: dict[tuple[Any, ...], tuple[Screening, bool]] = {}
        #: (destination, ultimate destination, ECCN text): the rule dates that can matter.
        self.boundaries = Memo(lambda key: rules.boundaries_for(
            key[:2], key[2].split(".", 1)[0]))
        if parties is not None:
            #: Party names looked at, and those of them some list name may match whatever
            #: the country (most have none): only those are screened per (name, country).
            #: A line's names are then looked up in the small set alone, not in a table
            #: of every name seen (two million look-ups in it at a million lines: about 5%
            #: of the screening thread).
            #: Every name in ``checked`` is in ``listed`` exactly when it may match.
            self.checked: set[str] = set()
            self.listed: set[str] = set()
            #: Of those, the cells that point at another party ("Same as consignee"):
            #: worked out once per name, not per batch (a fifth of a batch's screening).
            self.pointing: set[str] = set()
            self.consignees = Memo(lambda key: parties.party("Consignee", *key))
            self.end_users = Memo(lambda key: parties.party("End user", *key))
        self.tuned = False
        self.seen = 0  # rows screened
        #: Whether any line named a party (consignee, end user or owner) to screen.
        self.named = False

    def screen(self, batch: list[tuple[int, list[Any]]]
               ) -> tuple[LineBatch, list[str], BatchTally]:
        """(its lines as run_lines rows, their cells as JSON arrays, their tally) for
        ``batch`` (its blank rows make no line). The rows' raw_json is "": the cells are
        stored with the batch (store.line_cells)."""
        columns, slow = self.fast.read(batch)
        if self.parties is not None:
            names = self._party_names(batch, columns, slow)
            self.named = self.named or bool(names)
            if columns is not None and columns.others:  # screened, but no stand-in for them
                names = names.union(*(filter(None, column) for _h, column in columns.others))
            self._check_names(names)
        lines: LineBatch = (None, [])
        raws: list[str] = []
        outcomes: list[Outcome] = []
        if columns is not None:
            outcomes = self._screen_columns(columns)
            lines = (columns.line[:-1], list(map(_db_part, outcomes)))
            raws = columns.line[-1]
        if slow:
            rows, raws, outcomes = self._with_slow_rows(batch, columns, slow,
                                                        batch_rows(lines), raws, outcomes)
            lines = (None, rows)
        self.seen += len(batch)
        if not self.tuned and self.seen >= TUNE_AFTER:
            self.fast.tune(self.seen)
            self.tuned = True
        counts = {v.value: 0 for v in Verdict}
        counts.update(Counter(map(_verdict, outcomes)))
        return lines, raws, BatchTally(counts, sum(map(_newly, outcomes)),
                                       sum(map(_clear_unverified, outcomes)))

    def _screen_columns(self, c: Columns) -> list[Outcome]:
        (_run, _numbers, _line_id, dest, ult, _date_db, _assumed, eccn_text, exception,
         lic_text, end_user, eut_text, consignee, value, *_rest) = c.line
        bounds = map(self.boundaries.__getitem__, zip(dest, ult, eccn_text, strict=True))
        epochs = map(bisect_right, bounds, c.dates)
        if "LVS" in exception:  # its value limit reads the line's value
            rules = self.rules
            exception = [exception_key(code, worth, eccn, rules) if code == "LVS" else code
                         for code, worth, eccn in zip(exception, value, c.eccns, strict=True)]
        keys = list(zip(dest, ult, epochs, eccn_text, exception, lic_text, eut_text,
                        strict=True))
        found: list[Outcome] = list(map(self.outcomes.get, keys))  # type: ignore[arg-type]
        if None in found:
            for i in [i for i, outcome in enumerate(found) if outcome is None]:
                found[i] = self.outcomes.get(keys[i]) or self._outcome(keys[i], c, i)
        if self.parties is not None:
            self._add_parties(found, consignee, end_user, c.party_country, dest, c)
            if self.parties.party_columns and None in consignee and None in end_user:
                for i in [i for i, (named, user) in enumerate(zip(consignee, end_user,
                                                                  strict=True))
                          if named is None and user is None]:
                    found[i] = self._merged(found[i], (UNNAMED,))
            pointing = self.pointing
            pointers = pointing.intersection(consignee) | pointing.intersection(end_user) \
                if pointing else ()
            if pointers:  # "Same as consignee" beside an empty consignee, and the like
                for i, (named, user) in enumerate(zip(consignee, end_user, strict=True)):
                    if (named in pointers or user in pointers) and \
                            (nobody := no_party_named(named, user)) is not None:
                        found[i] = self._merged(found[i], (nobody,))
            for role, column in c.others:  # after the consignee and end user, as the slow
                self._add_others(found, role, column, c.party_country, dest, c)  # path adds
                # them
        if self.every_line:
            found = [self._merged(outcome, self.every_line) for outcome in found]
        return found

    def _add_others(self, found: list[Outcome], role: str, names: list[Any],
                    country: list[Any], ship_to: list[Any], c: Columns) -> None:
        """Raises the outcomes of lines whose other party (``role``: its column's header)
        is on a list (in the ship-to country too, as ``_add_parties``)."""
        assert self.parties is not None
        listed = self.listed
        for i, name in enumerate(names):
            if name is not None and name in listed:
                parties = self.parties.party(role, name, country[i])
                if ship_to[i] is not None and ship_to[i] != country[i]:
                    parties += new_at_ship_to(parties,
                                              self.parties.party(role, name, ship_to[i]))
                if parties:
                    found[i] = self._merged(found[i], for_item(
                        parties, c.eccns[i], c.dates[i], self.parties.outside_supp2))

    def _check_names(self, names: set[str]) -> None:
        """Works out whether any list name may match each of ``names`` not seen before."""
        assert self.parties is not None
        if len(self.checked) > NAMES_LIMIT:  # ``listed`` is a part of it: never bigger
            self.checked.clear()  # both at once, or a listed name would read as unlisted
            self.listed.clear()
            self.pointing.clear()
        new = names - self.checked
        if new:
            index = self.parties.index
            index.prefetch(new)
            # A name in Chinese script, or naming no party, always gets its finding
            # worked out (``party``).
            self.listed.update(n for n in new if index.may_match(n) or needs_a_finding(n))
            self.pointing.update(filter(refers_elsewhere, new))
            self.checked |= new

    def _add_parties(self, found: list[Outcome], consignee: list[Any], end_user: list[Any],
                     country: list[Any], ship_to: list[Any], c: Columns) -> None:
        """Raises the outcomes of lines whose consignee or end user is on a list (in the
        ship-to country too, where the line is screened for another ultimate destination:
        ``PartyScreen.at_ship_to``)."""
        assert self.parties is not None
        listed_consignee = list(map(self.listed.__contains__, consignee))
        listed_end_user = list(map(self.listed.__contains__, end_user))
        if not any(listed_consignee) and not any(listed_end_user):
            return
        everywhere = range(len(found))
        for i in sorted(set(compress(everywhere, listed_consignee))
                        | set(compress(everywhere, listed_end_user))):
            parties = (self.consignees[consignee[i], country[i]] if listed_consignee[i]
                       else ()) + (self.end_users[end_user[i], country[i]]
                                   if listed_end_user[i] else ())
            if ship_to[i] is not None and ship_to[i] != country[i]:
                parties += self.parties.at_ship_to(
                    parties, consignee[i] if listed_consignee[i] else None,
                    end_user[i] if listed_end_user[i] else None, ship_to[i])
            if parties:
                found[i] = self._merged(found[i], for_item(
                    parties, c.eccns[i], c.dates[i], self.parties.outside_supp2))

    def _with_slow_rows(self, batch: list[tuple[int, list[Any]]], columns: Columns | None,
                        slow: list[int], rows: list[tuple[Any, ...]], raws: list[str],
                        outcomes: list[Outcome]
                        ) -> tuple[list[tuple[Any, ...]], list[str], list[Outcome]]:
        """The batch's results in row order: the fast rows' and the slow rows' ones."""
        placed: list[Any] = [None] * len(batch)
        if columns is not None:
            positions = columns.positions if columns.positions is not None else \
                range(columns.count)
            for position, row, raw, outcome in zip(positions, rows, raws, outcomes,
                                                   strict=True):
                placed[position] = (row, raw, outcome)
        for position in slow:
            placed[position] = self._screen_slow(*batch[position])
        kept = [item for item in placed if item is not None]  # None: a blank row
        return ([item[0] for item in kept], [item[1] for item in kept],
                [item[2] for item in kept])

    def _screen_slow(self, number: int, values: list[Any]
                     ) -> tuple[tuple[Any, ...], str, Outcome] | None:
        line = self.prepared._converter.convert(number, values)
        if line is None:
            self.prepared.blank_rows += 1
            return None
        result = screen_line(line, self.rules)
        if self.parties is not None:
            self.named = self.named or bool(line.consignee or line.end_user or line.owners)
            result = self.parties.screen(result, line)
        if self.every_line:
            result = with_findings(result, self.every_line)
        outcome = _of(result, self.sets)
        row = line_row(self.run_id, line, result, outcome.set_no, self.as_text)
        return (*row[:RAW], IN_BATCH, *row[RAW + 1:]), row[RAW], outcome

    def _party_names(self, batch: list[tuple[int, list[Any]]], columns: Columns | None,
                     slow: list[int]) -> set[str]:
        """The batch's consignee and end-user names, as the lines will read them."""
        names: set[str] = set()
        if columns is not None:
            names.update(columns.line[12])  # consignee
            names.update(columns.line[10])  # end user
        raw: set[Any] = set()
        for index in self.fast.party_columns:
            raw.update(batch[i][1][index] for i in slow if len(batch[i][1]) > index)
        names.update(map(clean_text, raw))
        names.discard(None)  # type: ignore[arg-type]
        names.discard("")
        return names

    def _outcome(self, key: tuple[Any, ...], c: Columns, i: int) -> Outcome:
        # A licence number changes the result only of a line needing a licence, and the
        # end-user type only that of a line to a destination whose end-use rules read it
        # (RuleSet.end_user_countries): the others share the outcome of the key without
        # them, found here without making the line (licence numbers seldom repeat, so most
        # of their keys are new; end-user types multiply the keys by five).
        if len(self.outcomes) > OUTCOME_LIMIT:
            self.outcomes.clear()
            self.bases.clear()
        plain_key = (*key[:5], None, end_user_key(key[0], key[1], key[6], self.rules))
        outcome = self.outcomes.get(plain_key) if plain_key != key else None
        lic = key[5]
        known = self.bases.get(plain_key)
        # A line citing a number whose key needs no licence shares the plain key's outcome.
        if outcome is None or (lic and (known is None or known[1])):
            if known is None:
                (_run, number, line_id, dest, ult, _date_db, assumed, _eccn_text, exc,
                 lic_text, end_user, _eut_text, consignee, value, quantity, description,
                 hs_code, _raw) = c.head(i)
                line = ShipmentLine(number, line_id, (), dest, ult, c.dates[i], c.eccns[i],
                                    exc, lic_text, end_user, c.end_user_types[i], consignee,
                                    value, quantity, description, hs_code, assumed)
                # Shared by every line of the plain key, whatever its licence number (a
                # third of a million-line run's misses were lines citing a new number).
                known = self.bases[plain_key] = screen_uncited(line, self.rules)
            base, needs = known
            if lic and needs:
                outcome = _of(cite_licence(base, lic), self.sets)
            else:  # the outcome of the plain key too
                outcome = self.outcomes[plain_key] = _of(base, self.sets)
        self.outcomes[key] = outcome
        return outcome

    def _merged(self, outcome: Outcome, found: tuple[Finding, ...]) -> Outcome:
        key = (outcome, found)
        merged = self.merged.get(key)
        if merged is None:
            findings = (*outcome.findings, *found)
            merged = Outcome(worst([f.verdict for f in findings]), outcome.licensing,
                             outcome.newly, findings, self.sets)
            if len(self.merged) > OUTCOME_LIMIT:
                self.merged.clear()
            self.merged[key] = merged
        return merged
