"""Every changelist and one change page of every model in the staff desk, on the demo data.

Loads the synthetic demo data once for the module (rolled back at the end), then opens each
admin page as a superuser: it must answer 200 within a query budget that does not depend on
how many rows the page shows.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from tests.factories import UserFactory

CHANGELIST_BUDGET = 15
CHANGE_PAGE_BUDGET = 30


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("load_demo", "--quiet-logins", stdout=open("/dev/null", "w"))
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def registered_models():
    return sorted(admin.site._registry, key=lambda model: model._meta.label)


@pytest.mark.parametrize("model", registered_models(), ids=lambda m: m._meta.label)
def test_changelist_loads_within_budget(demo_data, db, client, model, django_assert_max_num_queries):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    with django_assert_max_num_queries(CHANGELIST_BUDGET):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("model", registered_models(), ids=lambda m: m._meta.label)
def test_a_change_page_loads(demo_data, db, client, model, django_assert_max_num_queries):
    obj = model._default_manager.order_by("pk").first()
    if obj is None:
        pytest.skip(f"the demo data has no {model._meta.verbose_name}")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk])
    with django_assert_max_num_queries(CHANGE_PAGE_BUDGET):
        response = client.get(url)
    assert response.status_code in (200, 302), url
