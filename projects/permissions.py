ROLE_PERMISSIONS = {
    "DCR staff": ["projects.view_project", "projects.view_member", "projects.view_accessrequest"],
}
