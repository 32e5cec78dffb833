"""Sign-in and sign-up in Spanish: the pages a patient meets on the way to "My study inquiries"."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from accounts import roles
from accounts.models import User
from notifications.models import OutboxEmail
from tests.factories import TEST_PASSWORD
from tests.studies.translations import MO_FILE, PO_FILE

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def spanish(client):
    if not MO_FILE.exists() or MO_FILE.stat().st_mtime < PO_FILE.stat().st_mtime:
        pytest.skip(f"{MO_FILE} is missing or older than the .po: `make messages` compiles it")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    yield client
    translation.activate(settings.LANGUAGE_CODE)


def test_the_sign_in_page_in_spanish(client):
    body = client.get(reverse("accounts:login")).content.decode()
    for text in ('<html lang="es">', "Iniciar sesión", "Dirección de correo electrónico", "Contraseña",
                 "¿Olvidó su contraseña?", "Crear cuenta", "Los campos marcados con * son obligatorios."):
        assert text in body, text


def test_a_failed_sign_in_is_explained_in_spanish(client, patient):
    response = client.post(reverse("accounts:login"), {"username": patient.email, "password": "not the password"})
    body = response.content.decode()
    assert "Ese correo electrónico y esa contraseña no corresponden a ninguna cuenta." in body


def test_signing_up_in_spanish_explains_mistakes_and_welcomes_in_spanish(client, django_capture_on_commit_callbacks,
                                                                           outbox):
    body = client.get(reverse("accounts:signup")).content.decode()
    for text in ("Crear cuenta", "Me registro como", "Paciente o voluntario: quiero encontrar un estudio",
                 "Nombre completo", "Repita la contraseña", "Crear mi cuenta"):
        assert text in body, text
    data = {"role": roles.PATIENT, "full_name": "Rosa Ejemplo", "email": "rosa@example.org",
            "password1": TEST_PASSWORD, "password2": TEST_PASSWORD + "x"}
    body = client.post(reverse("accounts:signup"), data).content.decode()
    assert "Corrija el campo marcado abajo." in body and "Las dos contraseñas no coinciden." in body
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:signup"), data | {"password2": TEST_PASSWORD}, follow=True)
    assert "Revise su correo electrónico" in response.content.decode()
    link = OutboxEmail.objects.get(template="signup_confirm")
    assert link.language == "es"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(link.context["confirm_path"], follow=True)
    assert User.objects.get(email="rosa@example.org").is_active
    assert "¡Le damos la bienvenida! Su cuenta está lista." in response.content.decode()
    welcome = OutboxEmail.objects.get(template="welcome")
    assert welcome.language == "es"
    assert [m.subject for m in outbox] == ["Termine de crear su cuenta del Portal de la DCR",
                                           "Le damos la bienvenida al Portal de la DCR"]
