"""The common case of ``RowConverter.convert``, a few dictionary look-ups per row.

Shipment files repeat their countries, classifications, dates and exception codes on
thousands of rows, so each distinct cell value of those columns is read once into what the
row needs, and a row made only of readable values becomes a plain tuple without building any
record. Any row with something to report (a blank or bad value, a formula, a short row,
owners, invisible characters) is handed back (``None``) to ``RowConverter.convert``, which
alone writes the findings that name the cell. Both give the same values for the same row: a
test screens a mixed file both ways and compares them byte for byte.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from screening.ingest.columns import Field
from screening.ingest.rows import EARLIEST_EXPORT_DATE, RowConverter, untrusted_characters
from screening.normalize import clean_text, parse_number

#: A cell value the fast path does not take (the row goes to ``RowConverter.convert``).
BAD: Any = object()
_CACHE_LIMIT = 200_000

_encode_text: Callable[[str], str] = json.encoder.encode_basestring  # type: ignore[attr-defined]


class _Cache(dict):  # type: ignore[type-arg]
    """``cache[value]``: a C-speed hit, ``compute(value)`` on a miss (kept while small)."""

    def __init__(self, compute: Callable[[Any], Any]):
        super().__init__()
        self.compute = compute

    def __missing__(self, key: Any) -> Any:
        value = self.compute(key)
        if len(self) < _CACHE_LIMIT:
            self[key] = value
        return value


def _plain(raw: Any) -> str | None:
    """The cell's text if it is a string the fast path may read, else None."""
    if raw.__class__ is not str or (not raw.isprintable() and untrusted_characters(raw)):
        return None
    return clean_text(raw)


#: (row number, line id, destination, ultimate destination, export date, date for the
#: database, date assumed, Eccn, ECCN text, exception, licence number, end-user type,
#: its text, end user, consignee, value, quantity, description, HS code, raw cells JSON)
FastLine = tuple[Any, ...]


class FastRows:
    """``read(number, values)``: the row as a FastLine, or None to convert it the slow way."""

    def __init__(self, converter: RowConverter, dates_as_text: bool):
        c = converter
        self.width = c.width
        cols = c.mapping.columns
        self.formula_rows = c.source.formula_rows
        #: Owner and share columns: a row using them takes the slow path (rare, and the
        #: slow path screens owners).
        self.owner_indexes = tuple(cols[f] for f in (*(f for f, _ in c.owner_columns),
                                                     Field.OWNERSHIP_PCT) if f in cols)
        self.i_dest = cols[Field.DESTINATION]
        self.i_eccn = cols[Field.ECCN]
        self.i_ult = cols.get(Field.ULTIMATE_DESTINATION)
        self.i_date = cols.get(Field.EXPORT_DATE)
        self.i_exc = cols.get(Field.LICENSE_EXCEPTION)
        self.i_lic = cols.get(Field.LICENSE_NUMBER)
        self.i_eut = cols.get(Field.END_USER_TYPE)
        self.i_id = cols.get(Field.LINE_ID)
        self.text_fields = tuple(cols.get(f) for f in (Field.END_USER, Field.CONSIGNEE,
                                                       Field.DESCRIPTION, Field.HS_CODE))
        self.party_columns = tuple(cols[f] for f in (Field.CONSIGNEE, Field.END_USER)
                                   if f in cols)
        self.i_value = cols.get(Field.VALUE)
        self.i_qty = cols.get(Field.QUANTITY)
        self.as_of = (c.as_of, c.as_of.isoformat() if dates_as_text else c.as_of) \
            if c.as_of is not None else None
        latest = c.latest_date

        def country(raw: Any) -> Any:
            text = _plain(raw)
            if not text:
                return BAD
            code = c._country(text)
            return BAD if code is None else code

        def ultimate(raw: Any) -> Any:
            text = _plain(raw)
            if text is None:
                return BAD
            if not text:
                return None
            code = c._country(text)
            return BAD if code is None else code

        def eccn(raw: Any) -> Any:
            text = _plain(raw)
            parsed = c._eccn(text) if text else None
            return BAD if parsed is None else (parsed, parsed.text)

        def date(raw: Any) -> Any:
            if raw.__class__ is str:
                text = _plain(raw)
                if not text:
                    return BAD
                value = text
            elif isinstance(raw, dt.date):  # datetime is a date too
                value = raw
            else:  # numbers (Excel day counts), booleans: the slow path says what they are
                return BAD
            parsed, problem = c._date(value)
            if problem is not None or parsed is None or not (
                    EARLIEST_EXPORT_DATE <= parsed <= latest):
                return BAD
            return parsed, parsed.isoformat() if dates_as_text else parsed

        def exception(raw: Any) -> Any:
            if raw.__class__ is not str:
                return BAD
            text = clean_text(raw)
            return c._exception(text) if text else None

        def licence(raw: Any) -> Any:
            if raw.__class__ is not str:
                return BAD
            text = clean_text(raw)
            if not text:
                return None, None
            code = c._exception(text)
            if code == "NLR" or code in c.codes:
                return code, None  # "NLR" typed in the licence column
            return None, text

        def end_user_type(raw: Any) -> Any:
            if raw.__class__ is not str:
                return BAD
            text = clean_text(raw)
            eut = c._end_user(text) if text else None
            return eut, eut.value if eut else None

        self.country = _Cache(country)
        self.ultimate = _Cache(ultimate)
        self.eccn = _Cache(eccn)
        self.date = _Cache(date)
        self.exception = _Cache(exception)
        self.licence = _Cache(licence)
        self.end_user_type = _Cache(end_user_type)
        self.text = _Cache(clean_text)  # str cells only: 1, 1.0 and True are equal keys
        self.cell_json = _Cache(_encode_text)  # cleaned text -> its JSON string

    def read(self, number: int, values: list[Any]) -> FastLine | None:
        if len(values) < self.width or number in self.formula_rows:
            return None
        dest = self.country[values[self.i_dest]]
        eccn = self.eccn[values[self.i_eccn]]
        if dest is BAD or eccn is BAD:
            return None
        ult = self.ultimate[values[self.i_ult]] if self.i_ult is not None else None
        if self.i_date is not None:
            date = self.date[values[self.i_date]]
            if date is BAD:
                return None
            assumed = False
        elif self.as_of is not None:
            date, assumed = self.as_of, True
        else:
            return None
        exc = self.exception[values[self.i_exc]] if self.i_exc is not None else None
        lic = self.licence[values[self.i_lic]] if self.i_lic is not None else (None, None)
        eut = self.end_user_type[values[self.i_eut]] if self.i_eut is not None else (None,
                                                                                       None)
        if ult is BAD or exc is BAD or lic is BAD or eut is BAD:
            return None
        text = self.text
        texts = [text[v] if v.__class__ is str else clean_text(v) for v in values]
        for index in self.owner_indexes:
            if texts[index]:
                return None
        value = self._amount(values, texts, self.i_value)
        quantity = self._amount(values, texts, self.i_qty)
        if value is BAD or quantity is BAD:
            return None
        cell_json = self.cell_json
        end_user, consignee, description, hs_code = (
            texts[i] or None if i is not None else None for i in self.text_fields)
        line_id = texts[self.i_id] if self.i_id is not None else ""
        return (number, line_id or str(number), dest, ult, date[0], date[1], assumed,
                eccn[0], eccn[1], exc or lic[0], lic[1], eut[0], eut[1], end_user, consignee,
                value, quantity, description, hs_code,
                "[" + ",".join([cell_json[t] for t in texts]) + "]")

    @staticmethod
    def _amount(values: list[Any], texts: list[str], index: int | None) -> Any:
        if index is None or not texts[index]:
            return None
        raw = values[index]
        number, ok = parse_number(raw if raw.__class__ is not str else texts[index])
        return number if ok else BAD
