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

    Each record is parsed once while it is in use (read in input order, once in all); any
    order works. A row that two records name is an error: the append-only triggers refuse
    a record added to a complete run, and this refuses one added behind their back. Uses
    the caller's session, in its transaction."""

    def __init__(self, session: Session, run_id: int):
        self.session, self.run_id = session, run_id
        #: The records in use, by first row: (last row, cells by row).
        self._records: dict[int, tuple[int, dict[int, list[str]]]] = {}
        self._rows: dict[int, list[str]] = {}  # of those records
        self._span = (0, -1)  # their first and last rows

    def cells(self, rows: Sequence[int], texts: Sequence[str]) -> list[list[str]]:
        """The cells of the lines at input ``rows`` whose stored ``raw_json`` are ``texts``.
        Raises LookupError for a line whose cells are stored nowhere, or twice."""
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
        """Take the records holding rows ``low..high`` into use (parsing those not in use)."""
        spans = self.session.execute(
            select(LineCells.first_row, LineCells.last_row)
            .where(LineCells.run_id == self.run_id, LineCells.first_row <= high,
                   LineCells.last_row >= low).order_by(LineCells.first_row)).all()
        records: dict[int, tuple[int, dict[int, list[str]]]] = {}
        rows: dict[int, list[str]] = {}
        for first, last in spans:
            record = self._records.get(first) or (last, self._parse(first, last))
            if not rows.keys().isdisjoint(record[1]):
                twice = min(rows.keys() & record[1].keys())
                raise LookupError(f"run {self.run_id}: input row {twice} has original cells "
                                  f"in two records")
            records[first] = record
            rows.update(record[1])
        self._records, self._rows = records, rows
        self._span = (spans[0][0], max(last for _first, last in spans)) if spans else (0, -1)

    def _parse(self, first: int, last: int) -> dict[int, list[str]]:
        text = self.session.scalar(select(LineCells.cells_json).where(
            LineCells.run_id == self.run_id, LineCells.first_row == first))
        record = json.loads(text or "{}")
        rows, cells = record.get("rows", []), record.get("cells", [])
        if len(rows) != len(cells) or rows != sorted(set(rows)) or \
                (rows and not first <= rows[0] <= rows[-1] <= last):
            raise LookupError(f"run {self.run_id}: the cells record of input rows "
                              f"{first}-{last} does not hold one entry per line, in order")
        return dict(zip(rows, cells, strict=True))


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
