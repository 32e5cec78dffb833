"""Demo data: the whole division, loaded twice without duplicates."""

from __future__ import annotations

import base64
import io

import pytest
from django.core.management import call_command

from accounts import demo as accounts_demo
from accounts.demo import DEMO_PASSWORD, DEMO_USERS, demo_email
from accounts.models import User
from centers import demo as centers_demo
from centers.models import Center, Service, StaffMembership


def counts() -> dict[str, int]:
    return {
        "centres": Center.objects.filter(kind=Center.Kind.CENTER).count(),
        "units": Center.objects.filter(kind=Center.Kind.UNIT).count(),
        "services": Service.objects.count(),
        "memberships": StaffMembership.objects.count(),
        "users": User.objects.count(),
    }


@pytest.fixture
def division(db):
    """The foundation's demo data only (the whole command is exercised once, below)."""
    accounts_demo.load()
    centers_demo.load()


@pytest.mark.django_db
def test_load_demo_twice_creates_nothing_new_the_second_time():
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    first = counts()
    call_command("load_demo", "--quiet-logins", stdout=io.StringIO())
    assert counts() == first
    assert first["centres"] == 10
    assert first["units"] == 15
    assert first["services"] >= 13
    assert first["users"] >= len(DEMO_USERS)
    printed = out.getvalue()
    assert "10 centres, 15 units" in printed
    assert demo_email("researcher") in printed and DEMO_PASSWORD in printed


@pytest.mark.django_db
def test_the_centres_demo_alone_is_idempotent(division):
    first = counts()
    assert centers_demo.load() == "10 centres, 15 units, 13 services"
    assert counts() == first


@pytest.mark.django_db
def test_the_division_has_its_named_centres_and_the_dcr_services(division):
    names = set(Center.objects.values_list("name", flat=True))
    assert {"Translational Research Center", "Biobank"} <= names
    services = set(Service.objects.values_list("name", flat=True))
    assert {"Faculty consultation", "IND/IDE submission and project management", "Subject recruitment",
            "Funding sources", "Study budgeting", "NIH and PCORI applications", "Project management",
            "IRB new application"} <= services
    consultation = Service.objects.get(name="Faculty consultation")
    assert consultation.free_of_charge and consultation.typical_hours == "6-8 hours"


@pytest.mark.django_db
def test_demo_people_can_sign_in_and_staff_work_for_their_centres(client, division):
    response = client.post("/accounts/login/", {"username": demo_email("researcher"), "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert StaffMembership.objects.filter(center__name="Translational Research Center",
                                          user__email=demo_email("studyteam")).exists()
    assert StaffMembership.objects.filter(center__name="Biobank", user__email=demo_email("biobank")).exists()


@pytest.mark.django_db
def test_demo_data_is_findable_in_the_directory(client, division):
    response = client.get("/centers/", {"q": "biobank"})
    assert "Biobank" in [center.name for center in response.context["page"]]
    assert client.get("/centers/translational-research-center/").status_code == 200


@pytest.mark.django_db
def test_demo_staff_who_see_protected_data_sign_in_with_the_printed_key(client):
    """The demo study team signs in as a person would: password, then the code of the published key."""
    from django_otp.oath import totp

    out = io.StringIO()
    call_command("load_demo", stdout=out)
    key = accounts_demo.two_step_key()
    assert key in out.getvalue() and "manage.py demo_code" in out.getvalue()
    response = client.post("/accounts/login/", {"username": demo_email("studyteam"), "password": DEMO_PASSWORD},
                           follow=True)
    assert "Type your sign-in code" in response.content.decode()
    # What an authenticator app given the printed key shows now.
    secret = base64.b32decode(key.replace(" ", "") + "=" * (-len(key.replace(" ", "")) % 8))
    code = f"{totp(secret, step=30, t0=0, digits=6):06d}"
    code_out = io.StringIO()
    call_command("demo_code", stdout=code_out)
    now_or_next = {f"{totp(secret, step=30, t0=0, digits=6, drift=d):06d}" for d in (0, 1)}
    assert code_out.getvalue()[:6] in now_or_next  # the same 30 s step, or the next one
    answer = client.post("/accounts/login/code/", {"code": code, "next": "/studies/team/"})
    assert answer.status_code == 302 and answer["Location"] == "/studies/team/"
    assert client.get("/studies/team/").status_code == 200
