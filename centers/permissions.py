from accounts import roles

ROLE_PERMISSIONS = {
    roles.DCR_STAFF: ["centers.view_center", "centers.view_service", "centers.view_staffmembership"],
}
