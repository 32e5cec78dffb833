"""Single sign-on against a real OpenID Connect provider started here (tests/oidc_provider/):
django-oauth-toolkit in a second process, RS256-signed ID tokens, PKCE, its own database.
The portal talks to it over HTTP exactly as it would to the hospital's provider."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess  # nosec B404
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from django.test import override_settings

from accounts import roles
from accounts.models import User
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID, CLIENT_SECRET = "dcr-portal-test", "a-client-secret-of-the-test-provider-only"  # nosec B105
CALLBACK = "http://testserver/accounts/sso/callback/"
PASSWORD = "hospital-directory-pass-1"  # nosec B105
PEOPLE = {
    "hana": {"email": "hana.hospital@example.org", "first_name": "Hana", "last_name": "Hospital",
             "groups": ["dcr-researchers"]},
    "tomas": {"email": "tomas.team@example.org", "first_name": "Tomas", "last_name": "Team",
              "groups": ["dcr-study-team", "dcr-researchers"]},
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Provider:
    def __init__(self, folder: Path):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DCR_"))}
        self.env.update(DJANGO_SETTINGS_MODULE="tests.oidc_provider.settings", OIDC_PROVIDER_DATA=str(folder),
                        PYTHONPATH=str(ROOT))
        self.process = None

    def manage(self, *args):
        subprocess.run([sys.executable, "-m", "django", *args], cwd=ROOT, env=self.env, check=True,  # nosec B603
                       capture_output=True, timeout=120)

    def seed(self, people: dict, *callbacks: str):
        self.manage("seed_provider", "--client-id", CLIENT_ID, "--client-secret", CLIENT_SECRET,
                    "--redirect-uri", " ".join([CALLBACK, *callbacks]), "--people", json.dumps(
                        [{"username": name, "password": PASSWORD, **person} for name, person in people.items()]))

    def start(self):
        self.manage("migrate", "--noinput")
        self.seed(PEOPLE)
        self.process = subprocess.Popen(  # nosec B603
            [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{self.port}", "--noreload"],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/o/.well-known/jwks.json", timeout=2):  # nosec B310
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("the test OpenID provider did not start")

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)

    def settings(self, **extra) -> dict:
        return dict(
            OIDC_ENABLED=True, OIDC_RP_CLIENT_ID=CLIENT_ID, OIDC_RP_CLIENT_SECRET=CLIENT_SECRET,
            OIDC_OP_AUTHORIZATION_ENDPOINT=f"{self.url}/o/authorize/", OIDC_OP_TOKEN_ENDPOINT=f"{self.url}/o/token/",
            OIDC_OP_USER_ENDPOINT=f"{self.url}/o/userinfo/",
            OIDC_OP_JWKS_ENDPOINT=f"{self.url}/o/.well-known/jwks.json",
            OIDC_ROLE_GROUPS={"dcr-researchers": roles.RESEARCHER, "dcr-study-team": roles.STUDY_TEAM}, **extra)


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    running = Provider(tmp_path_factory.mktemp("oidc-provider"))
    running.start()
    yield running
    running.stop()


@pytest.fixture
def sso(provider):
    with override_settings(**provider.settings()):
        yield provider


def sign_in_at_the_provider(client, provider, username: str, next_page: str = "/accounts/me/"):
    """Follow the code flow as a browser would: portal -> provider sign-in -> back to the portal."""
    start = client.get("/accounts/sso/", {"next": next_page})
    assert start.status_code == 302 and start["Location"].startswith(provider.url + "/o/authorize/")
    assert "code_challenge=" in start["Location"] and "nonce=" in start["Location"]
    browser = requests.Session()
    to_login = browser.get(start["Location"], allow_redirects=False, timeout=10)
    login_url = provider.url + to_login.headers["Location"]
    form = browser.get(login_url, timeout=10).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    next_value = re.search(r'name="next" value="([^"]+)"', form).group(1).replace("&amp;", "&")
    signed_in = browser.post(login_url, data={"username": username, "password": PASSWORD, "next": next_value,
                                              "csrfmiddlewaretoken": token},
                             headers={"Referer": login_url}, allow_redirects=False, timeout=10)
    back = browser.get(provider.url + signed_in.headers["Location"], allow_redirects=False, timeout=10)
    callback = urlsplit(back.headers["Location"])
    assert f"{callback.scheme}://{callback.netloc}{callback.path}" == CALLBACK
    return client.get(f"{callback.path}?{callback.query}")


@pytest.mark.django_db
def test_a_hospital_researcher_signs_in_and_gets_an_account_with_the_mapped_role(client, sso):
    response = sign_in_at_the_provider(client, sso, "hana", next_page="/consultations/mine/")
    assert response.status_code == 302 and response["Location"] == "/consultations/mine/"
    user = User.objects.get(email="hana.hospital@example.org")
    assert user.full_name == "Hana Hospital" and not user.has_usable_password()
    assert set(user.groups.values_list("name", flat=True)) == {roles.RESEARCHER} and not user.is_staff
    assert client.get("/consultations/mine/").status_code == 200
    # A session begun through the provider stays valid when single sign-on is turned off.
    with override_settings(OIDC_ENABLED=False):
        assert client.get("/accounts/me/").status_code == 200


@pytest.mark.django_db
def test_a_study_team_member_gets_the_role_then_must_set_up_the_second_step(client, sso):
    response = sign_in_at_the_provider(client, sso, "tomas", next_page="/studies/team/")
    assert response["Location"] == "/studies/team/"
    user = User.objects.get(email="tomas.team@example.org")
    assert set(user.groups.values_list("name", flat=True)) == {roles.STUDY_TEAM, roles.RESEARCHER}
    assert user.is_staff and not user.is_superuser
    page = client.get("/studies/team/")
    assert page.status_code == 302 and page["Location"].startswith("/accounts/me/two-step/")


@pytest.mark.django_db
def test_a_group_taken_away_at_the_provider_takes_the_role_away_at_the_next_sign_in(client, sso):
    sign_in_at_the_provider(client, sso, "tomas")
    sso.seed({"tomas": {**PEOPLE["tomas"], "groups": ["dcr-researchers"]}})
    try:
        client.post("/accounts/logout/")
        sign_in_at_the_provider(client, sso, "tomas")
    finally:
        sso.seed(PEOPLE)
    user = User.objects.get(email="tomas.team@example.org")
    assert set(user.groups.values_list("name", flat=True)) == {roles.RESEARCHER} and not user.is_staff


@pytest.mark.django_db
def test_a_local_account_with_the_same_address_is_the_same_person_and_keeps_other_roles(client, sso):
    local = UserFactory(email="Hana.Hospital@example.org", roles=[roles.PATIENT], full_name="Hana H.")
    sign_in_at_the_provider(client, sso, "hana")
    assert User.objects.filter(email__iexact="hana.hospital@example.org").count() == 1
    local.refresh_from_db()
    assert set(local.groups.values_list("name", flat=True)) == {roles.PATIENT, roles.RESEARCHER}
    assert local.full_name == "Hana H." and local.has_usable_password()


@pytest.mark.django_db
def test_a_disabled_account_is_not_reopened_by_the_provider(client, sso):
    UserFactory(email="hana.hospital@example.org", is_active=False)
    response = sign_in_at_the_provider(client, sso, "hana")
    assert response["Location"] == "/accounts/login/?sso=failed"
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "Signing in with your hospital account did not work" in page


@pytest.mark.django_db
def test_a_forged_answer_signs_nobody_in(client, sso):
    client.get("/accounts/sso/")
    forged = client.get("/accounts/sso/callback/", {"code": "made-up", "state": "made-up"})
    assert forged.status_code in (302, 400) and "_auth_user_id" not in client.session
    assert not User.objects.filter(email="hana.hospital@example.org").exists()


@pytest.mark.django_db
def test_the_sign_in_page_offers_the_hospital_account_only_when_set_up(client, sso):
    assert "Sign in with your hospital account" in client.get("/accounts/login/").content.decode()
    with override_settings(OIDC_ENABLED=False):
        assert "Sign in with your hospital account" not in client.get("/accounts/login/").content.decode()
        assert client.get("/accounts/sso/").status_code == 404
        assert client.get("/accounts/sso/callback/").status_code == 404
