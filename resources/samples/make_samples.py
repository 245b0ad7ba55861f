"""Regenerate the bundled sample spreadsheets (run from the repository root).

The samples are deliberately messy, like real export logs: title rows above the header,
mixed country spellings (including Chinese), several ECCN and date styles, a formula cell
saved without a value, and a handful of bad rows that must come out as ERROR lines.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
from openpyxl.styles import Font

HERE = Path(__file__).parent

HEADER = ["Line ID", "Ship Date", "Ship-to Country", "Country of Ultimate Destination", "ECCN",
          "License Exception", "License No.", "End User", "End-User Type", "Consignee",
          "Value (USD)", "Qty", "Description", "HS Code"]

D = dt.date
ROWS: list[list[object]] = [
    # Before the suspension (regime before 2020-06-30): Hong Kong's own row and exceptions.
    ["HK-1001", D(2020, 3, 2), "Hong Kong", "", "5A992.c", "NLR", "", "Kowloon Telecom Ltd", "commercial", "Kowloon Telecom Ltd", 12500, 50, "Enterprise router", "8517.62"],
    ["HK-1002", D(2020, 5, 14), "HK", "", "3A001.a.2", "GBS", "", "Pearl River Electronics", "commercial", "Pearl River Electronics", 8400, 200, "Rad-hard ICs", "8542.31"],
    ["HK-1003", D(2020, 6, 1), "HKG", "", "2A290", "NLR", "", "Harbour Power Systems", "commercial", "Harbour Power Systems", 98000, 1, "Generator set", "8502.13"],
    # Suspension period (2020-06-30 .. 2020-12-22): exceptions better than China's suspended.
    ["HK-1004", D(2020, 6, 30), "Hong Kong SAR", "", "3A001.a.2", "GBS", "", "Pearl River Electronics", "commercial", "Pearl River Electronics", 4100, 100, "Rad-hard ICs (on dock 30 June)", "8542.31"],
    ["HK-1005", "2020-08-17", "香港", "", "3a001a2", "GBS", "", "Victoria Components", "commercial", "Victoria Components", 2300, 40, "Rad-hard ICs", "8542.31"],
    ["HK-1006", D(2020, 9, 9), "Hongkong", "", "4A994", "NLR", "", "Lantau Logistics", "commercial", "Lantau Logistics", 3200, 4, "Servers", "8471.50"],
    ["HK-1007", D(2020, 11, 3), "HONG KONG, CHINA", "", "5A002", "ENC", "", "Central Bank Systems", "commercial", "Central Bank Systems", 15000, 10, "Encryption appliances", "8543.70"],
    # After 2020-12-23: Hong Kong licensed as China.
    ["HK-1008", D(2020, 12, 28), "Hong Kong", "", "2A290", "NLR", "", "Harbour Power Systems", "commercial", "Harbour Power Systems", 99000, 1, "Generator set (en route 23 Dec)", "8502.13"],
    ["HK-1009", D(2021, 1, 22), "HK", "", "2A291", "NLR", "", "Harbour Power Systems", "commercial", "Harbour Power Systems", 45000, 2, "Reactor coolant pump parts", "8413.91"],
    ["HK-1010", D(2021, 2, 15), "Hong Kong", "", "5A992.c", "NLR", "", "Kowloon Telecom Ltd", "commercial", "Kowloon Telecom Ltd", 12500, 50, "Enterprise router", "8517.62"],
    ["HK-1011", D(2021, 3, 8), "Hong Kong", "", "5A992.c", "NLR", "", "PLA Signals Unit 61", "military", "Shek Kip Mei Trading", 30000, 100, "Enterprise router", "8517.62"],
    ["HK-1012", D(2021, 4, 19), "HK", "", "3A991", "", "", "", "", "Tsuen Wan Distribution", 1800, 500, "Microcontrollers", "8542.31"],
    ["HK-1013", D(2021, 5, 5), "HK", "China", "3A001.a.2", "", "", "Shenzhen Aero Avionics", "", "Tsuen Wan Distribution", 9100, 300, "Rad-hard ICs", "8542.31"],
    ["HK-1014", D(2021, 6, 11), "Hong Kong", "", "EAR99", "NLR", "", "", "", "Mongkok Retail", 640, 120, "Cables", "8544.42"],
    ["HK-1015", D(2021, 7, 2), "Hong Kong", "", "3A001.a.2", "GBS", "", "Victoria Components", "commercial", "Victoria Components", 2600, 60, "Rad-hard ICs", "8542.31"],
    ["HK-1016", D(2021, 9, 30), "Hong Kong", "", "3A001.a.2", "", "D1234567", "Victoria Components", "commercial", "Victoria Components", 7800, 150, "Rad-hard ICs (licensed)", "8542.31"],
    ["HK-1017", D(2022, 3, 14), "HK", "", "4A003", "APP", "", "Island Research HPC", "", "Island Research HPC", 240000, 2, "HPC cluster nodes", "8471.41"],
    ["HK-1018", D(2023, 2, 1), "HK", "", "3A090", "", "", "Cyberport AI Lab", "commercial", "Cyberport AI Lab", 480000, 16, "AI accelerators", "8542.31"],
    ["HK-1019", D(2024, 6, 3), "Hong Kong", "", "9A991", "", "", "Cathay Engineering", "commercial", "Cathay Engineering", 56000, 3, "Aircraft parts", "8803.30"],
    ["HK-1020", D(2025, 1, 8), "Hong Kong", "", "1C350", "", "", "Tai Po Chemicals", "", "Tai Po Chemicals", 5000, 20, "Precursor chemicals", "2931.90"],
    # Other destinations for comparison.
    ["CN-2001", D(2021, 3, 8), "China", "", "3A001.a.2", "", "", "Shanghai Microsystems", "commercial", "Shanghai Microsystems", 4400, 90, "Rad-hard ICs", "8542.31"],
    ["CN-2002", D(2021, 4, 1), "中国", "", "EAR99", "", "", "", "", "Guangzhou Trading", 900, 20, "Hand tools", "8205.59"],
    ["MO-3001", D(2022, 5, 2), "Macau", "", "5A992.c", "", "", "Macau Resorts IT", "commercial", "Macau Resorts IT", 3300, 15, "Firewalls", "8517.62"],
    ["SG-4001", D(2021, 2, 2), "Singapore", "", "3A001.a.2", "GBS", "", "Jurong Electronics", "commercial", "Jurong Electronics", 5200, 100, "Rad-hard ICs", "8542.31"],
    ["DE-4002", D(2021, 2, 3), "Germany", "", "5A992.c", "NLR", "", "Munich Netz GmbH", "commercial", "Munich Netz GmbH", 1900, 10, "Routers", "8517.62"],
    ["US-4003", "2021-02-04", "USA", "", "EAR99", "", "", "", "", "Domestic warehouse", 100, 1, "Samples", "9999.99"],
    # Bad rows: each must come out as an ERROR line that names its cell.
    ["BAD-9001", "31/02/2021", "Hong Kong", "", "5A992.c", "", "", "", "", "Kowloon Telecom Ltd", 100, 1, "Impossible date", ""],
    ["BAD-9002", "03/04/2021", "Hong Kong", "", "5A992.c", "", "", "", "", "Kowloon Telecom Ltd", 100, 1, "Ambiguous date", ""],
    ["BAD-9003", D(2021, 3, 3), "", "", "5A992.c", "", "", "", "", "Kowloon Telecom Ltd", 100, 1, "Missing destination", ""],
    ["BAD-9004", D(2021, 3, 3), "Atlantis", "", "5A992.c", "", "", "", "", "Kowloon Telecom Ltd", 100, 1, "Unknown country", ""],
    ["BAD-9005", D(2021, 3, 3), "Hong Kong", "", "ABC-123", "", "", "", "", "Kowloon Telecom Ltd", 100, 1, "Not an ECCN", ""],
    ["BAD-9006", D(2021, 3, 3), "Hong Kong", "", "", "", "", "", "", "Kowloon Telecom Ltd", 100, 1, "No classification", ""],
    ["BAD-9007", D(2021, 3, 3), "Hong Kong", "", "5A992.c", "", "", "", "", "Kowloon Telecom Ltd", "n/a", 1, "Bad value", ""],
    ["BAD-9008", None, "Hong Kong", "", "5A992.c", "", "", "", "", "Kowloon Telecom Ltd", 100, 1, "Date formula without cached value", ""],
]


def make_xlsx(path: Path) -> None:
    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "Read me"
    notes["A1"] = "Export log for Q-reviews. Shipments are on the next sheet."
    notes["A2"] = "Prepared by logistics; do not edit the header names."
    ws = wb.create_sheet("Shipments")
    ws["A1"] = "ACME Instruments Ltd - export shipment log 2020-2025"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = "Extract from ERP, all Asian destinations"
    ws.append([])
    ws.append(HEADER)
    for cell in ws[4]:
        cell.font = Font(bold=True)
    for row in ROWS:
        ws.append(row)
    formula_row = 4 + len(ROWS)
    ws.cell(formula_row, 2).value = "=B5+365"  # saved by openpyxl without a cached value
    ws.append([])  # trailing blank row: not a data row
    for col, width in zip("ABCDEFGHIJKLMN", (10, 12, 18, 16, 10, 10, 11, 26, 12, 26, 11, 6, 30, 10),
                          strict=True):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=5, min_col=2, max_col=2):
        row[0].number_format = "yyyy-mm-dd"
    wb.save(path)


CSV_ROWS = [
    ["Ref", "Dest", "Date", "ECCN", "Lic. Exception", "Client", "Montant (EUR)", "Désignation"],
    ["EU-1", "Hong Kong", "23/12/2020", "2A290", "NLR", "Société Générale d'Énergie HK", "1.234,50", "Générateur"],
    ["EU-2", "HK", "15/01/2021", "5A992.c", "NLR", "Kowloon Télécom", "980,00", "Routeur"],
    ["EU-3", "Chine", "02/02/2021", "EAR99", "", "Café Pékin", "120,00", "Machine à café"],
    ["EU-4", "Hongkong", "29/06/2020", "3A001.a.2", "GBS", "Électronique Victoria", "2.600,00", "Circuits"],
    ["EU-5", "Hong Kong", "01/07/2020", "3A001.a.2", "GBS", "Électronique Victoria", "2.600,00", "Circuits"],
    ["EU-6", "France", "05/05/2021", "5A992.c", "NLR", "Réseaux Lyon", "450,00", "Routeur"],
    ["EU-7", "Hong Kong", "31/13/2021", "5A992.c", "", "Kowloon Télécom", "1,00", "Mauvaise date"],
]


def make_csv(path: Path) -> None:
    text = "\r\n".join(";".join(cells) for cells in CSV_ROWS) + "\r\n"
    path.write_bytes(text.replace("Chine", "China").encode("cp1252"))


if __name__ == "__main__":
    make_xlsx(HERE / "hk_shipments_2020_2025.xlsx")
    make_csv(HERE / "eu_branch_cp1252_semicolon.csv")
    (HERE / "eu_branch_mapping.json").write_text(
        '{\n  "columns": {"value": "Montant (EUR)", "description": "Désignation"},\n'
        '  "date_order": "DMY"\n}\n', encoding="utf-8")
    print("samples written to", HERE)
