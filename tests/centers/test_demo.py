"""Demo data: the whole division, loaded twice without duplicates."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from accounts.demo import DEMO_PASSWORD, DEMO_USERS, demo_email
from accounts.models import User
from centers.models import Center, Service, StaffMembership


def counts() -> dict[str, int]:
    return {
        "centres": Center.objects.filter(kind=Center.Kind.CENTER).count(),
        "units": Center.objects.filter(kind=Center.Kind.UNIT).count(),
        "services": Service.objects.count(),
        "memberships": StaffMembership.objects.count(),
        "users": User.objects.count(),
    }


@pytest.mark.django_db
def test_load_demo_twice_creates_nothing_new_the_second_time():
    call_command("load_demo", "--quiet-logins", stdout=open("/dev/null", "w"))
    first = counts()
    call_command("load_demo", "--quiet-logins", stdout=open("/dev/null", "w"))
    assert counts() == first
    assert first["centres"] == 10
    assert first["units"] == 15
    assert first["services"] >= 13
    assert first["users"] >= len(DEMO_USERS)


@pytest.mark.django_db
def test_the_division_has_its_named_centres_and_the_dcr_services():
    call_command("load_demo", "--quiet-logins", stdout=open("/dev/null", "w"))
    names = set(Center.objects.values_list("name", flat=True))
    assert {"Translational Research Center", "Biobank"} <= names
    services = set(Service.objects.values_list("name", flat=True))
    assert {"Faculty consultation", "IND/IDE submission and project management", "Subject recruitment",
            "Funding sources", "Study budgeting", "NIH and PCORI applications", "Project management",
            "IRB new application"} <= services
    consultation = Service.objects.get(name="Faculty consultation")
    assert consultation.free_of_charge and consultation.typical_hours == "6-8 hours"
    assert not Center.objects.filter(services__isnull=True, kind=Center.Kind.CENTER,
                                     name="Center for Biostatistics and Data Science").exists()


@pytest.mark.django_db
def test_demo_people_can_sign_in_and_staff_work_for_their_centres(client):
    call_command("load_demo", "--quiet-logins", stdout=open("/dev/null", "w"))
    response = client.post("/accounts/login/", {"username": demo_email("researcher"), "password": DEMO_PASSWORD})
    assert response.status_code == 302
    trc = StaffMembership.objects.filter(center__name="Translational Research Center")
    assert trc.filter(user__email=demo_email("studyteam")).exists()
    assert StaffMembership.objects.filter(center__name="Biobank", user__email=demo_email("biobank")).exists()


@pytest.mark.django_db
def test_demo_data_is_findable_in_the_directory(client):
    call_command("load_demo", "--quiet-logins", stdout=open("/dev/null", "w"))
    response = client.get("/centers/", {"q": "biobank"})
    assert "Biobank" in [center.name for center in response.context["page"]]
    assert client.get("/centers/translational-research-center/").status_code == 200


@pytest.mark.django_db
def test_the_command_prints_the_sign_ins(capsys):
    call_command("load_demo")
    out = capsys.readouterr().out
    assert demo_email("researcher") in out and DEMO_PASSWORD in out
    assert "10 centres, 15 units" in out
