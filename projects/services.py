"""Writes: creating a project, keeping its team, and answering requests to join it.

``decide_access`` is the one place an access request changes status (table ``MOVES``): it
locks the row, checks the move, adds the member on a grant and queues the email, in one
transaction. Emails say there is news and link to the page; they carry no note.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import roles
from accounts.models import User
from notifications.services import queue_email

from . import selectors
from .models import MOVES, AccessRequest, AccessStatus, Member, Project, Rights, Role

PROJECT_FIELDS = ("title", "irb_number", "funding_type", "funding_source", "sponsor", "start_date", "end_date")


def _require(user, project: Project, needed: str) -> None:
    if not selectors.may(user, project.pk, needed):
        raise PermissionDenied(f"You need “{Rights(needed).label.lower()}” rights on {project} for this.")


def _check_dates(start: datetime.date | None, end: datetime.date | None) -> None:
    if start and end and end < start:
        raise ValidationError({"end_date": "The end date cannot be before the start date."})


def _researcher(email: str, field: str) -> User:
    person = User.objects.filter(email__iexact=(email or "").strip(), is_active=True).first()
    if person is None or not roles.has_role(person, roles.RESEARCHER):
        raise ValidationError({field: "No researcher has an account with this email. Ask them to sign up "
                                      "as a researcher first, then add them."})
    return person


@transaction.atomic
def create_project(*, by, title: str, pi_email: str = "", irb_number: str = "", funding_type: str,
                   funding_source: str = "", sponsor: str = "", start_date=None, end_date=None) -> Project:
    """A new project; its creator joins the team with edit rights (as PI unless they name another)."""
    _check_dates(start_date, end_date)
    pi = by if not pi_email.strip() or pi_email.strip().lower() == by.email.lower() else _researcher(
        pi_email, "pi_email")
    project = Project.objects.create(
        title=title.strip(), pi=pi, irb_number=irb_number.strip(), funding_type=funding_type,
        funding_source=funding_source.strip(), sponsor=sponsor.strip(), start_date=start_date, end_date=end_date,
        created_by=by)
    Member.objects.create(project=project, user=pi, role=Role.PI, rights=Rights.EDIT, added_by=by)
    if pi.pk != by.pk:
        Member.objects.create(project=project, user=by, role=Role.COORDINATOR, rights=Rights.EDIT, added_by=by)
        _tell(pi, "project_added", project, f"added:{project.pk}:{pi.pk}")
    return project


@transaction.atomic
def update_project(project: Project, *, by, **fields) -> Project:
    _require(by, project, Rights.EDIT)
    unknown = set(fields) - set(PROJECT_FIELDS)
    if unknown:
        raise TypeError(f"not a project field: {sorted(unknown)}")
    _check_dates(fields.get("start_date", project.start_date), fields.get("end_date", project.end_date))
    for name, value in fields.items():
        setattr(project, name, value.strip() if isinstance(value, str) else value)
    project.save()
    return project


def _tell(person, template: str, project: Project, key: str) -> None:
    queue_email(person.email, template, {"first_name": person.get_short_name(), "title": project.title,
                                         "path": project.get_absolute_url()}, idempotency_key=f"{template}:{key}")


@transaction.atomic
def add_member(project: Project, *, by, email: str, role: str, rights: str) -> Member:
    _require(by, project, Rights.EDIT)
    person = _researcher(email, "email")
    if role == Role.PI:
        raise ValidationError({"role": "The project has its principal investigator; choose another role."})
    if project.members.filter(user=person).exists():
        raise ValidationError({"email": f"{person} is already on the team; change their rights in the list."})
    member = Member.objects.create(project=project, user=person, role=role, rights=rights, added_by=by)
    _tell(person, "project_added", project, f"added:{project.pk}:{person.pk}")
    return member


@transaction.atomic
def change_member(member: Member, *, by, role: str, rights: str) -> Member:
    _require(by, member.project, Rights.EDIT)
    if member.role == Role.PI and (role != Role.PI or rights != Rights.EDIT):
        raise ValidationError("The principal investigator keeps the PI role and edit rights.")
    if role == Role.PI and member.role != Role.PI:
        raise ValidationError({"role": "The project has its principal investigator; choose another role."})
    member.role, member.rights = role, rights
    member.save(update_fields=["role", "rights"])
    return member


@transaction.atomic
def remove_member(member: Member, *, by) -> None:
    _require(by, member.project, Rights.EDIT)
    if member.role == Role.PI:
        raise ValidationError("The principal investigator cannot be removed from the project.")
    member.delete()


# --- joining a team -----------------------------------------------------------------------

@transaction.atomic
def ask_access(project: Project, *, user, role: str, rights: str, note: str) -> AccessRequest:
    """Ask the project's editors to let ``user`` join; they are told by email (never the note)."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "Tell the team who you are and why you need access."})
    if project.members.filter(user=user).exists():
        raise ValidationError("You are already on this project's team.")
    if role == Role.PI:
        raise ValidationError({"role": "The project has its principal investigator; choose another role."})
    try:
        with transaction.atomic():
            access = AccessRequest.objects.create(project=project, user=user, role=role, rights=rights, note=note)
    except IntegrityError:
        raise ValidationError("You have already asked to join this project; the team will answer.") from None
    for editor in selectors.editors(project.pk):
        queue_email(editor.email, "project_access_asked",
                    {"first_name": editor.get_short_name(), "title": project.title,
                     "path": project.get_absolute_url() + "#access"},
                    idempotency_key=f"project_access_asked:{access.pk}:{editor.pk}")
    return access


@transaction.atomic
def decide_access(access: AccessRequest, to_status: str, *, by, rights: str | None = None) -> AccessRequest:
    """Grant, refuse or (by the asker) withdraw a request to join; a grant adds the member."""
    current = AccessRequest.objects.select_for_update().select_related("project", "user").get(pk=access.pk)
    if to_status == AccessStatus.WITHDRAWN:
        if by.pk != current.user_id:
            raise PermissionDenied("Only the person who asked can withdraw the request.")
    else:
        _require(by, current.project, Rights.EDIT)
    MOVES.check(current.status, to_status,
                refusal=f"This request to join was already {MOVES.label(current.status)}.")
    current.status, current.decided_by, current.decided_at = to_status, by, timezone.now()
    current.save(update_fields=["status", "decided_by", "decided_at"])
    if to_status == AccessStatus.GRANTED:
        Member.objects.get_or_create(project=current.project, user=current.user,
                                     defaults={"role": current.role, "rights": rights or current.rights,
                                               "added_by": by})
    if to_status != AccessStatus.WITHDRAWN:
        queue_email(current.user.email, "project_access_answered",
                    {"first_name": current.user.get_short_name(), "title": current.project.title,
                     "answer": current.get_status_display().lower(), "path": "/projects/"},
                    idempotency_key=f"project_access_answered:{current.pk}")
    access.status = current.status
    return current
