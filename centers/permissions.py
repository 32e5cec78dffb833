ROLE_PERMISSIONS = {
    "DCR staff": ["centers.view_center", "centers.view_service", "centers.view_staffmembership"],
}
