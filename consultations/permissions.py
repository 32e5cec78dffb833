"""What DCR staff may do with consultations in the admin; which requests they see is in selectors."""

from accounts import roles

ROLE_PERMISSIONS = {
    roles.DCR_STAFF: [
        "consultations.view_consultationrequest",
        "consultations.change_consultationrequest",
        "consultations.add_message",
        "consultations.view_message",
        "consultations.add_timeentry",
        "consultations.view_timeentry",
        "consultations.view_statuschange",
        "consultations.view_attachment",
    ],
}
