"""Querysets compiled once per process (common.compiled): the values of each call are the ones used."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from accounts.models import User
from common.compiled import CompiledQuery
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_each_call_runs_with_its_own_values():
    ada, bob = UserFactory(full_name="Ada Lovelace"), UserFactory(full_name="Bob Builder")
    names = CompiledQuery(lambda pk: User.objects.filter(pk=pk, is_active=True).values_list("full_name"), arguments=1)
    assert names.first_value(ada.pk) == "Ada Lovelace"
    assert names.first_value(bob.pk) == "Bob Builder"  # the same SQL, the second person's id
    bob.is_active = False
    bob.save()
    assert names.first_value(bob.pk) is None


def test_a_queryset_that_drops_an_argument_is_refused():
    ignores_it = CompiledQuery(lambda pk: User.objects.filter(is_active=True).values_list("pk"), arguments=1)
    with pytest.raises(ImproperlyConfigured, match="each argument must appear once"):
        ignores_it.rows(1)


def test_the_wrong_number_of_values_is_refused():
    names = CompiledQuery(lambda pk: User.objects.filter(pk=pk).values_list("full_name"), arguments=1)
    with pytest.raises(TypeError):
        names.rows(1, 2)
