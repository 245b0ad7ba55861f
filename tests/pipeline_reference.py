"""A mixed shipment file, and the plain line-by-line screening of it that the fast pipeline
must reproduce byte for byte.

The reference reads every row with ``RowConverter.convert``, screens it with the engine's
unmemoised ``_screen``, screens its parties afresh for each line, and renders the line's JSON
and database row with the documented formats. It shares no cache, memo or fast path with
``service.run_screening``, so a difference is a bug in one of those.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random
import re
from pathlib import Path
from typing import Any

from screening.affiliates import load_affiliate_rules, owner_findings
from screening.db import Database
from screening.engine import _screen
from screening.model import Finding, Screening, Severity, worst
from screening.normalize import military_name_word
from screening.parties import party_findings
from screening.party_screen import (
    UNNAMED,
    lists_findings,
    military_name_finding,
    new_at_ship_to,
    no_party_named,
    place_in_name,
)
from screening.service import ScreenOptions, maps_parties, prepare
from screening.store import parties as party_store

HEADER = ["Line ID", "Ship Date", "Ship-to Country", "Country of Ultimate Destination", "ECCN",
          "License Exception", "License No.", "End User", "End-User Type", "Consignee",
          "Parent Company", "Ownership %", "Value (USD)", "Qty", "HS Code", "Description"]

LISTED = ["Huawei Technologies Co., Ltd.", "Smartcom (Hong Kong) Co., Limited",
          "China Telecom Corporation Limited", "HUAWEI TECHNOLOGIES CO LTD",
          "Cloudminds (Hong Kong) Limited", "Bank of Kunlun Co Ltd", "Huawei Technolgies Co"]
COUNTRIES = ["Hong Kong", "HK", "HKG", "Hong Kong SAR", "香港", "HONG KONG, CHINA", "Hongkong",
             "China", "CN", "中国", "Singapore", "Germany", "Japan", "Korea, South", "Taiwan",
             "Macau", "Macao", "United Kingdom", "India", "UAE", "Russia", "Iran", "Cuba",
             " hong  kong ", "Namibia"]
BAD_COUNTRIES = ["NA", "n/a", "Xanadu", "", "TBD", "\u202eKH", "H\u200bK"]
ECCNS = ["EAR99"] * 6 + ["5A992.c", "5a992c", "3A991", "4A994", "3A001.a.2", "3A001.b.2",
                         "2A290", "5A002", "5D992", "4A003", "7A994", "9A991", "3A090",
                         "3A090.a", "4A090", "6A003", "2B001", "3B001", "1C350", "0A521",
                         "9A610.x", "EAR 99", "5A002.a", "3A001.z"]
BAD_ECCNS = ["XYZ", "", "n/a", "5A99", "\u202e5A992"]
EXCEPTIONS = ["", "", "", "NLR", "N.L.R.", "GBS", "LVS", "ENC", "APP", "TMP", "STA", "BAD"]
END_USER_TYPES = ["", "commercial", "commercial", "government", "military", "civil", "MEU",
                  "military intelligence", "xyz"]


def _date_cell(rnd: random.Random, as_text: bool) -> Any:
    roll = rnd.random()
    day = dt.date(2014, 1, 1) + dt.timedelta(days=rnd.randrange(0, 4300))
    if roll < 0.90:
        return day.isoformat() if as_text else dt.datetime.combine(day, dt.time())
    return rnd.choice([day.strftime("%d/%m/%Y") if day.day > 12 else day.isoformat(),
                       "06/07/2020", "2020-13-45", "TBD", "", "42", "1899-12-31",
                       day.strftime("%d %b %Y"), "2031-01-01"])


def mixed_rows(n: int, seed: int, *, as_text: bool) -> list[list[Any]]:
    """``n`` data rows (some blank) exercising good and bad cells of every mapped column."""
    rnd = random.Random(seed)
    rows: list[list[Any]] = []
    for i in range(n):
        if rnd.random() < 0.01:
            rows.append([""] * len(HEADER) if rnd.random() < 0.5 else ["  "] + [""] * 3)
            continue
        bad = rnd.random() < 0.08
        country = rnd.choice(BAD_COUNTRIES if bad and rnd.random() < 0.4 else COUNTRIES)
        eccn = rnd.choice(BAD_ECCNS if bad and rnd.random() < 0.4 else ECCNS)
        value: Any = round(rnd.uniform(10, 250000), 2)
        if as_text:
            value = f"{value:.2f}"
        if bad and rnd.random() < 0.3:
            value = rnd.choice(["abc", "$1,234.50", "(500)", "1.234,50", ""])
        share: Any = ""
        parent = ""
        if rnd.random() < 0.05:
            parent = rnd.choice([*LISTED, "Parent Holdings Ltd", "Acme Group"])
            share = rnd.choice(["60", "60 %", "150", "abc", "", "25"] +
                               ([] if as_text else [0.6]))
        listed = rnd.random() < 0.03
        rows.append([
            f"L{i + 1:06d}" if rnd.random() > 0.01 else rnd.choice(["", f'L"{i}"', f"L\\{i}"]),
            _date_cell(rnd, as_text),
            country,
            rnd.choice(["China", "Hong Kong", "Iran"]) if rnd.random() < 0.04 else "",
            eccn,
            rnd.choice(EXCEPTIONS),
            rnd.choice(["D" + str(rnd.randrange(10**6, 10**7)), "NLR", "GBS"])
            if rnd.random() < 0.04 else "",
            rnd.choice(LISTED) if listed and rnd.random() < 0.5 else
            f"End User {rnd.randrange(400)}",
            rnd.choice(END_USER_TYPES),
            rnd.choice(LISTED) if listed else f"Consignee {rnd.randrange(900)} Ltd",
            parent,
            share,
            value,
            rnd.choice(["", "10", "x", "2.5"]) if not as_text else str(rnd.randrange(1, 50)),
            rnd.choice(["", "8542.31", "8471.50.0150"]),
            rnd.choice(["Part assembly", "Router  board", "Line\nbreak", "Server",
                        'Cable 3" long', "C:\\parts\\x", "Ünïcödé 部件", "bell\x07ring"]),
        ])
    return rows


def write_mixed_xlsx(path: Path, n: int, seed: int = 7) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False,
                                           "strings_to_numbers": False})
    sheet = book.add_worksheet("Shipments")
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, HEADER)
    for r, row in enumerate(mixed_rows(n, seed, as_text=False), start=1):
        for c, value in enumerate(row):
            if isinstance(value, dt.datetime):
                sheet.write_datetime(r, c, value, dates)
            elif value != "":
                sheet.write(r, c, value)
    book.close()


def write_mixed_csv(path: Path, n: int, seed: int = 8) -> None:
    import csv

    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(mixed_rows(n, seed, as_text=True))


_compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_spaced = json.JSONEncoder(ensure_ascii=False).encode


def _dated(found: tuple[Finding, ...], date: dt.date | None) -> tuple[Finding, ...]:
    """A party match requiring a licence or forbidding the export, of an entry first in the
    Federal Register in a later year than the export, is a review; in the same year it
    says so (written here on its own, not with party_screen.before_listing)."""
    dated = []
    for finding in found:
        f = finding
        volumes = [int(v) for c in f.citations for v in re.findall(r"\b(\d{2,3}) FR \d+", c)]
        if date is not None and f.code.startswith("PARTY_MATCH_") and volumes and \
                f.severity.value in ("license", "prohibited"):
            first = min((int(v), int(pg)) for c in f.citations
                        for v, pg in re.findall(r"\b(\d{2,3}) FR (\d+)", c))
            year, cite = first[0] + 1935, f"{first[0]} FR {first[1]}"
            if date.year < year:
                f = dataclasses.replace(f, severity=Severity.REVIEW, message=(
                    f"{f.message} The entry's earliest Federal Register notice, {cite}, is "
                    f"of {year}, after this line's export date ({date.isoformat()}): the "
                    f"listing did not apply to this export, so it requires no licence for it "
                    f"(unless the party was listed before under a notice the list no longer "
                    f"names). Confirm when the party was listed, and whether another rule "
                    f"applied then."))
            elif date.year == year:
                f = dataclasses.replace(f, message=(
                    f"{f.message} The entry's earliest Federal Register notice, {cite}, is "
                    f"of {year}, the year of this export ({date.isoformat()}): if it took "
                    f"effect after that day, the listing did not apply to this export."))
        dated.append(f)
    return tuple(dated)


def reference_screen(db: Database, path: Path, options: ScreenOptions
                     ) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Each line's JSON text (as in the ``lines`` array of ``screen --json``) and its stored
    values (run_lines columns from ``row`` on, the findings set as its JSON text)."""
    prepared, rules = prepare(db, path, options)
    with db.sessions() as session:
        index, lists = party_store.load_index(session)
        suppressed = party_store.suppressed_pairs(session) if index else frozenset()
        affiliates = load_affiliate_rules(session) if index else ()
    party_columns = maps_parties(prepared.mapping)
    as_text = db.backend == "sqlite"
    lines_json, rows = [], []

    def party(role: str, name: str, country: str | None) -> tuple[Finding, ...]:
        """One party's findings: the lists', a military name, an embargoed place named."""
        assert index is not None
        found = party_findings([(role, name)], country, index, suppressed)
        if country in rules.end_user_countries and \
                (word := military_name_word(name)) is not None:
            found += (military_name_finding(role, name, word, country),)
        if (place := place_in_name(role, name, country)) is not None:
            found += (place,)
        return found

    for line in prepared.lines():
        result = _screen(line, rules)
        found: tuple[Finding, ...] = ()
        if index is not None:
            country = line.ultimate_destination or line.destination
            for role, name in (("Consignee", line.consignee), ("End user", line.end_user)):
                if name:
                    found += party(role, name, country)
            if line.destination and line.destination != country:  # the ship-to country's
                more: tuple[Finding, ...] = ()
                for role, name in (("Consignee", line.consignee), ("End user", line.end_user)):
                    if name:
                        more += party(role, name, line.destination)
                found += new_at_ship_to(found, more)
            if (nobody := no_party_named(line.consignee, line.end_user)) is not None:
                found += (nobody,)  # the cells point at each other or at an empty one
            if line.owners:
                found += owner_findings(line.owners, line.ownership_pct, country,
                                        line.export_date, index, affiliates, suppressed)
            # Other parties are screened besides the consignee and end user, never instead.
            others: tuple[Finding, ...] = ()
            for role, name in line.other_parties:
                here = party(role, name, country)
                if line.destination and line.destination != country:
                    here += new_at_ship_to(here, party(role, name, line.destination))
                others += here
            if party_columns and not (line.consignee or line.end_user or line.owners):
                found = (UNNAMED,)  # in a run checking parties, a line naming none
            found += others
            found = _dated(found, line.export_date)
        # Every line, after its parties: no list loaded, or none of them dated.
        found += lists_findings(lists, dt.date.today(), party_columns=party_columns)
        if found:
            findings = (*result.findings, *found)
            result = Screening(result.row, result.line_id,
                               worst([f.verdict for f in findings]), result.destination,
                               result.licensing_destination, result.newly_licensable,
                               findings)
        findings_json = _compact([f.to_json() for f in result.findings])
        lines_json.append(
            f'{{"row": {result.row}, "line_id": {_spaced(result.line_id)}, '
            f'"verdict": "{result.verdict.value}", '
            f'"destination": {_spaced(result.destination)}, '
            f'"licensing_destination": {_spaced(result.licensing_destination)}, '
            f'"newly_licensable": {"true" if result.newly_licensable else "false"}, '
            f'"findings": {findings_json}}}')
        date = line.export_date
        eut = line.end_user_type
        rows.append((
            line.row, line.line_id, result.verdict.value, line.destination,
            line.ultimate_destination, result.licensing_destination, result.newly_licensable,
            date.isoformat() if as_text and date is not None else date, line.date_assumed,
            line.eccn.text if line.eccn else None, line.license_exception,
            line.license_number, line.end_user, eut.value if eut else None, line.consignee,
            line.value, line.quantity, line.description, line.hs_code, _compact(line.raw),
            findings_json))
    return lines_json, rows
