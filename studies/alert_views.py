"""Pages of study alerts: save a finder search, confirm a visitor's alert, one-click unsubscribe,
and a person's "My alerts" (rename, frequency, delete; the saved-studies alert)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from common.ratelimit import per_person

from . import alerts, ratelimit, selectors
from .alert_forms import AlertSettingsForm, VisitorAlertForm
from .alert_models import StudyAlert


def _search(request) -> tuple[QueryDict, object]:
    """The finder search being saved (the address's query, or the form's hidden copy) and its finder."""
    text = request.POST.get("search", "") if request.method == "POST" else request.GET.urlencode()
    params = QueryDict(text[:600])
    return params, selectors.finder(params)


def _described(result) -> str:
    return ", ".join(f"{label}: {value}" for label, value, _ in result.active)


@require_http_methods(["GET", "POST"])
@per_person("alert-person", limit=20)
def alert_new(request):
    """"Email me new studies like these": one click when signed in, an address and a link to confirm otherwise."""
    params, result = _search(request)
    form = VisitorAlertForm(initial={"search": result.query_string})
    problem, status = "", 200
    if result.filterset.errors:
        problem, status = gettext("This search cannot be followed yet: correct it in the finder first."), 400
    elif request.method == "POST" and request.user.is_authenticated:
        alerts.create_for_user(user=request.user, params=params, name=_described(result), language=get_language())
        messages.success(request, gettext("Saved. We will email you new studies like these (at most once a week; "
                                          "you can change that here)."))
        return redirect("studies:my_alerts")
    elif request.method == "POST":
        form = VisitorAlertForm(request.POST)
        if form.is_valid():
            email = form.cleaned_data["email"]
            if ratelimit.take_alert(email=email, ip=ratelimit.client_ip(request)):
                alerts.subscribe_visitor(email=email, params=params, name=_described(result), language=get_language(),
                                         frequency=form.cleaned_data["frequency"])
                return redirect("studies:alert_sent")
            problem = gettext("We have received several requests from this address in the last hour. Please try "
                              "again in an hour.")
            status = 429
        else:
            problem, status = gettext("Please correct the answer marked below."), 400
    return render(request, "studies/alert_new.html", {"finder": result, "form": form, "problem": problem,
                                                      "described": _described(result)}, status=status)


def alert_sent(request):
    return render(request, "studies/alert_sent.html")


def _token_problem(request, error: ValidationError, template: str):
    return render(request, template, {"problem": " ".join(error.messages)}, status=400)


@require_http_methods(["GET", "POST"])
def alert_confirm(request, token: str):
    """The emailed link: a page whose button turns the alert on (mail scanners that open links confirm nothing)."""
    try:
        alert = alerts.confirm(token, apply=request.method == "POST")
    except ValidationError as error:
        return _token_problem(request, error, "studies/alert_confirm.html")
    return render(request, "studies/alert_confirm.html", {"alert": alert, "confirmed": alert.is_confirmed,
                                                          "finder_query": alert.query})


@csrf_exempt  # RFC 8058 one-click: the mail client POSTs without a session; the signed token authenticates
@require_http_methods(["GET", "POST"])
def alert_unsubscribe(request, token: str):
    try:
        if request.method == "POST":
            alerts.unsubscribe(token)
            return render(request, "studies/alert_unsubscribe.html", {"done": True})
        alert = alerts.alert_for_unsubscribe(token)
    except ValidationError as error:
        return _token_problem(request, error, "studies/alert_unsubscribe.html")
    return render(request, "studies/alert_unsubscribe.html", {"alert": alert, "gone": alert is None})


@login_required
def my_alerts(request):
    alert_list = list(StudyAlert.objects.filter(user=request.user).order_by("kind", "-created_at", "-pk"))
    searches = [(alert, AlertSettingsForm(initial={"name": alert.name, "frequency": alert.frequency},
                                          auto_id=f"id_alert{alert.pk}_%s"))
                for alert in alert_list if alert.kind == StudyAlert.Kind.SEARCH]
    saved = next((alert for alert in alert_list if alert.kind == StudyAlert.Kind.SAVED), None)
    return render(request, "studies/my_alerts.html", {"searches": searches, "saved_alert": saved})


@login_required
@require_POST
def alert_edit(request, pk: int):
    alert = get_object_or_404(StudyAlert, pk=pk, user=request.user)
    form = AlertSettingsForm(request.POST)
    if form.is_valid():
        alerts.update(alert, name=form.cleaned_data["name"], frequency=form.cleaned_data["frequency"])
        messages.success(request, gettext("Alert saved."))
    else:
        messages.error(request, " ".join(" ".join(errors) for errors in form.errors.values()))
    return redirect("studies:my_alerts")


@login_required
@require_POST
def alert_delete(request, pk: int):
    alerts.delete(get_object_or_404(StudyAlert, pk=pk, user=request.user))
    messages.success(request, gettext("Alert deleted. We will not email you about it again."))
    return redirect("studies:my_alerts")


@login_required
@require_POST
@per_person("alert-person", limit=20)
def alert_saved_studies(request):
    on = request.POST.get("action") == "on"
    alerts.set_saved_studies_alert(user=request.user, on=on, language=get_language())
    messages.success(request, gettext("We will email you when one of your saved studies opens or changes status.")
                     if on else gettext("We will not email you about your saved studies any more."))
    return redirect("studies:my_alerts")
