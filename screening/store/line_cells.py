"""A run's original cells, stored once per batch and read back per line.

Every stored line keeps the input row it was read from (its cells, aligned with the run's
headers): reports show them beside the verdict. Kept as one JSON text per line they were
the biggest value of every line, built, sent to the storing process and inserted a line
at a time: about a tenth of a million-line run. Since migration 0013 a run stores them a
batch at a time in ``run_line_cells``, one record per batch keyed by its first input row:
``{"rows": [...], "cells": [[...], ...]}``, an entry per line in input order. Those lines
store ``raw_json`` "" (a line's own cells are a JSON array, never ""). Runs stored before
keep their cells per line; ``CellsReader`` reads either, and a line whose cells are in no
record is an error, never a blank row.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from screening.store.schema import LineCells

#: A line's ``raw_json`` when its cells are in its batch's record.
IN_BATCH = ""

_numbers = json.JSONEncoder(separators=(",", ":")).encode


def batch_cells(rows: list[int], raws: Sequence[str]) -> tuple[int, int, str] | None:
    """The record of a batch whose lines (input ``rows``, ascending) have the cells
    ``raws`` (each a JSON array): (first row, last row, JSON text); None if no lines."""
    if not rows:
        return None
    return rows[0], rows[-1], f'{{"rows":{_numbers(rows)},"cells":[{",".join(raws)}]}}'


class CellsReader:
    """The cells of one run's lines, from their own ``raw_json`` or their batch's record.

    Read in input order, each record is parsed once (the last ones read are kept); any
    order works. Uses the caller's session, in its transaction."""

    def __init__(self, session: Session, run_id: int):
        self.session, self.run_id = session, run_id
        self._rows: dict[int, list[str]] = {}  # of the records read last
        self._span = (0, -1)  # their first and last rows

    def cells(self, rows: Sequence[int], texts: Sequence[str]) -> list[list[str]]:
        """The cells of the lines at input ``rows`` whose stored ``raw_json`` are ``texts``.
        Raises LookupError for a line whose cells are stored nowhere."""
        if IN_BATCH not in texts:
            return own_cells(texts)
        if not any(texts):  # every line's cells are in records
            return self._from_records(rows)
        return [json.loads(text) if text else self._from_records([row])[0]
                for row, text in zip(rows, texts, strict=True)]

    def _from_records(self, rows: Sequence[int]) -> list[list[str]]:
        first, last = self._span
        low, high = min(rows), max(rows)
        if not first <= low <= high <= last:
            self._read(low, high)
        try:
            return list(map(self._rows.__getitem__, rows))
        except KeyError as exc:
            raise LookupError(f"run {self.run_id}: the original cells of input row "
                              f"{exc.args[0]} are not stored") from None

    def _read(self, low: int, high: int) -> None:
        """Keep the records holding rows ``low..high``."""
        found: dict[int, list[str]] = {}
        span: list[int] = []
        for first, last, text in self.session.execute(
                select(LineCells.first_row, LineCells.last_row, LineCells.cells_json)
                .where(LineCells.run_id == self.run_id, LineCells.first_row <= high,
                       LineCells.last_row >= low).order_by(LineCells.first_row)):
            record = json.loads(text)
            found.update(zip(record["rows"], record["cells"], strict=True))
            span += [first, last]
        self._rows = found
        self._span = (min(span), max(span)) if span else (0, -1)


def own_cells(texts: Sequence[str]) -> list[list[str]]:
    """Lines' cells from their own ``raw_json`` texts: one parse for them all, or one each
    if that fails (the line at fault then raises on its own)."""
    try:
        cells: Any = json.loads("[" + ",".join(texts) + "]")
    except ValueError:
        cells = None
    if cells is None or len(cells) != len(texts):  # a stored text that is not one value
        cells = [json.loads(text) for text in texts]
    return cells
