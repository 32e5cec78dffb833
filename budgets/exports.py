"""A budget as a spreadsheet: one sheet of totals and one calendar sheet per arm (XLSX), or CSV rows."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

from .calc import Sheet



def _summary_rows(sheet: Sheet) -> list[list]:
    rows = [["Arm", "Patients", "Screen failures", "Per patient", "Screen failures cost", "Direct", "F&A", "Total"]]
    for t in sheet.totals:
        rows.append([t.name, t.patients, t.screen_failures, t.per_patient, t.screen_failure_cost, t.direct, t.fa,
                     t.total])
    rows.append(["All arms", sum(t.patients for t in sheet.totals), sum(t.screen_failures for t in sheet.totals),
                 "", "", sheet.direct, sheet.fa, sheet.total])
    return rows


def xlsx(sheet: Sheet) -> bytes:
    """The workbook (written in streaming mode: a large calendar does not grow in memory)."""
    book = Workbook(write_only=True)
    summary = book.create_sheet("Summary")
    summary.append([sheet.budget.title])
    summary.append([f"Sponsor type: {sheet.budget.get_sponsor_type_display()}", "F&A rate",
                    float(sheet.budget.fa_rate)])
    summary.append([])
    for row in _summary_rows(sheet):
        summary.append(row)
    for arm, totals in zip(sheet.arms, sheet.totals):
        calendar = book.create_sheet(arm.name[:31].replace("/", "-"))
        header = ["Procedure", "Unit cost"] + [v.name for v in sheet.visits] + ["Per patient"]
        calendar.append(header)
        for p in sheet.procedures:
            counts = [sheet.count(arm.pk, v.pk, p.pk) for v in sheet.visits]
            calendar.append([p.name, p.unit_cost, *counts, p.unit_cost * sum(counts)])
        calendar.append(["Cost per visit", "", *totals.per_visit, totals.per_patient])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_text(sheet: Sheet) -> str:
    """Summary rows, then one row per arm, procedure and visit where the procedure is done."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerows(_summary_rows(sheet))
    writer.writerow([])
    writer.writerow(["Arm", "Visit", "Procedure", "Count", "Unit cost", "Cost"])
    for arm in sheet.arms:
        for v in sheet.visits:
            for p in sheet.procedures:
                count = sheet.count(arm.pk, v.pk, p.pk)
                if count:
                    writer.writerow([arm.name, v.name, p.name, count, p.unit_cost, p.unit_cost * count])
    return out.getvalue()


