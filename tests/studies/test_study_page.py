"""The plain-language study page; closed and hidden studies."""

from __future__ import annotations

from pathlib import Path

import pytest

from studies.ctgov import import_file
from studies.models import Location, Study
from tests.factories import CenterFactory

from .factories import ConditionFactory, PrescreenQuestionFactory, StudyFactory

pytestmark = pytest.mark.django_db


def test_study_page_explains_the_study_in_plain_language(client):
    study = StudyFactory(
        lay_title="Does a daily walk help people with diabetes?", summary="We want to learn if walking lowers sugar.",
        eligibility="Adults with type 2 diabetes who can walk for 20 minutes.", min_age=30, max_age=70,
        sex=Study.Sex.FEMALE, phase=Study.Phase.PHASE_3, nct_id="NCT01234567", visits="5 visits over 6 months",
        trc_inpatient=True, inpatient_nights=2, compensation="Up to $300", contact_name="Casey Coordinator",
        contact_phone="617 555 0123", conditions=[ConditionFactory(name="Diabetes")],
    )
    response = client.get(study.get_absolute_url())
    body = response.content.decode()
    assert response.status_code == 200
    for text in ("Does a daily walk help people with diabetes?", "What the study is for", "We want to learn if walking",
                 "Who can join", "Adults with type 2 diabetes", "30 to 70 years old", "Women and girls only",
                 "What taking part involves", "5 visits over 6 months", "A stay of 2 nights", "Up to $300",
                 Study.PHASE_EXPLAINED[Study.Phase.PHASE_3], "Recruiting now", "Casey Coordinator",
                 "tel:6175550123", study.contact_email):
        assert text in body, text
    assert 'href="https://clinicaltrials.gov/study/NCT01234567"' in body
    assert 'href="/studies/?condition=diabetes"' in body
    assert "I'm interested" in body and 'id="interest-form"' in body


def test_study_page_lists_the_pre_screen_questions(client):
    study = StudyFactory()
    PrescreenQuestionFactory(study=study, text="Do you use an inhaler most days?", order=2)
    PrescreenQuestionFactory(study=study, text="How many nights a week do you wake up coughing?", kind="number",
                             min_value=0, max_value=7, order=1)
    body = client.get(study.get_absolute_url()).content.decode()
    assert body.index("How many nights") < body.index("Do you use an inhaler")


def test_a_study_without_compensation_or_nct_says_so_plainly(client):
    study = StudyFactory(compensation="", nct_id="", healthy_volunteers=True)
    body = client.get(study.get_absolute_url()).content.decode()
    assert "There is no payment for taking part." in body
    assert "clinicaltrials.gov" not in body
    assert "you do not need to have the condition" in body


@pytest.mark.parametrize("status", [Study.Status.COMPLETED, Study.Status.TERMINATED, Study.Status.WITHDRAWN])
def test_a_closed_study_says_it_is_closed_at_its_old_address(client, status):
    study = StudyFactory(status=status, lay_title="Old sleep study", conditions=[ConditionFactory(name="Insomnia")])
    response = client.get(study.get_absolute_url())
    body = response.content.decode()
    assert response.status_code == 410
    assert "This study is closed" in body and "Old sleep study" in body
    assert 'href="/studies/?condition=insomnia"' in body
    assert 'id="interest-form"' not in body


def test_a_closed_study_takes_no_inquiry(client):
    study = StudyFactory(status=Study.Status.COMPLETED)
    response = client.post(study.get_absolute_url(), {"name": "Sam", "email": "sam@example.org",
                                                      "preferred_contact": "email", "best_time": "any",
                                                      "consent_to_contact": "on"})
    assert response.status_code == 410
    assert not study.interests.exists()


def test_a_study_that_is_full_shows_its_page_without_the_form(client):
    study = StudyFactory(status=Study.Status.ACTIVE_NOT_RECRUITING)
    response = client.get(study.get_absolute_url())
    body = response.content.decode()
    assert response.status_code == 200
    assert "not looking for new volunteers" in body
    assert 'id="interest-form"' not in body
    client.post(study.get_absolute_url(), {"name": "Sam", "email": "sam@example.org", "preferred_contact": "email",
                                           "best_time": "any", "consent_to_contact": "on"})
    assert not study.interests.exists()


def test_a_study_that_is_not_public_is_not_found(client):
    study = StudyFactory(is_public=False)
    assert client.get(study.get_absolute_url()).status_code == 404
    assert client.get("/studies/999999/").status_code == 404


def test_study_page_query_count(client, django_assert_max_num_queries):
    study = StudyFactory(conditions=[ConditionFactory(name=f"C{n}") for n in range(4)])
    for _ in range(4):
        PrescreenQuestionFactory(study=study)
    # study + centre + registry record + Spanish text, conditions, questions, sites
    with django_assert_max_num_queries(4):
        assert client.get(study.get_absolute_url()).status_code == 200


# --- What the registry gives, the page shows ------------------------------------------------

REGISTRY_PAGE = Path(__file__).parent / "data" / "ctgov_v2_page1.json"


@pytest.fixture
def gene_study(db):
    center = CenterFactory(name="Dartmouth-Hitchcock Medical Center")
    report = import_file(REGISTRY_PAGE, center=center)
    assert report.ok
    Study.objects.update(is_public=True)
    return Study.objects.get(nct_id="NCT09100001")


def test_registry_markdown_is_shown_as_safe_html(client, gene_study):
    body = client.get(gene_study.get_absolute_url()).content.decode()
    assert "<strong>gene therapy</strong>" in body and "**" not in body
    assert "<li><strong>Part A</strong> (Phase 1): dose finding in adults</li>" in body
    assert "pain lasting &gt; 2 hours" in body and "\\&gt;" not in body and "\\>" not in body
    assert "<script>alert" not in body and "&lt;script&gt;alert('x')&lt;/script&gt;" in body


def test_eligibility_is_split_into_inclusion_and_exclusion_lists(client, gene_study):
    body = client.get(gene_study.get_absolute_url()).content.decode()
    inclusion = body.split('class="criteria-inclusion"')[1].split("</div>")[0]
    exclusion = body.split('class="criteria-exclusion"')[1].split("</div>")[0]
    assert "<li>Hemoglobin &lt; 10 g/dL</li>" in inclusion and "sibling donor" not in inclusion
    assert "<li>An available matched sibling donor</li>" in exclusion and "Hemoglobin" not in exclusion
    assert "You may be able to join if" in body and "You cannot join if" in body
    assert "Key Inclusion Criteria" not in body


def test_the_page_shows_sites_interventions_arms_dates_sponsor_enrollment_and_outcomes(client, gene_study):
    body = client.get(gene_study.get_absolute_url()).content.decode()
    where = body.split('id="where"')[1]
    ours, others = where.split('id="other-sites"')
    assert "Here:" in ours and "Dartmouth-Hitchcock Medical Center" in ours and "Lebanon, New Hampshire, 03756" in ours
    assert "Also at 9 other sites in 5 countries" in others
    assert "Charité Universitätsmedizin" in others and "Toronto, Ontario, M5G 2C4, Canada" in others
    assert 'href="geo:43.67700,-72.27040"' in ours and "555-0100 ext. 12" in ours and "site@example.org" in ours
    assert "Not yet recruiting" in others
    for text in ("SYN-101", "Genetic", "Busulfan", "Part B: expansion", "Experimental",
                 "Number of participants with adverse events", "Up to 24 months after infusion",
                 "Annualized rate of vaso-occlusive crises", "Synthetic Therapeutics Inc. (synthetic)",
                 "National Heart, Lung, and Blood Institute (NHLBI)", "45 people expected", "March 14, 2025 (actual)",
                 "June 2028 (expected)", "Phase 1/Phase 2", "12 years to 50 years old", "Children (birth to 17)"):
        assert text in body, text


def test_an_unknown_status_is_explained(client, gene_study):
    sleep = Study.objects.get(nct_id="NCT09100002")
    body = client.get(sleep.get_absolute_url()).content.decode()
    assert "Status unknown" in body and "has not been confirmed for more than two years" in body
    assert "Observational (no treatment is given)" in body


@pytest.mark.parametrize("sites", [0, 30])
def test_study_page_query_count_does_not_grow_with_sites(client, django_assert_num_queries, sites):
    study = StudyFactory(conditions=[ConditionFactory(name=f"C{n}") for n in range(4)])
    PrescreenQuestionFactory(study=study)
    Location.objects.bulk_create([Location(study=study, facility=f"Site {n}", city="Town", country=f"Country {n % 3}",
                                           latitude=40.0, longitude=-70.0) for n in range(sites)])
    # study + centre + registry record + Spanish text, conditions, questions, sites
    with django_assert_num_queries(4):
        assert client.get(study.get_absolute_url()).status_code == 200


def test_a_finder_card_shows_the_summary_as_plain_words_escaped_once(client):
    StudyFactory(lay_title="Marked up", summary="A **bold** study of *sleep* & mood, where 5 > 3.")
    StudyFactory(lay_title="Plain", summary='Plain words: "rest", (mostly) and 50% of nights.')
    body = client.get("/studies/").content.decode()
    assert "A bold study of sleep &amp; mood, where 5 &gt; 3." in body and "**" not in body
    assert "&amp;amp;" not in body and "&amp;gt;" not in body
    assert "Plain words: &quot;rest&quot;, (mostly) and 50% of nights." in body
