"""Reads: which projects a person may see, with which rights, and what waits for an answer."""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery

from .models import AccessRequest, AccessStatus, Member, Project, Rights, rights_at_least

__all__ = ["Rights"]  # re-exported: callers name rights without importing the models


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def projects_of(user, needed: str = Rights.VIEW) -> QuerySet[Project]:
    """Projects on whose team ``user`` is with at least ``needed`` rights; ``my_rights`` annotated."""
    if not _signed_in(user):
        return Project.objects.none()
    mine = Member.objects.filter(project=OuterRef("pk"), user=user)
    return (Project.objects.filter(members__user=user, members__rights__in=rights_at_least(needed))
            .annotate(my_rights=Subquery(mine.values("rights")[:1]), my_role=Subquery(mine.values("role")[:1]))
            .select_related("pi"))


def project_ids(user, needed: str = Rights.VIEW) -> QuerySet:
    """The ids of ``projects_of`` as a subquery (for records that follow their project)."""
    if not _signed_in(user):
        return Member.objects.none().values("project_id")
    return member_project_ids(user.pk, needed)


def member_project_ids(user_id: int, needed: str = Rights.VIEW) -> QuerySet:
    """``project_ids`` of a signed-in person, by id."""
    return Member.objects.filter(user_id=user_id, rights__in=rights_at_least(needed)).values("project_id")


def visible_project(user, pk: int, needed: str = Rights.VIEW) -> Project | None:
    """The project if ``user`` is on its team with ``needed`` rights (anyone else: None, a 404)."""
    return projects_of(user, needed).filter(pk=pk).first()


def may(user, project_id: int | None, needed: str) -> bool:
    if project_id is None or not _signed_in(user):
        return False
    return Member.objects.filter(project_id=project_id, user=user, rights__in=rights_at_least(needed)).exists()


def team(project: Project) -> QuerySet[Member]:
    return project.members.select_related("user").order_by("-rights", "user__full_name", "id")


def pending_access(project: Project) -> QuerySet[AccessRequest]:
    return project.access_requests.filter(status=AccessStatus.PENDING).select_related("user")


def editors(project_id: int):
    """Members who may grant access: they hear about new access requests."""
    from accounts.models import User

    return User.objects.filter(project_memberships__project_id=project_id,
                               project_memberships__rights=Rights.EDIT, is_active=True).order_by("pk")


def find_by_irb(irb_number: str) -> QuerySet[Project]:
    """Projects with this IRB number (exact, case-insensitive): how an outsider finds one to join."""
    irb_number = (irb_number or "").strip()
    if not irb_number:
        return Project.objects.none()
    return Project.objects.filter(irb_number__iexact=irb_number).select_related("pi").order_by("title")


def my_access_requests(user) -> QuerySet[AccessRequest]:
    if not _signed_in(user):
        return AccessRequest.objects.none()
    return AccessRequest.objects.filter(user=user).select_related("project", "project__pi")


def open_access_request(user, project: Project) -> AccessRequest | None:
    return AccessRequest.objects.filter(user=user, project=project, status=AccessStatus.PENDING).first()


def editable_access_request(user, pk: int) -> AccessRequest | None:
    """A pending access request of a project ``user`` edits (anyone else's: None)."""
    return (AccessRequest.objects.filter(pk=pk, status=AccessStatus.PENDING,
                                         project__in=project_ids(user, Rights.EDIT))
            .select_related("project", "user").first())


def member_matching(project: Project, member_id: int) -> Member | None:
    return project.members.select_related("user").filter(pk=member_id).first()

