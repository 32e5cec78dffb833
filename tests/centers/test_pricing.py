"""The priced catalogue: rates by funding type from a date on, and what the service page shows."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from centers import pricing
from centers.models import FundingType, ServiceRate
from tests.factories import ServiceFactory

JAN = datetime.date(2026, 1, 1)
JUL = datetime.date(2026, 7, 1)


@pytest.fixture
def budgeting(db):
    service = ServiceFactory(name="Study budgeting", slug="study-budgeting", unit="hour", turnaround_days=15,
                             deliverables="A budget by visit and arm\n- A coverage analysis",
                             preparation="The schedule of events")
    ServiceRate.objects.create(service=service, funding_type=FundingType.FEDERAL, amount="95.00", effective_from=JAN)
    ServiceRate.objects.create(service=service, funding_type=FundingType.FEDERAL, amount="105.00", effective_from=JUL)
    ServiceRate.objects.create(service=service, funding_type=FundingType.INDUSTRY, amount="150.00", effective_from=JAN)
    return service


def test_the_rate_in_force_is_the_latest_that_started_on_or_before_the_day(budgeting):
    assert pricing.unit_price(budgeting, FundingType.FEDERAL, datetime.date(2025, 12, 31)) is None
    assert pricing.unit_price(budgeting, FundingType.FEDERAL, JAN) == Decimal("95.00")
    assert pricing.unit_price(budgeting, FundingType.FEDERAL, datetime.date(2026, 6, 30)) == Decimal("95.00")
    assert pricing.unit_price(budgeting, FundingType.FEDERAL, JUL) == Decimal("105.00")
    assert pricing.unit_price(budgeting, FundingType.OTHER, JUL) is None


def test_a_free_service_costs_nothing_and_takes_no_rate(db):
    free = ServiceFactory(name="Faculty consultation", free_of_charge=True)
    assert pricing.unit_price(free, FundingType.INDUSTRY) == Decimal("0")
    with pytest.raises(ValidationError, match="free of charge"):
        ServiceRate(service=free, funding_type=FundingType.FEDERAL, amount="10", effective_from=JAN).full_clean()


def test_two_rates_of_one_type_cannot_start_the_same_day(budgeting):
    with pytest.raises(IntegrityError):
        ServiceRate.objects.create(service=budgeting, funding_type=FundingType.FEDERAL, amount="1",
                                   effective_from=JAN)


def test_the_price_list_shows_each_funding_type_with_the_next_change(budgeting):
    rows = {row.funding_type: row for row in pricing.price_list(budgeting, datetime.date(2026, 3, 1))}
    assert rows["federal"].amount == Decimal("95.00") and rows["federal"].next_amount == Decimal("105.00")
    assert rows["federal"].next_from == JUL
    assert rows["industry"].amount == Decimal("150.00") and rows["industry"].next_from is None
    assert rows["other"].amount is None


def test_the_service_page_shows_unit_prices_deliverables_turnaround_and_preparation(client, budgeting):
    next_year = timezone.localdate().replace(month=1, day=1) + datetime.timedelta(days=366)
    ServiceRate.objects.filter(effective_from=JUL).update(effective_from=next_year, amount="1234.50")
    ServiceRate.objects.filter(effective_from=JAN).update(effective_from=timezone.localdate())
    html = client.get(budgeting.get_absolute_url()).content.decode()
    assert "Price per hour" in html
    assert "$95.00" in html and f"$1,234.50 from {next_year:%-d %b %Y}" in html and "$150.00" in html
    assert "Agreed with the team" in html  # no rate for "other" funding
    assert "<li>A budget by visit and arm</li>" in html and "<li>A coverage analysis</li>" in html
    assert "<li>The schedule of events</li>" in html
    assert "About 15 working days" in html


def test_the_free_consultation_page_says_free_and_lists_no_prices(client, db):
    free = ServiceFactory(name="Faculty consultation", free_of_charge=True, typical_hours_min=6,
                          typical_hours_max=8)
    html = client.get(free.get_absolute_url()).content.decode()
    assert "Free of charge" in html and "up to 6-8 hours of faculty time" in html
    assert "Price per" not in html


def test_the_service_page_reads_its_rates_in_a_fixed_number_of_queries(client, budgeting,
                                                                       django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        assert client.get(budgeting.get_absolute_url()).status_code == 200


def test_a_long_contact_address_wraps_at_its_at_sign_and_dots(client, db):
    service = ServiceFactory(center__contact_email="center-for-health-informatics-and-ehr-re@dcr.example.org")
    html = client.get(service.get_absolute_url()).content.decode()
    assert "center-for-health-informatics-and-ehr-re@<wbr>dcr.<wbr>example.<wbr>org" in html
    assert 'class="mb-0 contact-address"' in html


def test_staff_edit_rates_on_the_service_admin_page(client, superuser, budgeting):
    client.force_login(superuser)
    html = client.get(f"/admin/centers/service/{budgeting.pk}/change/").content.decode()
    assert "Effort and price" in html and "rates-0-amount" in html and "What to prepare" in html
