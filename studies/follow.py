"""A person follows their inquiries in their account: the menu entries of the studies app, and
inquiries sent before the person had an account joining it once the address is confirmed."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext_lazy as _

from accounts import roles, work
from accounts.signals import email_confirmed


def _link_on_verification(sender, user, **kwargs) -> None:
    from .services import link_inquiries_to_verified_email

    link_inquiries_to_verified_email(user)


def _link_on_sign_in(sender, request, user, **kwargs) -> None:
    # Inquiries sent signed out by a person whose address is already confirmed.
    if getattr(user, "email_confirmed", False):
        _link_on_verification(sender, user)


def connect() -> None:
    work.register(_("My studies"), "studies:team_index", roles=(roles.STUDY_TEAM,), order=20)
    work.register(_("My inquiries"), "studies:my_inquiries", roles=(roles.PATIENT,), order=50)
    work.register(_("My alerts"), "studies:my_alerts", roles=(roles.PATIENT,), order=55)
    email_confirmed.connect(_link_on_verification, dispatch_uid="studies.link_inquiries_on_verification")
    user_logged_in.connect(_link_on_sign_in, dispatch_uid="studies.link_inquiries_on_sign_in")
