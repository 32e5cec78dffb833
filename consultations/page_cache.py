"""A researcher's "My requests" page, kept rendered per person until a request, draft, service,
centre, project or team they could show changes (``common.page_cache.person_page``)."""

from accounts.backends import forget_on_change
from common.page_cache import PageCache

MINE = PageCache("consultations:mine", timeout=300)


def connect() -> None:
    from centers.models import Center, Service
    from projects.models import Member, Project

    from .models import ConsultationRequest, Draft, TimeEntry

    # TimeEntry: hours used are written by an UPDATE, which sends no signal of the request's own.
    forget_on_change(MINE, (ConsultationRequest, Draft, TimeEntry, Service, Center, Project, Member),
                     "consultations.mine")
