"""Writes of study alerts: save a finder search (signed in, or a visitor's double opt-in), confirm,
rename, change frequency, delete, one-click unsubscribe; the signed tokens of the emailed links.

The matching and the digests are in ``studies.alert_matching``.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from notifications.services import queue_email

from .alert_models import StudyAlert, StudyAlertItem
from .filters import DEFAULT_DISTANCE, StudyFinderFilter
from .models import SavedStudy
from .registry_values import PHASE_MATCHES

CONFIRM_SALT = "studies.alert.confirm"
UNSUBSCRIBE_SALT = "studies.alert.unsubscribe"
# A visitor's confirmation link works this long; an alert not confirmed by then is deleted.
CONFIRM_MAX_AGE = timedelta(days=3)
# The finder parameters an alert keeps (sort and page change the order, not the matches).
ALERT_PARAMETERS = ("q", "condition", "phase", "age", "sex", "healthy", "trc", "center", "status", "near", "distance")
NAME_MAX = StudyAlert._meta.get_field("name").max_length


def search_of(params: QueryDict) -> tuple[str, dict]:
    """(the finder address, the alert columns) of a finder search; ValidationError when it does not hold."""
    from .selectors import finder_base

    kept = QueryDict(mutable=True)
    for key in ALERT_PARAMETERS:
        if params.get(key):
            kept[key] = params.get(key)[:200]
    filterset = StudyFinderFilter(kept, queryset=finder_base())
    if not filterset.is_valid():
        raise ValidationError(gettext("This search cannot be followed: correct it in the finder first."))
    data = filterset.form.cleaned_data
    place = data.get("near")
    columns = {
        "q": (data.get("q") or "").strip(), "condition": data.get("condition") or "",
        "phases": list(PHASE_MATCHES[data["phase"]]) if data.get("phase") else [],
        "age": data.get("age"), "sex": data.get("sex") or "", "healthy": bool(data.get("healthy")),
        "trc": bool(data.get("trc")), "center": data.get("center") or "", "status": data.get("status") or "",
        "latitude": place.latitude if place else None, "longitude": place.longitude if place else None,
        "miles": float(data.get("distance") or DEFAULT_DISTANCE) if place else None,
    }
    return kept.urlencode(), columns


def default_name(described: str) -> str:
    text = described or gettext("All new studies")
    return text if len(text) <= NAME_MAX else text[:NAME_MAX - 1] + "…"


def finder_link(alert: StudyAlert) -> str:
    return f"{settings.SITE_URL}{reverse('studies:finder')}" + (f"?{alert.query}" if alert.query else "")


def _start(alert: StudyAlert) -> None:
    """The alert starts now: what already matches (or is saved) is seen, not news."""
    from .selectors import finder_base

    if alert.kind == StudyAlert.Kind.SAVED:
        studies = SavedStudy.objects.filter(user_id=alert.user_id).values_list("study_id", "study__status")
    else:
        studies = StudyFinderFilter(QueryDict(alert.query), queryset=finder_base()).qs.order_by().values_list(
            "pk", "status")
    StudyAlertItem.objects.bulk_create([StudyAlertItem(alert=alert, study_id=pk, status=status) for pk, status in studies],
                                       ignore_conflicts=True, batch_size=1000)
    alert.checked_at = timezone.now()
    alert.save(update_fields=["checked_at", "confirmed_at"])


@transaction.atomic
def create_for_user(*, user, params: QueryDict, name: str, language: str) -> StudyAlert:
    """A signed-in person follows a search: active at once (their address is their account's)."""
    query, columns = search_of(params)
    existing = StudyAlert.objects.filter(user=user, kind=StudyAlert.Kind.SEARCH, query=query).first()
    if existing:
        return existing
    alert = StudyAlert.objects.create(user=user, email=user.email, name=default_name(name), query=query,
                                      language=language, confirmed_at=timezone.now(), **columns)
    _start(alert)
    return alert


def confirm_token(alert: StudyAlert) -> str:
    return signing.dumps({"alert": alert.pk, "email": alert.email}, salt=CONFIRM_SALT, compress=True)


def unsubscribe_token(alert: StudyAlert) -> str:
    return signing.dumps({"alert": alert.pk}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_url(alert: StudyAlert) -> str:
    return f"{settings.SITE_URL}{reverse('studies:alert_unsubscribe', args=[unsubscribe_token(alert)])}"


@transaction.atomic
def subscribe_visitor(*, email: str, params: QueryDict, name: str, language: str,
                      frequency: str = StudyAlert.Frequency.WEEKLY) -> StudyAlert:
    """A visitor asks for an alert: it waits for the emailed link; nothing else is sent before.

    Asking again for the same search re-sends the link (the form is rate-limited); an address
    that already follows the search gets no second alert, and the page says the same either way.
    """
    query, columns = search_of(params)
    email = email.strip()
    alert = (StudyAlert.objects.select_for_update()
             .filter(user__isnull=True, email__iexact=email, kind=StudyAlert.Kind.SEARCH, query=query).first())
    if alert is None:
        alert = StudyAlert.objects.create(email=email, name=default_name(name), query=query, language=language,
                                          frequency=frequency, **columns)
    elif alert.is_confirmed:
        return alert
    link = f"{settings.SITE_URL}{reverse('studies:alert_confirm', args=[confirm_token(alert)])}"
    queue_email(alert.email, "study_alert_confirm", {"search": alert.name, "confirm_url": link,
                                                     "days": CONFIRM_MAX_AGE.days}, language=language)
    return alert


def _alert_from(token: str, salt: str, max_age: timedelta | None = None) -> tuple[dict, StudyAlert | None]:
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise ValidationError(gettext("This link has expired. Save the search again from the finder to get a new "
                                      "one."), code="expired") from None
    except signing.BadSignature:
        raise ValidationError(gettext("This link is not valid. Copy the whole address from the email, or save the "
                                      "search again from the finder."), code="invalid") from None
    alert = StudyAlert.objects.select_for_update().filter(pk=data.get("alert")).first() if isinstance(data, dict) else None
    return data, alert


@transaction.atomic
def confirm(token: str, *, apply: bool = True) -> StudyAlert:
    """The visitor's link: the alert becomes active (idempotent); a bad or old link is a ValidationError.
    ``apply=False`` only checks the link (the page a GET shows, whose button confirms)."""
    data, alert = _alert_from(token, CONFIRM_SALT, CONFIRM_MAX_AGE)
    if alert is None or alert.email != data.get("email"):
        raise ValidationError(gettext("This alert no longer exists. Save the search again from the finder."),
                              code="gone")
    if apply and not alert.is_confirmed:
        alert.confirmed_at = timezone.now()
        _start(alert)
    return alert


def alert_for_unsubscribe(token: str) -> StudyAlert | None:
    """The alert of an unsubscribe link (None when it is gone already); ValidationError for a bad link."""
    with transaction.atomic():
        return _alert_from(token, UNSUBSCRIBE_SALT)[1]


@transaction.atomic
def unsubscribe(token: str) -> bool:
    """One-click unsubscribe: the alert and its record are deleted; False when it was gone already."""
    _, alert = _alert_from(token, UNSUBSCRIBE_SALT)
    if alert is None:
        return False
    alert.delete()
    return True


def update(alert: StudyAlert, *, name: str, frequency: str) -> None:
    alert.name, alert.frequency = default_name(name.strip()), frequency
    alert.save(update_fields=["name", "frequency"])


def delete(alert: StudyAlert) -> None:
    alert.delete()


@transaction.atomic
def set_saved_studies_alert(*, user, on: bool, language: str) -> StudyAlert | None:
    """Email (or stop emailing) a signed-in person when one of their saved studies opens or changes status."""
    alert = StudyAlert.objects.select_for_update().filter(user=user, kind=StudyAlert.Kind.SAVED).first()
    if not on:
        if alert:
            alert.delete()
        return None
    if alert is None:
        alert = StudyAlert.objects.create(user=user, email=user.email, kind=StudyAlert.Kind.SAVED,
                                          name=gettext("My saved studies"), language=language,
                                          confirmed_at=timezone.now())
        _start(alert)
    return alert


def study_saved(*, user, study) -> None:
    """A study joins a person's saved list: their saved-studies alert knows its status from now."""
    alerts = StudyAlert.objects.filter(user=user, kind=StudyAlert.Kind.SAVED).values_list("pk", flat=True)
    StudyAlertItem.objects.bulk_create([StudyAlertItem(alert_id=pk, study=study, status=study.status) for pk in alerts],
                                       ignore_conflicts=True)


def expire_unconfirmed(now=None) -> int:
    """Delete the visitors' alerts whose confirmation link has expired unused."""
    now = now or timezone.now()
    deleted, _ = StudyAlert.objects.filter(confirmed_at__isnull=True, created_at__lt=now - CONFIRM_MAX_AGE).delete()
    return deleted
