"""An Atom feed per finder search: the newest matching studies, for a feed reader."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from .factories import ConditionFactory, StudyFactory

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.mark.django_db
def test_the_feed_lists_the_newest_studies_of_the_search(client):
    asthma = ConditionFactory(name="Asthma")
    StudyFactory(lay_title="Older inhaler study", conditions=[asthma], summary="Uses **two** inhalers.")
    StudyFactory(lay_title="Newer inhaler study", conditions=[asthma])
    StudyFactory(lay_title="A diabetes study")
    StudyFactory(lay_title="Hidden inhaler study", conditions=[asthma], is_public=False)
    response = client.get(reverse("studies:feed"), {"condition": "asthma", "page": "3"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.find(f"{ATOM}title").text == "New studies: Condition: Asthma"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == ["Newer inhaler study", "Older inhaler study"]
    assert entries[1].find(f"{ATOM}summary").text == "Uses two inhalers."
    assert feed.find(f"{ATOM}link").get("href").endswith("/studies/?condition=asthma&sort=newest")


@pytest.mark.django_db
def test_the_finder_links_to_the_feed_of_its_search(client):
    StudyFactory(lay_title="Walking study")
    body = client.get(reverse("studies:finder"), {"q": "walking"}).content.decode()
    assert 'type="application/atom+xml"' in body and 'href="/studies/feed/?q=walking"' in body
