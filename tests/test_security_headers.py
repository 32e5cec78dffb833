"""Every page carries a strict Content Security Policy and refuses to be framed."""

import re
from pathlib import Path

import pytest
from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/centers/", "/collaborators/", "/accounts/login/", "/admin/login/"])
def test_pages_send_a_csp_without_unsafe_inline(client, path):
    response = client.get(path)
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"


def test_templates_hold_no_inline_script_or_style():
    """Inline code would be blocked by the policy, so none may be written."""
    offenders = []
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", text):
            offenders.append(f"{template}: inline <script>")
        if re.search(r"\sstyle=\"", text) or "<style" in text:
            offenders.append(f"{template}: inline style")
        if re.search(r"\son[a-z]+=\"", text):
            offenders.append(f"{template}: inline event handler")
    assert offenders == []


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/admin/login/", "/healthz", "/static/favicon.svg"])
def test_every_answer_refuses_cameras_microphones_and_location(client, path):
    policy = client.get(path)["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        assert feature in policy


@pytest.mark.django_db
def test_public_pages_may_be_cached_but_pages_for_a_signed_in_person_may_not(client, researcher):
    assert "no-store" not in client.get("/centers/").get("Cache-Control", "")
    client.force_login(researcher)
    for path in ("/centers/", "/accounts/me/", "/studies/my-inquiries/"):
        assert "no-store" in client.get(path)["Cache-Control"], path


@pytest.mark.django_db
def test_the_language_cookie_is_not_sent_along_from_other_sites(client):
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie["samesite"] == "Lax" and cookie["httponly"]
