"""Single sign-on with the hospital's identity provider (OpenID Connect, mozilla-django-oidc).

Off unless ``DCR_OIDC_CLIENT_ID`` is set (see dcr_portal/settings/sso.py): then the sign-in page
offers "Sign in with your hospital account". Hospital staff and researchers use it; patients
and outside collaborators keep their local accounts (email and password).

A person is matched by email address (a local account with the same address is the same
person); a new one gets an account without a password. Where ``DCR_OIDC_ROLE_GROUPS`` maps
provider groups to portal roles, those roles follow the provider's ``groups`` claim at every
sign-in (given and taken away); roles outside the mapping are left as the DCR office set them.
Nobody becomes a superuser through the provider. The portal's own second step still applies to
people who see protected data (accounts.second_step).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.http import Http404
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from . import roles


def enabled() -> bool:
    return bool(getattr(settings, "OIDC_ENABLED", False))


def role_groups() -> dict[str, str]:
    """{provider group: portal role} from the settings (empty: roles are not taken from the provider)."""
    return dict(getattr(settings, "OIDC_ROLE_GROUPS", {}))


class HospitalSSOBackend(OIDCAuthenticationBackend):
    """Signs in with the provider's code flow only; permissions come from CachedPermissionsBackend."""

    def __init__(self, *args, **kwargs):
        self.UserModel = get_user_model()  # get_user serves sessions begun here, SSO on or off
        if enabled():  # the parent reads (and insists on) the provider's settings
            super().__init__(*args, **kwargs)

    def authenticate(self, request, **kwargs):
        if not enabled() or "password" in kwargs or "username" in kwargs:
            return None
        return super().authenticate(request, **kwargs)

    # Permissions are answered by accounts.backends.CachedPermissionsBackend (cached per person);
    # ModelBackend's would read them from the database again on every check.
    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        return set()

    def get_all_permissions(self, user_obj, obj=None):
        return set()

    def has_perm(self, user_obj, perm, obj=None):
        return False

    def has_module_perms(self, user_obj, app_label):
        return False

    def filter_users_by_claims(self, claims):
        email = (claims.get("email") or "").strip()
        return self.UserModel.objects.filter(email__iexact=email) if email else self.UserModel.objects.none()

    def verify_claims(self, claims):
        # An address the provider says it has not verified cannot name a portal account.
        return bool(claims.get("email")) and claims.get("email_verified", True) is not False

    @transaction.atomic
    def create_user(self, claims):
        user = self.UserModel.objects.create_user(
            email=claims["email"], password=None, full_name=_full_name(claims),
            organisation=getattr(settings, "OIDC_ORGANISATION", ""))
        _apply_roles(user, claims)
        return user

    @transaction.atomic
    def update_user(self, user, claims):
        if not user.is_active:
            return None  # the DCR office disabled the account: the provider does not reopen it
        if not user.full_name and _full_name(claims):
            user.full_name = _full_name(claims)
            user.save(update_fields=["full_name"])
        _apply_roles(user, claims)
        return user


def _full_name(claims) -> str:
    name = claims.get("name") or " ".join(filter(None, (claims.get("given_name"), claims.get("family_name"))))
    return str(name)[:150]


def _apply_roles(user, claims) -> None:
    mapping = role_groups()
    if not mapping:
        return
    claimed = claims.get(getattr(settings, "OIDC_GROUPS_CLAIM", "groups")) or []
    if isinstance(claimed, str):
        claimed = [claimed]
    wanted = {mapping[group] for group in claimed if group in mapping}
    managed = set(mapping.values())
    current = set(user.groups.filter(name__in=managed).values_list("name", flat=True))
    if current - wanted:
        user.groups.remove(*Group.objects.filter(name__in=current - wanted))
    for role in wanted - current:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    is_staff = user.is_superuser or bool(
        set(user.groups.values_list("name", flat=True)) & set(roles.STAFF_ROLES))
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])
    if hasattr(user, "_role_names"):
        del user._role_names


class _OnlyWhenEnabled:
    def dispatch(self, request, *args, **kwargs):
        if not enabled():
            raise Http404("Single sign-on is not set up on this portal.")
        return super().dispatch(request, *args, **kwargs)


class StartView(_OnlyWhenEnabled, OIDCAuthenticationRequestView):
    """Off to the provider (with state, nonce and PKCE)."""

    def __init__(self, *args, **kwargs):
        if enabled():
            super().__init__(*args, **kwargs)


class CallbackView(_OnlyWhenEnabled, OIDCAuthenticationCallbackView):
    """Back from the provider: the code is exchanged and checked, then the person is signed in."""
