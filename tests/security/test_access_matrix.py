"""Every URL x every role: the answer each gets is the one declared in tests/security/expected.py.

The URLs come from the resolver, so a new view without a row in the table fails
``test_every_url_has_a_row`` by name. One set of records and one signed-in client per role
serve the whole module; the records are rolled back at the end.
"""

from __future__ import annotations

import json
import time

import pytest
from django.db import transaction

from tests.security import evidence
from tests.security.expected import EXPECTED
from tests.security.matrix import ROLES, build_world, observe, table_lines, url_patterns

# Beside the evidence folder, not in it: the summary reads every *.json there as a section.
REPORT_FILE = evidence.EVIDENCE_DIR.parent / "access_matrix.json"


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with transaction.atomic():
            started = time.monotonic()
            patterns = url_patterns()
            world = build_world()
            kept: list[tuple[str, str]] = []
            observed = observe(world, patterns, kept)
            seconds = round(time.monotonic() - started, 1)
            transaction.set_rollback(True)
    mismatches = [(key, role, observed[key][role], EXPECTED[key][role])
                  for key in observed if key in EXPECTED for role in ROLES
                  if observed[key][role] != EXPECTED[key].get(role)]
    missing = [p.key for p in patterns if p.key not in EXPECTED]
    REPORT_FILE.parent.mkdir(parents=True, exist_ok=True)
    REPORT_FILE.write_text(json.dumps({"roles": list(ROLES), "observed": observed, "expected": EXPECTED,
                                       "missing": missing, "seconds": seconds}, indent=1))
    evidence.record("access", urls=len(observed), roles=len(ROLES), checks=len(observed) * len(ROLES),
                    failures=len(mismatches) + len(missing) + len(kept), seconds=seconds)
    evidence.record("no_store", answers=len(observed) * (len(ROLES) - 1), kept_by_browser=len(kept),
                    failures=len(kept))
    return {"patterns": patterns, "observed": observed, "mismatches": mismatches, "missing": missing,
            "kept": kept}


def test_every_url_has_a_row(matrix):
    assert not matrix["missing"], (
        "These URL patterns have no row in tests/security/expected.py; say who may open them: "
        + ", ".join(matrix["missing"]))


def test_no_row_names_a_url_that_is_gone(matrix):
    served = {p.key for p in matrix["patterns"]}
    assert not set(EXPECTED) - served, f"Rows for URLs the portal no longer serves: {sorted(set(EXPECTED) - served)}"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_declared_answer(matrix, role):
    wrong = [f"{key}: got {got}, expected {want}" for key, who, got, want in matrix["mismatches"] if who == role]
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


def test_no_answer_to_a_signed_in_person_may_be_kept_by_the_browser(matrix):
    """After signing out, Back must not show a page that held someone's data: every answer to a
    signed-in person, on every URL (redirects and errors included), says ``no-store``."""
    assert not matrix["kept"], "Answers without Cache-Control: no-store: " + ", ".join(
        f"{key} ({role})" for key, role in matrix["kept"][:40])


def test_the_table_prints_a_row_per_url(matrix):
    lines = table_lines(matrix["observed"], EXPECTED)
    assert len(lines) == len(matrix["observed"]) + 2
    assert all(role in lines[0] for role in ROLES)


# POST-only views answer a GET with 405 in the table; what they do with someone else's record
# is asked here, with a POST.

@pytest.mark.django_db
def test_post_only_views_answer_someone_elses_record_with_404(client, patient, researcher, study_team_member,
                                                              center_a):
    from tests.factories import UserFactory
    from tests.studies.factories import BedBookingFactory, InterestFactory, StudyFactory
    from accounts import roles

    study = StudyFactory(center=center_a)
    study.team.add(study_team_member)
    interest = InterestFactory(study=study, user=patient)
    booking = BedBookingFactory(study=study)
    outsider_team = UserFactory(roles=[roles.STUDY_TEAM], is_staff=True)
    StudyFactory(center=center_a).team.add(outsider_team)

    client.force_login(researcher)
    assert client.post(f"/studies/my-inquiries/{interest.pk}/withdraw/").status_code == 404
    client.force_login(outsider_team)
    assert client.post(f"/studies/team/inquiries/{interest.pk}/move/", {"to": "contacted"}).status_code == 404
    assert client.post(f"/studies/beds/{booking.pk}/cancel/").status_code == 404
    interest.refresh_from_db()
    booking.refresh_from_db()
    assert interest.status == "new" and booking.status == "booked"
