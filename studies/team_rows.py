"""The rows of a study's inquiry table on the team page, written in Python.

Each row holds a person's contact details, their answers, the status and a form to move it: 25 rows
drawn by the template language took most of the page's first visit (an include and a dozen lookups
per row). The markup is the one the template wrote; every value is escaped by ``format_html``.
"""

from __future__ import annotations

from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince

from .models import Interest

EMPTY = '<tr><td colspan="6">No inquiry matches.</td></tr>'


def _person(interest: Interest) -> SafeString:
    parts = [format_html("{}<br>", interest.name)]
    preferred = ' <span class="badge text-bg-light border">preferred</span>'
    if interest.email:
        parts.append(format_html('<a href="mailto:{0}">{0}</a>{1}<br>', interest.email,
                                 mark_safe(preferred if interest.preferred_contact == "email" else "")))  # nosec B308, B703: constant markup
    if interest.phone:
        parts.append(format_html('<a href="tel:{}">{}</a>{}<br>', interest.phone.replace(" ", ""), interest.phone,
                                 mark_safe(preferred if interest.preferred_contact == "phone" else "")))  # nosec B308, B703: constant markup
    parts.append(format_html('<span class="small text-muted">Best time: {}</span>',
                             str(interest.get_best_time_display()).lower()))
    if interest.language != "en":
        parts.append(format_html('<br><span class="badge text-bg-info">Wrote in {}</span>',
                                 translation.get_language_info(interest.language)["name"]))
    return mark_safe("".join(parts))  # nosec B308, B703: each part escaped by format_html


def _answers(interest: Interest) -> SafeString:
    items = [(item.get("question", ""), item.get("answer", "")) for item in (interest.answers or {}).values()]
    if not items:
        return mark_safe("-")  # nosec B308, B703: constant
    return format_html_join(mark_safe("<br>"), "{} <strong>{}</strong>", items)  # nosec B308, B703: constant <br>


def _move(interest: Interest, choices, token: str, back: str) -> SafeString:
    """The move form of ``studies.forms.MoveForm`` (posted to ``team_move``, which validates it)."""
    if not choices:
        return mark_safe('<span class="small text-muted">Closed</span>')  # nosec B308, B703: constant markup
    to_id, reason_id = f"id_move_{interest.pk}_to", f"id_move_{interest.pk}_reason"
    options = format_html_join("", '<option value="{}">{}</option>', choices)
    return format_html(
        '<form method="post" action="{}" class="d-flex flex-column gap-1 move-form">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">\n'
        '  <input type="hidden" name="next" value="{}">\n'
        '  <label class="form-label small mb-0" for="{}">Mark {} as</label>\n'
        '  <select name="to" id="{}" class="form-select form-select-sm">{}</select>\n'
        '  <label class="form-label small mb-0" for="{}">Reason <span class="text-muted">(required for ineligible)</span>'
        '</label>\n'
        '  <input type="text" name="reason" id="{}" class="form-control form-control-sm" maxlength="1000">\n'
        '  <button type="submit" class="btn btn-sm btn-primary">Save</button>\n</form>',
        reverse("studies:team_move", args=[interest.pk]), token, back, to_id, interest.reference, to_id, options,
        reason_id, reason_id)


def render_rows(request, rows, now) -> SafeString:
    """The table body for ``rows`` of (interest, the moves it may make: ``studies.forms.move_choices``)."""
    if not rows:
        return mark_safe(EMPTY)  # nosec B308, B703: constant markup
    token, back = get_token(request), request.get_full_path()
    html = []
    for interest, choices in rows:
        created = timezone.localtime(interest.created_at)
        reason = format_html('<br><span class="small text-muted">{}</span>', interest.status_reason) \
            if interest.status_reason else ""
        html.append(format_html(
            '<tr id="inquiry-{}">\n'
            '      <td class="text-nowrap" data-label="Reference"><a href="{}">{}</a>'
            '<span class="visually-hidden">: notes and history</span></td>\n'
            '      <td class="text-nowrap" data-label="Received">{}<br><span class="small text-muted">{} ago</span></td>\n'
            '      <td data-label="Person" class="text-break">{}</td>\n'
            '      <td class="small" data-label="Answers">{}</td>\n'
            '      <td data-label="Status"><span class="badge text-bg-secondary">{}</span>{}</td>\n'
            '      <td data-label="Move">{}</td>\n    </tr>',
            interest.pk, reverse("studies:team_inquiry", args=[interest.pk]), interest.reference,
            date_format(created, "j M Y"), timesince(interest.created_at, now), _person(interest), _answers(interest),
            interest.get_status_display(), reason, _move(interest, choices, token, back)))
    return mark_safe("\n".join(html))  # nosec B308, B703: each row escaped by format_html
