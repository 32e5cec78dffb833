"""Spanish for patients: the interface around a study is translated, the study's own words are not.

The pages pick the language from the language cookie (the header switch sets it) or the
browser's Accept-Language; the emails to a person are written in the language of the page
they sent the form from, whoever later moves their inquiry.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils import translation

from notifications.models import OutboxEmail
from studies import services
from studies.models import Interest, Study

from .factories import ConditionFactory, InterestFactory, PrescreenQuestionFactory, StudyFactory
from .translations import MO_FILE, PO_FILE

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def compiled_catalogue():
    if not MO_FILE.exists() or MO_FILE.stat().st_mtime < PO_FILE.stat().st_mtime:
        pytest.skip(f"{MO_FILE} is missing or older than the .po: `make messages` compiles it")
    yield
    # A request in Spanish leaves Spanish active in this thread; the next test starts in English.
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def spanish(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    return client


@pytest.fixture
def study(study_team_member):
    return StudyFactory(
        lay_title="Does a daily walk help people with diabetes?", short_title="WALK-1", nct_id="NCT01234567",
        summary="We want to learn whether a 20-minute walk after meals keeps blood sugar in a healthy range.",
        eligibility="Adults with type 2 diabetes who can walk for 20 minutes without help.",
        min_age=30, max_age=75, sex=Study.Sex.FEMALE, phase=Study.Phase.PHASE_2, trc_inpatient=True,
        inpatient_nights=2, compensation="$75 for each completed visit.",
        conditions=[ConditionFactory(name="Diabetes", slug="diabetes")], team=[study_team_member])


def valid_data(**overrides) -> dict:
    data = {"name": "Jamie Volunteer", "email": "jamie@example.org", "phone": "", "preferred_contact": "email",
            "best_time": "morning", "consent_to_contact": "on", "website": ""}
    return data | overrides


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status
    return response.content.decode()


def test_the_home_page_in_spanish(spanish):
    body = page(spanish, "/")
    assert '<html lang="es">' in body
    for text in ("División de Investigación Clínica", "Buscar un estudio", ">Pacientes<", "Idioma",
                 "En caso de emergencia, llame al 911."):
        assert text in body, text
    assert "Find a study" not in body and "For Patients" not in body


def test_the_home_page_follows_the_browsers_language(client):
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="es-US,es;q=0.9").content.decode()
    assert '<html lang="es">' in body and "Buscar un estudio" in body


def test_english_stays_english(client, study):
    home = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US").content.decode()
    assert '<html lang="en">' in home and "Find a study" in home and "Buscar un estudio" not in home
    body = page(client, study.get_absolute_url())
    for text in ("What the study is for", "30 to 75 years old", "Women and girls only", "Recruiting now",
                 "A stay of 2 nights", "Your name", "Send: I"):
        assert text in body, text
    assert "Qué supone participar" not in body


def test_the_patients_page_in_spanish(spanish):
    body = page(spanish, "/patients/")
    for text in ("Participar en la investigación", "Fases de un ensayo clínico", "Fase 1", "Buscar estudios"):
        assert text in body, text


def test_the_finder_in_spanish_keeps_the_studies_own_words(spanish, study):
    StudyFactory(lay_title="An inhaler reminder app", phase=Study.Phase.PHASE_1, healthy_volunteers=True)
    body = page(spanish, "/studies/")
    for text in ("Buscar un estudio", "Enfermedad, tratamiento o palabra clave", "2 estudios encontrados", "Filtros",
                 "Su edad", "Cualquier fase", "Fase 1 (1)", "Busca voluntarios ahora", "Acepta voluntarios sanos (1)",
                 "Se aceptan voluntarios sanos", "De 30 a 75 años", "Solo mujeres y niñas",
                 # the study's own title and summary stay as the team wrote them
                 "Does a daily walk help people with diabetes?", "We want to learn whether a 20-minute walk",
                 "Diabetes"):
        assert text in body, text
    assert "studies found" not in body and "Any phase" not in body


def test_one_study_found_and_the_filters_in_use_read_in_spanish(spanish, study):
    body = page(spanish, "/studies/?q=walk&age=40")
    assert "1 estudio encontrado para «walk»" in body
    assert "Su edad: 40 años" in body and "Quitar el filtro Su edad: 40 años" in body
    assert "Filtros (2 en uso)" in body


def test_the_study_page_in_spanish_keeps_the_studies_own_words(spanish, study):
    PrescreenQuestionFactory(study=study, text="Do you take insulin?")
    body = page(spanish, study.get_absolute_url())
    assert '<html lang="es">' in body
    for text in ("Para qué es el estudio", "Quién puede participar", "De 30 a 75 años", "Solo mujeres y niñas",
                 "Qué supone participar", "Una estancia de 2 noches", "Pago por su tiempo:",
                 "Fase 2. Un grupo más grande comprueba si el tratamiento funciona", "Buscando voluntarios",
                 "Me interesa", "Su nombre", "Correo electrónico", "¿Cómo prefiere que el equipo se comunique con usted?",
                 "Mañana (9-12)", "Acepto que el equipo del estudio se comunique conmigo sobre este estudio.",
                 "Algunas preguntas", "Enviar: me interesa", "No lo sé",
                 # the study's own words
                 "Does a daily walk help people with diabetes?", "keeps blood sugar in a healthy range",
                 "Adults with type 2 diabetes", "$75 for each completed visit.", "Do you take insulin?"):
        assert text in body, text
    for english in ("What the study is for", "Your name", "Send: I", "years old"):
        assert english not in body, english


def test_a_refused_form_explains_in_spanish_and_keeps_what_was_typed(spanish, study):
    response = spanish.post(study.get_absolute_url(), valid_data(consent_to_contact="", email="jamie@"))
    body = response.content.decode()
    assert response.status_code == 400
    assert "Su mensaje todavía no se envió: corrija las respuestas marcadas abajo." in body
    assert "Marque esta casilla para que el equipo del estudio pueda comunicarse con usted" in body
    assert "Escriba un correo electrónico como nombre@ejemplo.com." in body
    assert 'value="Jamie Volunteer"' in body
    assert not Interest.objects.exists()


def test_length_and_choice_mistakes_are_explained_in_spanish(spanish, study):
    body = spanish.post(study.get_absolute_url(), valid_data(name="x" * 151)).content.decode()
    assert "Escriba su nombre con 150 caracteres como máximo." in body
    body = spanish.post(study.get_absolute_url(), valid_data(best_time="midnight")).content.decode()
    assert "Elija una de las horas de la lista." in body


def test_sending_interest_in_spanish_thanks_and_writes_in_spanish(spanish, study, study_team_member, outbox,
                                                                    django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = spanish.post(study.get_absolute_url(), valid_data())
    interest = Interest.objects.get()
    assert interest.language == "es"
    body = page(spanish, response.url)
    assert "Gracias: su mensaje ya está en manos del equipo del estudio" in body
    assert f'Su número de referencia es <strong id="inquiry-reference">{interest.reference}</strong>' in body
    assert "Qué pasa ahora" in body and "Buscar otro estudio" in body
    person = next(m for m in outbox if m.to == ["jamie@example.org"])
    assert person.subject == f"Recibimos su mensaje sobre un estudio de la DCR ({interest.reference})"
    assert person.body.startswith("Hola:")
    assert "Gracias por su interés en un estudio de la División de Investigación Clínica." in person.body
    assert f"Su número de referencia: {interest.reference}" in person.body
    assert "Este mensaje lo envió el Portal de la DCR." in person.body
    for secret in ("diabetes", "Diabetes", "walk", "WALK-1", "NCT01234567", "Jamie", "insulin", "morning", "Mañana"):
        assert secret not in person.subject + person.body, secret
    # The study team reads the portal in English, whatever the person's language.
    team = next(m for m in outbox if m.to == [study_team_member.email])
    assert team.subject == "A new inquiry for study WALK-1"
    assert set(OutboxEmail.objects.values_list("template", "language")) == {("interest_received", "es"),
                                                                           ("study_new_inquiry", "en")}


def test_sending_interest_in_english_writes_in_english(client, study, outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(study.get_absolute_url(), valid_data())
    assert Interest.objects.get().language == "en"
    person = next(m for m in outbox if m.to == ["jamie@example.org"])
    assert person.subject.startswith("We received your message about a study at the DCR")
    assert person.body.startswith("Hello,") and "Hola" not in person.body


@pytest.mark.parametrize(("to", "template", "subject"), [
    (Interest.Status.WITHDRAWN, "interest_withdrawn", "Su consulta de estudio {} fue retirada"),
    (Interest.Status.INELIGIBLE, "interest_closed", "Novedades sobre su consulta de estudio {}"),
])
def test_later_emails_use_the_language_the_person_wrote_in(study, study_team_member, outbox, to, template, subject,
                                                           django_capture_on_commit_callbacks):
    interest = InterestFactory(study=study, email="rosa@example.org", language="es")
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):  # the team works in English
        services.change_interest_status(interest, to, by=study_team_member, reason="Over the age limit")
    assert OutboxEmail.objects.get(template=template).language == "es"
    (message,) = outbox
    assert message.subject == subject.format(interest.reference)
    assert message.body.startswith("Hola:") and "Over the age limit" not in message.body


def test_an_unknown_language_falls_back_to_english(study):
    interest = services.submit_interest(study=study, name="Ana", email="ana@example.org", consent_to_contact=True,
                                        language="xx")
    assert interest.language == "en"
    assert OutboxEmail.objects.get(template="interest_received").language == "en"


def test_the_closed_and_my_inquiries_pages_in_spanish(spanish, patient, study):
    closed = StudyFactory(lay_title="An old sleep study", status=Study.Status.COMPLETED)
    body = page(spanish, closed.get_absolute_url(), status=410)
    assert "Este estudio está cerrado" in body and "«An old sleep study» ya no acepta voluntarios (terminado)." in body
    InterestFactory(study=study, user=patient)
    spanish.force_login(patient)
    body = page(spanish, "/studies/my-inquiries/")
    for text in ("Mis consultas de estudios", "Recibida: el equipo del estudio se comunicará con usted",
                 "Retirar esta consulta", study.lay_title):
        assert text in body, text


def test_withdrawing_an_inquiry_is_confirmed_in_spanish(spanish, patient, study):
    interest = InterestFactory(study=study, user=patient)
    spanish.force_login(patient)
    response = spanish.post(f"/studies/my-inquiries/{interest.pk}/withdraw/", follow=True)
    assert f"Su consulta {interest.reference} fue retirada." in response.content.decode()


def test_the_language_switch_keeps_the_person_on_the_same_page(client, study):
    response = client.post("/i18n/setlang/", {"language": "es", "next": study.get_absolute_url()})
    assert response.status_code == 302 and response.url == study.get_absolute_url()
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    body = page(client, study.get_absolute_url())
    assert '<html lang="es">' in body and "Para qué es el estudio" in body
    # The switch on the page points back at the page it is on, with its search.
    finder = page(client, "/studies/?q=walk")
    assert '<input name="next" type="hidden" value="/studies/?q=walk">' in finder
    client.post("/i18n/setlang/", {"language": "en", "next": "/studies/?q=walk"})
    assert "What the study is for" in page(client, study.get_absolute_url())


def test_the_switch_does_not_send_people_to_another_site(client):
    response = client.post("/i18n/setlang/", {"language": "es", "next": "https://evil.example.com/"})
    assert response.status_code == 302 and "evil" not in response.url


def test_study_texts_shown_to_patients_are_translated():
    study = StudyFactory.build(min_age=18, max_age=None, sex=Study.Sex.MALE, phase=Study.Phase.NOT_APPLICABLE)
    with translation.override("es"):
        assert study.age_range == "18 años o más"
        assert study.sex_text == "Solo hombres y niños"
        assert study.phase_explained.startswith("Este estudio no prueba un medicamento")
        assert study.get_phase_display() == "Sin fase"
        assert StudyFactory.build(min_age=None, max_age=None).age_range == "Cualquier edad"
        assert str(Interest.ContactBy.PHONE.label) == "Teléfono"
        assert InterestFactory.build(status=Interest.Status.DECLINED).person_label == "Cerrada: usted decidió no participar"
    assert study.age_range == "18 years and older"


def test_the_team_sees_who_wrote_in_spanish(client, study, study_team_member):
    InterestFactory(study=study, name="Rosa (synthetic)", language="es")
    InterestFactory(study=study, name="Jamie (synthetic)", language="en")
    client.force_login(study_team_member)
    body = client.get(f"/studies/team/{study.pk}/").content.decode()
    assert body.count("Wrote in Spanish") == 1
    rosa = body.index("Rosa (synthetic)")
    assert rosa < body.index("Wrote in Spanish") < body.index("</tr>", rosa)


# --- The study's own words in Spanish, written by staff ------------------------------------


def test_without_spanish_text_the_study_page_says_so_plainly_in_spanish(spanish, study):
    body = page(spanish, study.get_absolute_url())
    assert "La descripción de este estudio aún no está traducida al español" in body
    assert 'lang="en"' in body  # the English study text is marked as English for screen readers


def test_staff_spanish_text_is_shown_on_the_spanish_pages(spanish, study):
    from django.test import Client

    from studies.models import SpanishText

    SpanishText.objects.create(
        study=study, lay_title="¿Ayuda un paseo diario a las personas con diabetes?",
        summary="Queremos saber si un paseo de **20 minutos** después de comer mantiene el azúcar en un rango sano.",
        eligibility="Criterios de inclusión:\n\n* Adultos con diabetes tipo 2\n\nCriterios de exclusión:\n\n"
                    "* Embarazo")
    PrescreenQuestionFactory(study=study, text="Do you walk every day?", text_es="¿Camina todos los días?")
    body = page(spanish, study.get_absolute_url())
    assert "¿Ayuda un paseo diario a las personas con diabetes?" in body
    assert "<strong>20 minutos</strong>" in body and "¿Camina todos los días?" in body
    assert "<li>Adultos con diabetes tipo 2</li>" in body.split('class="criteria-inclusion"')[1].split("</div>")[0]
    assert "<li>Embarazo</li>" in body.split('class="criteria-exclusion"')[1].split("</div>")[0]
    assert "aún no está traducida" not in body
    finder = page(spanish, "/studies/")
    assert "¿Ayuda un paseo diario a las personas con diabetes?" in finder
    english = page(Client(), study.get_absolute_url())
    assert "Does a daily walk help people with diabetes?" in english and "Do you walk every day?" in english


def test_staff_write_the_spanish_text_in_the_admin(client, study):
    from accounts import roles
    from tests.factories import UserFactory

    staff = UserFactory(roles=[roles.DCR_STAFF], is_staff=True)
    client.force_login(staff)
    body = client.get(f"/admin/studies/study/{study.pk}/change/").content.decode()
    assert "Spanish text" in body and 'name="spanish-__prefix__-lay_title"' in body
    assert 'name="questions-__prefix__-text_es"' in body
