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
from operator import call
from typing import Any

from screening.ingest.columns import Field
from screening.ingest.rows import EARLIEST_EXPORT_DATE, RowConverter, untrusted_characters
from screening.normalize import clean_text, parse_number

#: A cell value the fast path does not take (the row goes to ``RowConverter.convert``).
BAD: Any = object()
_CACHE_LIMIT = 200_000

_encode_text: Callable[[str], str] = json.encoder.encode_basestring  # type: ignore[attr-defined]


_KEPT = frozenset({str, dt.date, dt.datetime})


class _Cache(dict):  # type: ignore[type-arg]
    """``cache[value]``: a C-speed hit, ``compute(value)`` on a miss (kept while small)."""

    def __init__(self, compute: Callable[[Any], Any]):
        super().__init__()
        self.compute = compute
        self.seen = 0  # misses

    def __missing__(self, key: Any) -> Any:
        self.seen += 1
        value = self.compute(key)
        # Numbers are not kept: True == 1 == 1.0 are one key but read differently, and
        # amounts rarely repeat. Texts and dates are.
        if key.__class__ in _KEPT and len(self) < _CACHE_LIMIT:
            self[key] = value
        return value


def _plain(raw: Any) -> str | None:
    """The cell's text if it is a string the fast path may read, else None."""
    if raw.__class__ is not str or (not raw.isprintable() and untrusted_characters(raw)):
        return None
    return clean_text(raw)


#: (the line's part of its run_lines row, in store.runs.LINE_COLUMNS order up to raw_json;
#: export date; Eccn; EndUserType or None)
FastLine = tuple[tuple[Any, ...], Any, Any, Any]


class FastRows:
    """``read(number, values)``: the row as a FastLine, or None to convert it the slow way."""

    def __init__(self, converter: RowConverter, dates_as_text: bool, run_id: int = 0):
        c = converter
        self.run_id = run_id
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

        def country_code(text: str) -> Any:
            code = c._country(text)
            return BAD if code is None else code

        def country(raw: Any) -> Any:  # the destination: required
            text = _plain(raw)
            return country_code(text) if text else BAD

        def ultimate(raw: Any) -> Any:  # the ultimate destination: may be blank
            text = _plain(raw)
            if text is None:
                return BAD
            return country_code(text) if text else None

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
        #: Per column: the cell's cleaned text. Columns whose values hardly repeat (line
        #: ids, amounts, descriptions) stop being cached after the first rows (``tune``): a
        #: miss costs more than cleaning the text.
        self.texts: list[Callable[[Any], str]] = [
            _Cache(clean_text).__getitem__ for _ in range(self.width)]

        self.read = self._reader()

    def _reader(self) -> Callable[[int, list[Any]], FastLine | None]:
        """``read`` as a closure over everything it needs (locals are the fastest names)."""
        width, formula_rows = self.width, self.formula_rows
        owner_indexes = self.owner_indexes
        i_dest, i_eccn, i_ult, i_date = self.i_dest, self.i_eccn, self.i_ult, self.i_date
        i_exc, i_lic, i_eut, i_id = self.i_exc, self.i_lic, self.i_eut, self.i_id
        i_user, i_consignee, i_desc, i_hs = self.text_fields
        i_value, i_qty = self.i_value, self.i_qty
        country, ultimate, eccns, dates = self.country, self.ultimate, self.eccn, self.date
        exceptions, licences, end_user_types = self.exception, self.licence, self.end_user_type
        text_of = self.texts
        as_of, run_id = self.as_of, self.run_id
        no_pair = (None, None)

        def read(number: int, values: list[Any]) -> FastLine | None:
            if len(values) != width or number in formula_rows:
                return None
            dest = country[values[i_dest]]
            eccn = eccns[values[i_eccn]]
            if dest is BAD or eccn is BAD:
                return None
            if i_date is not None:
                date = dates[values[i_date]]
                if date is BAD:
                    return None
                assumed = False
            elif as_of is not None:
                date, assumed = as_of, True
            else:
                return None
            ult = ultimate[values[i_ult]] if i_ult is not None else None
            exc = exceptions[values[i_exc]] if i_exc is not None else None
            lic = licences[values[i_lic]] if i_lic is not None else no_pair
            eut = end_user_types[values[i_eut]] if i_eut is not None else no_pair
            if ult is BAD or exc is BAD or lic is BAD or eut is BAD:
                return None
            texts = list(map(call, text_of, values))
            for index in owner_indexes:
                if texts[index]:
                    return None
            value = _amount(values[i_value], texts[i_value]) if i_value is not None else None
            quantity = _amount(values[i_qty], texts[i_qty]) if i_qty is not None else None
            if value is BAD or quantity is BAD:
                return None
            line_id = texts[i_id] or str(number) if i_id is not None else str(number)
            end_user = texts[i_user] or None if i_user is not None else None
            consignee = texts[i_consignee] or None if i_consignee is not None else None
            exception = exc or lic[0]
            return ((run_id, number, line_id, dest, ult, date[1], assumed, eccn[1], exception,
                     lic[1], end_user, eut[1], consignee, value, quantity,
                     texts[i_desc] or None if i_desc is not None else None,
                     texts[i_hs] or None if i_hs is not None else None,
                     "[" + ",".join(map(_encode_text, texts)) + "]"),
                    date[0], eccn[0], eut[0])

        return read

    def tune(self, rows: int) -> None:
        """After the first ``rows`` rows: stop caching the columns whose values hardly
        repeat (or are numbers, which are never kept)."""
        for index, lookup in enumerate(self.texts):
            cache = getattr(lookup, "__self__", None)
            if isinstance(cache, _Cache) and cache.seen > rows * UNIQUE_SHARE:
                self.texts[index] = cache.compute
        self.read = self._reader()


#: Share of look-ups missing the cache above which a column is not cached.
UNIQUE_SHARE = 0.9


def _amount(raw: Any, cleaned: str) -> Any:
    """A value or quantity cell: its number, None if blank, BAD if not a number."""
    if not cleaned:
        return None
    number, ok = parse_number(raw if raw.__class__ is not str else cleaned)
    return number if ok else BAD


