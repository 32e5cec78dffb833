"""Where a researcher finds the way in: the researchers' page, every service page, My account."""

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_researchers_page_offers_a_consultation_to_researchers_only(client, researcher, patient):
    client.force_login(researcher)
    html = client.get(reverse("for_researchers")).content.decode()
    assert f'href="{reverse("consultations:new")}">Request a consultation' in html
    assert reverse("consultations:mine") in html
    client.force_login(patient)
    assert reverse("consultations:new") not in client.get(reverse("for_researchers")).content.decode()


@pytest.mark.django_db
def test_service_page_links_to_a_form_with_the_service_chosen(client, service):
    html = client.get(service.get_absolute_url()).content.decode()
    assert f'href="{reverse("consultations:new")}?service={service.slug}">Request this service' in html


@pytest.mark.django_db
def test_my_account_links_to_my_requests(client, researcher):
    client.force_login(researcher)
    html = client.get(reverse("accounts:my_account")).content.decode()
    assert f'href="{reverse("consultations:mine")}">My consultation requests' in html
