"""A Spanish-speaking visitor: switches a study page to Spanish, sends interest, is answered in Spanish."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from notifications.models import OutboxEmail
from notifications.services import render_email
from studies.models import Interest, Study
from tests.e2e.layout import fits_the_window
from tests.factories import CenterFactory
from tests.studies.factories import ConditionFactory, PrescreenQuestionFactory, StudyFactory
from tests.studies.translations import MO_FILE

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def compiled_catalogue():
    if not MO_FILE.exists():
        pytest.skip(f"{MO_FILE} is not compiled: `make messages` compiles it")


@pytest.fixture
def walk_study():
    clinic = CenterFactory(name="Center for Clinical Trials")
    diabetes = ConditionFactory(name="Diabetes", slug="diabetes")
    study = StudyFactory(
        lay_title="Does a daily walk help people with diabetes?", short_title="WALK-1", nct_id="NCT01234567",
        summary="We want to learn whether a 20-minute walk after meals keeps blood sugar in a healthy range.",
        eligibility="Adults with type 2 diabetes who can walk for 20 minutes without help.",
        min_age=30, max_age=75, phase=Study.Phase.PHASE_2, conditions=[diabetes], center=clinic,
        visits="6 visits over 3 months, about 2 hours each.", compensation="$75 for each completed visit.",
        contact_name="Casey Coordinator", contact_phone="617 555 0123")
    PrescreenQuestionFactory(study=study, text="Do you take insulin?", order=1)
    StudyFactory(lay_title="First tests of a new insulin patch in people with diabetes", phase=Study.Phase.PHASE_1,
                 conditions=[diabetes], center=CenterFactory(name="Translational Research Center"),
                 trc_inpatient=True, inpatient_nights=3, min_age=18, max_age=55, healthy_volunteers=True)
    StudyFactory(lay_title="A phone app that reminds children to use their inhaler", phase=Study.Phase.NOT_APPLICABLE,
                 conditions=[ConditionFactory(name="Asthma", slug="asthma")], center=clinic, min_age=6, max_age=17,
                 status=Study.Status.NOT_YET_RECRUITING)
    return study


def test_a_visitor_switches_a_study_page_to_spanish_and_sends_interest(page, walk_study, screenshot):
    page.goto(walk_study.get_absolute_url())
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_label("Language").select_option("es")  # the header switch sends itself
    page.wait_for_function("document.documentElement.lang === 'es'")
    assert page.url.endswith(walk_study.get_absolute_url())  # still on the same study
    expect(page.get_by_role("heading", name="Para qué es el estudio")).to_be_visible()
    expect(page.get_by_role("heading", name="Does a daily walk help people with diabetes?")).to_be_visible()
    expect(page.get_by_text("We want to learn whether a 20-minute walk")).to_be_visible()  # the study's own words
    expect(page.get_by_text("De 30 a 75 años")).to_be_visible()
    screenshot(page, "i18n/desktop-2-study-page")

    page.get_by_label("Su nombre").fill("Rosa Voluntaria")
    page.get_by_role("button", name="Enviar: me interesa").click()
    # Mistakes are explained in Spanish and nothing typed is lost.
    expect(page.locator("#form-problem")).to_have_text(
        "Su mensaje todavía no se envió: corrija las respuestas marcadas abajo.")
    expect(page.get_by_text("Marque esta casilla para que el equipo del estudio pueda comunicarse con usted")).to_be_visible()
    assert page.get_by_label("Su nombre").input_value() == "Rosa Voluntaria"
    page.get_by_label("Dirección de correo electrónico").fill("rosa@example.org")
    page.get_by_label("Mejor hora para comunicarse con usted").select_option(label="Mañana (9-12)")
    page.get_by_role("group", name="Do you take insulin?").get_by_label("No lo sé").check()
    page.get_by_label("Acepto que el equipo del estudio se comunique conmigo sobre este estudio.").check()
    page.get_by_role("button", name="Enviar: me interesa").click()

    expect(page.get_by_role("heading", name="Gracias: su mensaje ya está en manos del equipo del estudio")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    interest = Interest.objects.get()
    assert page.locator("#inquiry-reference").inner_text() == interest.reference
    assert interest.language == "es" and interest.best_time == "morning"
    screenshot(page, "i18n/desktop-3-thanks")

    email = OutboxEmail.objects.get(template="interest_received")
    assert (email.recipient, email.language) == ("rosa@example.org", "es")
    subject, body, _ = render_email(email.template, email.context, email.language)
    assert subject == f"Recibimos su mensaje sobre un estudio de la DCR ({interest.reference})"
    assert body.startswith("Hola:") and "División de Investigación Clínica" in body
    for secret in ("diabetes", "walk", "Rosa", "insulin"):
        assert secret not in subject + body
    assert OutboxEmail.objects.get(template="study_new_inquiry").language == "en"

    page.goto("/studies/?q=diabetes")
    expect(page.locator("#result-count")).to_have_text("2 estudios encontrados para «diabetes»")
    screenshot(page, "i18n/desktop-1-finder")
    assert fits_the_window(page)
    page.set_viewport_size({"width": 1200, "height": 900})  # the narrowest desk screen with the full header
    page.goto("/")
    expect(page.get_by_role("link", name="Crear cuenta")).to_be_visible()
    assert fits_the_window(page)


def test_the_spanish_finder_and_study_page_fit_a_phone(phone_page, walk_study, screenshot):
    page = phone_page
    page.goto("/studies/")
    page.get_by_role("button", name="Show menu").click()
    page.get_by_label("Language").select_option("es")
    page.wait_for_function("document.documentElement.lang === 'es'")
    assert page.url.endswith("/studies/")
    expect(page.locator("#result-count")).to_have_text("3 estudios encontrados")
    screenshot(page, "i18n/phone-1-finder")
    assert fits_the_window(page)
    page.get_by_role("button", name="Filtros").click()
    page.locator("#finder-filters.show").wait_for()
    page.get_by_label("Su edad").fill("40")
    page.get_by_label("Fase", exact=True).select_option("2")
    screenshot(page, "i18n/phone-2-filters-open")
    page.get_by_role("button", name="Mostrar estudios").click()
    expect(page.locator("#result-count")).to_have_text("1 estudio encontrado")
    expect(page.get_by_role("link", name="Quitar el filtro Su edad: 40 años")).to_be_visible()
    screenshot(page, "i18n/phone-3-finder-filtered")
    assert fits_the_window(page)
    page.get_by_role("link", name="Does a daily walk help people with diabetes?").click()
    expect(page.get_by_role("heading", name="Quién puede participar")).to_be_visible()
    screenshot(page, "i18n/phone-4-study-page")
    assert fits_the_window(page)
    page.get_by_role("link", name="Me interesa").click()
    page.wait_for_url("**#interested")
    expect(page.get_by_role("button", name="Enviar: me interesa")).to_be_visible()
    page.get_by_label("Su nombre").scroll_into_view_if_needed()
    screenshot(page, "i18n/phone-5-interest-form", full_page=False)
