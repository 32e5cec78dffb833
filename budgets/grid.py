"""The calendar of one arm as HTML inputs, written directly: 2,000 cells through the template engine
take longer than the rest of the page together."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .calc import Sheet


def _money(value) -> str:
    return f"${value:,.2f}"


def calendar(sheet: Sheet, arm, editable: bool) -> SafeString:
    """<thead> and <tbody> of ``arm``'s calendar: procedures by visits, counts as number inputs."""
    totals = next(t for t in sheet.totals if t.arm_id == arm.id)
    disabled = "" if editable else " disabled"
    visits = [(v.id, escape(v.name)) for v in sheet.visits]  # each name escaped once, not once a cell
    counts, arm_id = sheet.counts, arm.id
    out = ['<thead><tr><th scope="col">Procedure</th><th scope="col">Cost of one</th>']
    out += [f'<th scope="col">{name}</th>' for _, name in visits]
    out.append('<th scope="col">Per patient</th></tr></thead><tbody>')
    for p in sheet.procedures:
        name, pid = escape(p.name), p.id
        out.append(f'<tr><th scope="row">{name}</th><td><input class="form-control form-control-sm cost" '
                   f'type="number" step="0.01" min="0" name="cost-{pid}" value="{p.unit_cost}" '
                   f'aria-label="Cost of one {name}"{disabled}></td>')
        done = 0
        for vid, visit_name in visits:
            count = counts.get((arm_id, vid, pid), 0)
            done += count
            out.append(f'<td><input class="form-control form-control-sm count" type="number" min="0" max="99" '
                       f'name="c-{vid}-{pid}" value="{count or ""}" aria-label="{name} at {visit_name}"{disabled}>'
                       '</td>')
        out.append(f'<td class="text-end">{_money(p.unit_cost * done)}</td></tr>')
    out.append('<tr class="table-light"><th scope="row">Cost per visit</th><td></td>')
    out += [f'<td class="text-end">{_money(cost)}</td>' for cost in totals.per_visit]
    out.append(f'<td class="text-end fw-semibold">{_money(totals.per_patient)}</td></tr></tbody>')
    return mark_safe("".join(out))  # nosec B308, B703: every name is escaped above; the rest is markup and numbers
