"""Public studies as FHIR R4 ResearchStudy resources."""

import json

import pytest
from django.conf import settings
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.researchstudy import ResearchStudy

from studies.models import Study
from tests.studies.factories import ConditionFactory, InterestFactory, StudyFactory

# R4 value sets (hl7.org/fhir/R4/valueset-research-study-status.html, -phase.html).
STATUS_CODES = {"active", "administratively-completed", "approved", "closed-to-accrual",
                "closed-to-accrual-and-intervention", "completed", "disapproved", "in-review",
                "temporarily-closed-to-accrual", "temporarily-closed-to-accrual-and-intervention", "withdrawn"}
PHASE_CODES = {"n-a", "early-phase-1", "phase-1", "phase-1-phase-2", "phase-2", "phase-2-phase-3", "phase-3",
               "phase-4"}
PHASE_SYSTEM = "http://terminology.hl7.org/CodeSystem/research-study-phase"


def validate(resource: dict) -> None:
    """Required fields and types (fhir.resources), then the value sets."""
    ResearchStudy.model_validate(resource)
    assert resource["status"] in STATUS_CODES
    codings = resource["phase"]["coding"]
    assert all(c["system"] == PHASE_SYSTEM and c["code"] in PHASE_CODES for c in codings)


@pytest.mark.django_db
@pytest.mark.parametrize("phase", list(Study.Phase))
@pytest.mark.parametrize("status", list(Study.Status))
def test_every_phase_and_status_gives_a_valid_resource(client, phase, status):
    study = StudyFactory(phase=phase, status=status, nct_id="NCT01234567", conditions=[ConditionFactory(name="Asthma")],
                         keywords="inhaler, breathing")
    response = client.get(f"/fhir/ResearchStudy/{study.pk}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    resource = response.json()
    validate(resource)
    assert resource["id"] == str(study.pk)
    assert {"system": "https://clinicaltrials.gov", "value": "NCT01234567", "use": "secondary"} in resource["identifier"]
    assert resource["condition"] == [{"text": "Asthma"}]
    assert [k["text"] for k in resource["keyword"]] == ["inhaler", "breathing"]


@pytest.mark.django_db
def test_recruiting_maps_to_active_and_phase_one(client):
    study = StudyFactory(status=Study.Status.RECRUITING, phase=Study.Phase.PHASE_1)
    resource = client.get(f"/fhir/ResearchStudy/{study.pk}").json()
    assert resource["status"] == "active"
    assert resource["phase"]["coding"][0]["code"] == "phase-1"


@pytest.mark.django_db
def test_a_study_not_public_is_not_published(client):
    hidden = StudyFactory(is_public=False)
    response = client.get(f"/fhir/ResearchStudy/{hidden.pk}")
    assert response.status_code == 404
    assert response.json()["resourceType"] == "OperationOutcome"
    assert client.get("/fhir/ResearchStudy/not-a-number").status_code == 404


@pytest.mark.django_db
def test_resource_never_carries_inquiry_contacts(client):
    study = StudyFactory()
    interest = InterestFactory(study=study, email="private.person@example.org", name="Private Person (synthetic)")
    body = client.get(f"/fhir/ResearchStudy/{study.pk}").content.decode()
    assert interest.email not in body and interest.name not in body


@pytest.mark.django_db
def test_search_by_status_returns_a_valid_searchset_bundle(client, django_assert_max_num_queries):
    active = [StudyFactory(status=Study.Status.RECRUITING, conditions=[ConditionFactory()]) for _ in range(5)]
    StudyFactory(status=Study.Status.COMPLETED)
    StudyFactory(status=Study.Status.RECRUITING, is_public=False)
    with django_assert_max_num_queries(4):
        response = client.get("/fhir/ResearchStudy?status=active")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    bundle = response.json()
    Bundle.model_validate(bundle)
    assert bundle["type"] == "searchset"
    assert bundle["total"] == 5
    assert sorted(int(e["resource"]["id"]) for e in bundle["entry"]) == sorted(s.pk for s in active)
    for entry in bundle["entry"]:
        validate(entry["resource"])
        assert entry["fullUrl"].endswith(f"/fhir/ResearchStudy/{entry['resource']['id']}")


@pytest.mark.django_db
def test_search_pages_with_a_next_link(client):
    for _ in range(5):
        StudyFactory(status=Study.Status.RECRUITING)
    first = client.get("/fhir/ResearchStudy?status=active&_count=2").json()
    assert len(first["entry"]) == 2 and first["total"] == 5
    next_url = next(link["url"] for link in first["link"] if link["relation"] == "next")
    second = client.get(next_url.replace(settings.SITE_URL, "")).json()
    assert {e["resource"]["id"] for e in second["entry"]}.isdisjoint({e["resource"]["id"] for e in first["entry"]})


@pytest.mark.django_db
def test_unknown_status_is_a_clear_400(client):
    response = client.get("/fhir/ResearchStudy?status=recruiting")
    assert response.status_code == 400
    outcome = response.json()
    assert outcome["resourceType"] == "OperationOutcome"
    assert "recruiting" in outcome["issue"][0]["diagnostics"]
    assert client.get("/fhir/ResearchStudy?_count=lots").status_code == 400


@pytest.mark.django_db
def test_json_is_utf8_and_not_escaped(client):
    study = StudyFactory(lay_title="Estudio de la niñez", title="Ensayo clínico")
    response = client.get(f"/fhir/ResearchStudy/{study.pk}")
    assert "Ensayo clínico" in response.content.decode("utf-8")
    assert json.loads(response.content)["title"] == "Ensayo clínico"


@pytest.mark.django_db
def test_resources_do_not_change_with_the_browser_language(client):
    study = StudyFactory(phase=Study.Phase.NOT_APPLICABLE)
    english = client.get(f"/fhir/ResearchStudy/{study.pk}").json()
    spanish = client.get(f"/fhir/ResearchStudy/{study.pk}", HTTP_ACCEPT_LANGUAGE="es").json()
    assert spanish["phase"] == english["phase"]
    assert spanish["phase"]["text"] == "Not applicable"
