"""Staff desk pages of centres, services and memberships."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts import roles
from centers.models import Center, Service
from tests.factories import CenterFactory, ServiceFactory, StaffMembershipFactory, UserFactory


@pytest.fixture
def dcr_staff(db):
    return UserFactory(roles=[roles.DCR_STAFF], is_staff=True)


@pytest.fixture
def busy_division(db):
    for number in range(30):
        center = CenterFactory(name=f"Admin Center {number:02d}")
        ServiceFactory(center=center, name=f"Admin service {number}")
        StaffMembershipFactory(center=center)
    return Center.objects.first()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["center", "service", "staffmembership"])
def test_changelists_and_add_pages_load_for_a_superuser(client, superuser, busy_division, name,
                                                         django_assert_max_num_queries):
    client.force_login(superuser)
    with django_assert_max_num_queries(12):
        response = client.get(reverse(f"admin:centers_{name}_changelist"))
    assert response.status_code == 200
    assert client.get(reverse(f"admin:centers_{name}_add")).status_code == 200


@pytest.mark.django_db
def test_a_centre_change_page_shows_its_services_and_staff(client, superuser, busy_division):
    client.force_login(superuser)
    response = client.get(reverse("admin:centers_center_change", args=[busy_division.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Admin service 0" in html
    assert "search_vector" not in html  # computed by the database, never typed


@pytest.mark.django_db
def test_search_and_filters_work(client, superuser, busy_division):
    client.force_login(superuser)
    response = client.get(reverse("admin:centers_center_changelist"), {"q": "Center 07", "kind__exact": "center"})
    assert response.status_code == 200
    assert "Admin Center 07" in response.content.decode()
    assert "Admin Center 08" not in response.content.decode()


@pytest.mark.django_db
def test_a_superuser_can_add_a_centre(client, superuser):
    client.force_login(superuser)
    response = client.post(reverse("admin:centers_center_add"), {
        "name": "Center for New Ideas", "slug": "center-for-new-ideas", "kind": "center",
        "mission": "Tries new ideas.", "description": "", "contact_email": "ideas@dcr.example.org",
        "phone": "", "location": "", "active": "on",
        "services-TOTAL_FORMS": "0", "services-INITIAL_FORMS": "0",
        "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302, response.context["adminform"].form.errors
    center = Center.objects.get(slug="center-for-new-ideas")
    # The search vector is kept by the database on every write.
    assert "idea" in str(Center.objects.values_list("search_vector", flat=True).get(pk=center.pk))


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["center", "service", "staffmembership"])
def test_dcr_staff_can_view_but_not_change(client, dcr_staff, busy_division, name):
    client.force_login(dcr_staff)
    assert client.get(reverse(f"admin:centers_{name}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:centers_{name}_add")).status_code == 403


@pytest.mark.django_db
def test_dcr_staff_see_a_centre_read_only(client, dcr_staff, busy_division):
    client.force_login(dcr_staff)
    url = reverse("admin:centers_center_change", args=[busy_division.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()
    assert client.post(url, {"name": "Renamed"}).status_code == 403
    busy_division.refresh_from_db()
    assert busy_division.name != "Renamed"


@pytest.mark.django_db
def test_other_staff_roles_get_no_centre_admin(client, biobank_staff):
    client.force_login(biobank_staff)
    assert client.get(reverse("admin:centers_center_changelist")).status_code == 403


@pytest.mark.django_db
def test_people_without_staff_status_are_sent_to_the_admin_sign_in(client, researcher):
    client.force_login(researcher)
    response = client.get(reverse("admin:centers_center_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_service_changelist_reads_each_centre_with_its_service(client, superuser, busy_division,
                                                               django_assert_max_num_queries):
    client.force_login(superuser)
    url = reverse("admin:centers_service_changelist")
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.content.decode().count("Admin Center") >= 30
    assert Service.objects.count() == 30


@pytest.mark.django_db
def test_a_service_added_with_its_centre_needs_a_description(client, superuser):
    client.force_login(superuser)
    data = {
        "name": "Center for Services", "slug": "center-for-services", "kind": "center",
        "mission": "Offers services.", "description": "", "contact_email": "services@dcr.example.org",
        "phone": "", "location": "", "active": "on",
        "services-TOTAL_FORMS": "1", "services-INITIAL_FORMS": "0",
        "services-0-name": "Trial design", "services-0-slug": "trial-design", "services-0-summary": "Design help.",
        "services-0-description": "", "services-0-active": "on",
        "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:centers_center_add"), data)
    assert response.status_code == 200
    assert not Service.objects.filter(slug="trial-design").exists()
    data["services-0-description"] = "How we help you design a trial."
    assert client.post(reverse("admin:centers_center_add"), data).status_code == 302
    assert Service.objects.get(slug="trial-design").center.slug == "center-for-services"
