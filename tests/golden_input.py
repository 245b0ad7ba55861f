"""A 20,000-line mixed shipment file, the same on every machine, for the golden JSON test
(tests/test_golden_json.py): every kind of cell the pipeline reads differently (country and
ECCN spellings, date formats, exceptions with their limits, licences, end-user types, listed
and unlisted parties, bad cells that make an ERROR), in combinations that repeat as real
files do and others met once. No random numbers: row i takes item (i * step) % len of
each column's list, the steps and lengths chosen so the combinations vary.

Regenerate the golden files after a deliberate change of results (new rules, new wording):
``python3 tests/golden_input.py --write`` (then read the diff of the summary it prints)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

LINES = 20_000
HEADER = ["Line ID", "Ship Date", "Ship-to Country", "Country of Ultimate Destination", "ECCN",
          "License Exception", "License No.", "End User", "End-User Type", "Consignee",
          "Value (USD)", "Description"]

_DATES = ["2019-08-20", "2020-06-29", "2020-07-01", "2020-12-22", "2020-12-23", "2021-03-01",
          "2022-04-03", "2022-10-07", "2023-11-17", "15.01.2024", "2024-12-02", "2025-01-15",
          "2025-09-30", "2021-06-30", "2022-02-14", "2023-05-05", "2024-07-08", "2021-11-11",
          "2022-08-19", "2023-02-27", "2024-03-12", "2025-04-22", "2021-01-05", "20 Jun 2023",
          "2021-09-09", "2022-12-01", "2023-08-08", "2024-10-10", "2025-06-06", "2021-04-04",
          "2022-06-16", "2023-03-03", "2024-05-05", "2025-02-02", "2019-03-04", "2018-11-30",
          "not a date", "", "2035-01-01", "2013-05-01"]
_COUNTRIES = ["HK", "HKG", "Hong Kong SAR", "香港", "China", "CN", "Germany", "Malaysia",
              "Macau", "Russia", "HK", "Hong Kong", "Singapore", "hong kong s.a.r.", "Taiwan",
              "Japan", "United Kingdom", "HK", "Hong Kong", "Germany", "France", "Canada",
              "Hong Kong", "HK", "Iran", "", "Atlantis"]
_ULTIMATE = ["", "", "", "", "", "", "", "HK", "China", "Singapore", "Hong Kong", "Russia",
             "Narnia"]
_ECCNS = ["EAR99", "5a992c", "3A001.a.1", "3A090.a", "4A003", "9A610.h", "5A002.a", "2B999",
          "EAR99", "EAR99", "3B001", "4A090.a", "0A501", "1C351", "5A001.j", "6A003.b.4",
          "3A002.g.1", "4A994", "5D002", "3E001", "9A515.a", "0A979", "1A004.c.1", "3a001a2",
          "EAR-99", "5A991", "7A994", "2B001.a", "EAR99", "5A992.c", "4A994.l", "5D992.c",
          "EAR99", "3A991", "XYZ", ""]
_EXCEPTIONS = ["", "NLR", "N.L.R.", "LVS", "GBS", "STA", "APP", "ENC", "TSU", "ACE", "bogus",
               "", "TSR", "CIV", "NLR", ""]
_LICENCES = ["", "", "", "", "D1234567", "see email", "", "D7654321", ""]
_END_USERS = ["End User 1", "End User 2", "Huawei Cloud Hong Kong", "", "End User 3",
              "AECC Aviation Power Co. Ltd.", "End User 6", "End User 4", "End User 7",
              "End User 8", "Cloudminds (Hong Kong) Limited", "End User 9", "End User 10",
              "Same as consignee", "End User 5", "Hong Kong Polytechnic Trading", "End User 11",
              "End User 12", "End User 13", "", "End User 14", "End User 15", "End User 16"]
_TYPES = ["", "commercial", "military", "government", "civil", "", "research", "mil"]
_CONSIGNEES = ["Consignee 1 Ltd", "Consignee 2 Ltd", "Smartcom (Hong Kong) Co., Limited",
               "Consignee 10 Ltd", "K Logistics Hong Kong", "Consignee 3 Ltd",
               "Taihe Electric (Hong Kong) Limited", "Consignee 4 Ltd", "Consignee 5 Ltd",
               "Consignee 6 Ltd", "Consignee 7 Ltd", "Consignee 8 Ltd", "Consignee 9 Ltd",
               "Consignee 11 Ltd", "Consignee 12 Ltd", "", "Consignee 13 Ltd",
               "Consignee 14 Ltd", "Consignee 15 Ltd", "Consignee 16 Ltd", "Consignee 17 Ltd",
               "Consignee 18 Ltd", "Consignee 19 Ltd", "Consignee 20 Ltd", "Consignee 21 Ltd",
               "Consignee 22 Ltd", "Consignee 23 Ltd", "Consignee 24 Ltd", "Consignee 25 Ltd"]
_VALUES = ["145305.19", "", "1,200", "2500", "4999.99", "6000", "0", "1200.5", "870", "15000",
           "abc", "310.25", "-5"]


def _pick(items: list[str], i: int, step: int) -> str:
    return items[(i * step + i // len(items)) % len(items)]


def rows() -> list[list[str]]:
    out = []
    for i in range(LINES):
        # A line met once now and then: its own consignee (the party index's new names).
        consignee = f"Company {i} Trading Limited" if i % 97 == 0 else _pick(_CONSIGNEES, i, 5)
        out.append([f"G{i:06d}", _pick(_DATES, i, 7), _pick(_COUNTRIES, i, 11),
                    _pick(_ULTIMATE, i, 4), _pick(_ECCNS, i, 13), _pick(_EXCEPTIONS, i, 3),
                    _pick(_LICENCES, i, 2), _pick(_END_USERS, i, 6), _pick(_TYPES, i, 3),
                    consignee, _pick(_VALUES, i, 3), f"Part {i % 211} assembly"])
    return out


def write_csv(path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        writer.writerows(rows())
    return path


def write_xlsx(path: Path) -> Path:
    """The same rows as a workbook, with typed cells where Excel would type them: ISO dates
    as dates, plain numbers as numbers (the other cells as the text they are)."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    book.set_properties({"created": dt.datetime(2026, 12, 3)})  # the same bytes every time
    sheet = book.add_worksheet("Shipments")
    dated = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, HEADER)
    for r, row in enumerate(rows(), start=1):
        for c, cell in enumerate(row):
            if c == 1 and len(cell) == 10 and cell[4] == "-" and r % 3:
                sheet.write_datetime(r, c, dt.datetime.fromisoformat(cell), dated)
            elif c == 10 and cell.replace(".", "", 1).isdigit():
                sheet.write_number(r, c, float(cell))
            else:
                sheet.write_string(r, c, cell)
    book.close()
    return path


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests.test_golden_json import write_golden

    if "--write" not in sys.argv:
        sys.exit("usage: python3 tests/golden_input.py --write")
    write_golden()
