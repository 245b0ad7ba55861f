"""The common case of ``RowConverter.convert``, a batch at a time, column by column.

Shipment files repeat their countries, classifications, dates and exception codes on
thousands of rows, so each distinct cell value of those columns is read once into what the
row needs, and a batch's rows made only of readable values become columns built by C-level
look-ups (``map`` over a cache), without a Python step or record per row. Any row with
something to report (a blank or bad value, a formula, a short row, owners, invisible
characters) is handed back by position to ``RowConverter.convert``, which alone writes the
findings that name the cell. Both give the same values for the same row: a
test screens a mixed file both ways and compares them byte for byte.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Callable
from itertools import compress, repeat
from operator import itemgetter
from typing import Any

from screening.china_places import names_no_place
from screening.ingest.columns import Field
from screening.ingest.rows import (
    EARLIEST_EXPORT_DATE,
    RowConverter,
    hides_in_a_name,
    may_name_use,
    no_licence_held,
    untrusted_characters,
)
from screening.line_json import json_plain
from screening.normalize import (
    clean_text,
    eccns_named_in,
    eccns_other_than,
    embargoed_place,
    may_name_embargoed_place,
    names_no_eccn,
    parse_number,
    reads_as_day_count,
    shown_as_next_day,
)

#: A column of texts each matching ``normalize._PLAIN_NUMBER_RE`` (none blank), one per line: one
#: match for the whole column instead of one per cell (cleaned texts hold no line break).
_PLAIN_COLUMN_RE = re.compile(r"-?\d+(?:\.\d+)?(?:\n-?\d+(?:\.\d+)?)*")

#: A cell value the fast path does not take (the row goes to ``RowConverter.convert``).
BAD: Any = object()
_CACHE_LIMIT = 200_000

_encode_text: Callable[[str], str] = json.encoder.encode_basestring  # type: ignore[attr-defined]


#: ASCII control characters (every ASCII space but " " is one).
_CONTROL_BYTES = bytes(range(0x20))
_CONTROL_RE = re.compile("[\x00-\x1f]")

_KEPT = frozenset({str, dt.date, dt.datetime})


class Memo(dict):  # type: ignore[type-arg]
    """``memo[key]``: a C-speed hit, ``compute(key)`` on a miss (kept while small)."""

    def __init__(self, compute: Callable[[Any], Any], limit: int = _CACHE_LIMIT):
        super().__init__()
        self.compute, self.limit = compute, limit

    def __missing__(self, key: Any) -> Any:
        value = self.compute(key)
        if len(self) < self.limit:
            self[key] = value
        return value


class _Cache(Memo):
    """A Memo of a column's cell values that counts its misses (``FastRows.tune``)."""

    def __init__(self, compute: Callable[[Any], Any]):
        super().__init__(compute)
        self.seen = 0  # misses

    def __missing__(self, key: Any) -> Any:
        self.seen += 1
        # Numbers are not kept: True == 1 == 1.0 are one key but read differently, and
        # amounts rarely repeat. Texts and dates are.
        if key.__class__ in _KEPT:
            return super().__missing__(key)
        return self.compute(key)


def _plain(raw: Any) -> str | None:
    """The cell's text if it is a string the fast path may read, else None."""
    if raw.__class__ is not str or (not raw.isprintable() and untrusted_characters(raw)):
        return None
    return clean_text(raw)


class Columns:
    """The rows of a batch the fast path takes, column by column.

    ``positions`` are their places in the batch (None: every row of it). ``line`` holds the
    columns of their run_lines rows in store.runs.LINE_COLUMNS order up to raw_json; the
    others are what screening needs besides: export dates, parsed classifications, end-user
    types, and the country a party is screened for.
    """

    __slots__ = ("count", "dates", "eccns", "end_user_types", "line", "others",
                 "party_country", "positions")

    def __init__(self, positions: list[int] | None, count: int, line: list[Any],
                 dates: list[Any], eccns: list[Any], end_user_types: Any,
                 party_country: list[Any],
                 others: tuple[tuple[str, list[Any]], ...] = ()):
        self.positions, self.count, self.line = positions, count, line
        self.dates, self.eccns, self.end_user_types = dates, eccns, end_user_types
        self.party_country = party_country
        #: (column header, names: None where blank) of each other-party column.
        self.others = others

    def head(self, i: int) -> tuple[Any, ...]:
        """Row ``i``'s part of its run_lines row (as the slow path would build it)."""
        return tuple(column[i] for column in self.line)


class FastRows:
    """``read(batch)``: (the rows it takes as Columns or None, the positions of the rest),
    the rest to be converted the slow way."""

    def __init__(self, converter: RowConverter, dates_as_text: bool, run_id: int = 0):
        c = converter
        self.run_id = run_id
        self.width = c.width
        cols = c.mapping.columns
        self.formula_rows = c.source.formula_rows
        self.notes = c.notes
        #: Rows with a merged-over cell the screening reads, an export date shown without
        #: its day, or a text cell shown as other text: the slow path names them.
        date_index = cols.get(Field.EXPORT_DATE)
        self.careful_rows = frozenset(
            r for r, col in c.source.merged_cells
            if col in c.merge_checked or col in c.looked_at_only) | frozenset(
            r for r, col in c.source.dayless_cells if col == date_index) | frozenset(
            r for r, _col in c.source.masked_cells) | frozenset(
            r for r, _col in c.source.comments)
        #: Owner and share columns: a row using them takes the slow path (rare, and the
        #: slow path screens owners).
        self.owner_indexes = tuple(cols[f] for f in (*(f for f, _ in c.owner_columns),
                                                     Field.OWNERSHIP_PCT) if f in cols)
        #: Other parties (purchaser, notify party ...): (header, column), screened here.
        self.other_parties = tuple(c.other_party_columns)
        #: Columns right of the header row's last named one: a row with a cell there takes
        #: the slow path, which names it (a workbook's rows are as wide as its sheet).
        self.unheaded = tuple(range(c.headed, c.width))
        #: Every column of party names (``rows.hides_in_a_name`` guards them).
        self.name_columns = tuple(sorted(c.names))
        #: Columns looked at for embargoed places (``RowConverter.place_columns``).
        self.place_columns = c.place_columns
        #: Per column looked at for a military or part 744 end use
        #: (``RowConverter.use_columns``): whether a cell names one, as the slow path asks
        #: (``RowConverter.flags_use``: the description only for what its item is for),
        #: each distinct cell once.
        self.flagged_use = {index: Memo(lambda value, index=index: c.flags_use(
            index, clean_text(value))) for index in c.use_columns}
        #: Columns saying where the goods end up (``RowConverter.destination_columns``): a
        #: row whose cell names another country than its destinations goes the slow way.
        self.destination_columns = c.destination_columns
        #: Columns of the day the goods really left (``RowConverter.actual_date_columns``).
        self.actual_date_columns = c.actual_date_columns
        self.named_country = Memo(lambda value: c._named_country(clean_text(value))
                                  if value not in (None, "") else None)
        self.named_elsewhere = c.named_elsewhere
        #: Columns looked at for Hong Kong, Macau or China (``RowConverter.china_columns``):
        #: a row whose cell names one it is not screened to goes the slow way.
        self.china_columns = c.china_columns
        self.china = {index: Memo(lambda value, read=read: read(clean_text(value))
                                  if value not in (None, "") else None)
                      for index, read in c._china.items()}
        self.china_elsewhere = c.china_elsewhere
        #: The ECCNs a description names: a row whose description names another than its
        #: classification goes the slow way (which says so).
        self.described = Memo(lambda value: eccns_named_in(clean_text(value))
                              if value not in (None, "") else frozenset())
        self.i_desc = cols.get(Field.DESCRIPTION)
        #: The description and the columns that may give a classification (``RowConverter
        #: .eccn_columns``).
        self.eccn_columns = c.eccn_columns
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
                if not text or reads_as_day_count(text):  # the slow path says how it reads
                    return BAD
                value = text
            elif isinstance(raw, dt.date):  # datetime is a date too
                if shown_as_next_day(raw):  # the slow path says what the sheet shows
                    return BAD
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
            text = _plain(raw)
            if text is None:
                return BAD
            if not text or no_licence_held(text):
                return None, None
            code = c._exception(text)
            if code == "NLR" or code in c.codes:
                return code, None  # "NLR" typed in the licence column
            return None, text

        def end_user_type(raw: Any) -> Any:
            text = _plain(raw)
            if text is None:
                return BAD
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

    def read(self, batch: list[tuple[int, list[Any]]]) -> tuple[Columns | None, list[int]]:
        """The rows of ``batch`` made only of readable values, as Columns, and the
        positions of the others (each has something to report: the slow path reads it)."""
        numbers = list(map(itemgetter(0), batch))
        rows = list(map(itemgetter(1), batch))
        width, size = self.width, len(batch)
        slow: set[int] = set()
        if self.notes:  # a note above the header row may be about any line: the slow
            return None, list(range(size))  # path holds each against it (rare)
        if min(map(len, rows), default=width) != width or \
                max(map(len, rows), default=width) != width:
            slow.update(i for i, values in enumerate(rows) if len(values) != width)
        if self.formula_rows and not self.formula_rows.isdisjoint(numbers):
            slow.update(i for i, number in enumerate(numbers) if number in self.formula_rows)
        if self.careful_rows and not self.careful_rows.isdisjoint(numbers):
            slow.update(i for i, number in enumerate(numbers) if number in self.careful_rows)
        for index in self.place_columns:  # a cell naming an embargoed place: named there
            places = [values[index] if len(values) > index else "" for values in rows]
            if may_name_embargoed_place(places):
                slow.update(i for i, text in enumerate(places)
                            if text and embargoed_place(str(text)) is not None)
        if self.actual_date_columns and self.i_date is not None:
            at = self.i_date  # another day in a column of the actual day: the slow path
            for index in self.actual_date_columns:  # compares them
                slow.update(i for i, values in enumerate(rows) if len(values) > index
                            and values[index] not in (None, "")
                            and values[index] != (values[at] if len(values) > at else None))
        for index, flagged in self.flagged_use.items():  # a military or part 744 end use
            # named there (descriptions rarely repeat, and few name a use: a batch's new
            # ones are looked at all at once)
            column = tuple(values[index] if len(values) > index else "" for values in rows)
            slow.update(compress(range(size), _read_column(flagged, column, _names_no_use,
                                                           False)))
        positions: list[int] | None = None
        if slow:
            positions = [i for i in range(size) if i not in slow]
            numbers = [numbers[i] for i in positions]
            rows = [rows[i] for i in positions]
        if not rows:
            return None, sorted(slow)
        cells = list(zip(*rows, strict=True))  # one tuple per column
        count = len(rows)

        def looked_up(cache: _Cache, index: int | None, absent: Any) -> Any:
            if index is None:
                return [absent] * count
            column = list(map(cache.__getitem__, cells[index]))
            if BAD in column:
                bad.update(i for i, value in enumerate(column) if value is BAD)
            return column

        bad: set[int] = set()
        dest = looked_up(self.country, self.i_dest, None)
        eccn = looked_up(self.eccn, self.i_eccn, None)
        if self.i_date is not None:
            date = looked_up(self.date, self.i_date, None)
            assumed = False
        elif self.as_of is not None:
            date, assumed = [self.as_of] * count, True
        else:  # no export date at all: the slow path reports it on every row
            return None, list(range(size))
        ult = looked_up(self.ultimate, self.i_ult, None)
        for index in self.destination_columns:  # named there: the slow path says so
            named = list(map(self.named_country.__getitem__, cells[index]))
            if any(named):
                bad.update(i for i, code in enumerate(named) if code is not None
                           and code != dest[i] and code != ult[i]
                           and self.named_elsewhere(
                               clean_text(cells[index][i]), dest[i], ult[i],
                               date[i][0] if date[i].__class__ is tuple else None)
                           is not None)
        for index in self.eccn_columns:  # another ECCN named: the slow path says so
            described = _read_column(self.described, cells[index], names_no_eccn,
                                     frozenset())
            if any(described):
                bad.update(i for i, named in enumerate(described) if named
                           and eccn[i] is not BAD and eccns_other_than(named, eccn[i][0]))
        for index in self.china_columns:  # named there: the slow path says so
            named = _read_column(self.china[index], cells[index], names_no_place, None)
            if any(named):
                bad.update(i for i, code in enumerate(named) if code is not None
                           and dest[i] is not BAD and self.china_elsewhere(
                               code, dest[i], ult[i],
                               date[i][0] if date[i].__class__ is tuple else None))
        exc = looked_up(self.exception, self.i_exc, None)
        lic = looked_up(self.licence, self.i_lic, (None, None))
        eut = looked_up(self.end_user_type, self.i_eut, (None, None))
        cleaned = list(map(_cleaned, cells, self.texts))
        texts = [column for column, _joined in cleaned]
        #: Every column's cells are their own clean texts: the JSON of the cells can be
        #: made from the rows as read (no column is turned back into rows).
        #: (Without control characters, JSON escapes only quotes and backslashes.)
        as_read = all(joined is not None and '"' not in joined and "\\" not in joined
                      for _column, joined in cleaned)
        for index in self.name_columns:  # an invisible character: the slow path refuses it
            _untrusted(cells[index], bad)  # (also one "\x1e" that cleans to a blank owner)
        for index in (*self.owner_indexes, *self.unheaded):
            if any(texts[index]):
                bad.update(i for i, text in enumerate(texts[index]) if text)
        value = self._amounts(cells, texts, self.i_value, count, bad)
        quantity = self._amounts(cells, texts, self.i_qty, count, bad)
        if bad:  # these rows go the slow way too
            keep = [i not in bad for i in range(count)]
            numbers = list(compress(numbers, keep))
            dest, eccn, date, ult, exc, lic, eut, value, quantity = (
                list(compress(c, keep))
                for c in (dest, eccn, date, ult, exc, lic, eut, value, quantity))
            texts = [list(compress(c, keep)) for c in texts]
            rows = list(compress(rows, keep))
            fast = positions if positions is not None else list(range(size))
            slow.update(fast[i] for i in bad)
            positions = [p for p, k in zip(fast, keep, strict=True) if k]
            count = len(numbers)
            if not count:
                return None, sorted(slow)
        i_user, i_consignee, i_desc, i_hs = self.text_fields
        line_id = texts[self.i_id] if self.i_id is not None else list(map(str, numbers))
        if not all(line_id):
            line_id = [text or str(number)
                       for text, number in zip(line_id, numbers, strict=True)]
        end_user, consignee, description, hs_code = (
            _or_none(texts[i] if i is not None else None, count)
            for i in (i_user, i_consignee, i_desc, i_hs))
        lic_code, lic_text = _split(lic)
        # An exception code typed in the licence column (rare) where the exception column
        # has none. (A blank exception is None, never "": without codes, ``exc`` is it.)
        exception = exc if self.i_lic is None or not any(lic_code) else \
            [e or code for e, code in zip(exc, lic_code, strict=True)]
        dates, date_db = _split(date)
        eccns, eccn_text = _split(eccn)
        end_user_types, eut_text = _split(eut)
        inner = rows if as_read else zip(*map(_json_inner, texts), strict=True)
        raw = list(map('["{}"]'.format, map('","'.join, inner)))
        party_country = dest if self.i_ult is None or not any(ult) else _filled(ult, dest)
        line = [[self.run_id] * count, numbers, line_id, dest, ult, date_db,
                [assumed] * count, eccn_text, exception, lic_text, end_user, eut_text,
                consignee, value, quantity, description, hs_code, raw]
        others = tuple((header, _or_none(texts[index], count))
                       for header, index in self.other_parties)
        return (Columns(positions, count, line, dates, eccns, end_user_types, party_country,
                        others), sorted(slow))

    @staticmethod
    def _amounts(cells: list[tuple[Any, ...]], texts: list[list[str]], index: int | None,
                 count: int, bad: set[int]) -> Any:
        """A value or quantity column as numbers (None if blank); bad cells into ``bad``."""
        if index is None:
            return [None] * count
        raw, cleaned = cells[index], texts[index]
        kinds = set(map(type, raw))
        if kinds == {str} and _PLAIN_COLUMN_RE.fullmatch("\n".join(cleaned)):
            return list(map(float, cleaned))  # the common case of a CSV: plain decimals
        if kinds == {float}:
            numbers = list(raw)
            if all(map(math.isfinite, numbers)):
                return numbers
        column = list(map(_amount, raw, cleaned))
        if BAD in column:
            bad.update(i for i, number in enumerate(column) if number is BAD)
        return column

    def tune(self, rows: int) -> None:
        """After the first ``rows`` rows: stop caching the columns whose values hardly
        repeat (or are numbers, which are never kept)."""
        for index, lookup in enumerate(self.texts):
            cache = getattr(lookup, "__self__", None)
            if isinstance(cache, _Cache) and cache.seen > rows * UNIQUE_SHARE:
                self.texts[index] = cache.compute


#: A cell not yet in a Memo (``_read_column``).
_UNSEEN: Any = object()


def _read_column(memo: Memo, cells: tuple[Any, ...], none_named: Callable[[str], bool],
                 answer: Any) -> list[Any]:
    """``memo[cell]`` for each cell of a column; the texts not seen before are first
    looked at all at once (joined by line breaks, which end words as a cell's own spaces
    do): if ``none_named`` says none of them names anything, each gets
    ``answer`` without a reading of its own (a description column of 100,000 distinct
    texts was read one text at a time)."""
    found = list(map(memo.get, cells, repeat(_UNSEEN, len(cells))))
    if _UNSEEN not in found:
        return found
    at = [i for i, value in enumerate(found) if value is _UNSEEN]
    new = {cells[i] for i in at}
    if len(memo) + len(new) <= memo.limit and all(v.__class__ is str for v in new) \
            and none_named("\n".join(new)):
        memo.update(dict.fromkeys(new, answer))
    get = memo.__getitem__  # (a reading of its own for each text not settled above)
    for i in at:
        found[i] = get(cells[i])
    return found


def _names_no_use(joined: str) -> bool:
    """For ``_read_column``: True if none of the texts joined can name an end use."""
    return not may_name_use(clean_text(joined))


def _untrusted(cells: tuple[Any, ...], bad: set[int]) -> None:
    """Adds to ``bad`` the positions of the party names ``cells`` holding a character that
    can make a name display as another (one scan of the joined column when every cell is
    printable text, the common case)."""
    try:
        if "|".join(cells).isprintable():
            return
    except TypeError:  # not all text (blank cells of a workbook)
        pass
    bad.update(i for i, raw in enumerate(cells) if raw.__class__ is str
               and not raw.isprintable() and hides_in_a_name(raw))


def _cleaned(cells: tuple[Any, ...], lookup: Callable[[Any], str]
             ) -> tuple[list[str], str | None]:
    """(``clean_text`` of every cell of a column (``lookup`` is it, cached), the cells
    joined by "|" if each cell is its own clean text and holds no control character).
    For a column of plain strings at C speed: an ASCII column without control characters
    can hold no space but " ", so one scan of the joined cells for " " next to a separator
    or doubled shows there is nothing to trim or fold; else a strip per cell and one scan."""
    try:
        joined = "|".join(cells)
    except TypeError:  # numbers, dates, empty cells of a workbook
        return list(map(lookup, cells)), None
    if joined.isascii() and "  " not in joined and " |" not in joined \
            and "| " not in joined and joined[:1] != " " and joined[-1:] != " ":
        data = joined.encode("ascii")
        if len(data.translate(None, _CONTROL_BYTES)) == len(data):
            return list(cells), joined
    stripped = list(map(str.strip, cells))
    joined = "|".join(stripped)
    if "  " in joined or "\u00a0" in joined or "\n" in joined or "\t" in joined \
            or "\r" in joined:
        return list(map(lookup, cells)), None
    # Beyond ASCII (a name in Chinese): each cell is its own clean text if stripping left
    # it as it was (strip hands back the very string then, so the comparison is quick).
    if stripped == list(cells) and _CONTROL_RE.search(joined) is None:
        return stripped, joined
    return stripped, None


def _json_inner(texts: list[str]) -> list[str]:
    """The texts as they stand between quotes in JSON."""
    if json_plain(texts):
        return texts
    return [_encode_text(text)[1:-1] for text in texts]


def _or_none(column: list[str] | None, count: int) -> list[Any]:
    """A text column with blanks as None (what the slow path stores)."""
    if column is None:
        return [None] * count
    return column if all(column) else [text or None for text in column]


def _filled(first: list[Any], second: list[Any]) -> list[Any]:
    """``[a or b for a, b in zip(first, second)]`` for a ``first`` mostly blank: a Python
    step only per value of ``first`` that is set."""
    out = second.copy()
    for i in compress(range(len(first)), first):
        out[i] = first[i]
    return out


def _split(pairs: list[tuple[Any, Any]]) -> tuple[list[Any], list[Any]]:
    """Two columns from a column of pairs."""
    return list(map(itemgetter(0), pairs)), list(map(itemgetter(1), pairs))


#: Share of look-ups missing the cache above which a column is not cached.
UNIQUE_SHARE = 0.9


def _amount(raw: Any, cleaned: str) -> Any:
    """A value or quantity cell: its number, None if blank, BAD if not a number."""
    if not cleaned:
        return None
    number, ok = parse_number(raw if raw.__class__ is not str else cleaned)
    return number if ok else BAD


