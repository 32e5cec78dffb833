"""Each person's own work: in the main menu for the roles that have it, and where signing in lands."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts import roles
from tests.factories import TEST_PASSWORD, UserFactory

LOGIN = reverse("accounts:login")
pytestmark = pytest.mark.django_db


def menu(client) -> list[str]:
    """The labels of the person's own pages in the main navigation of the home page."""
    html = client.get("/").content.decode()
    nav = html[html.index('aria-label="Main navigation"'):html.index("</nav>")]
    links = re.findall(r'<a class="(?:nav-link|dropdown-item)" href="([^"]+)"[^>]*>([^<]+)</a>', nav)
    mine = {"/studies/my-inquiries/", "/consultations/mine/", "/biobank/requests/", "/collaborators/mine/",
            "/studies/team/"}
    return [label for href, label in links if href in mine]


@pytest.mark.parametrize("role, expected", [
    (roles.PATIENT, ["My inquiries"]),
    (roles.RESEARCHER, ["My requests", "My biobank requests"]),
    (roles.COLLABORATOR, ["My partnership inquiries"]),
    (roles.STUDY_TEAM, ["My studies"]),
    (roles.DCR_STAFF, []),
])
def test_the_menu_lists_the_pages_of_the_persons_roles(client, role, expected):
    client.force_login(UserFactory(roles=[role]))
    assert menu(client) == expected


def test_a_person_with_two_roles_gets_both_in_a_my_work_menu(client):
    client.force_login(UserFactory(roles=[roles.PATIENT, roles.RESEARCHER]))
    assert menu(client) == ["My requests", "My biobank requests", "My inquiries"]
    assert ">My work</button>" in client.get("/").content.decode()


def test_nobody_signed_out_gets_a_my_work_menu(client):
    assert menu(client) == []


@pytest.mark.parametrize("role, landing", [
    (roles.STUDY_TEAM, "/studies/team/"),
    (roles.BIOBANK_STAFF, "/admin/"),
])
def test_roles_that_first_set_up_the_second_step_land_on_their_work_after_it(role, landing):
    from accounts import work

    assert work.landing_url(UserFactory(roles=[role], is_staff=True)) == landing


@pytest.mark.parametrize("role, landing", [
    (roles.PATIENT, "/studies/my-inquiries/"),
    (roles.RESEARCHER, "/consultations/mine/"),
    (roles.COLLABORATOR, "/collaborators/mine/"),
    (roles.DCR_STAFF, "/admin/"),
])
def test_signing_in_lands_on_the_persons_work(client, role, landing):
    person = UserFactory(roles=[role], is_staff=role in roles.STAFF_ROLES)
    response = client.post(LOGIN, {"username": person.email, "password": TEST_PASSWORD})
    assert response.status_code == 302 and response["Location"] == landing
    assert client.get(LOGIN)["Location"] == landing  # signed in already: the sign-in page sends them there too


def test_a_superuser_lands_on_the_staff_desk(client):
    person = UserFactory(is_staff=True, is_superuser=True)
    assert client.post(LOGIN, {"username": person.email, "password": TEST_PASSWORD})["Location"] == "/admin/"


def test_a_safe_next_still_wins_and_an_unsafe_one_is_ignored(client):
    person = UserFactory(roles=[roles.PATIENT])
    data = {"username": person.email, "password": TEST_PASSWORD}
    assert client.post(f"{LOGIN}?next=/centers/", data)["Location"] == "/centers/"
    client.logout()
    for bad in ("https://evil.example.com/", "//evil.example.com/", "javascript:alert(1)"):
        assert client.post(f"{LOGIN}?next={bad}", data)["Location"] == "/studies/my-inquiries/"
        client.logout()
