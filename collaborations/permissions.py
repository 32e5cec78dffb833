from accounts import roles

ROLE_PERMISSIONS = {
    roles.DCR_STAFF: [
        "collaborations.view_inquiry", "collaborations.change_inquiry",
        "collaborations.view_inquirynote", "collaborations.add_inquirynote",
        "collaborations.view_inquirystatuschange",
        "collaborations.view_affiliate", "collaborations.add_affiliate", "collaborations.change_affiliate",
    ],
}
