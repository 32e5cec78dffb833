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


# --- Complete resources, the CapabilityStatement and every search parameter ------------------

from pathlib import Path  # noqa: E402

from fhir.resources.R4B.capabilitystatement import CapabilityStatement  # noqa: E402

from studies.ctgov import import_file  # noqa: E402
from tests.factories import CenterFactory  # noqa: E402

REGISTRY_PAGES = [Path(__file__).parent / "data" / name for name in ("ctgov_v2_page1.json", "ctgov_v2_page2.json")]


@pytest.fixture
def registry_studies(db):
    center = CenterFactory(name="Dartmouth-Hitchcock Medical Center")
    for page in REGISTRY_PAGES:
        assert import_file(page, center=center).ok
    Study.objects.update(is_public=True)
    return {study.nct_id: study for study in Study.objects.all()}


def test_an_imported_study_gives_a_complete_valid_resource(client, registry_studies):
    study = registry_studies["NCT09100001"]
    resource = client.get(f"/fhir/ResearchStudy/{study.pk}").json()
    validate(resource)
    assert resource["phase"]["coding"][0]["code"] == "phase-1-phase-2"
    assert resource["text"]["status"] == "generated" and "Phase 1/Phase 2" in resource["text"]["div"]
    assert resource["text"]["div"].startswith('<div xmlns="http://www.w3.org/1999/xhtml">')
    assert resource["category"] == [{"text": "Interventional (a clinical trial)"}]
    assert resource["primaryPurposeType"]["coding"][0]["code"] == "treatment"
    assert [f["text"] for f in resource["focus"]] == ["SYN-101", "Busulfan"]
    assert [a["name"] for a in resource["arm"]] == ["Part A: dose finding", "Part B: expansion"]
    assert resource["period"] == {"start": "2025-03-14", "end": "2030-12"}
    assert resource["sponsor"]["display"] == "Synthetic Therapeutics Inc. (synthetic)"
    contained = {item["id"]: item for item in resource["contained"]}
    assert contained["pi"]["name"] == [{"text": "Dr. Avery Example (synthetic)"}]
    group = contained["enrollment"]
    assert group["quantity"] == 45 and resource["enrollment"] == [{"reference": "#enrollment",
                                                                  "display": "People who can join"}]
    criteria = {c["code"]["text"]: c for c in group["characteristic"]}
    assert criteria["Exclusion criteria"]["exclude"] is True
    assert "matched sibling donor" in criteria["Exclusion criteria"]["valueCodeableConcept"]["text"]
    assert "Hemoglobin" in criteria["Inclusion criteria"]["valueCodeableConcept"]["text"]
    assert len(resource["site"]) == 10 and resource["site"][0]["display"] == "Dartmouth-Hitchcock Medical Center"
    first_site = contained[resource["site"][0]["reference"][1:]]
    assert first_site["position"] == {"latitude": 43.677, "longitude": -72.2704}
    assert first_site["address"]["postalCode"] == "03756"
    assert {loc["text"] for loc in resource["location"]} == {"United States", "Spain", "Germany", "France", "Canada"}
    assert {o["type"]["coding"][0]["code"] for o in resource["objective"]} == {"primary", "secondary"}


def test_a_stopped_study_says_why(client, registry_studies):
    from studies.models import RegistryRecord

    study = registry_studies["NCT09100002"]
    RegistryRecord.objects.filter(study=study).update(why_stopped="Funding ended")
    Study.objects.filter(pk=study.pk).update(status=Study.Status.TERMINATED)
    resource = client.get(f"/fhir/ResearchStudy/{study.pk}").json()
    validate(resource)
    assert resource["reasonStopped"] == {"text": "Funding ended"}
    assert resource["status"] == "administratively-completed"


def test_metadata_is_a_valid_capability_statement(client, db):
    response = client.get("/fhir/metadata")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/fhir+json")
    statement = response.json()
    CapabilityStatement.model_validate(statement)
    resource = statement["rest"][0]["resource"][0]
    assert resource["type"] == "ResearchStudy"
    assert {p["name"] for p in resource["searchParam"]} == {"_id", "status", "title", "keyword", "condition", "_count"}


def ids(response) -> set[str]:
    bundle = response.json()
    Bundle.model_validate(bundle)
    for entry in bundle.get("entry", []):
        validate(entry["resource"])
    return {entry["resource"]["id"] for entry in bundle.get("entry", [])}


def test_search_by_id_title_keyword_and_condition(client, registry_studies, django_assert_max_num_queries):
    gene, sleep, access = (str(registry_studies[n].pk) for n in ("NCT09100001", "NCT09100002", "NCT09100003"))
    assert ids(client.get("/fhir/ResearchStudy", {"_id": f"{gene},{access}"})) == {gene, access}
    assert ids(client.get("/fhir/ResearchStudy", {"title": "an observational"})) == {sleep}
    assert ids(client.get("/fhir/ResearchStudy", {"title:contains": "SICKLE"})) == {gene}
    assert ids(client.get("/fhir/ResearchStudy", {"keyword": "Gene Therapy"})) == {gene}
    assert ids(client.get("/fhir/ResearchStudy", {"keyword": "gene"})) == set()
    assert ids(client.get("/fhir/ResearchStudy", {"condition": "spinal muscular atrophy"})) == {access}
    assert ids(client.get("/fhir/ResearchStudy", {"condition": "Asthma"})) == set()
    # study + centre + record, conditions, sites, the count: whatever the number of sites
    with django_assert_max_num_queries(4):
        assert ids(client.get("/fhir/ResearchStudy", {"status": "active"})) == {gene, access}


def test_search_pages_carry_first_previous_next_and_last_links(client, db):
    for _ in range(5):
        StudyFactory(status=Study.Status.RECRUITING, keywords="walking")
    second = client.get("/fhir/ResearchStudy", {"keyword": "walking", "_count": 2, "page": 2}).json()
    Bundle.model_validate(second)
    links = {link["relation"]: link["url"] for link in second["link"]}
    assert set(links) == {"self", "first", "previous", "next", "last"}
    assert links["last"].endswith("page=3") and "keyword=walking" in links["next"] and "_count=2" in links["next"]
    last = client.get(links["last"].replace(settings.SITE_URL, "")).json()
    assert len(last["entry"]) == 1 and "next" not in {link["relation"] for link in last["link"]}


@pytest.mark.parametrize("query,named", [("_id=abc", "_id"), ("_count=lots", "_count"), ("page=-1", "page"),
                                         ("colour=blue", "colour")])
def test_bad_search_parameters_are_a_400_naming_them(client, db, query, named):
    response = client.get(f"/fhir/ResearchStudy?{query}")
    assert response.status_code == 400 and named in response.json()["issue"][0]["diagnostics"]
