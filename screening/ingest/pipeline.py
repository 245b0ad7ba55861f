"""From a path to a stream of ShipmentLine records: choose the sheet, find the header row,
map the columns (auto, mapping file or profile), then convert rows lazily."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from screening.column_letters import column_letter
from screening.ingest.columns import (
    REQUIRED,
    ColumnMapping,
    Field,
    accepted_names,
    apply_overrides,
    auto_mapping,
    detect_header,
    guess_field,
)
from screening.ingest.content import Content
from screening.ingest.errors import IngestError
from screening.ingest.readers import (
    TableSource,
    list_sheets,
    open_csv,
    open_xlsx,
    sheet_order,
    sniff_kind,
)
from screening.ingest.rows import EARLIEST_EXPORT_DATE, RowConverter, latest_export_date
from screening.ingest.xlsx_package import DRAWN_OVER
from screening.model import ShipmentLine
from screening.normalize import (
    DateOrder,
    clean_text,
    normalize_country,
    normalize_eccn,
    parse_date,
)

HEADER_SCAN_ROWS = 30
#: Rows of the other sheets of a workbook looked at for a header row of shipments.
OTHER_SHEET_SCAN_ROWS = 200


@dataclass(frozen=True)
class MappingSpec:
    """What the user said about the columns: overrides, date order, preferred sheet."""

    columns: dict[str, str]
    date_order: DateOrder | None = None
    sheet: str | None = None
    source: str = "mapping file"

    @classmethod
    def from_json(cls, data: Any, source: str) -> MappingSpec:
        if not isinstance(data, dict):
            raise ValueError("a mapping must be a JSON object")
        if "columns" in data:
            columns = data["columns"]
            order = data.get("date_order")
            sheet = data.get("sheet")
        else:  # a flat {"field": "Header"} object
            columns, order, sheet = data, None, None
        if not isinstance(columns, dict) or not all(
                isinstance(k, str) and isinstance(v, str | type(None))
                for k, v in columns.items()):
            raise ValueError('"columns" must map field names to header texts')
        try:
            date_order = DateOrder(order.upper()) if order else None
        except ValueError:
            raise ValueError(f"date_order must be DMY, MDY or YMD, not {order!r}") from None
        return cls({k: v or "" for k, v in columns.items()}, date_order, sheet, source)

    @classmethod
    def from_file(cls, path: Path) -> MappingSpec:
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except FileNotFoundError:
            raise ValueError(f"mapping file {path} not found") from None
        except (OSError, json.JSONDecodeError) as exc:
            raise ValueError(f"mapping file {path} is not valid JSON: {exc}") from None
        return cls.from_json(data, f"mapping file {path.name}")

    def to_json(self) -> dict[str, Any]:
        return {"columns": self.columns,
                "date_order": self.date_order.value if self.date_order else None,
                "sheet": self.sheet}


@dataclass
class PreparedInput:
    """A readable input with its mapping decided; ``lines()`` streams the data rows."""

    path: Path
    source: TableSource
    mapping: ColumnMapping
    date_order: DateOrder | None
    as_of: dt.date | None
    _converter: RowConverter
    _rows: Iterator[tuple[int, list[object]]]
    blank_rows: int = 0
    rows_in: int = 0  # data rows read (after the header row), blank ones included

    @property
    def sheet(self) -> str:
        return self.source.sheet or ""

    def lines(self) -> Iterator[ShipmentLine]:
        convert = self._converter.convert
        for number, values in self._rows:
            self.rows_in += 1
            line = convert(number, values)
            if line is None:
                self.blank_rows += 1
                continue
            yield line

    def check_complete(self, lines_out: int) -> None:
        """IngestError unless the reader reached the end of the data and every data row
        read became exactly one line out (or was blank)."""
        source, name = self.source, str(self.path)
        if not source.finished:
            raise IngestError(name, f"reading stopped after {self.rows_in:,} data rows, "
                              f"before the end of the data", sheet=source.sheet)
        if source.expected_rows is not None and source.rows_read != source.expected_rows:
            raise IngestError(name, f"the reader handed out {source.rows_read:,} rows but the "
                              f"sheet holds {source.expected_rows:,}", sheet=source.sheet)
        if self.rows_in != lines_out + self.blank_rows:
            raise IngestError(name, f"{self.rows_in:,} data rows were read but "
                              f"{lines_out:,} lines came out (and {self.blank_rows:,} blank "
                              f"rows); the run is not complete", sheet=source.sheet)

    def fraction_read(self, last_row: int) -> float | None:
        """Share of the input read once ``last_row`` is (progress bars); None if unknown."""
        return self.source.fraction_read(last_row)

    def raw_batches(self, size: int = 5000) -> Iterator[list[tuple[int, list[Any]]]]:
        """The data rows as read, ``size`` at a time, counted in ``rows_in``; whoever converts
        them counts ``blank_rows`` (row_screen.RowScreener does)."""
        rows = self._rows
        while batch := list(itertools.islice(rows, size)):
            self.rows_in += len(batch)
            yield batch



def prepare_input(path: Path, *, aliases: dict[str, str], exception_codes: frozenset[str],
                  sheet: str | None = None, mapping: MappingSpec | None = None,
                  date_order: DateOrder | None = None,
                  as_of: dt.date | None = None,
                  header_row: int | None = None,
                  run_date: dt.date | None = None,
                  content: Content | None = None) -> PreparedInput:
    """Open ``path`` and decide sheet, header row and mapping; raise IngestError if the file
    cannot be screened at all (with file/sheet/row/column in the message). ``header_row``
    (1-based, within the first rows) overrides the detected header row. ``content``: the
    file's bytes as read (a workbook is then read from them alone)."""
    path = Path(path)
    run_date = run_date or dt.date.today()
    if as_of is not None and not (EARLIEST_EXPORT_DATE <= as_of <= latest_export_date(run_date)):
        raise IngestError(str(path), f"the assumed export date {as_of.isoformat()} (--as-of) "
                          f"is outside {EARLIEST_EXPORT_DATE.isoformat()} to "
                          f"{latest_export_date(run_date).isoformat()}")
    kind = sniff_kind(path, content)
    sheet = sheet or (mapping.sheet if mapping else None)
    if kind == "csv":
        source = open_csv(path)
        rows = source.rows()
        head, header_index = _scan(rows)
        if header_index is None and header_row is None:
            _no_header(path, None, head)
    else:
        sheets = list_sheets(path, content=content)
        if not sheets:
            raise IngestError(str(path), "the workbook has no worksheets")
        if sheet is not None and sheet not in [s.name for s in sheets]:
            names = ", ".join(repr(s.name) for s in sheets)
            raise IngestError(str(path), f"no sheet named {sheet!r}; sheets: {names}")
        candidates = sheet_order(sheets, sheet)
        found = None
        first_head: list[tuple[int, list[object]]] = []
        if not candidates:
            raise IngestError(str(path), "every sheet of the workbook is hidden; name the one "
                              "to screen with --sheet (hidden sheets are screened only when "
                              "named)")
        for at, name in enumerate(candidates):
            source = open_xlsx(path, name, content)
            rows = source.rows()
            head, header_index = _scan(rows)
            if header_index is not None or (header_row is not None and head):
                found = (source, rows, head, header_index)
                if sheet is None:
                    # (The sheets before it too: rows continued on a sheet ordered first, or a
                    # header below the rows looked at: s23 hunt, never read, exit 0.)
                    hidden = [s.name for s in sheets if not s.visible]
                    _refuse_shipments_on_other_sheets(
                        path, name, candidates[:at] + candidates[at + 1:] + hidden, content,
                        as_of is not None, hidden, aliases, mapping)
                break
            first_head = first_head or head
        if found is None:
            if all(not any(clean_text(v) for v in r) for _, r in first_head):
                raise IngestError(str(path), "the workbook has no data (every sheet is empty)",
                                  sheet=sheet)
            hidden = [s.name for s in sheets if not s.visible]
            _no_header(path, sheet or candidates[0], first_head, hidden if not sheet else [])
        source, rows, head, header_index = found
    detected = head[header_index][0] if header_index is not None else None
    if header_row is not None:
        numbers = [n for n, _ in head]
        if header_row not in numbers:
            raise IngestError(str(path), f"header row {header_row} is not among the first "
                              f"{HEADER_SCAN_ROWS} rows", sheet=source.sheet)
        header_index = numbers.index(header_row)
    assert header_index is not None
    header_number, header_cells = head[header_index]
    _refuse_masked_header(source, path, header_number, header_cells)
    column_mapping = auto_mapping(header_cells, header_number)
    if mapping and mapping.columns:
        try:
            column_mapping = apply_overrides(column_mapping, mapping.columns, mapping.source)
        except ValueError as exc:
            raise IngestError(str(path), str(exc), sheet=source.sheet,
                              row=header_number) from None
    if duplicated := column_mapping.duplicate_message():
        raise IngestError(str(path), duplicated, sheet=source.sheet, row=header_number)
    missing = column_mapping.missing(have_as_of=as_of is not None)
    if missing:
        seen = ", ".join(repr(h) for h in column_mapping.headers if h) or "(none)"
        names = ", ".join(m.value for m in missing)
        hint = " (or give --as-of DATE for files without a ship-date column)" \
            if Field.EXPORT_DATE in missing else ""
        raise IngestError(str(path), f"missing required column(s): {names}{hint}. Columns "
                          f"seen: {seen}. Map them with --mapping FILE.json, or rename the "
                          f"headers. Accepted names: {accepted_names()}",
                          sheet=source.sheet, row=header_number)
    if source.kind == "csv" and not source.delimiter_declared:
        _refuse_other_separator(path, source.delimiter or ",", header_cells, header_number)
    if header_row is None or header_row == detected:
        # (The import wizard passes the row it detected, too.) Another row the officer
        # chose leaves the rows above it knowingly.
        _refuse_shipments_above(path, source.sheet, head[:header_index], column_mapping,
                                aliases)
    if header_index + 1 < len(head):
        _refuse_second_header_row(path, source.sheet, header_cells, head[header_index + 1],
                                  column_mapping, aliases)
    # A date order may come as its text (a Qt combo box hands back a str): read it here.
    order_text = date_order or (mapping.date_order if mapping else None)
    order = DateOrder(str(order_text).upper()) if order_text else None
    # Notes above the header row are held against every line (RowConverter.notes); rows
    # left above a header row the officer chose are his to judge.
    notes = [(number, column, text) for number, values in head[:header_index]
             for column, value in enumerate(values) if (text := clean_text(value))] \
        if header_row is None or header_row == detected else []
    converter = RowConverter(source, column_mapping, aliases, exception_codes, order,
                             as_of if Field.EXPORT_DATE not in column_mapping.columns else None,
                             run_date, notes)
    remaining = itertools.chain(head[header_index + 1:], rows)
    return PreparedInput(path, source, column_mapping, order, as_of, converter, remaining)


#: The separators Excel splits a CSV file on, by the computer's list separator.
_LIST_SEPARATORS = (",", ";")


def _refuse_other_separator(path: Path, delimiter: str, header: list[object],
                            number: int) -> None:
    """Refuses a CSV file whose header row, split on the other list separator, names two
    fields or more within one cell: Excel on a computer using that separator shows other
    columns than this reading (s26 hunt: "Notes,Ship Date,Country,Classification,Qty" read
    as one column of a ";" file, its "3A001" unread, every line CLEAR)."""
    for other in _LIST_SEPARATORS:
        if other == delimiter:
            continue
        for cell in header:
            if not isinstance(cell, str) or other not in cell:
                continue
            pieces = next(csv.reader([cell], delimiter=other), [])
            named = [piece.strip() for piece in pieces if guess_field(piece) is not None]
            if len(named) >= 2:
                raise IngestError(
                    str(path), f"refused: the header cell {cell[:80]!r} names columns "
                    f"({', '.join(named[:4])}) between {other!r} characters: read with "
                    f"{delimiter!r} between columns, as this file seems to be written, "
                    f"they are one column, while Excel on a computer separating lists with "
                    f"{other!r} shows them as columns of their own. Save the file with one "
                    f"separator, or put the line sep={delimiter} first", row=number)


def _refuse_shipments_on_other_sheets(path: Path, screened: str, others: list[str],
                                      content: Content | None, have_as_of: bool,
                                      hidden: list[str], aliases: dict[str, str],
                                      mapping: MappingSpec | None = None) -> None:
    """A run screens one sheet: with no sheet named, a later visible sheet that has a header
    row of shipment columns too would not be screened, and its lines would be lost without
    a word (an independent review: "Q1" screened CLEAR, "Q2" to Hong Kong never read). So
    would a hidden sheet's (screened only when named): it may be an old copy, or the lines
    someone hid; the officer says which sheet is the shipment file."""
    also: list[tuple[str, int]] = []  # (sheet, its header row)
    for name in others:
        try:
            rows = open_xlsx(path, name, content).rows()
            try:
                # Deeper than a sheet to screen is looked at: a header under notes.
                head, at = _scan(rows, OTHER_SHEET_SCAN_ROWS)
            finally:
                rows.close()  # the rest of the sheet is not read
        except IngestError as exc:
            raise IngestError(str(path), f"the sheet {name!r}, beside {screened!r}, could not "
                              f"be checked for shipments ({exc.detail}); name the sheet to "
                              f"screen with --sheet", sheet=name) from exc
        # Shipments: a destination, an ECCN and a date, or no date where --as-of gives one
        # (a products list with ECCNs, a customers list, a summary by country are not).
        # (A template: a header row and no line under it, is not a second table.)
        if at is not None and not _as_mapped(head[at], mapping).missing(
                have_as_of=have_as_of) and any(any(clean_text(v) for v in row)
                                               for _n, row in head[at + 1:]):
            also.append((name, head[at][0]))
        elif at is None and (row := _headerless_shipment(head, aliases)) is not None:
            # Rows continued on a sheet of their own without the header ("Shipments (2)",
            # or an export split at Excel's row limit): s21 hunt, never read, exit 0.
            number, shown = row
            raise IngestError(str(path), f"the sheet {name!r}, beside {screened!r}, holds rows "
                              f"that look like shipments but no header row (row {number}: "
                              f"{shown}); hkscreen screens one sheet per run and reads a sheet "
                              f"by its header row. Put those rows under the header of "
                              f"{screened!r}, or give the sheet a header row and screen each "
                              f"sheet with --sheet", sheet=name, row=number)
    if also:
        names = ", ".join(repr(n) + (" (hidden)" if n in hidden else "") + (
            f" (header in row {number}, below the first {HEADER_SCAN_ROWS} rows hkscreen looks "
            f"at: remove the rows above it to screen that sheet)"
            if number > HEADER_SCAN_ROWS else "") for n, number in also)
        raise IngestError(str(path), f"the sheet {screened!r} and the sheet(s) {names} all have "
                          f"a header row of shipment columns; hkscreen screens one sheet per "
                          f"run, so name the sheet to screen with --sheet (then each of the "
                          f"others in a run of its own)")


def _as_mapped(header: tuple[int, list[object]], mapping: MappingSpec | None
               ) -> ColumnMapping:
    """The columns of another sheet's header row as the run would map them: the
    officer's mapping too, where it fits that sheet (s23 hunt: a sheet naming its date
    "Versanddatum", mapped by --mapping, did not count as shipments)."""
    number, cells = header
    found = auto_mapping(cells, number)
    if mapping and mapping.columns:
        with contextlib.suppress(ValueError):  # a header that sheet does not have
            found = apply_overrides(found, mapping.columns, mapping.source)
    return found


def _headerless_shipment(head: list[tuple[int, list[object]]], aliases: dict[str, str]
                         ) -> tuple[int, str] | None:
    """(row number, its cells shown) of the first row among ``head`` (a sheet's first rows,
    none of them a header row) holding a Control List classification and a country in
    other cells: a shipment row without its header. None if no row does."""
    for number, values in head:
        texts = [text for text in map(clean_text, values) if text]
        classified = [i for i, text in enumerate(texts) if _CLASSIFICATION_RE.match(text)
                      and normalize_eccn(text) is not None]
        placed = [i for i, text in enumerate(texts)
                  if normalize_country(text, aliases) is not None]
        if classified and any(i not in classified for i in placed):
            return number, ", ".join(texts[:6])
    return None


#: A cell that reads as a Control List classification on its own ("3A001.a.2", "EAR99").
_CLASSIFICATION_RE = re.compile(r"(?i)^(?:eccn\s*:?\s*)?(?:[0-9]\s*[A-E]\s*[0-9]{3}|EAR\s*-?99$)")


def _refuse_second_header_row(path: Path, sheet: str | None, header: list[object],
                              below: tuple[int, list[object]], mapping: ColumnMapping,
                              aliases: dict[str, str]) -> None:
    """A header of two rows ("Destination" merged over "Ship-to" and "Final") is read as
    its first row: the column under the merged cell's empty part was left out, and a line
    shipped to Singapore with Hong Kong as its final destination was CLEAR (an independent
    review). The row below the header row is a second header row when it holds text under
    a header cell that is empty and is no shipment itself (its destination names no
    country): refused, naming both rows."""
    number, values = below
    empty = [i for i, value in enumerate(values)
             if isinstance(value, str) and value.strip()
             and (i >= len(header) or not clean_text(header[i]))]
    if not empty:
        return
    def cell(f: Field) -> object:
        index = mapping.columns.get(f)
        return values[index] if index is not None and index < len(values) else None

    destination, code, date = (cell(f) for f in (Field.DESTINATION, Field.ECCN,
                                                  Field.EXPORT_DATE))
    if (clean_text(destination) and normalize_country(destination, aliases) is not None) \
            or (clean_text(code) and normalize_eccn(code) is not None) \
            or (clean_text(date) and parse_date(date)[0] is not None):
        return  # a shipment row (with a note in a column without a header, say)
    if not any(any(ch.isalpha() for ch in clean_text(values[i])) for i in empty):
        return  # numbers under an unnamed column (a saved table's index), no labels
    labels = ", ".join(repr(clean_text(values[i])) for i in empty[:3])
    raise IngestError(str(path), f"row {number}, below the header row (row "
                      f"{mapping.header_row}), looks like a second header row: it has "
                      f"{labels} under a header cell that is empty (a merged header cell "
                      f"over two columns?). hkscreen reads one header row, and a column it "
                      f"cannot name is not screened: write one header per column in one row "
                      f"(e.g. 'Destination (Ship-to)', 'Destination (Final)') and save again",
                      sheet=sheet, row=number)


def _refuse_masked_header(source: TableSource, path: Path, number: int,
                          cells: list[object]) -> None:
    """A header cell whose number format shows other text than it holds ("Country of
    Origin" shown as "Ultimate Destination") names another column to the officer than to
    the mapping (s25 hunt: the Hong Kong under it went unread, CLEAR): refused, naming it."""
    for (row, col), code in sorted(source.masked_cells.items()):
        # (A picture or chart over the header row, a logo, is no header: a text box is.)
        if row == number and col < len(cells) and str(cells[col] or "").strip() and \
                not (code.startswith(DRAWN_OVER) and "text box" not in code):
            how = (f"{code[len(DRAWN_OVER):]} is drawn over it" if code.startswith(DRAWN_OVER)
                   else f"its number format ({code!r}) shows other text")
            raise IngestError(str(path), f"the header cell {source.cell_ref(row, col)} holds "
                              f"{str(cells[col])!r}, but {how}: which column it names is in "
                              f"doubt. Give it the General format, move the shape, or write "
                              f"the header it shows, and save again", sheet=source.sheet,
                              row=row, column=column_letter(col))


def _scan(rows: Iterator[tuple[int, list[object]]], limit: int = HEADER_SCAN_ROWS
          ) -> tuple[list[tuple[int, list[object]]], int | None]:
    head = list(itertools.islice(rows, limit))
    return head, detect_header([r for _, r in head])


def _refuse_shipments_above(path: Path, sheet: str | None,
                            above: list[tuple[int, list[object]]], mapping: ColumnMapping,
                            aliases: dict[str, str]) -> None:
    """Rows above the header row are not screened: titles and notes belong there, but a row
    holding two of a destination that names a country, an ECCN and a date, in those
    columns, is a shipment (a sheet sorted with its header row inside the range puts some
    there), and would be lost without a word: the file is refused, naming it. A title block
    ("Country:", "Hong Kong") holds one at most."""
    columns = mapping.columns

    def cell(values: list[object], f: Field) -> object:
        index = columns.get(f)
        return values[index] if index is not None and index < len(values) else None

    for number, values in above:
        country, code, date = (cell(values, f) for f in
                               (Field.DESTINATION, Field.ECCN, Field.EXPORT_DATE))
        found = [country is not None and normalize_country(country, aliases) is not None,
                 code is not None and normalize_eccn(code) is not None,
                 date is not None and parse_date(date)[0] is not None]
        if sum(found) >= 2:
            raise IngestError(
                str(path), f"row {number}, above the header row (row {mapping.header_row}), "
                f"holds a shipment ({clean_text(country) or '-'}, {clean_text(code) or '-'}, "
                f"{clean_text(date) or '-'}): rows above the header row are not screened. "
                f"Put the header row first (was the sheet sorted with it?) or delete the row",
                sheet=sheet, row=number)


def _no_header(path: Path, sheet: str | None, head: list[tuple[int, list[object]]],
               hidden: list[str] | None = None) -> None:
    if not head or all(not any(clean_text(v) for v in r) for _, r in head):
        raise IngestError(str(path), "the file is empty (no rows with data)", sheet=sheet)
    seen = []
    for _, cells in head[:10]:
        seen.extend(t for t in (clean_text(c) for c in cells) if t)
    shown = ", ".join(repr(s) for s in seen[:15]) or "(none)"
    hint = (f" Hidden sheets are screened only when named with --sheet (hidden: "
            f"{', '.join(repr(h) for h in hidden)})." if hidden else "")
    raise IngestError(
        str(path), f"no header row found in the first {HEADER_SCAN_ROWS} rows. Values seen: "
        f"{shown}. Need headers for {', '.join(f.value for f in REQUIRED)}; accepted names: "
        f"{accepted_names()}.{hint}", sheet=sheet)
