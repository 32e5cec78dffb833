"""The request admin's own pages: change the status, assign, export the filtered list."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from .. import lines, selectors, services
from ..forms import AssignForm, ChangeStatusForm, LineMoveForm
from ..models import Status
from .export import csv_response


class RequestPagesMixin:
    """Pages of one request (status, assignment) and the CSV of the filtered list."""

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        own = [
            path("export/", self.admin_site.admin_view(self.export_view), name="%s_%s_export" % info),
            path("<path:object_id>/status/", self.admin_site.admin_view(self.change_status_view),
                 name="%s_%s_status" % info),
            path("<path:object_id>/assign/", self.admin_site.admin_view(self.assign_view),
                 name="%s_%s_assign" % info),
            path("<path:object_id>/lines/<int:line_id>/", self.admin_site.admin_view(self.line_view),
                 name="%s_%s_line" % info),
        ]
        return own + super().get_urls()

    def _editable_object(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_change_permission(request, obj):
            return None
        return obj

    def _may_work(self, request, obj) -> bool:
        return selectors.may_work_on_request(request.user, obj)

    def _object_page(self, request, obj, form, title, submit_label):
        refusal = selectors.why_not(request.user, obj) or selectors.no_one_to_assign(obj)
        context = {
            **self.admin_site.each_context(request), "opts": self.opts, "original": obj, "refusal": refusal,
            "form": None if obj.is_closed or selectors.why_not(request.user, obj) else form,
            "title": title, "submit_label": submit_label,
            "change_url": reverse("admin:consultations_consultationrequest_change", args=[obj.pk]),
        }
        return TemplateResponse(request, "admin/consultations/consultationrequest/object_form.html", context)

    def change_status_view(self, request, object_id):
        obj = self._editable_object(request, object_id)
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        form = ChangeStatusForm(request.POST or None, consultation=obj, staff=selectors.assignable_staff(obj))
        if request.method == "POST" and not obj.is_closed and self._may_work(request, obj) and form.is_valid():
            data = form.cleaned_data
            try:
                if data["to_status"] == Status.ASSIGNED:
                    services.assign(obj, data["assignee"], by=request.user, note=data["note"])
                else:
                    services.change_status(obj, data["to_status"], by=request.user, note=data["note"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(request, f"{obj.reference} is now {obj.get_status_display().lower()}.",
                                  messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:consultations_consultationrequest_change", args=[obj.pk]))
        return self._object_page(request, obj, form, f"Change the status of {obj.reference}", "Change status")

    def assign_view(self, request, object_id):
        obj = self._editable_object(request, object_id)
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        form = AssignForm(request.POST or None, staff=selectors.assignable_staff(obj),
                          initial={"assignee": obj.assignee_id})
        if request.method == "POST" and not obj.is_closed and self._may_work(request, obj) and form.is_valid():
            try:
                services.assign(obj, form.cleaned_data["assignee"], by=request.user, note=form.cleaned_data["note"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(request, f"{obj.reference} is assigned to {obj.assignee}.", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:consultations_consultationrequest_change", args=[obj.pk]))
        return self._object_page(request, obj, form, f"Assign {obj.reference}", "Assign")

    def line_view(self, request, object_id, line_id: int):
        """One service of the request, triaged, assigned and moved on its own by staff of its centre."""
        obj = self._editable_object(request, object_id)
        line = obj and selectors.lines_of(obj).filter(pk=line_id).first()
        if line is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        form = LineMoveForm(request.POST or None, line=line, staff=selectors.center_staff(line.center_id))
        may_move = selectors.may_work_on(request.user, line.center_id)
        if request.method == "POST" and may_move and not line.is_closed and form.is_valid():
            data = form.cleaned_data
            try:
                lines.change_line_status(line, data["to_status"], by=request.user, note=data["note"],
                                         assignee=data["assignee"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(request, f"{line} is now {line.get_status_display().lower()}.", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:consultations_consultationrequest_change", args=[obj.pk]))
        context = {
            **self.admin_site.each_context(request), "opts": self.opts, "original": obj, "line": line,
            "form": form if may_move and not line.is_closed else None, "may_move": may_move,
            "title": f"{line.service.name} in {obj.reference}", "submit_label": "Move this service",
            "change_url": reverse("admin:consultations_consultationrequest_change", args=[obj.pk]),
        }
        return TemplateResponse(request, "admin/consultations/consultationrequest/line_form.html", context)

    def export_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        changelist = self.get_changelist_instance(request)
        queryset = changelist.get_queryset(request)
        return csv_response(queryset, f"consultation-requests-{timezone.localdate():%Y-%m-%d}.csv")
