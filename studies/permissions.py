"""Admin permissions of the roles that work with studies (object limits live in studies.admin)."""

from accounts import roles


_STUDY_TEAM = [
    # Their own studies only (StudyAdmin.get_queryset): keep the plain-language page and questions current.
    "studies.view_study", "studies.change_study",
    "studies.view_condition",
    "studies.view_prescreenquestion", "studies.add_prescreenquestion", "studies.change_prescreenquestion",
    "studies.delete_prescreenquestion",
    # The interest list of their studies; moves go through the admin actions.
    "studies.view_interest", "studies.change_interest", "studies.view_intereststatuschange",
    # TRC beds for their studies.
    "studies.view_bed", "studies.view_bedbooking", "studies.add_bedbooking", "studies.change_bedbooking",
]

_DCR_STAFF = [
    # Curate the trial finder: every study, conditions and study teams. No access to inquiries.
    "studies.view_study", "studies.add_study", "studies.change_study",
    "studies.view_condition", "studies.add_condition", "studies.change_condition",
    "studies.view_prescreenquestion", "studies.add_prescreenquestion", "studies.change_prescreenquestion",
    "studies.delete_prescreenquestion",
    # Run the TRC bed board.
    "studies.view_bed", "studies.change_bed", "studies.view_bedbooking", "studies.add_bedbooking",
    "studies.change_bedbooking",
]

ROLE_PERMISSIONS = {roles.STUDY_TEAM: _STUDY_TEAM, roles.DCR_STAFF: _DCR_STAFF}
