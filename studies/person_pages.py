"""The pages of one signed-in person in the studies app, kept rendered until what they show changes
(``common.page_cache.person_page``): a patient's "My inquiries", a study team's list of studies,
the bed board's week, and one study's inquiries. That last one shows contact details: it is kept
sealed (encrypted in the cache), and every view of it, served from the cache or not, is written to
the audit trail."""

from accounts.backends import forget_on_change
from common.page_cache import PageCache

MY_INQUIRIES = PageCache("studies:my-inquiries", timeout=300)
TEAM_STUDIES = PageCache("studies:team-studies", timeout=300)
BED_WEEK = PageCache("studies:bed-week", timeout=300)
TEAM_STUDY = PageCache("studies:team-study", timeout=300, sealed=True)
# A study's change page at the staff desk (``common.admin_tools.KeptChangePage``).
STUDY_CHANGE = PageCache("studies:study-change", timeout=300)


def connect() -> None:
    from centers.models import Center, StaffMembership

    from .models import Bed, BedBooking, Condition, Interest, Location, PrescreenQuestion, RegistryRecord, SpanishText, Study

    forget_on_change(MY_INQUIRIES, (Interest, Study), "studies.my-inquiries")
    # The funnel counts come from the inquiries; who is on a team decides which studies are listed.
    forget_on_change(TEAM_STUDIES, (Study, Interest, Center, StaffMembership), "studies.team-studies",
                     many_to_many=(Study.team.through,))
    forget_on_change(TEAM_STUDY, (Study, Interest, Center, StaffMembership), "studies.team-study",
                     many_to_many=(Study.team.through,))
    forget_on_change(STUDY_CHANGE, (Study, Condition, PrescreenQuestion, Location, RegistryRecord, SpanishText, Center,
                                    StaffMembership), "studies.study-change",
                     many_to_many=(Study.team.through, Study.conditions.through))
    forget_on_change(BED_WEEK, (Bed, BedBooking, Study, StaffMembership), "studies.bed-week",
                     many_to_many=(Study.team.through,))
