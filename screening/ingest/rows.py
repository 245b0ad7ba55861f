"""Turning one raw row into a ShipmentLine: every bad cell becomes an ERROR finding that names
the cell, never a dropped row or a silent blank."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from screening.ingest.columns import ColumnMapping, Field
from screening.ingest.readers import TableSource
from screening.model import Finding, Severity, ShipmentLine
from screening.normalize import (
    DateOrder,
    DateProblem,
    clean_text,
    normalize_country,
    normalize_eccn,
    normalize_end_user_type,
    normalize_license_exception,
    parse_date,
    parse_number,
)

_MISSING = object()


def _quote(text: str) -> str:
    return '"' + (text if len(text) <= 60 else text[:57] + "...") + '"'


class RowConverter:
    """Converts raw rows of one source with one mapping. Caches value look-ups, because
    shipment files repeat the same countries, ECCNs and dates on thousands of rows."""

    def __init__(self, source: TableSource, mapping: ColumnMapping, aliases: dict[str, str],
                 exception_codes: frozenset[str], date_order: DateOrder | None,
                 as_of: dt.date | None):
        self.source, self.mapping = source, mapping
        self.aliases, self.codes = aliases, exception_codes
        self.date_order, self.as_of = date_order, as_of
        self.width = len(mapping.headers)
        self._cols = mapping.columns
        self._caches: dict[str, dict[Any, Any]] = {}

    def _cached(self, name: str, key: Any, compute: Callable[[], Any]) -> Any:
        cache = self._caches.setdefault(name, {})
        value = cache.get(key, _MISSING)
        if value is _MISSING:
            value = compute()
            if len(cache) < 200_000:
                cache[key] = value
        return value

    def convert(self, number: int, values: list[object]) -> ShipmentLine | None:
        """None for an entirely blank row (not a data row)."""
        texts = [clean_text(v) for v in values]
        if not any(texts):
            return None
        if len(texts) < self.width:
            texts.extend([""] * (self.width - len(texts)))
        problems: list[Finding] = []
        cols = self._cols
        formula = self.source.formula_cells

        def cell(f: Field) -> tuple[object, str, str] | None:
            index = cols.get(f)
            if index is None:
                return None
            value = values[index] if index < len(values) else ""
            ref = self.source.cell_ref(number, index)
            if (number, index) in formula:
                problems.append(Finding(
                    "FORMULA_NO_VALUE", Severity.ERROR,
                    f"{ref}: the {self.mapping.header_for(f)!r} cell is a formula with no "
                    f"calculated value (the workbook was saved without recalculating); open it "
                    f"in Excel, recalculate and save."))
                return None
            return value, texts[index] if index < len(texts) else "", ref

        def required_missing(f: Field, ref: str, what: str) -> None:
            problems.append(Finding(
                "MISSING_VALUE", Severity.ERROR,
                f"{ref}: {what} is empty ({self.mapping.header_for(f)!r} column)."))

        line_id = str(number)
        if (c := cell(Field.LINE_ID)) and c[1]:
            line_id = c[1]

        destination = self._country(cell(Field.DESTINATION), Field.DESTINATION, problems,
                                    required_missing, "the destination")
        ultimate = None
        if (c := cell(Field.ULTIMATE_DESTINATION)) and c[1]:
            ultimate = self._country(c, Field.ULTIMATE_DESTINATION, problems, required_missing,
                                     "the ultimate destination")

        export_date, assumed = None, False
        if Field.EXPORT_DATE not in cols:
            export_date, assumed = self.as_of, True
        elif (c := cell(Field.EXPORT_DATE)) is not None:
            value, text, ref = c
            parsed, problem = self._cached(
                "date", value if not isinstance(value, list) else text,
                lambda: parse_date(value, self.date_order))
            if problem is DateProblem.AMBIGUOUS:
                problems.append(Finding(
                    "AMBIGUOUS_DATE", Severity.ERROR,
                    f"{ref}: {_quote(text)} could be read day-first or month-first; set the "
                    f"date order (DMY or MDY) in the mapping or with --date-order."))
            elif problem is DateProblem.INVALID:
                problems.append(Finding("INVALID_VALUE", Severity.ERROR,
                                        f"{ref}: {_quote(text)} is not a date."))
            elif parsed is None:
                required_missing(Field.EXPORT_DATE, ref, "the export date")
            export_date = parsed

        eccn = None
        if (c := cell(Field.ECCN)) is not None:
            value, text, ref = c
            if not text:
                required_missing(Field.ECCN, ref, "the classification (ECCN or EAR99)")
            else:
                eccn = self._cached("eccn", text, lambda: normalize_eccn(text))
                if eccn is None:
                    problems.append(Finding(
                        "INVALID_VALUE", Severity.ERROR,
                        f"{ref}: {_quote(text)} is not an ECCN (expected e.g. 5A992.c or "
                        f"EAR99)."))

        exception = None
        if (c := cell(Field.LICENSE_EXCEPTION)) and c[1]:
            exception = self._cached("exc", c[1], lambda: normalize_license_exception(c[1]))
        license_number = None
        if (c := cell(Field.LICENSE_NUMBER)) and c[1]:
            as_code = normalize_license_exception(c[1])
            if as_code == "NLR" or as_code in self.codes:
                exception = exception or as_code  # "NLR" typed in the licence column
            else:
                license_number = c[1]

        def number_of(f: Field) -> float | None:
            c = cell(f)
            if c is None or not c[1]:
                return None
            parsed, ok = parse_number(c[0])
            if not ok:
                problems.append(Finding("INVALID_VALUE", Severity.ERROR,
                                        f"{c[2]}: {_quote(c[1])} is not a number "
                                        f"({self.mapping.header_for(f)!r} column)."))
            return parsed

        value = number_of(Field.VALUE)
        quantity = number_of(Field.QUANTITY)
        end_user_type = None
        if (c := cell(Field.END_USER_TYPE)) and c[1]:
            end_user_type = normalize_end_user_type(c[1])

        def text_of(f: Field) -> str | None:
            c = cell(f)
            return c[1] or None if c else None

        return ShipmentLine(
            row=number, line_id=line_id, raw=tuple(texts),
            destination=destination, ultimate_destination=ultimate,
            export_date=export_date, eccn=eccn, license_exception=exception,
            license_number=license_number, end_user=text_of(Field.END_USER),
            end_user_type=end_user_type, consignee=text_of(Field.CONSIGNEE),
            value=value, quantity=quantity, description=text_of(Field.DESCRIPTION),
            hs_code=text_of(Field.HS_CODE), date_assumed=assumed, problems=tuple(problems))

    def _country(self, c: tuple[object, str, str] | None, f: Field, problems: list[Finding],
                 required_missing: Callable[[Field, str, str], None], what: str) -> str | None:
        if c is None:
            return None
        _, text, ref = c
        if not text:
            required_missing(f, ref, what)
            return None
        code = self._cached("country", text, lambda: normalize_country(text, self.aliases))
        if code is None:
            problems.append(Finding(
                "INVALID_VALUE", Severity.ERROR,
                f"{ref}: {_quote(text)} is not a country or territory hkscreen knows "
                f"({self.mapping.header_for(f)!r} column)."))
        return code
