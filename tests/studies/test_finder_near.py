"""Near me (offline ZIP and city table), sorting, "showing 1-20 of 43" with pages, back to results, print."""

from __future__ import annotations

import socket

import pytest
from django.urls import reverse

from studies import geocode
from studies.models import Location, RegistryRecord, Study

from .factories import StudyFactory

URL = reverse("studies:finder")
LEBANON_NH, BOSTON, CHICAGO = (43.6770, -72.2704), (42.3626, -71.0696), (41.7886, -87.6048)


def titles(response) -> list[str]:
    return [study.lay_title for study in response.context["finder"].page]


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("no network in this test")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_zip_codes_and_cities_are_found_offline(no_network):
    geocode.locate.cache_clear()
    zip_place = geocode.locate("03756")
    assert zip_place.label == "03756 (Lebanon, NH)"
    assert abs(zip_place.latitude - 43.64) < 0.1 and abs(zip_place.longitude + 72.25) < 0.1
    assert geocode.locate("03756-1234") == zip_place
    city = geocode.locate("lebanon, new hampshire")
    assert city.label == "Lebanon, NH" and geocode.locate("Lebanon NH") == city
    assert geocode.miles_between(city.latitude, city.longitude, *BOSTON) == pytest.approx(110, abs=15)


@pytest.mark.parametrize("text,message", [
    ("00000", "We do not know the ZIP code 00000"),
    ("Springfield", "There is a Springfield in several states"),
    ("Lebanon, Narnia", "We do not know that state"),
    ("Atlantis, NH", "We could not find “Atlantis, NH”"),
])
def test_places_that_cannot_be_found_say_what_to_try(text, message):
    with pytest.raises(geocode.PlaceNotFound, match=message):
        geocode.locate(text)


def site(study, name, point, **extra):
    return Location.objects.create(study=study, facility=name, city=name.split()[0], country="United States",
                                   latitude=point[0], longitude=point[1], **extra)


@pytest.fixture
def located(db):
    here = StudyFactory(lay_title="Hanover walking study")
    site(here, "Lebanon Clinic", LEBANON_NH)
    boston = StudyFactory(lay_title="Boston sleep study")
    site(boston, "Boston Hospital", BOSTON)
    site(boston, "Chicago Hospital", CHICAGO)
    chicago = StudyFactory(lay_title="Chicago diet study")
    site(chicago, "Chicago Clinic", CHICAGO)
    StudyFactory(lay_title="A study with no site")
    return here, boston, chicago


def test_near_me_keeps_studies_within_the_distance_sorted_by_distance_with_the_nearest_site(client, located):
    response = client.get(URL, {"near": "03756", "distance": "250"})
    assert titles(response) == ["Hanover walking study", "Boston sleep study"]
    body = response.content.decode()
    assert "Nearest site: Boston Hospital, Boston, United States (about 1" in body
    assert "Near (US ZIP code or city): 03756 (Lebanon, NH)" in body
    assert titles(client.get(URL, {"near": "Chicago, IL", "distance": "10"})) == ["Boston sleep study",
                                                                                 "Chicago diet study"]
    assert titles(client.get(URL, {"near": "Lebanon, NH", "distance": "10"})) == ["Hanover walking study"]


def test_a_place_not_found_is_explained_on_its_field(client, located):
    response = client.get(URL, {"near": "Springfield"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="near-error"' in body and "add the state" in body
    assert len(titles(response)) == 4  # the rest of the search still works


def test_nearest_first_needs_a_place(client, located):
    body = client.get(URL, {"sort": "nearest"}).content.decode()
    assert "Enter a US ZIP code or a city to sort the studies by distance." in body


def test_newest_first_uses_the_registry_first_posted_date(client, located):
    here, boston, chicago = located
    for study, posted in ((here, "2024-01-10"), (boston, "2026-05-01"), (chicago, "2025-02-02")):
        RegistryRecord.objects.create(study=study, first_posted=posted)
    assert titles(client.get(URL, {"sort": "newest"}))[:3] == ["Boston sleep study", "Chicago diet study",
                                                               "Hanover walking study"]


def test_the_finder_near_a_place_stays_within_a_fixed_query_budget(client, located, django_assert_max_num_queries):
    for number in range(25):
        site(StudyFactory(lay_title=f"Extra {number}"), f"Site{number} Clinic", BOSTON)
    # The studies near the place, nearest first, with what the filter groups count; the page, its
    # conditions, its sites near the place (it was 12: the near ones, 7 groups, a count, the page ...).
    with django_assert_max_num_queries(4):
        assert client.get(URL, {"near": "02114", "distance": "25"}).status_code == 200


def test_showing_a_range_of_the_total_with_numbered_pages(client, db):
    for number in range(43):
        StudyFactory(lay_title=f"Study {number:02d}")
    body = client.get(URL).content.decode()
    assert "Showing 1–20 of 43" in body and 'href="?page=3"' in body
    third = client.get(URL, {"page": "3"})
    assert "Showing 41–43 of 43" in third.content.decode() and len(titles(third)) == 3


def test_back_to_results_keeps_the_search_and_the_page(client, db):
    for number in range(25):
        StudyFactory(lay_title=f"Walking study {number:02d}", keywords="walking")
    response = client.get(URL, {"q": "walking", "page": "2"})
    study = response.context["finder"].page[0]
    link = f"{study.get_absolute_url()}?q=walking&amp;page=2"
    assert link in response.content.decode()
    detail = client.get(study.get_absolute_url(), {"q": "walking", "page": "2", "made_up": "x"}).content.decode()
    assert 'href="/studies/?q=walking&amp;page=2">Back to results</a>' in detail
    assert "Back to results" not in client.get(study.get_absolute_url()).content.decode()


def test_the_print_view_shows_the_study_every_site_and_no_form(client, located):
    here, boston, chicago = located
    response = client.get(reverse("studies:print", args=[boston.pk]))
    body = response.content.decode()
    assert response.status_code == 200 and "Boston sleep study" in body
    assert "Boston Hospital" in body and "Chicago Hospital" in body and boston.contact_email in body
    assert "<form" not in body and "navbar" not in body
    assert f'href="{reverse("studies:print", args=[boston.pk])}"' in client.get(boston.get_absolute_url()).content.decode()
    hidden = StudyFactory(is_public=False)
    assert client.get(reverse("studies:print", args=[hidden.pk])).status_code == 404
    assert Study.objects.count() == 5


def test_the_shipped_zip_table_is_what_the_builder_makes(tmp_path):
    from devtools import us_places

    rebuilt = tmp_path / "us_places.csv.gz"
    us_places.build(rebuilt)
    assert rebuilt.read_bytes() == geocode.TABLE.read_bytes()
