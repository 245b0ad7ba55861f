"""The reviewable text format of the rules: one CSV per table, validated cell by cell.

``read_rule_dir`` either returns every row of every file or raises ``RuleFileError`` listing
every problem with its file, row and column; nothing is ever half-read.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from screening.formulas import quote_cell, unquote_cell
from screening.orm import Base
from screening.rules import schema as s
from screening.rules.errors import RuleFileError

VERIFICATION = ("VERIFIED", "PARTIAL", "INFERRED", "UNVERIFIED")
_GROUP_RE = re.compile(r"^[A-E](:[0-9])?$")
_COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
_ECCN_RE = re.compile(r"^([0-9][A-E][0-9]{3}|EAR99)$")


Parser = Callable[[str], Any]


def _text(value: str) -> str:
    return value.strip()


def _date(value: str) -> dt.date | None:
    value = value.strip()
    if not value:
        return None
    return dt.date.fromisoformat(value)


def _x(value: str) -> bool:
    value = value.strip().upper()
    if value not in ("", "X"):
        raise ValueError("expected X or blank")
    return value == "X"


def _choice(*choices: str) -> Parser:
    def parse(value: str) -> str:
        value = value.strip()
        if value not in choices:
            raise ValueError(f"expected one of {', '.join(choices)}")
        return value

    return parse


def _matching(pattern: re.Pattern[str], what: str, allow: tuple[str, ...] = ()) -> Parser:
    def parse(value: str) -> str:
        value = value.strip()
        if value in allow or pattern.match(value):
            return value
        raise ValueError(f"expected {what}")

    return parse


def _list_of(pattern: re.Pattern[str], what: str, allow: tuple[str, ...] = ()) -> Parser:
    def parse(value: str) -> str:
        items = [v.strip() for v in value.split(";") if v.strip()]
        for item in items:
            if item not in allow and not pattern.match(item):
                raise ValueError(f"expected a ;-separated list of {what}, got {item!r}")
        return ";".join(items)

    return parse


_country = _matching(_COUNTRY_RE, "a two-letter country code")
_country_or_all = _matching(_COUNTRY_RE, "a two-letter country code or *", ("*",))
_eccn = _matching(_ECCN_RE, "an ECCN such as 3A001 or EAR99")
_groups = _list_of(_GROUP_RE, "country groups such as D:1")
_countries = _list_of(_COUNTRY_RE, "country codes", ("*",))
_columns = _list_of(re.compile("^(" + "|".join(s.CHART_COLUMNS) + ")$"), "chart columns")
_verification = _choice(*VERIFICATION)


@dataclass(frozen=True)
class Column:
    name: str
    parse: Parser = _text
    required: bool = False


@dataclass(frozen=True)
class RuleFile:
    filename: str
    model: type[Base]
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()  # columns that must be unique together
    checks: tuple[Callable[[dict[str, Any]], str | None], ...] = field(default=())

    @property
    def header(self) -> list[str]:
        return [c.name for c in self.columns]


def _dates_ordered(row: dict[str, Any]) -> str | None:
    start, end = row.get("valid_from"), row.get("valid_to")
    if start and end and end < start:
        return "valid_to: is before valid_from"
    return None


def _int(value: str) -> int:
    value = value.strip()
    if not value.isdigit():
        raise ValueError("expected a whole number")
    return int(value)


def _paragraph_list(value: str) -> str:
    items = [v.strip() for v in value.split(";") if v.strip()]
    for item in items:
        if not _PARAGRAPH_RE.match(item):
            raise ValueError(f"expected a ;-separated list of paragraphs such as z.1.a, got "
                             f"{item!r}")
    return ";".join(items)


_PARAGRAPH_RE = re.compile(r"^[a-z0-9]+(\.[a-z0-9]+)*$")
_CITED = (Column("citation", required=True), Column("verification", _verification, True))
_VALIDITY = (Column("valid_from", _date), Column("valid_to", _date))
_SCOPE = (
    Column("reason"), Column("paragraphs", _paragraph_list),
    Column("except_paragraphs", _paragraph_list), Column("condition"), Column("scope"),
)
_EDITION = Column("edition")

RULE_FILES: tuple[RuleFile, ...] = (
    RuleFile(
        "country_chart.csv", s.ChartRow,
        (
            Column("row_key", required=True), Column("country_code", _country, True),
            Column("name", required=True),
            *(Column(c, _x) for c in s.CHART_COLUMNS),
            *_VALIDITY, Column("date_basis"), *_CITED,
            Column("unverified_cells", _columns), Column("footnotes"), Column("referral"),
            _EDITION, Column("notes"),
        ),
        key=("row_key",), checks=(_dates_ordered,),
    ),
    RuleFile(
        "country_groups.csv", s.CountryGroup,
        (
            Column("country_code", _country, True),
            Column("group", _matching(_GROUP_RE, "a country group such as D:1"), True),
            *_VALIDITY, Column("date_basis"), *_CITED, _EDITION, Column("notes"),
        ),
        key=("country_code", "group", "valid_from"), checks=(_dates_ordered,),
    ),
    RuleFile(
        "country_aliases.csv", s.CountryAlias,
        (Column("alias", required=True), Column("country_code", _country, True), Column("source")),
        key=("alias",),
    ),
    RuleFile(
        "destination_mappings.csv", s.DestinationMapping,
        (
            Column("country_code", _country, True), Column("licensed_as", _country, True),
            *_VALIDITY, *_CITED, Column("summary", required=True),
        ),
        key=("country_code", "valid_from"), checks=(_dates_ordered,),
    ),
    RuleFile(
        "eccns.csv", s.EccnEntry,
        (
            Column("eccn", _eccn, True), Column("description", required=True),
            Column("reasons_for_control"), Column("points_to_itar", _choice("", "yes")),
            Column("valid_from", _date),
            Column("supp2", _choice("yes", "no", "unknown"), True),
            Column("supp2_since", _date), Column("supp2_citation"),
            Column("supp2_verification", _choice("", *VERIFICATION)), _EDITION, *_CITED,
            Column("notes"),
        ),
        key=("eccn",),
    ),
    RuleFile(
        "eccn_controls.csv", s.EccnControl,
        (
            Column("id", required=True), Column("eccn", _eccn, True),
            Column("column", _choice(*s.CHART_COLUMNS), True), *_SCOPE, *_VALIDITY,
            _EDITION, *_CITED, Column("note"),
        ),
        key=("id",), checks=(_dates_ordered,),
    ),
    RuleFile(
        "special_controls.csv", s.SpecialControl,
        (
            Column("id", required=True), Column("eccn", _eccn, True), *_SCOPE,
            Column("requirement"),
            Column("destinations", _countries), Column("groups", _groups),
            Column("except_groups", _groups), Column("except_destinations", _countries),
            *_VALIDITY, Column("severity", _choice("license", "review"), True),
            Column("summary", required=True), _EDITION, *_CITED,
        ),
        key=("id",), checks=(_dates_ordered,),
    ),
    RuleFile(
        "destination_controls.csv", s.DestinationControl,
        (
            Column("id", required=True), Column("country_code", _country, True),
            Column("items", _choice("all", "ccl", "ear99"), True),
            Column("severity", _choice("license", "review", "prohibited"), True), *_VALIDITY,
            Column("requirement", required=True), Column("summary", required=True), *_CITED,
        ),
        key=("id",), checks=(_dates_ordered,),
    ),
    RuleFile(
        "ccl_dates.csv", s.CclDate,
        (
            Column("id", required=True), Column("eccn", _eccn, True),
            Column("paragraphs", _paragraph_list),
            Column("kind", _choice("created", "offchart_from", "text_from"), True),
            Column("valid_from", _date, True), Column("summary", required=True), *_CITED,
        ),
        key=("id",),
    ),
    RuleFile(
        "eccn_paragraphs.csv", s.EccnParagraph,
        (
            Column("eccn", _eccn, True), Column("seq", _int, True), Column("paragraph"),
            Column("depth", _int, True), Column("text"), _EDITION,
        ),
        key=("eccn", "seq"),
    ),
    RuleFile(
        "eccn_exception_flags.csv", s.EccnExceptionFlag,
        (
            Column("eccn", _eccn, True), Column("exception", required=True), Column("text"),
            _EDITION,
        ),
        key=("eccn", "exception"),
    ),
    RuleFile(
        "chart_footnotes.csv", s.ChartFootnote,
        (Column("footnote", required=True), Column("text", required=True), _EDITION),
        key=("footnote",),
    ),
    RuleFile(
        "license_exceptions.csv", s.LicenseException,
        (
            Column("code", _matching(re.compile(r"^[A-Z]{3}$"), "a three-letter code"), True),
            Column("name", required=True), Column("section"), Column("eligible_groups", _groups),
            *_CITED, Column("notes"),
        ),
        key=("code",),
    ),
    RuleFile(
        "license_exception_rules.csv", s.LicenseExceptionRule,
        (
            Column("code", required=True), Column("country_code", _country_or_all, True),
            Column(
                "status",
                _choice("available", "partial", "suspended", "not_available", "removed"),
                True,
            ),
            *_VALIDITY, *_CITED, Column("note"),
        ),
        key=("code", "country_code", "valid_from"), checks=(_dates_ordered,),
    ),
    RuleFile(
        "end_use_rules.csv", s.EndUseRule,
        (
            Column("rule", required=True), Column("country_code", _country, True),
            Column("scope", _choice("supp2", "all", "ccl"), True),
            Column("end_user", _choice("military", "intelligence", "any"), True),
            Column("severity", _choice("", "license", "review", "info")),
            *_VALIDITY, *_CITED, Column("summary", required=True),
        ),
        key=("rule", "country_code", "end_user", "valid_from"), checks=(_dates_ordered,),
    ),
    RuleFile(
        "eei_rules.csv", s.EeiRule,
        (
            Column("country_code", _country, True), Column("scope", _choice("supp2", "ccl"), True),
            *_VALIDITY, *_CITED, Column("summary", required=True),
        ),
        key=("country_code", "scope", "valid_from"), checks=(_dates_ordered,),
    ),
    RuleFile(
        "savings_clauses.csv", s.SavingsClause,
        (
            Column("id", required=True), Column("country_code", _country, True),
            Column("change_date", _date, True),
            Column("lost", _choice("exception", "nlr_or_exception"), True),
            Column("export_by", _date), Column("edge_date", _date), *_CITED,
            Column("summary", required=True),
        ),
        key=("id",),
    ),
    RuleFile(
        "regime_changes.csv", s.RegimeChange,
        (
            Column("id", required=True), Column("effective", _date, True),
            Column("published", _date), Column("citation", required=True),
            Column("title", required=True), Column("summary", required=True),
            Column("verification", _verification, True),
        ),
        key=("id",),
    ),
)


def _share(value: str) -> float:
    share = float(value.strip())
    if not 0 < share <= 100:
        raise ValueError("expected a percentage above 0 and up to 100")
    return share


#: The affiliates (50 percent) rule and its suspensions; see screening/affiliates.py.
AFFILIATE_RULES = RuleFile(
    "affiliate_rules.csv", s.AffiliateRule,
    (
        Column("id", required=True),
        Column("lists", _list_of(re.compile(r"^[A-Z][A-Z0-9_]*$"), "list codes such as "
                                 "ENTITY_LIST"), True),
        Column("min_share_pct", _share, True),
        Column("status", _choice("in_force", "suspended"), True),
        *_VALIDITY, Column("published", _date), *_CITED, Column("summary", required=True),
    ),
    key=("id",), checks=(_dates_ordered,),
)
RULE_FILES = (*RULE_FILES, AFFILIATE_RULES)


def read_rule_file(path: Path, spec: RuleFile, problems: list[str]) -> list[dict[str, Any]]:
    """Parse one file; append every problem (file, row, column) to ``problems``."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        problems.append(f"{path.name}: file is missing")
        return []
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(f"{path.name}: cannot be read as UTF-8 text ({exc})")
        return []
    reader = csv.reader(text.splitlines())
    header = next(reader, None)
    if header is None:
        problems.append(f"{path.name}: file is empty")
        return []
    header = [h.strip() for h in header]
    missing = [c for c in spec.header if c not in header]
    unknown = [h for h in header if h not in spec.header]
    if missing or unknown:
        if missing:
            problems.append(f"{path.name}: row 1: missing column(s) {', '.join(missing)}")
        if unknown:
            problems.append(f"{path.name}: row 1: unknown column(s) {', '.join(unknown)}")
        return []
    index = {name: header.index(name) for name in spec.header}
    rows: list[dict[str, Any]] = []
    seen: dict[tuple[Any, ...], int] = {}
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            problems.append(
                f"{path.name}: row {number}: has {len(cells)} cells, the header has {len(header)}"
            )
            continue
        row: dict[str, Any] = {}
        ok = True
        for col in spec.columns:
            raw = unquote_cell(cells[index[col.name]])  # written by quote_cell
            if col.required and not raw.strip():
                problems.append(f"{path.name}: row {number}, column {col.name}: value required")
                ok = False
                continue
            try:
                row[col.name] = col.parse(raw)
            except ValueError as exc:
                problems.append(f"{path.name}: row {number}, column {col.name}: {raw!r}: {exc}")
                ok = False
        if not ok:
            continue
        for check in spec.checks:
            if message := check(row):
                problems.append(f"{path.name}: row {number}, column {message}")
                ok = False
        if spec.key:
            key = tuple(row[k] for k in spec.key)
            if key in seen:
                problems.append(
                    f"{path.name}: row {number}: duplicate of row {seen[key]} "
                    f"({', '.join(spec.key)} = {', '.join(map(str, key))})"
                )
                ok = False
            else:
                seen[key] = number
        if ok:
            rows.append(row)
    return rows


def read_rule_dir(directory: Path) -> dict[str, list[dict[str, Any]]]:
    """Every rule file in ``directory``, validated, or ``RuleFileError`` with all problems."""
    problems: list[str] = []
    if not directory.is_dir():
        raise RuleFileError([f"{directory}: not a directory"])
    tables = {spec.filename: read_rule_file(directory / spec.filename, spec, problems)
              for spec in RULE_FILES}
    problems.extend(_cross_checks(tables))
    if problems:
        raise RuleFileError(problems)
    return tables


def _cross_checks(tables: dict[str, list[dict[str, Any]]]) -> list[str]:
    """References between files: every ECCN control names a known ECCN, and so on."""
    problems: list[str] = []
    eccns = {r["eccn"] for r in tables.get("eccns.csv", [])}
    codes = {r["code"] for r in tables.get("license_exceptions.csv", [])}
    for filename in ("eccn_controls.csv", "special_controls.csv", "ccl_dates.csv",
                     "eccn_paragraphs.csv", "eccn_exception_flags.csv"):
        for i, row in enumerate(tables.get(filename, []), start=2):
            if eccns and row["eccn"] not in eccns:
                problems.append(f"{filename}: data row {i - 1}, column eccn: "
                                f"{row['eccn']} is not in eccns.csv")
    for i, row in enumerate(tables.get("license_exception_rules.csv", []), start=2):
        if codes and row["code"] not in codes:
            problems.append(f"license_exception_rules.csv: data row {i - 1}, column code: "
                            f"{row['code']} is not in license_exceptions.csv")
    return problems


def write_rule_dir(tables: dict[str, list[dict[str, Any]]], directory: Path) -> None:
    """Write tables in the seed format (atomically per file)."""
    directory.mkdir(parents=True, exist_ok=True)
    for spec in RULE_FILES:
        target = directory / spec.filename
        tmp = target.with_suffix(".csv.tmp")
        with tmp.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(spec.header)
            for row in tables.get(spec.filename, []):
                # Quoted so a spreadsheet never evaluates a cell (=HYPERLINK(...) citations).
                writer.writerow([quote_cell(format_cell(row.get(c))) for c in spec.header])
        tmp.replace(target)


def format_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "X" if value else ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
