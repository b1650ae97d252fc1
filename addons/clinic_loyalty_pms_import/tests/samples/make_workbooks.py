"""Writes the Excel samples of the tests (run once; the outputs are committed).

generic-report-0316.xlsx: a report as an office manager exports it from a
PMS's report builder: a first sheet without the table, then a title, a
date-range line, merged group headers over the header row, a subtotal per
invoice and a grand total, amounts stored as numbers and as text, dates as
Excel dates (and one as text). generic-report-0316.xls: the same table in
the old format (written with xlwt).
"""

import datetime
import os

import openpyxl
import xlwt

HERE = os.path.dirname(os.path.abspath(__file__))
HEADER = [
    "invoice_number",
    "date",
    "status",
    "client_id",
    "client_name",
    "phone",
    "email",
    "code",
    "description",
    "quantity",
    "amount",
    "patient",
]
D14, D15 = datetime.datetime(2026, 3, 14), datetime.datetime(2026, 3, 15, 10, 30)
ROWS = [
    ["G-1", D14, "paid", "A1", "Alice Smith", "", "alice@example.com", "EXAM", "Exam", 1, 120, "Rex"],
    ["G-1", D14, "paid", "A1", "Alice Smith", "", "alice@example.com", "VAC", "Vaccine", "1", "45.00", "Rex"],
    ["Subtotal G-1", None, None, None, None, None, None, None, None, None, 165, None],
    ["G-2", D15, "paid", "B2", "Bob Jones", "(415) 555-0102", "", "EXAM", "Exam", 1, 80.5, "Fido"],
    ["G-2", D15, "paid", "B2", "Bob Jones", "(415) 555-0102", "", "FOOD", "Food", 2, "1,234.50", "Fido"],
    ["Subtotal G-2", None, None, None, None, None, None, None, None, None, 1315, None],
    [
        "G-3",
        "03/16/2026",
        "paid",
        "C3",
        "Carol White",
        "",
        "Carol@Example.com",
        "VAC",
        "Vaccine",
        1,
        30.0,
        "",
    ],
    ["Subtotal G-3", None, None, None, None, None, None, None, None, None, 30, None],
    [],
    ["Grand total", None, None, None, None, None, None, None, None, None, 1510, None],
]


def xlsx():
    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "Notes"
    notes.append(["Exported from the report builder"])
    sheet = book.create_sheet("Invoice lines")
    sheet.append(["Riverside Vets - Invoice line report"])
    sheet.merge_cells("A1:L1")
    sheet.append(["From 03/01/2026 to 03/31/2026"])
    sheet.append([])
    sheet.append(["Invoice", None, None, "Client", None, None, None, "Item"])
    sheet.merge_cells("A4:C4")
    sheet.merge_cells("D4:G4")
    sheet.merge_cells("H4:L4")
    sheet.append([h if h != "client_name" else " Client_Name " for h in HEADER])
    for row in ROWS:
        sheet.append(row)
        cell = sheet.cell(row=sheet.max_row, column=2)
        if isinstance(cell.value, datetime.datetime):
            cell.number_format = "mm/dd/yyyy"
    book.save(os.path.join(HERE, "generic-report-0316.xlsx"))


def xls():
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Invoice lines")
    dates = xlwt.easyxf(num_format_str="MM/DD/YYYY")
    sheet.write_merge(0, 0, 0, 11, "Riverside Vets - Invoice line report")
    sheet.write(1, 0, "From 03/01/2026 to 03/31/2026")
    for c, h in enumerate(HEADER):
        sheet.write(3, c, h)
    for r, row in enumerate(ROWS, start=4):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, datetime.datetime):
                sheet.write(r, c, value, dates)
            else:
                sheet.write(r, c, value)
    book.save(os.path.join(HERE, "generic-report-0316.xls"))


if __name__ == "__main__":
    xlsx()
    xls()
