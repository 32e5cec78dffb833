"""The pages of one signed-in person in the studies app, kept rendered until what they show changes
(``common.page_cache.person_page``): a patient's "My inquiries", a study team's list of studies
and the bed board's week. Not the page of one study's inquiries: every view of those contact
details is written to the audit trail as it happens."""

from accounts.backends import forget_on_change
from common.page_cache import PageCache

MY_INQUIRIES = PageCache("studies:my-inquiries", timeout=300)
TEAM_STUDIES = PageCache("studies:team-studies", timeout=300)
BED_WEEK = PageCache("studies:bed-week", timeout=300)


def connect() -> None:
    from centers.models import Center, StaffMembership

    from .models import Bed, BedBooking, Interest, Study

    forget_on_change(MY_INQUIRIES, (Interest, Study), "studies.my-inquiries")
    # The funnel counts come from the inquiries; who is on a team decides which studies are listed.
    forget_on_change(TEAM_STUDIES, (Study, Interest, Center, StaffMembership), "studies.team-studies",
                     many_to_many=(Study.team.through,))
    forget_on_change(BED_WEEK, (Bed, BedBooking, Study, StaffMembership), "studies.bed-week",
                     many_to_many=(Study.team.through,))
