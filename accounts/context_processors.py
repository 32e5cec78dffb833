from . import roles as role_names_module
from . import work


def roles(request):
    """Expose the signed-in person's roles to templates (menus show what a role can use)."""
    user = getattr(request, "user", None)
    names = role_names_module.role_names(user) if user is not None else frozenset()
    superuser = bool(user and user.is_authenticated and user.is_superuser)
    return {
        "user_roles": sorted(names),
        "is_patient": superuser or role_names_module.PATIENT in names,
        "is_researcher": superuser or role_names_module.RESEARCHER in names,
        "is_collaborator": superuser or role_names_module.COLLABORATOR in names,
        "is_staff_member": bool(user and user.is_authenticated and user.is_staff),
        "my_work": work.menu_links(user),
    }
