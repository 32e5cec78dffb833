"""factory-boy factories for the foundation models. App-specific factories live beside their tests."""

from __future__ import annotations

import factory
from django.contrib.auth.models import Group

from accounts.models import User
from centers.models import Center, Service, StaffMembership

TEST_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name")
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            for name in extracted:
                self.groups.add(Group.objects.get_or_create(name=name)[0])


class CenterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Center
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Test Center {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))
    kind = Center.Kind.CENTER
    mission = factory.LazyAttribute(lambda o: f"The {o.name} supports clinical research.")
    contact_email = factory.LazyAttribute(lambda o: f"{o.slug}@dcr.example.org")


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    name = factory.Sequence(lambda n: f"Service {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))
    summary = "Help with a part of your study."
    description = "What the service does, in detail."
    center = factory.SubFactory(CenterFactory)


class StaffMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMembership

    user = factory.SubFactory(UserFactory)
    center = factory.SubFactory(CenterFactory)


# --- Two-step sign-in ----------------------------------------------------------------------

def app_device(user):
    """The person's confirmed authenticator-app device (made if missing)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.second_step import APP_DEVICE_NAME

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=True)


def code_for(device, offset: int = 0) -> str:
    """The code the person's app shows now (``offset`` steps of 30 s away)."""
    from django_otp.oath import totp

    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def verify_session(client, user) -> None:
    """Mark the client's session as past the second step (as typing the app's code does)."""
    from django.conf import settings
    from django_otp import DEVICE_ID_SESSION_KEY

    session = client.session
    session[DEVICE_ID_SESSION_KEY] = app_device(user).persistent_id
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key


def password_only_login(client, user, backend: str = "accounts.backends.CachedPermissionsBackend") -> None:
    """Sign in with the password step alone (tests of what the second step guards)."""
    _force_login_without_second_step(client, user, backend=backend)


def _force_login_without_second_step(client, user, backend=None):
    from django.test import Client

    return Client._force_login_of_django(client, user, backend=backend)


def force_login_both_steps(client, user, backend=None):
    """``Client.force_login`` in the tests: a person who must use two-step sign-in is signed in
    as after both steps (their app device is made if missing), like a real sign-in."""
    _force_login_without_second_step(client, user, backend=backend)
    from accounts.second_step import must_use

    if must_use(user):
        verify_session(client, user)
