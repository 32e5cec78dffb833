"""The positions of a box map as HTML, written directly: a hundred cells of links, labels and tips
through the template engine (and a ``reverse`` a sample) take many times the rest of the page."""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ..models import Sample
from .selectors import STATE_LABELS, BoxMap


def rows(box_map: BoxMap) -> SafeString:
    """The <tr> of every row of the box: a position with a sample links to it; each says what it holds."""
    sample_url = reverse("admin:biobank_sample_change", args=[0]).replace("/0/", "/{}/")
    types = {k: escape(v) for k, v in Sample._meta.get_field("sample_type").flatchoices}
    out = []
    for row_label, cells in box_map.grid:
        out.append(f'<tr><th scope="row">{escape(row_label)}</th>')
        for cell in cells:
            label = escape(cell.label)
            tip = f"{label}: {escape(STATE_LABELS[cell.state])}"
            out.append(f'<td class="box-cell box-{cell.state}">')
            sample = cell.sample
            if sample is not None:
                barcode, kind = escape(sample.barcode), types.get(sample.sample_type, "")
                out.append(f'<a href="{sample_url.format(sample.pk)}" tabindex="0" data-cell '
                           f'aria-label="{tip}, {barcode}, {kind}">{label}</a>'
                           f'<span class="box-tip" aria-hidden="true">{tip}<br>{barcode}<br>{kind}</span>')
            else:
                out.append(f'<span tabindex="0" data-cell role="img" aria-label="{tip}">{label}</span>'
                           f'<span class="box-tip" aria-hidden="true">{tip}</span>')
            out.append("</td>")
        out.append("</tr>")
    return mark_safe("".join(out))  # nosec B308, B703: every text is escaped above; the rest is markup and numbers
