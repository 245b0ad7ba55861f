"""Raw rows in, stored rows and JSON text out: the screening loop of a run.

Each distinct screening outcome (the engine's result for a key of destination, rule epoch,
ECCN, exception, licence and end-user type, plus any party findings) is rendered once: its
findings set number and the JSON text after the line's own row number and id. A line then
costs a few look-ups and one tuple. Rows the fast reader does not take go through the record
path (``RowConverter.convert``, ``screen_line``) and are rendered the same way.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from screening.engine import screen_line
from screening.ingest.fast_rows import FastLine, FastRows
from screening.ingest.pipeline import PreparedInput
from screening.model import Finding, Screening, ShipmentLine, Verdict, worst
from screening.normalize import clean_text
from screening.party_screen import PartyScreen
from screening.rules.ruleset import RuleSet
from screening.store.runs import FindingSets, line_row

_encode: Callable[[Any], str] = json.JSONEncoder(ensure_ascii=False).encode
_text: Callable[[str], str] = json.encoder.encode_basestring  # type: ignore[attr-defined]
OUTCOME_LIMIT = 500_000
#: Rows read before the fast reader decides which columns to cache.
TUNE_AFTER = 2000


class Outcome:
    """One distinct result as stored and written: verdict, destinations, findings set."""

    __slots__ = ("db_part", "destination", "findings", "findings_json", "head", "licensing",
                 "newly", "set_no", "verdict")

    def __init__(self, verdict: Verdict, destination: str | None, licensing: str | None,
                 newly: bool, findings: tuple[Finding, ...], sets: FindingSets):
        self.verdict = verdict.value
        self.destination, self.licensing, self.newly = destination, licensing, newly
        self.findings = findings
        #: The findings' JSON is the set's own text, shared by every outcome with that set.
        self.set_no, self.findings_json = sets.number(findings)
        #: Its part of a run_lines row (store.runs.LINE_COLUMNS after raw_json).
        self.db_part = (self.verdict, licensing, newly, self.set_no)
        #: The line's JSON after its row number and id, up to the findings.
        self.head = (f'"verdict": "{self.verdict}", '
                     f'"destination": {_encode(destination)}, '
                     f'"licensing_destination": {_encode(licensing)}, '
                     f'"newly_licensable": {"true" if newly else "false"}, '
                     f'"findings": ')


def _of(result: Screening, sets: FindingSets) -> Outcome:
    return Outcome(result.verdict, result.destination, result.licensing_destination,
                   result.newly_licensable, result.findings, sets)


@dataclass(frozen=True)
class BatchTally:
    """A batch's lines per verdict, and how many are newly licensable."""

    counts: dict[str, int]
    newly: int


class RowScreener:
    """Screens batches of raw rows of one prepared input for one run."""

    def __init__(self, prepared: PreparedInput, rules: RuleSet, parties: PartyScreen | None,
                 sets: FindingSets, run_id: int, dates_as_text: bool):
        self.prepared, self.rules, self.parties, self.sets = prepared, rules, parties, sets
        self.run_id, self.as_text = run_id, dates_as_text
        self.fast = FastRows(prepared._converter, dates_as_text, run_id)
        self.outcomes: dict[tuple[Any, ...], Outcome] = {}
        self.merged: dict[tuple[Any, ...], Outcome] = {}
        self.tuned = False
        self.seen = 0  # rows screened

    def screen(self, batch: list[tuple[int, list[Any]]]) -> tuple[list[tuple[Any, ...]],
                                                                  list[str], BatchTally]:
        """(run_lines rows, JSON texts of the lines, their tally) for ``batch``."""
        read, convert = self.fast.read, self.prepared._converter.convert
        rules, parties, run_id = self.rules, self.parties, self.run_id
        epoch_for, outcomes = rules.epoch_for, self.outcomes
        counts = {v.value: 0 for v in Verdict}
        rows: list[tuple[Any, ...]] = []
        out: list[str] = []
        newly = 0
        if parties is not None:
            parties.index.prefetch(self._party_names(batch))
        for number, values in batch:
            fast = read(number, values)
            if fast is None:
                line = convert(number, values)
                if line is None:
                    self.prepared.blank_rows += 1
                    continue
                result = screen_line(line, rules)
                if parties is not None and (line.consignee or line.end_user or line.owners):
                    result = parties.screen(result, line)
                outcome = _of(result, self.sets)
                rows.append(line_row(run_id, line, result, outcome.set_no, self.as_text))
                line_id = line.line_id
            else:
                head, date, eccn, eut = fast
                dest, ult, exc, lic = head[3], head[4], head[8], head[9]
                key = (dest, ult, epoch_for(date, (dest, ult), eccn.base), eccn, exc, lic, eut)
                outcome = outcomes.get(key)  # type: ignore[assignment]
                if outcome is None:
                    outcome = self._outcome(key, fast)
                if parties is not None:
                    found = parties.parties_of(head[12], head[10], ult or dest)
                    if found:
                        outcome = self._merged(outcome, found)
                rows.append(head + outcome.db_part)
                line_id = head[2]
            out.append(f'{{"row": {number}, "line_id": {_text(line_id)}, {outcome.head}'
                       f'{outcome.findings_json}}}')
            counts[outcome.verdict] += 1
            newly += outcome.newly
        self.seen += len(batch)
        if not self.tuned and self.seen >= TUNE_AFTER:
            self.fast.tune(self.seen)
            self.tuned = True
        return rows, out, BatchTally(counts, newly)

    def _party_names(self, batch: list[tuple[int, list[Any]]]) -> set[str]:
        """The batch's consignee and end-user names, as the lines will read them."""
        raw: set[Any] = set()
        for index in self.fast.party_columns:
            raw.update(values[index] for _n, values in batch if len(values) > index)
        return {text for text in map(clean_text, raw) if text}

    def _outcome(self, key: tuple[Any, ...], fast: FastLine) -> Outcome:
        head, date, eccn, eut = fast
        (_run, number, line_id, dest, ult, _date_db, assumed, _eccn_text, exc, lic, end_user,
         _eut_text, consignee, value, quantity, description, hs_code, _raw) = head
        line = ShipmentLine(number, line_id, (), dest, ult, date, eccn, exc, lic, end_user,
                            eut, consignee, value, quantity, description, hs_code, assumed)
        outcome = _of(screen_line(line, self.rules), self.sets)
        if len(self.outcomes) > OUTCOME_LIMIT:
            self.outcomes.clear()
        self.outcomes[key] = outcome
        return outcome

    def _merged(self, outcome: Outcome, found: tuple[Finding, ...]) -> Outcome:
        key = (outcome, found)
        merged = self.merged.get(key)
        if merged is None:
            findings = (*outcome.findings, *found)
            merged = Outcome(worst([f.verdict for f in findings]), outcome.destination,
                             outcome.licensing, outcome.newly, findings, self.sets)
            if len(self.merged) > OUTCOME_LIMIT:
                self.merged.clear()
            self.merged[key] = merged
        return merged
