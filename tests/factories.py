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
