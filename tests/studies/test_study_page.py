"""The plain-language study page; closed and hidden studies."""

from __future__ import annotations

import pytest

from studies.models import Study

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
    # study + centre, conditions, questions
    with django_assert_max_num_queries(3):
        assert client.get(study.get_absolute_url()).status_code == 200
