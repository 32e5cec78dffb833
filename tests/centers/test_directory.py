"""The public directory of centres and units: search, filter by kind, pagination."""

from __future__ import annotations

import pytest
from django.urls import reverse

from centers.models import Center
from centers.views import DIRECTORY_PAGE_SIZE
from tests.factories import CenterFactory, ServiceFactory

URL = reverse("centers:directory")


def names(response) -> list[str]:
    return [center.name for center in response.context["page"].object_list]


@pytest.fixture
def division(db):
    """A small division: two centres, one unit, one closed centre."""
    biostat = CenterFactory(name="Center for Biostatistics", mission="Designs studies and analyses data.",
                            description="Sample size calculations and statistical analysis plans.")
    ServiceFactory(center=biostat, name="Biostatistics", slug="biostatistics")
    ServiceFactory(center=biostat, name="Sample size review", slug="sample-size-review")
    ServiceFactory(center=biostat, name="Retired analysis clinic", slug="retired", active=False)
    genomics = CenterFactory(name="Center for Genomic Medicine", mission="Brings sequencing to clinical studies.")
    ServiceFactory(center=genomics, name="Omics", slug="omics")
    budgeting = CenterFactory(name="Study Budgeting Unit", kind=Center.Kind.UNIT,
                              mission="Builds study budgets and coverage analyses.")
    ServiceFactory(center=budgeting, name="Study budgeting", slug="study-budgeting")
    CenterFactory(name="Closed Center for Old Things", mission="Biostatistics of old.", active=False)
    return {"biostat": biostat, "genomics": genomics, "budgeting": budgeting}


@pytest.mark.django_db
def test_lists_active_centres_and_units_by_name(client, division):
    response = client.get(URL)
    assert response.status_code == 200
    assert names(response) == ["Center for Biostatistics", "Center for Genomic Medicine", "Study Budgeting Unit"]
    html = response.content.decode()
    assert "Closed Center for Old Things" not in html
    assert "3 centres and units." in " ".join(html.split())


@pytest.mark.django_db
def test_counts_only_active_services(client, division):
    response = client.get(URL)
    counts = {center.name: center.service_count for center in response.context["page"]}
    assert counts["Center for Biostatistics"] == 2
    assert "2 services for researchers" in response.content.decode()


@pytest.mark.django_db
def test_full_text_search_finds_stemmed_words_in_the_mission(client, division):
    assert names(client.get(URL, {"q": "budget"})) == ["Study Budgeting Unit"]
    # "study" finds "studies" (both stem to "studi") in every mission
    assert len(names(client.get(URL, {"q": "study"}))) == 3


@pytest.mark.django_db
def test_search_matches_part_of_a_name(client, division):
    assert names(client.get(URL, {"q": "Genom"})) == ["Center for Genomic Medicine"]


@pytest.mark.django_db
def test_search_finds_a_centre_by_one_of_its_services(client, division):
    assert names(client.get(URL, {"q": "omics"})) == ["Center for Genomic Medicine"]


@pytest.mark.django_db
def test_an_inactive_service_does_not_make_its_centre_match(client, division):
    assert names(client.get(URL, {"q": "retired analysis clinic"})) == []


@pytest.mark.django_db
def test_a_centre_matching_several_services_is_listed_once_with_the_right_count(client, division):
    response = client.get(URL, {"q": "s"})  # matches both active biostatistics services by name
    found = [c for c in response.context["page"] if c.name == "Center for Biostatistics"]
    assert len(found) == 1
    assert found[0].service_count == 2


@pytest.mark.django_db
def test_the_best_match_comes_first(client, division):
    CenterFactory(name="Clinical Trials Office", mission="Runs trials; biostatistics help is found elsewhere.")
    assert names(client.get(URL, {"q": "biostatistics"}))[0] == "Center for Biostatistics"


@pytest.mark.django_db
def test_inactive_centres_never_match(client, division):
    assert "Closed Center for Old Things" not in names(client.get(URL, {"q": "old"}))


@pytest.mark.django_db
@pytest.mark.parametrize("kind, expected", [
    ("center", ["Center for Biostatistics", "Center for Genomic Medicine"]),
    ("unit", ["Study Budgeting Unit"]),
    ("", ["Center for Biostatistics", "Center for Genomic Medicine", "Study Budgeting Unit"]),
    ("galaxy", ["Center for Biostatistics", "Center for Genomic Medicine", "Study Budgeting Unit"]),
])
def test_filter_by_kind(client, division, kind, expected):
    response = client.get(URL, {"kind": kind})
    assert names(response) == expected
    if kind in ("center", "unit"):
        assert f'<option value="{kind}" selected>' in response.content.decode()


@pytest.mark.django_db
def test_search_and_kind_combine(client, division):
    assert names(client.get(URL, {"q": "stud", "kind": "unit"})) == ["Study Budgeting Unit"]


@pytest.mark.django_db
def test_no_match_says_so_and_offers_the_full_list(client, division):
    response = client.get(URL, {"q": "astrophysics"})
    html = " ".join(response.content.decode().split())
    assert response.status_code == 200
    assert "No centre or unit matches “astrophysics”." in html
    assert f'<a href="{URL}">show them all</a>' in html
    assert 'value="astrophysics"' in html


@pytest.mark.django_db
def test_an_empty_directory_says_so(client):
    response = client.get(URL)
    assert "No centre or unit matches this filter." in " ".join(response.content.decode().split())


@pytest.mark.django_db
@pytest.mark.parametrize("junk", [
    "a" * 5000,
    "'; DROP TABLE centers_center; --",
    '"unbalanced quote',
    "& | ! : * ( ) <-> \\",
    "!!!",
    "-",
    "or",
    "the and of",
    "生物统计 ünïcödé 🧬",
    "%_%",
    "bio\x00stat",
    "\t\n\r",
    "<script>alert(1)</script>",
])
def test_junk_input_never_breaks_the_page(client, division, junk):
    response = client.get(URL, {"q": junk, "kind": junk, "page": junk})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


@pytest.mark.django_db
def test_a_very_long_query_is_cut_to_200_characters(client, division):
    response = client.get(URL, {"q": "biostatistics " * 100})
    assert len(response.context["query"]) <= 200
    assert "Center for Biostatistics" in names(response)


@pytest.mark.django_db
def test_a_nul_character_is_ignored_not_an_error(client, division):
    assert names(client.get(URL, {"q": "Genom\x00"})) == ["Center for Genomic Medicine"]


@pytest.mark.django_db
def test_pagination_keeps_the_search_and_the_filter(client):
    for number in range(DIRECTORY_PAGE_SIZE + 5):
        CenterFactory(name=f"Research Unit {number:02d}", kind=Center.Kind.UNIT, mission="Supports research.")
    CenterFactory(name="Research Center Elsewhere", kind=Center.Kind.CENTER, mission="Supports research.")
    first = client.get(URL, {"q": "research", "kind": "unit"})
    assert first.context["page"].paginator.count == DIRECTORY_PAGE_SIZE + 5
    html = first.content.decode()
    assert "Page 1 of 2" in html
    assert 'href="?q=research&amp;kind=unit&amp;page=2"' in html
    second = client.get(URL, {"q": "research", "kind": "unit", "page": 2})
    assert len(second.context["page"].object_list) == 5
    assert 'href="?q=research&amp;kind=unit&amp;page=1"' in second.content.decode()
    assert all(center.kind == Center.Kind.UNIT for center in second.context["page"])


@pytest.mark.django_db
def test_a_page_past_the_end_shows_the_last_page(client):
    CenterFactory(name="Only Center")
    assert names(client.get(URL, {"page": 99})) == ["Only Center"]


@pytest.mark.django_db
def test_the_search_form_is_labelled(client):
    html = client.get(URL).content.decode()
    assert 'for="id_q"' in html and 'for="id_kind"' in html
    assert 'role="search"' in html
    assert html.count("<h1") == 1


@pytest.mark.django_db
def test_query_count_does_not_grow_with_centres(client, django_assert_max_num_queries):
    for number in range(30):
        center = CenterFactory(name=f"Budget Center {number:02d}", mission="Budgets and analyses.")
        for service_number in range(3):
            ServiceFactory(center=center, name=f"Service {number}-{service_number}")
    with django_assert_max_num_queries(2):
        response = client.get(URL)
    assert len(response.context["page"].object_list) == 30
    with django_assert_max_num_queries(2):
        client.get(URL, {"q": "budget", "kind": "center", "page": 1})
