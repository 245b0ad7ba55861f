"""One eCFR edition of the Control List, Country Chart and Country Groups as rule tables.

An edition folder holds the files ``ccl_license_requirements.csv``, ``country_chart.csv``,
``country_chart_footnotes.csv``, ``country_groups.csv``, ``ccl_license_exception_flags.csv``
and ``ccl_paragraphs.csv`` (the layout the bundled edition in ``resources/ccl/`` uses).
``edition_tables`` turns it into the project's rule tables: rows derived from the edition carry
its date in their ``edition`` column and cite it; hand-built history rows (``edition`` blank:
Hong Kong's old chart rows, the 2020 rules, dated paragraphs) are kept as they are.
``hkscreen rules update-ccl`` (``screening.rules.ccl_update``) applies a newer edition.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from screening.normalize import build_alias_index, normalize_country
from screening.rules.ccl_prose import (
    Requirement,
    classify_requirement,
    extra_scope,
    parse_scope,
)
from screening.rules.files import RuleFileError
from screening.rules.schema import CHART_COLUMNS

_ECCN_RE = re.compile(r"^[0-9][A-E][0-9]{3}$")
_GROUP_RE = re.compile(r"^[A-E](:[0-9])?$")
_DATE_IN_README_RE = re.compile(r"ccl_license_requirements\.csv.*?eCFR (\d{4}-\d{2}-\d{2})")
_MAX_CELL = 100_000

#: Files of an edition folder and the columns each must have.
EDITION_FILES: dict[str, tuple[str, ...]] = {
    "ccl_license_requirements.csv": ("eccn", "heading", "reasons_for_control",
                                     "points_to_itar", "control_scope", "requirement",
                                     "chart_column"),
    "country_chart.csv": ("destination", *CHART_COLUMNS, "footnotes", "referral"),
    "country_chart_footnotes.csv": ("footnote", "text"),
    "country_groups.csv": ("group", "label", "destination"),
    "ccl_license_exception_flags.csv": ("eccn", "exception", "text"),
    "ccl_paragraphs.csv": ("eccn", "paragraph", "depth", "text"),
}
#: Columns a file may have besides those: a paragraph row taken from another edition's text
#: than the folder's (categories the folder's extraction lacks) names its own.
OPTIONAL_COLUMNS: dict[str, tuple[str, ...]] = {"ccl_paragraphs.csv": ("edition",)}

#: Destination names the chart writes differently from the alias table.
_CHART_NAMES = {
    "Korea, North": "KP", "Korea, South": "KR", "Congo (Democratic Republic of the)": "CD",
    "Congo (Republic of the)": "CG", "Burma": "MM", "Macau": "MO", "Taiwan": "TW",
    "Kosovo": "XK", "Holy See": "VA", "Micronesia (Federated States of)": "FM",
    "St. Kitts & Nevis": "KN", "St. Lucia": "LC", "St. Vincent and the Grenadines": "VC",
    "Sao Tome & Principe": "ST", "Bosnia & Herzegovina": "BA", "Antigua & Barbuda": "AG",
    "Trinidad & Tobago": "TT", "Vietnam": "VN", "Cote d'Ivoire": "CI",
    "Curaçao": "CW", "Sint Maarten": "SX", "South Sudan": "SS", "Eswatini": "SZ",
    "Timor-Leste": "TL", "Cabo Verde": "CV", "Czech Republic": "CZ", "Turkey": "TR",
    "Türkiye": "TR", "Russia": "RU", "Iran": "IR", "Syria": "SY", "Laos": "LA",
    "Brunei": "BN", "Moldova": "MD", "Tanzania": "TZ", "Bolivia": "BO", "Venezuela": "VE",
}


def ccl_citation(edition: str, eccn: str = "") -> str:
    entry = f" (ECCN {eccn})" if eccn else ""
    return f"15 CFR part 774 Supp. No. 1{entry}, eCFR edition {edition}"


def chart_citation(edition: str) -> str:
    return f"15 CFR part 738 Supp. No. 1 (Commerce Country Chart), eCFR edition {edition}"


def groups_citation(edition: str) -> str:
    return f"15 CFR part 740 Supp. No. 1 (Country Groups), eCFR edition {edition}"


@dataclass(frozen=True)
class Edition:
    """The validated files of one edition folder."""

    date: str
    groups_date: str
    files: dict[str, list[dict[str, str]]]
    codes: dict[str, str]  # chart / group destination name -> country code


def edition_date_from(directory: Path) -> str | None:
    """The edition date the folder's README states for the licence-requirement rows."""
    readme = directory / "README.md"
    if not readme.is_file():
        return None
    match = _DATE_IN_README_RE.search(readme.read_text(encoding="utf-8", errors="replace"))
    return match.group(1) if match else None


def read_edition(directory: Path, date: str, aliases: dict[str, str],
                 groups_date: str | None = None) -> Edition:
    """Every file of ``directory`` validated (file, row, column), or ``RuleFileError`` listing
    every problem; nothing is half-read."""
    problems: list[str] = []
    try:
        dt.date.fromisoformat(date)
    except ValueError:
        problems.append(f"edition date {date!r} is not a date (YYYY-MM-DD)")
    if not directory.is_dir():
        raise RuleFileError([f"{directory}: not a directory"])
    index = build_alias_index(aliases)
    files: dict[str, list[dict[str, str]]] = {}
    for name, columns in EDITION_FILES.items():
        files[name] = _read(directory / name, columns, problems,
                            OPTIONAL_COLUMNS.get(name, ()))
    codes: dict[str, str] = {}
    for name, column in (("country_chart.csv", "destination"),
                         ("country_groups.csv", "destination")):
        for number, row in enumerate(files[name], start=2):
            dest = row[column]
            code = _CHART_NAMES.get(dest) or normalize_country(dest, index)
            if code is None:
                problems.append(f"{name}: row {number}, column {column}: {dest!r} is not a "
                                f"destination the rules know")
            else:
                codes[dest] = code
    _check_rows(files, problems)
    if problems:
        raise RuleFileError(problems)
    return Edition(date, groups_date or date, files, codes)


def _read(path: Path, columns: tuple[str, ...], problems: list[str],
          optional: tuple[str, ...] = ()) -> list[dict[str, str]]:
    name = path.name
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        problems.append(f"{name}: file is missing")
        return []
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(f"{name}: cannot be read as UTF-8 text ({exc})")
        return []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[dict[str, str]] = []
    try:
        header = [h.strip() for h in next(reader, [])]
        missing = [c for c in columns if c not in header]
        if not header or missing:
            problems.append(f"{name}: row 1: missing column(s) {', '.join(missing or columns)}")
            return []
        for number, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                problems.append(f"{name}: row {number}: has {len(cells)} cells, the header has "
                                f"{len(header)}")
                continue
            if any(len(c) > _MAX_CELL for c in cells):
                problems.append(f"{name}: row {number}: a cell is longer than {_MAX_CELL} "
                                f"characters")
                continue
            rows.append({c: cells[header.index(c)].strip()
                         for c in (*columns, *(o for o in optional if o in header))})
    except csv.Error as exc:
        problems.append(f"{name}: row {reader.line_num}: not valid CSV ({exc})")
    return rows


def _check_rows(files: dict[str, list[dict[str, str]]], problems: list[str]) -> None:
    def bad(name: str, number: int, column: str, value: str, what: str) -> None:
        problems.append(f"{name}: row {number}, column {column}: {value!r}: expected {what}")

    name = "ccl_license_requirements.csv"
    for number, row in enumerate(files[name], start=2):
        if not _ECCN_RE.match(row["eccn"]):
            bad(name, number, "eccn", row["eccn"], "an ECCN such as 3A001")
        if row["chart_column"] and row["chart_column"] not in CHART_COLUMNS:
            bad(name, number, "chart_column", row["chart_column"], "a chart column or blank")
        if row["points_to_itar"] not in ("", "yes"):
            bad(name, number, "points_to_itar", row["points_to_itar"], "yes or blank")
        if not row["heading"]:
            bad(name, number, "heading", "", "the entry's heading")
    name = "country_chart.csv"
    for number, row in enumerate(files[name], start=2):
        for column in CHART_COLUMNS:
            if row[column].upper() not in ("", "X"):
                bad(name, number, column, row[column], "X or blank")
    name = "country_groups.csv"
    for number, row in enumerate(files[name], start=2):
        if not _GROUP_RE.match(row["group"]):
            bad(name, number, "group", row["group"], "a country group such as D:1")
    for name in ("ccl_license_exception_flags.csv", "ccl_paragraphs.csv"):
        for number, row in enumerate(files[name], start=2):
            if not _ECCN_RE.match(row["eccn"]):
                bad(name, number, "eccn", row["eccn"], "an ECCN such as 3A001")
    for number, row in enumerate(files["ccl_paragraphs.csv"], start=2):
        if not row["depth"].isdigit():
            bad("ccl_paragraphs.csv", number, "depth", row["depth"], "a whole number")
        if row.get("edition") and not _is_date(row["edition"]):
            bad("ccl_paragraphs.csv", number, "edition", row["edition"],
                "a date (YYYY-MM-DD) or blank")


def _is_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


# --- edition -> rule tables --------------------------------------------------------------

def _split(text: str | None) -> tuple[str, ...]:
    return tuple(t for t in (text or "").split(";") if t)


def _covered(paragraph: str, prefixes: Iterable[str]) -> bool:
    return any(paragraph == p or paragraph.startswith(p + ".") for p in prefixes)


def _row_start(eccn: str, paragraphs: tuple[str, ...], dates: list[dict[str, Any]],
               kinds: tuple[str, ...]) -> dt.date | None:
    """The latest start date of the dated paragraph sets that cover every paragraph of a
    row (a row about .z paragraphs only starts when the .z paragraphs did)."""
    start: dt.date | None = None
    for d in dates:
        if d["eccn"] != eccn or d["kind"] not in kinds:
            continue
        prefixes = _split(d["paragraphs"])
        applies = (not prefixes if d["kind"] == "offchart_from"
                   else bool(prefixes) and bool(paragraphs)
                   and all(_covered(p, prefixes) for p in paragraphs))
        if applies and (start is None or d["valid_from"] > start):
            start = d["valid_from"]
    return start


def edition_tables(edition: Edition, base: dict[str, list[dict[str, Any]]]
                   ) -> dict[str, list[dict[str, Any]]]:
    """``base`` (the current tables) with every edition-derived row replaced by ``edition``'s."""
    date = edition.date
    tables = {name: [dict(r) for r in rows] for name, rows in base.items()}
    dates = tables.get("ccl_dates.csv", [])
    requirements = edition.files["ccl_license_requirements.csv"]
    eccns = list(dict.fromkeys(r["eccn"] for r in requirements))
    created = {d["eccn"]: d["valid_from"] for d in dates
               if d["kind"] == "created" and not d["paragraphs"]}
    old_entries = {r["eccn"]: r for r in tables.get("eccns.csv", [])}
    first = {r["eccn"]: r for r in reversed(requirements)}
    entries: list[dict[str, Any]] = []
    for eccn in eccns:
        row, old = first[eccn], old_entries.get(eccn)
        entries.append({
            "eccn": eccn, "description": row["heading"],
            "reasons_for_control": row["reasons_for_control"],
            "points_to_itar": "yes" if _points_to_usml(eccn, row["heading"], requirements)
                              else "",
            "valid_from": created.get(eccn),
            "supp2": old["supp2"] if old else "unknown",
            "supp2_since": old["supp2_since"] if old else None,
            "supp2_citation": old["supp2_citation"] if old else "",
            "supp2_verification": (old.get("supp2_verification") or "") if old else "",
            "edition": date, "citation": ccl_citation(date, eccn), "verification": "VERIFIED",
            "notes": old["notes"] if old and old.get("edition") else "",
        })
    hand_entries = [r for r in tables.get("eccns.csv", [])
                    if not r.get("edition") and r["eccn"] not in first]
    tables["eccns.csv"] = hand_entries + entries

    un = _un_destinations(edition)
    controls = [r for r in tables.get("eccn_controls.csv", []) if not r.get("edition")]
    specials = [r for r in tables.get("special_controls.csv", []) if not r.get("edition")]
    counter: dict[str, int] = defaultdict(int)
    for row in requirements:
        eccn = row["eccn"]
        if not (row["control_scope"] or row["requirement"] or row["chart_column"]):
            continue
        counter[eccn] += 1
        row_id = f"{eccn}.{counter[eccn]:02d}"
        reasons = _split(row["reasons_for_control"].replace(" ", ""))
        scope = parse_scope(eccn, row["control_scope"])
        requirement = classify_requirement(row["requirement"], row["chart_column"], reasons, un)
        reason = _reason_of(row["control_scope"], requirement, reasons)
        common = {
            "id": row_id, "eccn": eccn, "reason": reason,
            "paragraphs": ";".join(scope.paragraphs),
            "except_paragraphs": ";".join(scope.except_paragraphs),
            "condition": scope.condition, "scope": row["control_scope"], "valid_to": None,
            "edition": date, "verification": "VERIFIED",
        }
        if requirement.kind == "chart":
            controls.append({**common, "column": requirement.column,
                             "valid_from": _row_start(eccn, scope.paragraphs, dates,
                                                      ("created",)),
                             "citation": ccl_citation(date, eccn), "note": ""})
            if (back := extra_scope(eccn, row["control_scope"], scope)) is not None:
                # Excepted paragraphs that come back under words: a row of their own.
                controls.append({**common, "id": f"{row_id}n", "column": requirement.column,
                                 "paragraphs": ";".join(back.paragraphs),
                                 "except_paragraphs": "", "condition": back.condition,
                                 "valid_from": _row_start(eccn, back.paragraphs, dates,
                                                          ("created",)),
                                 "citation": ccl_citation(date, eccn), "note": ""})
        else:
            if requirement.severity == "none":
                # "NP applies ... | N/A": a reason that applies with no column or destinations
                # the data can read is reviewed everywhere, never dropped.
                requirement = Requirement(destinations=("*",), severity="review", kind="prose")
            specials.append(_special(common, requirement,
                                     row["requirement"] or row["control_scope"],
                                     scope.paragraphs, dates, date))
            if (back := extra_scope(eccn, row["control_scope"], scope)) is not None:
                specials.append(_special(
                    {**common, "id": f"{row_id}n", "paragraphs": ";".join(back.paragraphs),
                     "except_paragraphs": "", "condition": back.condition}, requirement,
                    row["requirement"] or row["control_scope"], back.paragraphs, dates, date))
    tables["eccn_controls.csv"] = controls
    tables["special_controls.csv"] = specials
    tables["country_chart.csv"] = _chart_rows(edition, tables.get("country_chart.csv", []))
    tables["country_groups.csv"] = _group_rows(edition, tables.get("country_groups.csv", []))
    tables["chart_footnotes.csv"] = [
        {"footnote": r["footnote"], "text": r["text"], "edition": date}
        for r in edition.files["country_chart_footnotes.csv"]]
    known = set(eccns)
    tables["eccn_paragraphs.csv"] = [
        {"eccn": r["eccn"], "seq": i, "paragraph": r["paragraph"], "depth": int(r["depth"]),
         "text": r["text"], "edition": r.get("edition") or edition.groups_date}
        for i, r in enumerate(edition.files["ccl_paragraphs.csv"], start=1)
        if r["eccn"] in known]
    flags: dict[tuple[str, str], dict[str, Any]] = {}
    for r in edition.files["ccl_license_exception_flags.csv"]:
        if r["eccn"] in known:
            flags.setdefault((r["eccn"], r["exception"]), {
                "eccn": r["eccn"], "exception": r["exception"], "text": r["text"],
                "edition": edition.groups_date})
    tables["eccn_exception_flags.csv"] = list(flags.values())
    return tables


_USML_WORDS = re.compile(r"subject to the ITAR|22 CFR|Department of State", re.IGNORECASE)


def _points_to_usml(eccn: str, heading: str, requirements: list[dict[str, str]]) -> bool:
    """An entry sends the item to the USML when its heading says so; an entry with no EAR
    licence section for another reason (0x521 items, reserved or Wassenaar munitions entries)
    is not an ITAR pointer and is screened as "no requirement rows" instead."""
    flagged = any(r["points_to_itar"] == "yes" for r in requirements if r["eccn"] == eccn)
    return flagged and bool(_USML_WORDS.search(heading))


def _reason_of(scope: str, requirement: Requirement, reasons: tuple[str, ...]) -> str:
    if requirement.column:
        return re.sub(r"[0-9]", "", requirement.column)
    m = re.match(r"^(?:Country Chart\.\s*)?([A-Z]{2})\b", scope)
    if m:
        return m.group(1)
    if "russian industry sector" in scope.lower():
        return "RS"
    return reasons[0] if len(reasons) == 1 else ""


def _special(common: dict[str, Any], req: Requirement, text: str,
             paragraphs: tuple[str, ...], dates: list[dict[str, Any]], date: str
             ) -> dict[str, Any]:
    eccn = common["eccn"]
    starts = [d for d in (_row_start(eccn, paragraphs, dates, ("created",)),
                          _row_start(eccn, paragraphs, dates, ("offchart_from",))) if d]
    words = " ".join(text.split())
    if req.kind == "usml":
        summary = f"Points to the USML: {words}"
    elif req.severity == "review":
        summary = (f"{common['reason'] or 'A'} licence requirement that the Country Chart does "
                   f"not show; its destinations depend on the regulation's words: {words}")
    else:
        summary = f"{common['reason'] or 'A'} licence requirement not shown on the Country " \
                  f"Chart: {words}"
    citation = ccl_citation(date, eccn) + (f"; {req.section}" if req.section else "")
    return {**common, "requirement": words, "destinations": ";".join(req.destinations),
            "groups": ";".join(req.groups), "except_groups": ";".join(req.except_groups),
            "except_destinations": ";".join(req.except_destinations),
            "valid_from": max(starts) if starts else None,
            "severity": "review" if req.severity in ("review", "itar") else "license",
            "summary": summary, "citation": citation}


def _un_destinations(edition: Edition) -> tuple[str, ...]:
    """Destinations the chart sends to § 746.1(b) (footnote 1) for UN Security Council
    sanctions."""
    return tuple(sorted(edition.codes[r["destination"]]
                        for r in edition.files["country_chart.csv"]
                        if "1" in _split(r["footnotes"].replace(" ", ""))))


def _chart_rows(edition: Edition, base: list[dict[str, Any]]) -> list[dict[str, Any]]:
    keep = [r for r in base if not r.get("edition")]
    date = edition.date
    rows = []
    for r in edition.files["country_chart.csv"]:
        code = edition.codes[r["destination"]]
        rows.append({
            "row_key": code, "country_code": code, "name": r["destination"],
            **{c: r[c].upper() == "X" for c in CHART_COLUMNS},
            "valid_from": None, "valid_to": None,
            "date_basis": f"eCFR edition {date}",
            "citation": chart_citation(date), "verification": "VERIFIED",
            "unverified_cells": "", "footnotes": r["footnotes"].replace(" ", ""),
            "referral": r["referral"], "edition": date, "notes": "",
        })
    hand_keys = {r["row_key"] for r in keep}
    return keep + [r for r in rows if r["row_key"] not in hand_keys]


def _group_rows(edition: Edition, base: list[dict[str, Any]]) -> list[dict[str, Any]]:
    keep = [r for r in base if not r.get("edition")]
    date = edition.groups_date
    seen: set[tuple[str, str]] = {(r["country_code"], r["group"]) for r in keep
                                  if r["valid_from"] is None}
    rows = []
    for r in edition.files["country_groups.csv"]:
        key = (edition.codes[r["destination"]], r["group"])
        if key in seen:
            continue
        seen.add(key)
        rows.append({
            "country_code": key[0], "group": key[1], "valid_from": None, "valid_to": None,
            "date_basis": f"Country Groups of the eCFR edition {date}",
            "citation": groups_citation(date), "verification": "VERIFIED", "edition": date,
            "notes": r["label"],
        })
    return keep + rows
