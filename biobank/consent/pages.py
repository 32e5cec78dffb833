"""The staff desk's consent page of a participant: every statement with its answer; record an
answer, or withdraw one statement."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from ..models import ConsentAnswer, ConsentUse, Participant
from . import services
from .forms import AnswerForm, WithdrawStatementForm


def _errors_onto(form, error: ValidationError) -> None:
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def consent(model_admin, request, pk: int):
    if not request.user.has_perm("biobank.change_participant"):
        raise PermissionDenied
    participant = get_object_or_404(Participant, pk=pk)
    action = request.POST.get("action") if request.method == "POST" else None
    answer_form = AnswerForm(request.POST if action == "answer" else None, prefix="answer")
    withdraw_form = WithdrawStatementForm(request.POST if action == "withdraw" else None, prefix="withdraw")
    try:
        if action == "answer" and answer_form.is_valid():
            services.record_answer(participant, by=request.user, **answer_form.cleaned_data)
            messages.success(request, "The answer was recorded.")
            return redirect(request.path)
        if action == "withdraw" and withdraw_form.is_valid():
            data = withdraw_form.cleaned_data
            affected = services.withdraw_statement(participant, code=data["code"], when=data["withdrawn_on"],
                                                   reason=data["reason"], by=request.user)
            messages.success(request, "The statement was withdrawn; the others stand."
                             + (f" Requests affected: {', '.join(affected)}." if affected else ""))
            return redirect(request.path)
    except ValidationError as error:
        _errors_onto(answer_form if action == "answer" else withdraw_form, error)
    answers = {a.code: a for a in participant.consent_answers.all()}
    rows = [{"code": code, "label": label, "answer": answers.get(code)} for code, label in ConsentUse.choices]
    return TemplateResponse(request, "admin/biobank/participant/consent.html", {
        **model_admin.admin_site.each_context(request), "opts": model_admin.model._meta,
        "title": f"Consent of {participant.biobank_id}", "original": participant, "rows": rows,
        "not_asked": ConsentAnswer.NOT_ASKED.label, "answer_form": answer_form, "withdraw_form": withdraw_form,
        "change_url": reverse("admin:biobank_participant_change", args=[participant.pk])})
