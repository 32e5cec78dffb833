"""The triage list's bulk actions: every move goes through the request's one status function."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import timezone

from .. import selectors, services
from ..forms import AssignForm, DeclineForm
from ..models import Status
from .export import csv_response

MAX_ERRORS_SHOWN = 10


class WorkflowActionsMixin:
    """Assign, triage, start, hold, complete, decline and export the selected requests."""

    @admin.action(description="Export the selected requests as CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        return csv_response(queryset, f"consultation-requests-{timezone.localdate():%Y-%m-%d}.csv")

    def _apply(self, request, queryset, done: str, move) -> None:
        """Run ``move`` on each request; report what moved and, one by one, what could not."""
        moved, refused = 0, []
        for consultation in queryset.select_related("center").order_by("submitted_at"):
            reason = selectors.why_not(request.user, consultation)
            if reason:
                refused.append(reason)
                continue
            try:
                move(consultation)
            except ValidationError as error:
                refused.append(" ".join(error.messages))
            else:
                moved += 1
        if moved:
            self.message_user(request, f"{moved} request{'s' if moved != 1 else ''} {done}.", messages.SUCCESS)
        for text in refused[:MAX_ERRORS_SHOWN]:
            self.message_user(request, text, messages.ERROR)
        if len(refused) > MAX_ERRORS_SHOWN:
            self.message_user(request, f"{len(refused) - MAX_ERRORS_SHOWN} more could not be changed.",
                              messages.ERROR)

    def _move(self, request, queryset, to_status, done, note=""):
        self._apply(request, queryset, done,
                    lambda c: services.change_status(c, to_status, by=request.user, note=note))

    @admin.action(description="Assign to me", permissions=["change"])
    def assign_to_me(self, request, queryset):
        self._apply(request, queryset, "assigned to you",
                    lambda c: services.assign(c, request.user, by=request.user))

    @admin.action(description="Assign to…", permissions=["change"])
    def assign_to(self, request, queryset):
        center_ids = set(queryset.values_list("center_id", flat=True).distinct())
        staff = selectors.common_center_staff(center_ids)
        form = AssignForm(request.POST if "apply" in request.POST else None, staff=staff)
        if "apply" in request.POST and form.is_valid():
            assignee, note = form.cleaned_data["assignee"], form.cleaned_data["note"]
            self._apply(request, queryset, f"assigned to {assignee}",
                        lambda c: services.assign(c, assignee, by=request.user, note=note))
            return None
        if not staff.exists():
            return self._bulk_page(request, queryset, "assign_to", None, "Assign requests",
                                   "Nobody is on the staff of every selected request's centre. "
                                   "Select requests of one centre.", "Assign")
        return self._bulk_page(request, queryset, "assign_to", form, "Assign requests",
                               "Choose the consultant. Only people on the staff of every selected request's centre "
                               "are listed.", "Assign")

    @admin.action(description="Triage (accept for work)", permissions=["change"])
    def triage(self, request, queryset):
        self._move(request, queryset, Status.TRIAGED, "triaged")

    @admin.action(description="Start work (in progress)", permissions=["change"])
    def start_work(self, request, queryset):
        self._move(request, queryset, Status.IN_PROGRESS, "in progress")

    @admin.action(description="Put on hold", permissions=["change"])
    def put_on_hold(self, request, queryset):
        self._move(request, queryset, Status.ON_HOLD, "put on hold")

    @admin.action(description="Complete", permissions=["change"])
    def complete(self, request, queryset):
        self._move(request, queryset, Status.COMPLETED, "completed")

    @admin.action(description="Decline with a reason…", permissions=["change"])
    def decline(self, request, queryset):
        form = DeclineForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            self._move(request, queryset, Status.DECLINED, "declined", note=form.cleaned_data["reason"])
            return None
        return self._bulk_page(request, queryset, "decline", form, "Decline requests",
                               "The researcher is told the request was declined and reads your reason when they "
                               "sign in.", "Decline")

    def _bulk_page(self, request, queryset, action, form, title, intro, submit_label):
        preview = list(queryset.select_related("center")[:20])
        count = queryset.count()
        context = {
            **self.admin_site.each_context(request), "opts": self.opts, "title": title, "intro": intro,
            "form": form, "action": action, "submit_label": submit_label, "preview": preview,
            "more": max(count - len(preview), 0),
            "selected_ids": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across") == "1",
        }
        return render(request, "admin/consultations/consultationrequest/bulk_action.html", context)
