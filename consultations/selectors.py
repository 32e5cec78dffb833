"""Reads: who may see which request, and the lists and pages built from them."""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet

from accounts import roles
from accounts.models import User
from centers.models import StaffMembership
from projects import selectors as project_selectors

from .models import Attachment, ConsultationRequest, Draft, LineItem, Message, RoutedLine, StatusChange

STAFF_VIEW_PERMISSION = "consultations.view_consultationrequest"
REFERENCE_PATTERN = re.compile(r"DCR-\d{4}-\d{5,}")


def is_triage_staff(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_staff
                and user.has_perm(STAFF_VIEW_PERMISSION))


def staff_visible(user, queryset: QuerySet[ConsultationRequest] | None = None) -> QuerySet[ConsultationRequest]:
    """Requests a staff member may see and work on.

    Superusers see all. DCR staff see their centres' requests, the unassigned ones (the shared
    triage pool, where a request sent to the wrong centre is re-routed) and those assigned to
    them; everyone else sees none.
    """
    queryset = ConsultationRequest.objects.all() if queryset is None else queryset
    if getattr(user, "is_superuser", False) and user.is_active:
        return queryset
    if not is_triage_staff(user):
        return queryset.none()
    my_centers = StaffMembership.objects.filter(user=user).values("center_id")
    # A request of another centre with a service routed here: read from the few lines kept routed
    # (RoutedLine), where every line of the person's centres took a hashed pass over 20,000 lines.
    a_line_here = RoutedLine.objects.filter(center_id__in=my_centers, lines__gt=0).values("request_id")
    return queryset.filter(Q(center_id__in=my_centers) | Q(assignee__isnull=True) | Q(assignee=user)
                           | Q(pk__in=a_line_here))


MAX_SEARCH_WORDS = 5
MAX_REQUESTER_IDS = 500


def search_requests(queryset: QuerySet[ConsultationRequest], text: str) -> QuerySet[ConsultationRequest]:
    """Requests matching every word of ``text`` in the reference, the title or the requester's name or email.

    A whole reference (DCR-2026-00042) finds that request alone. Title and reference are matched
    through their trigram indexes; requesters are looked up first, so that the request table is
    searched through indexes only, without a join per row.
    """
    text = text.strip()
    if not text:
        return queryset
    if REFERENCE_PATTERN.fullmatch(text.upper()):
        return queryset.filter(reference=text.upper())
    for word in text.split()[:MAX_SEARCH_WORDS]:
        people = User.objects.filter(Q(full_name__icontains=word) | Q(email__icontains=word)).values_list(
            "pk", flat=True)
        ids = list(people[:MAX_REQUESTER_IDS + 1])
        requester = Q(requester_id__in=ids) if len(ids) <= MAX_REQUESTER_IDS else Q(requester__in=people)
        matches = Q(title__icontains=word) | requester
        if any(character.isdigit() for character in word):  # part of a reference, such as "00042"
            matches |= Q(reference__icontains=word)
        queryset = queryset.filter(matches)
    return queryset


def staff_can_see(user, consultation: ConsultationRequest) -> bool:
    """The rule of ``staff_visible`` for one request already in hand (no query after the first)."""
    if user.is_superuser:
        return True
    if not is_triage_staff(user):
        return False
    if not hasattr(user, "_consultation_center_ids"):
        user._consultation_center_ids = frozenset(
            StaffMembership.objects.filter(user=user).values_list("center_id", flat=True))
    if (consultation.assignee_id is None or consultation.assignee_id == user.pk
            or consultation.center_id in user._consultation_center_ids):
        return True
    return consultation.lines.filter(center_id__in=user._consultation_center_ids).exists()


def researcher_visible(user) -> QuerySet[ConsultationRequest]:
    """Requests a researcher may read: their own, and those filed on a project whose team they are on."""
    if not getattr(user, "is_authenticated", False):
        return ConsultationRequest.objects.none()
    # project_id = ANY(ARRAY(...)): both halves of the OR read an index (see common.lookups).
    return ConsultationRequest.objects.filter(Q(requester=user)
                                              | Q(project_id__in_array=project_selectors.project_ids(user)))


def requests_of(user) -> QuerySet[ConsultationRequest]:
    """A researcher's requests and their teams' (see ``researcher_visible``), newest first, with what the list shows."""
    return researcher_visible(user).select_related("service", "center", "assignee", "project")


def may_write(user, consultation: ConsultationRequest) -> bool:
    """The requester, or a member of the request's project with request rights, may write and follow up."""
    return consultation.requester_id == user.pk or project_selectors.may(
        user, consultation.project_id, project_selectors.Rights.REQUEST)


def lines_of(consultation: ConsultationRequest) -> QuerySet[LineItem]:
    return consultation.lines.select_related("service", "center", "assignee").order_by("position")


def status_history(consultation: ConsultationRequest) -> QuerySet[StatusChange]:
    return consultation.status_changes.select_related("changed_by")


def researcher_thread(consultation: ConsultationRequest) -> QuerySet[Message]:
    """The messages a researcher sees: never the staff's internal notes."""
    return consultation.messages.filter(internal=False).select_related("author")


def downloadable_attachment(user, attachment_id: int) -> Attachment | None:
    """The attachment, if ``user`` may see its request (the requester, or staff who see the request)."""
    if not getattr(user, "is_authenticated", False):
        return None
    attachments = Attachment.objects.filter(pk=attachment_id)
    own = attachments.filter(request__in=researcher_visible(user).values("pk"))
    visible = attachments.filter(request__in=staff_visible(user).values("pk"))
    return (own | visible).first()


def _center_staff_ids(*center_ids: int) -> QuerySet[User]:
    return (User.objects.filter(memberships__center_id__in=center_ids, is_active=True, is_staff=True)
            .filter(Q(groups__name=roles.DCR_STAFF) | Q(is_superuser=True))
            .values("pk"))


def center_staff(center_id: int) -> QuerySet[User]:
    """Active DCR staff of a centre: who may be assigned its requests and who hears about them."""
    return User.objects.filter(pk__in=_center_staff_ids(center_id)).order_by("full_name", "email")


def common_center_staff(center_ids) -> QuerySet[User]:
    """Staff who work for every one of ``center_ids`` (choices when assigning several requests)."""
    center_ids = set(center_ids)
    if not center_ids:
        return User.objects.none()
    people = User.objects.all()
    for center_id in center_ids:
        people = people.filter(pk__in=_center_staff_ids(center_id))
    return people.order_by("full_name", "email")


def request_center_ids(consultation: ConsultationRequest) -> set[int]:
    """The request's centre and the centres its services are routed to."""
    return {consultation.center_id, *consultation.lines.values_list("center_id", flat=True)}


def assignable_staff(consultation: ConsultationRequest) -> QuerySet[User]:
    """Who may be given the whole request: active DCR staff of its centre or of one of its services' centres."""
    return User.objects.filter(pk__in=_center_staff_ids(*request_center_ids(consultation))).order_by(
        "full_name", "email")


def may_be_assigned(user, consultation: ConsultationRequest) -> bool:
    return _center_staff_ids(*request_center_ids(consultation)).filter(pk=user.pk).exists()


def is_center_staff(user, center_id: int) -> bool:
    return _center_staff_ids(center_id).filter(pk=user.pk).exists()


def may_work_on(user, center_id: int) -> bool:
    """The one rule of who may triage, be assigned and log hours on a centre's work: its active DCR staff.

    Superusers may triage anything; they are assigned only where they are on the staff. Other
    staff may see a request of the shared pool (to send it to the right centre) without working on it.
    """
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    return is_center_staff(user, center_id)


def may_work_on_request(user, consultation: ConsultationRequest) -> bool:
    """``may_work_on`` for a whole request: staff of its centre or of one of its services' centres."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    answers = consultation.__dict__.setdefault("_may_work_on", {})  # asked several times per admin page
    if user.pk not in answers:
        answers[user.pk] = may_be_assigned(user, consultation)
    return answers[user.pk]


def why_not(user, consultation: ConsultationRequest) -> str:
    """What to say when ``user`` may not work on the request (empty when they may)."""
    if may_work_on_request(user, consultation):
        return ""
    return (f"You are not on the staff of {consultation.center}, so you cannot triage, take or log hours on "
            f"{consultation.reference}. If it was sent to the wrong centre, change its centre on the request's page; "
            f"otherwise leave it to {consultation.center}'s staff, or ask an administrator to add you to it.")


def no_one_to_assign(consultation: ConsultationRequest) -> str:
    """What to say when nobody may be given the request (empty when someone may)."""
    if assignable_staff(consultation).exists():
        return ""
    return (f"Nobody can be assigned yet: {consultation.center} has no active DCR staff member. Add one under "
            "Centres › Staff memberships (they need the “DCR staff” role and staff status), or change the "
            "request's centre to the one that will do the work.")


def drafts_of(user) -> QuerySet[Draft]:
    return Draft.objects.filter(requester=user)
