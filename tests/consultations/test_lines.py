"""Several services in one request: lines priced on the day, routed to their centres, moved on their own."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from centers.models import FundingType, ServiceRate
from common.workflow import InvalidTransition
from consultations import lines, services
from consultations.lines import derived_status
from consultations.models import ConsultationRequest, LineItem, Status, StatusChange
from consultations.quotes import Wanted
from notifications.models import OutboxEmail
from tests.factories import ServiceFactory

URL = reverse("consultations:new")
S = Status


@pytest.fixture
def priced(center_b):
    """A priced service of centre B (recruitment, per patient visit)."""
    service = ServiceFactory(name="Subject recruitment", center=center_b, unit="patient_visit")
    ServiceRate.objects.create(service=service, funding_type=FundingType.FEDERAL, amount="65.00",
                               effective_from=timezone.localdate() - datetime.timedelta(days=30))
    ServiceRate.objects.create(service=service, funding_type=FundingType.INDUSTRY, amount="120.00",
                               effective_from=timezone.localdate() - datetime.timedelta(days=30))
    return service


def form(service, **more):
    data = {"service": service.pk, "quantity": "", "center": "", "title": "Walking programme pilot",
            "summary": "We want to test a walking programme in 40 adults and need a sample size.",
            "study_stage": "protocol", "funding_status": "unfunded", "sponsor": "", "deadline": "",
            "more-TOTAL_FORMS": "3", "more-INITIAL_FORMS": "0", "more-MIN_NUM_FORMS": "0", "more-MAX_NUM_FORMS": "9"}
    data.update(more)
    return data


def filed(researcher, service, priced, **kwargs):
    return services.submit_request(requester=researcher, service=service, title="Pilot", summary="A pilot study.",
                                   study_stage="protocol", funding_status="unfunded",
                                   more=[Wanted(priced, Decimal("40"))], **kwargs)


def test_a_request_of_several_services_prices_and_routes_each(client, researcher, service, priced, staff_a, staff_b):
    client.force_login(researcher)
    response = client.post(URL, form(service, quantity="4", **{"more-0-service": priced.pk,
                                                               "more-0-quantity": "40"}))
    consultation = ConsultationRequest.objects.get()
    assert response.status_code == 302
    first, second = consultation.lines.order_by("position")
    assert (first.service, first.center, first.quantity, first.unit_price) == (service, service.center, 4, None)
    assert (second.center, second.unit, second.unit_price, second.estimate) == (
        priced.center, "patient_visit", Decimal("65.00"), Decimal("2600.00"))
    told = set(OutboxEmail.objects.filter(template="consultation_new_request").values_list("recipient", flat=True))
    assert told == {staff_a.email, staff_b.email}
    html = client.get(consultation.get_absolute_url()).content.decode()
    assert "40 patient visits" in html and "$65.00" in html and "$2,600.00" in html and "To be agreed" in html
    assert f"Waiting for {priced.center.name} to look at it" in html


def test_the_rate_follows_the_funding_and_the_project(researcher, service, priced):
    industry = services.submit_request(requester=researcher, service=priced, title="T", summary="A pilot study.",
                                       study_stage="protocol", funding_status="industry", sponsor="Acme")
    assert industry.lines.get().unit_price == Decimal("120.00")


def test_a_new_rate_never_changes_an_estimate_already_given(researcher, service, priced):
    consultation = filed(researcher, service, priced)
    ServiceRate.objects.create(service=priced, funding_type=FundingType.FEDERAL, amount="99.00",
                               effective_from=timezone.localdate())
    ServiceRate.objects.filter(amount="65.00").update(amount="70.00")  # even an edited old rate
    line = consultation.lines.get(position=2)
    assert line.unit_price == Decimal("65.00") and line.estimate == Decimal("2600.00")


def test_bad_rows_name_the_row_and_nothing_is_saved(client, researcher, service, priced):
    client.force_login(researcher)
    response = client.post(URL, form(service, **{"more-0-service": service.pk, "more-1-quantity": "3",
                                                 "more-2-service": priced.pk, "more-2-quantity": "-1"}))
    assert response.status_code == 200 and not ConsultationRequest.objects.exists()
    rows = response.context["more"].forms
    assert "Service 2: " in rows[0].errors["service"][0] and "already in the request" in rows[0].errors["service"][0]
    assert rows[1].errors["service"] == ["Choose the service this quantity is for, or clear the quantity."]
    assert rows[2].errors["quantity"] == ["Enter a quantity of at least 0.25."]
    assert "Check the other services" in response.content.decode()


@pytest.mark.parametrize("statuses, expected", [
    ([S.SUBMITTED, S.SUBMITTED], S.SUBMITTED),
    ([S.TRIAGED, S.SUBMITTED], S.TRIAGED),
    ([S.ASSIGNED, S.ON_HOLD], S.ASSIGNED),
    ([S.ON_HOLD, S.ON_HOLD], S.ON_HOLD),
    ([S.COMPLETED, S.SUBMITTED], S.IN_PROGRESS),
    ([S.COMPLETED, S.DECLINED], S.COMPLETED),
    ([S.DECLINED, S.WITHDRAWN], S.DECLINED),
    ([S.WITHDRAWN, S.WITHDRAWN], S.WITHDRAWN),
])
def test_the_request_status_follows_from_its_lines(statuses, expected):
    assert derived_status(statuses) == expected


def test_each_line_is_moved_by_staff_of_its_centre_and_the_request_follows(researcher, service, priced, staff_a,
                                                                          staff_b):
    consultation = filed(researcher, service, priced)
    mine, theirs = consultation.lines.order_by("position")
    with pytest.raises(InvalidTransition, match="only staff of"):
        lines.change_line_status(theirs, S.TRIAGED, by=staff_a)
    lines.change_line_status(theirs, S.TRIAGED, by=staff_b)
    consultation.refresh_from_db()
    assert consultation.status == S.TRIAGED
    with pytest.raises(InvalidTransition, match="not on the staff of"):
        lines.change_line_status(theirs, S.ASSIGNED, by=staff_b, assignee=staff_a)
    lines.change_line_status(theirs, S.ASSIGNED, by=staff_b, assignee=staff_b)
    lines.change_line_status(theirs, S.IN_PROGRESS, by=staff_b)
    consultation.refresh_from_db()
    assert (consultation.status, consultation.assignee) == (S.IN_PROGRESS, staff_b)
    lines.change_line_status(mine, S.DECLINED, by=staff_a, note="Not our field.")
    lines.change_line_status(theirs, S.COMPLETED, by=staff_b)
    consultation.refresh_from_db()
    assert consultation.status == S.COMPLETED
    line_rows = StatusChange.objects.filter(request=consultation, line__isnull=False).count()
    assert line_rows == 5
    assert [c.to_status for c in StatusChange.objects.filter(request=consultation, line__isnull=True)] == [
        S.SUBMITTED, S.TRIAGED, S.ASSIGNED, S.IN_PROGRESS, S.COMPLETED]


def test_a_line_move_the_table_refuses_says_what_it_can_become(researcher, service, priced, staff_b):
    theirs = filed(researcher, service, priced).lines.get(position=2)
    with pytest.raises(InvalidTransition, match="It can become: triaged, on hold, declined, withdrawn"):
        lines.change_line_status(theirs, S.COMPLETED, by=staff_b)


def test_moving_the_whole_request_moves_its_one_line(researcher, service, staff_a):
    consultation = services.submit_request(requester=researcher, service=service, title="T", summary="A pilot.",
                                           study_stage="protocol", funding_status="unfunded")
    services.assign(consultation, staff_a, by=staff_a)
    line = consultation.lines.get()
    assert (line.status, line.assignee) == (S.ASSIGNED, staff_a)


def test_staff_of_the_second_centre_see_and_move_their_line_in_the_desk(client, researcher, service, priced,
                                                                       staff_a, staff_b):
    consultation = filed(researcher, service, priced)
    services.assign(consultation, staff_a, by=staff_a)  # the request now belongs to centre A's consultant
    theirs = consultation.lines.get(position=2)
    client.force_login(staff_b)
    changelist = client.get(reverse("admin:consultations_consultationrequest_changelist")).content.decode()
    assert consultation.reference in changelist and "Subject recruitment" in changelist
    url = reverse("admin:consultations_consultationrequest_line", args=[consultation.pk, theirs.pk])
    response = client.post(url, {"to_status": "assigned", "assignee": staff_b.pk, "note": ""})
    assert response.status_code == 302
    theirs.refresh_from_db()
    assert (theirs.status, theirs.assignee) == (S.ASSIGNED, staff_b)
    mine = consultation.lines.get(position=1)
    page = client.get(reverse("admin:consultations_consultationrequest_line", args=[consultation.pk, mine.pk]))
    assert "Only staff of" in page.content.decode()


def test_the_line_page_asks_for_what_is_missing(client, researcher, service, priced, staff_b):
    theirs = filed(researcher, service, priced).lines.get(position=2)
    client.force_login(staff_b)
    url = reverse("admin:consultations_consultationrequest_line", args=[theirs.request_id, theirs.pk])
    response = client.post(url, {"to_status": "declined", "note": ""})
    assert response.context["form"].errors["note"] == ["Give the researcher a reason for declining."]
    theirs.refresh_from_db()
    assert theirs.status == S.SUBMITTED


def test_the_triage_list_keeps_its_query_budget_with_several_services(client, researcher, service, priced, staff_a,
                                                                      django_assert_max_num_queries):
    for _ in range(15):
        filed(researcher, service, priced)
    client.force_login(staff_a)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("admin:consultations_consultationrequest_changelist"))
    assert len(response.context["cl"].result_list) == 15
    assert response.content.decode().count("Subject recruitment · ") == 15


def test_the_request_page_reads_its_lines_in_a_fixed_number_of_queries(client, researcher, service, priced,
                                                                       django_assert_max_num_queries):
    consultation = filed(researcher, service, priced)
    LineItem.objects.bulk_create([LineItem(request=consultation, position=n, service=priced, center=priced.center,
                                           quantity=1, unit="sample", funding_type="federal", priced_on="2026-01-01")
                                  for n in range(3, 12)])
    client.force_login(researcher)
    with django_assert_max_num_queries(14):
        assert client.get(consultation.get_absolute_url()).status_code == 200
