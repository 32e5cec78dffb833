"""The cohort builder: groups (AND), criteria (OR), NOT groups, lab values, windows, counts, ages."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cohorts import counting
from cohorts.models import CohortQueryLog
from cohorts.question import Criterion, Group, Question
from biobank.criteria import CohortCriteria
from tests.cohorts.conftest import people

pytestmark = pytest.mark.django_db


def diabetes_question(**sample) -> Question:
    return Question((
        Group((Criterion("icd10cm", "E11"),)),
        Group((Criterion("loinc", "4548-4", value_op=">", value=8, unit="%", within_years=5),)),
        Group((Criterion("rxnorm", "106892"),), exclude=True),
    ), CohortCriteria(**sample))


@pytest.fixture
def cohort(records):
    """20 women with diabetes and HbA1c 9 %; 5 of them also on insulin; 6 with HbA1c 7 %; 4 with an old 9 %."""
    recent = timezone.localdate() - timedelta(days=200)
    high = people(20, sex="F")
    for person in high:
        records.give(person, records.diabetes)
        records.give(person, records.hba1c, value=9.0, unit="%", when=recent)
    for person in high[:5]:
        records.give(person, records.insulin)
    for person in people(6, sex="F"):
        records.give(person, records.diabetes)
        records.give(person, records.hba1c, value=7.0, unit="%", when=recent)
    for person in people(4, sex="F"):
        records.give(person, records.diabetes)
        records.give(person, records.hba1c, value=9.0, unit="%", when=date(2010, 1, 1))
    return high


def test_the_three_group_question_counts_exactly(cohort):
    exact = counting.count(diabetes_question())
    assert (exact.participants, exact.samples) == (15, 15)


def test_icd10_codes_match_their_subcodes_by_prefix(cohort):
    assert counting.count(Question((Group((Criterion("icd10cm", "E11"),)),))).participants == 30
    assert counting.count(Question((Group((Criterion("icd10cm", "E11.9"),)),))).participants == 30
    assert counting.count(Question((Group((Criterion("icd10cm", "E12"),)),))).participants == 0


def test_or_inside_a_group_and_between_groups(cohort, records):
    either = Question((Group((Criterion("rxnorm", "106892"), Criterion("loinc", "4548-4", value_op="<", value=8,
                                                                      unit="%"))),))
    assert counting.count(either).participants == 11
    both = Question((Group((Criterion("rxnorm", "106892"),)), Group((Criterion("icd10cm", "E11"),))))
    assert counting.count(both).participants == 5


def test_a_value_in_another_unit_does_not_match(cohort):
    assert counting.count(Question((Group((Criterion("loinc", "4548-4", value_op=">", value=8,
                                                     unit="mmol/mol"),)),))).participants == 0


def test_at_least_k_occurrences_and_age_at_event(records):
    once, thrice = people(1, birth_year=1950), people(1, birth_year=1990)
    records.give(once[0], records.metformin, when=date(2020, 6, 1))
    records.give(thrice[0], records.metformin, when=date(2020, 6, 1), times=3)
    assert counting.count(Question((Group((Criterion("rxnorm", "860975", min_count=3),)),))).participants == 1
    aged = Question((Group((Criterion("rxnorm", "860975", age_min=60, age_max=80),)),))
    assert counting.count(aged).participants == 1
    between = Question((Group((Criterion("rxnorm", "860975", date_from=date(2021, 1, 1)),)),))
    assert counting.count(between).participants == 0


def test_sample_criteria_join_the_question(cohort):
    assert counting.count(diabetes_question(sample_type="dna")).participants == 0
    assert counting.count(diabetes_question(sample_type="plasma")).participants == 15
    assert counting.count(diabetes_question(sex="M")).participants == 0


def test_withdrawn_participants_are_never_counted(cohort):
    for person in cohort[5:]:
        person.withdrawn_on = date(2025, 1, 1)
        person.save()
    assert counting.count(diabetes_question()).participants == 0


def builder_query(**extra) -> dict:
    return {"g0-c0-concept": "icd10cm:E11", "g1-c0-concept": "loinc:4548-4", "g1-c0-value_op": ">",
            "g1-c0-value": "8", "g1-c0-unit": "%", "g1-c0-within_years": "5", "g2-exclude": "on",
            "g2-c0-concept": "rxnorm:106892", **extra}


def test_the_page_shows_protected_counts_and_logs_the_question(client, approved, cohort):
    client.force_login(approved)
    response = client.get(reverse("cohorts:builder"), {**builder_query(), "count": "1"})
    assert response.status_code == 200
    html = response.content.decode()
    shown = response.context["answer"]
    assert shown.participants is not None and abs(shown.participants - 15) <= 3
    assert f'id="count-participants">{shown.participants_text}<' in html
    assert 'id="count-samples">' in html
    assert "NOT group 3: insulin isophane" in html and "ICD-10-CM E11 and its subcodes" in html
    assert "Hemoglobin A1c/Hemoglobin.total in Blood (LOINC 4548-4), value &gt; 8 %, in the last 5 years" in html
    log = CohortQueryLog.objects.get()
    assert log.user == approved and log.shown["participants"] == shown.participants_text
    assert log.question["groups"][2]["exclude"] is True


def test_the_page_stays_within_its_query_budget(client, approved, cohort, django_assert_max_num_queries):
    client.force_login(approved)
    with django_assert_max_num_queries(12):
        client.get(reverse("cohorts:builder"), {**builder_query(), "count": "1"})


def test_asked_again_the_page_is_drawn_from_what_was_kept(client, approved, cohort):
    """The second time, the form comes from the cache and the count from the kept answer; the
    page is the same, and the question is logged again."""
    client.force_login(approved)
    url, query = reverse("cohorts:builder"), {**builder_query(), "count": "1"}
    first = client.get(url, query)
    assert "cohorts/_builder_form.html" in [t.name for t in first.templates]
    again = client.get(url, {**query, "count": "yes"})  # another address, the same question: drawn
    assert again.templates and "cohorts/_builder_form.html" not in [t.name for t in again.templates]

    def form(response):
        html = response.content.decode()
        return html[html.index('<form method="get"'):html.index("</form>", html.index('<form method="get"'))]

    assert form(again) == form(first)
    assert CohortQueryLog.objects.filter(user=approved).count() == 2
    wrong = client.get(url, {**query, "g1-c0-value": "abc"})  # errors are drawn afresh, never kept
    assert "cohorts/_builder_form.html" in [t.name for t in wrong.templates]
    assert "Enter a number." in wrong.content.decode()


def test_a_page_asked_again_is_served_as_drawn_while_nothing_it_shows_changed(client, approved, cohort, settings):
    """The second ask of a question serves its page as drawn (still logged); another question asked
    in between (the budget left changes) or a change in the data draws it afresh."""
    settings.COHORT_DAILY_BUDGET = 5
    client.force_login(approved)
    url, query = reverse("cohorts:builder"), {**builder_query(), "count": "1"}
    first = client.get(url, query)
    assert first.templates and "4 new questions left today" in first.content.decode()
    again = client.get(url, query)
    assert not again.templates and again.status_code == 200
    assert CohortQueryLog.objects.filter(user=approved).count() == 2
    assert CohortQueryLog.objects.order_by("pk").last().shown == CohortQueryLog.objects.order_by("pk").first().shown

    client.get(url, {"sex": "F", "count": "1"})  # another question: one less left today
    redrawn = client.get(url, query)
    assert redrawn.templates and "3 new questions left today" in redrawn.content.decode()
    assert not client.get(url, query).templates

    people(3, sex="F")  # the data changed: counted and drawn again
    assert client.get(url, query).templates
    assert CohortQueryLog.objects.filter(user=approved).count() == 6


def test_without_javascript_a_typed_term_offers_the_matching_concepts(client, approved, cohort):
    client.force_login(approved)
    html = client.get(reverse("cohorts:builder"), {"g0-c0-concept": "diabetes", "count": "1"}).content.decode()
    assert "Choose one of the matching concepts below." in html
    assert 'value="icd10cm:E11.9"' in html and 'value="snomed:44054006"' in html
    assert not CohortQueryLog.objects.exists()
    html = client.get(reverse("cohorts:builder"), {"g0-c0-concept": "diabetes", "g0-c0-pick": "snomed:44054006",
                                                   "count": "1"}).content.decode()
    assert 'id="count-participants"' in html
    assert 'value="snomed:44054006 Diabetes mellitus type 2 (disorder)"' in html


def test_a_typed_icd10_category_is_taken_with_its_subcodes(client, approved, cohort):
    client.force_login(approved)
    response = client.get(reverse("cohorts:builder"), {"g0-c0-concept": "E11", "count": "1"})
    assert response.context["question"].groups[0].criteria[0].key == ("icd10cm", "E11")


def test_buttons_add_and_remove_criteria_and_groups(client, approved, cohort):
    client.force_login(approved)
    html = client.get(reverse("cohorts:builder"), {"g0-c0-concept": "icd10cm:E11", "add": "g0"}).content.decode()
    assert 'name="g0-c1-concept"' in html and not CohortQueryLog.objects.exists()
    html = client.get(reverse("cohorts:builder"), {"g0-c0-concept": "icd10cm:E11", "add": "group"}).content.decode()
    assert 'name="g1-c0-concept"' in html
    html = client.get(reverse("cohorts:builder"), {"g0-c0-concept": "icd10cm:E11", "g0-c1-concept": "loinc:4548-4",
                                                   "remove": "g0-c1"}).content.decode()
    assert 'name="g0-c1-concept"' not in html


@pytest.mark.parametrize("field, value, message", [
    ("g0-c0-value_op", ">", "Give the number to compare the value with."),
    ("g0-c0-date_from", "2030-01-01", "The end date must be on or after the start date."),
])
def test_bad_limits_are_explained_by_field(client, approved, cohort, field, value, message):
    client.force_login(approved)
    query = {"g0-c0-concept": "loinc:4548-4", field: value, "g0-c0-date_to": "2020-01-01", "count": "1"}
    html = client.get(reverse("cohorts:builder"), query).content.decode()
    assert message in html and 'id="count-participants"' not in html


def test_concept_search_as_one_types(client, approved, cohort):
    client.force_login(approved)
    results = client.get(reverse("cohorts:concept_search"), {"q": "E1"}).json()["results"]
    assert results[0]["key"] == "icd10cm:E1" or results[0]["code"].startswith("E1")
    results = client.get(reverse("cohorts:concept_search"), {"q": "metform"}).json()["results"]
    assert [r["key"] for r in results] == ["rxnorm:860975"]
    assert results[0]["participants"] == "fewer than 11"
    results = client.get(reverse("cohorts:concept_search"), {"q": "hemoglobin a1c"}).json()["results"]
    assert results[0]["key"] == "loinc:4548-4" and results[0]["participants"] != "30"


def test_intended_uses_count_only_donors_who_said_yes_to_each(cohort):
    from biobank.consent import services as consent
    from tests.factories import UserFactory

    staff = UserFactory(is_staff=True)
    matching = [person for person in cohort[5:]]  # the 15 who answer the three-group question
    for person in matching[:6]:
        consent.record_answer(person, code="genetic", answer="yes", answered_on=date(2024, 1, 5),
                              form_version="v4", by=staff)
    for person in matching[:2]:
        consent.record_answer(person, code="commercial", answer="yes", answered_on=date(2024, 1, 5),
                              form_version="v4", by=staff)
    consent.record_answer(matching[6], code="genetic", answer="no", answered_on=date(2024, 1, 5),
                          form_version="v4", by=staff)
    assert counting.count(diabetes_question()).participants == 15
    assert counting.count(diabetes_question(uses=("genetic",))).participants == 6
    assert counting.count(diabetes_question(uses=("genetic", "commercial"))).participants == 2


def test_intended_uses_are_labelled_checkboxes_that_stay_ticked(client, approved, cohort):
    client.force_login(approved)
    html = client.get(reverse("cohorts:builder"), {"g0-c0-concept": "icd10cm:E11", "uses": "genetic",
                                                   "count": "1"}).content.decode()
    uses = html.split("<legend class=\"form-label small mb-1\">Intended uses</legend>")[1].split("</fieldset>")[0]
    assert uses.count('class="form-check-input"') == uses.count('type="checkbox"') >= 3
    assert "form-control" not in uses and '<label class="form-check-label" for="' in uses
    assert 'value="genetic" class="form-check-input" id=' in uses and "checked" in uses.split('value="genetic"')[1][:80]
    assert "only samples whose donors said yes to each use you tick" in uses
