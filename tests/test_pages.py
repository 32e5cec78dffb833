"""The public pages: home and the three audiences, one base layout served from static/."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.urls import reverse

from centers.models import Center
from tests.factories import CenterFactory, ServiceFactory

PAGES = {
    "home": "Division of Clinical Research",
    "for_patients": "Taking part in research",
    "for_researchers": "Research support",
    "collaborations:index": "Working with the division",
}


class Outline(HTMLParser):
    """The tags a page's outline and assets depend on."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.h1_text: list[str] = []
        self._in_h1 = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "h1":
            self._in_h1 = True
            self.h1_text.append("")

    def handle_endtag(self, tag):
        if tag == "h1":
            self._in_h1 = False

    def handle_data(self, data):
        if self._in_h1:
            self.h1_text[-1] += data

    def all(self, tag):
        return [attrs for name, attrs in self.tags if name == tag]


def outline(response) -> Outline:
    parser = Outline()
    parser.feed(response.content.decode())
    return parser


@pytest.mark.django_db
@pytest.mark.parametrize("name, heading", PAGES.items())
def test_each_public_page_loads_with_one_main_heading(client, name, heading):
    response = client.get(reverse(name))
    assert response.status_code == 200
    page = outline(response)
    assert [" ".join(text.split()) for text in page.h1_text] == [heading]


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGES)
def test_each_page_has_landmarks_a_skip_link_and_the_audience_links(client, name):
    response = client.get(reverse(name))
    page = outline(response)
    html = response.content.decode()
    assert page.all("header") and page.all("footer")
    mains = page.all("main")
    assert len(mains) == 1 and mains[0]["id"] == "main"
    assert any(a.get("href") == "#main" for a in page.all("a"))
    assert any(nav.get("aria-label") == "Main navigation" for nav in page.all("nav"))
    for url, label in ((reverse("for_patients"), "For Patients"), (reverse("for_researchers"), "For Researchers"),
                       (reverse("collaborations:index"), "For Collaborators")):
        assert f'href="{url}">{label}</a>' in html


@pytest.mark.django_db
def test_the_home_page_leads_to_the_three_audiences(client):
    html = client.get(reverse("home")).content.decode()
    for heading in ("For Patients", "For Researchers", "For Collaborators"):
        assert f'<h2 class="h4">{heading}</h2>' in html
    assert html.count(f'href="{reverse("for_patients")}"') >= 2  # menu and card


@pytest.mark.django_db
@pytest.mark.parametrize("centres, units, expected", [
    (1, 1, "through 1 centre and 1 unit."),
    (2, 1, "through 2 centres and 1 unit."),
    (1, 3, "through 1 centre and 3 units."),
    (10, 15, "through 10 centres and 15 units."),
])
def test_the_home_page_counts_centres_and_units_in_good_english(client, centres, units, expected):
    for number in range(centres):
        CenterFactory(name=f"Centre {number}")
    for number in range(units):
        CenterFactory(name=f"Unit {number}", kind=Center.Kind.UNIT)
    CenterFactory(name="Closed centre", active=False)
    html = " ".join(client.get(reverse("home")).content.decode().split())
    assert expected in html


@pytest.mark.django_db
def test_the_home_page_reads_well_before_any_centre_exists(client):
    html = " ".join(client.get(reverse("home")).content.decode().split())
    assert "0 centres" not in html
    assert "design, fund, run and report their studies." in html


@pytest.mark.django_db
def test_the_home_page_counts_in_one_query(client, django_assert_max_num_queries):
    for number in range(20):
        CenterFactory(name=f"Centre {number}")
    with django_assert_max_num_queries(1):
        assert client.get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_the_language_switch_is_a_labelled_form(client):
    html = client.get(reverse("home")).content.decode()
    page = outline(client.get(reverse("home")))
    forms = [f for f in page.all("form") if f.get("action") == reverse("set_language")]
    assert forms and forms[0]["method"] == "post"
    assert 'for="language-select"' in html and 'name="language"' in html
    for code, _ in settings.LANGUAGES:
        assert f'value="{code}"' in html


@pytest.mark.django_db
def test_the_language_attribute_follows_the_chosen_language(client):
    assert re.search(r'<html lang="en">', client.get(reverse("home")).content.decode())
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="es")
    assert '<html lang="es">' in response.content.decode()
    client.post(reverse("set_language"), {"language": "es", "next": "/"})
    assert '<html lang="es">' in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("name", [*PAGES, "accounts:login", "accounts:signup", "centers:directory"])
def test_every_stylesheet_and_script_is_served_from_static(client, name):
    page = outline(client.get(reverse(name)))
    sources = [attrs["href"] for attrs in page.all("link") if attrs.get("rel") == "stylesheet"]
    sources += [attrs["src"] for attrs in page.all("script") if "src" in attrs]
    assert sources, "the page loads Bootstrap"
    for source in sources:
        assert source.startswith(settings.STATIC_URL), source
    assert any("bootstrap" in source for source in sources)
    inline_scripts = [attrs for attrs in page.all("script") if "src" not in attrs]
    assert inline_scripts == []
    assert not any("style" in attrs for _, attrs in page.tags), "no inline style attributes"


@pytest.mark.django_db
def test_bootstrap_is_really_served(client):
    for path in ("vendor/bootstrap/bootstrap.min.css", "vendor/bootstrap/bootstrap.bundle.min.js", "css/portal.css"):
        response = client.get(settings.STATIC_URL + path)
        assert response.status_code == 200, path


def test_no_template_of_these_pages_points_to_a_cdn():
    for template in ("base.html", "home.html", "pages/for_researchers.html", "pages/for_patients.html"):
        text = (settings.BASE_DIR / "templates" / template).read_text()
        assert not re.search(r'(src|href)="(https?:)?//', text), template


@pytest.mark.django_db
def test_the_researchers_page_lists_active_services_with_their_provider(client):
    center = CenterFactory(name="Faculty Consultation Unit")
    ServiceFactory(center=center, name="Faculty consultation", slug="faculty-consultation",
                   typical_hours_min=6, typical_hours_max=8, free_of_charge=True)
    ServiceFactory(center=center, name="Retired service", slug="retired", active=False)
    ServiceFactory(center=CenterFactory(name="Closed", active=False), name="Orphan service", slug="orphan")
    html = client.get(reverse("for_researchers")).content.decode()
    assert "Faculty consultation" in html and "6-8 hours" in html and "Faculty Consultation Unit" in html
    assert 'href="/centers/services/faculty-consultation/"' in html
    assert "Retired service" not in html and "Orphan service" not in html
    assert reverse("centers:directory") in html
    assert f'{reverse("accounts:signup")}?role=Researcher' in html


@pytest.mark.django_db
def test_the_researchers_page_query_count_does_not_grow(client, django_assert_max_num_queries):
    for number in range(25):
        ServiceFactory(name=f"Offered service {number}", center=CenterFactory(name=f"Provider {number}"))
    with django_assert_max_num_queries(1):
        response = client.get(reverse("for_researchers"))
    assert response.content.decode().count("Offered service") == 25


@pytest.mark.django_db
def test_the_researchers_page_for_a_signed_in_researcher(client, researcher, django_assert_max_num_queries):
    for number in range(10):
        ServiceFactory(name=f"Offered service {number}", center=CenterFactory(name=f"Provider {number}"))
    client.force_login(researcher)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("for_researchers"))
    assert response.status_code == 200


@pytest.mark.django_db
def test_the_patients_page_explains_phases_and_safety(client):
    html = client.get(reverse("for_patients")).content.decode()
    assert "Institutional Review Board" in html
    assert "Phase 1" in html and "Phase 4" in html


@pytest.mark.django_db
def test_signed_in_people_see_my_account_and_sign_out_instead_of_sign_in(client, patient):
    anonymous = client.get(reverse("home")).content.decode()
    assert reverse("accounts:login") in anonymous and reverse("accounts:signup") in anonymous
    client.force_login(patient)
    html = client.get(reverse("home")).content.decode()
    assert reverse("accounts:my_account") in html and "Sign out" in html
    assert f'href="{reverse("accounts:login")}"' not in html
    assert "Staff desk" not in html


@pytest.mark.django_db
def test_staff_see_the_staff_desk_link(client, staff_a):
    client.force_login(staff_a)
    assert "Staff desk" in client.get(reverse("home")).content.decode()


def test_templates_carry_no_inline_styles_or_scripts():
    """A strict Content-Security-Policy is coming: styles and scripts live in static/."""
    root = settings.BASE_DIR / "templates"
    templates = [root / "home.html", root / "_pagination.html", root / "pages" / "for_researchers.html",
                 *sorted((root / "accounts").glob("*.html")), *sorted((root / "centers").glob("*.html"))]
    for template in templates:
        text = template.read_text()
        assert not re.search(r"\sstyle=", text), template.name
        assert not re.search(r"<script(?![^>]*\ssrc=)", text), template.name
        assert not re.search(r"\son[a-z]+=", text), template.name  # onclick= and friends
