"""Junk into every public form and both importers (hypothesis): a clear answer, never a 500, and
a refused input writes nothing.

Each form gets a mix of good values and junk: huge text, unicode (scripts, emoji, right-to-left,
combining marks), NUL and other control characters, SQL and HTML fragments, numbers far out of
range, repeated and unknown parameters, and for uploads junk names, types and contents. Mixing
in good values lets some examples pass validation and reach the database, so the saving paths
are fuzzed too.

Every example runs in a savepoint that is rolled back afterwards, so examples do not see each
other's rows; the row counts of every table of the project (history tables included) are read
before and after. Failed sign-ins are meant to be recorded (django-axes), and sessions are the
sign-in itself: those tables are not counted.
"""

from __future__ import annotations

import io
import json
from collections import Counter
from contextlib import contextmanager

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from accounts import roles
from biobank import importer
from biobank.models import Participant, Sample
from studies import ctgov
from studies.models import Study
from tests.biobank.factories import ParticipantFactory, SampleFactory, box_named
from tests.factories import CenterFactory, ServiceFactory, UserFactory
from tests.security.evidence import record
from tests.studies.factories import PrescreenQuestionFactory, StudyFactory

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

CLEAR_ANSWERS = {200, 302, 400, 403, 404, 405, 429}
PROJECT_APPS = {"accounts", "centers", "consultations", "studies", "biobank", "collaborations", "notifications"}
# Derandomized, so a CI run is repeatable; no shrinking, so a failure costs seconds, not minutes
# (the failing example is printed as found).
FUZZ = settings(max_examples=25, deadline=None, derandomize=True, database=None, phases=[Phase.explicit, Phase.generate],
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])
INPUTS: Counter[str] = Counter()

# --- Junk -----------------------------------------------------------------------------------

NASTY = [
    "", " ", "\x00", "a\x00b", "\r\n\r\n", "\t", "\u202e\u0644\u0639\u0631\u0628\u064a\u0629", "Z\u0351\u0352\u0353",
    "💉🧬🏥" * 20, "\ufeffBOM", "\udcff".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
    "' OR '1'='1", "1; DROP TABLE accounts_user; --", "%' AND pg_sleep(5) --", "$$; SELECT 1; $$",
    "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "{{ settings.SECRET_KEY }}", "{% debug %}",
    "%s%s%s%n", "../../etc/passwd", "..\\..\\windows\\win.ini", "javascript:alert(1)", "NaN", "Infinity", "-0",
    "1e309", "-1", "0", "2147483648", "-2147483649", "9223372036854775808", "9" * 40, "-" + "9" * 40, "0x1F",
    "²", "١٢٣", "Ⅻ", "1_000", " 42 ", "true", "None", "null", "[]", "{}", "a" * 300, "é" * 5000,
    "a@b", "x@example.org\r\nBcc: y@example.org", "\"quoted\"@example.org", "user@[127.0.0.1]",
    "ａｄｍｉｎ@example.org", "2026-02-30", "9999-12-31", "0001-01-01", "2026-13-01T25:61",
]

junk_text = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=80),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=200, max_size=2000),
    st.builds(lambda piece, times: piece * times, st.sampled_from(["a", "é", "𝔘", "\x00", "<", "'", " "]),
              st.integers(min_value=1_000, max_value=120_000)),
    st.integers(min_value=-(10 ** 30), max_value=10 ** 30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)


def maybe(good: st.SearchStrategy | str) -> st.SearchStrategy:
    """A good value, junk, a good value with junk around it, or the field left out."""
    good = st.just(good) if isinstance(good, str) else good
    tainted = st.builds(lambda value, nasty, before: nasty + value if before else value + nasty,
                        good, st.sampled_from(NASTY), st.booleans())
    return st.one_of(good, good, tainted, st.sampled_from(NASTY), junk_text, st.just(None))


def form_data(**fields) -> st.SearchStrategy:
    """A dict of field -> value; None leaves the field out; sometimes an unknown field or a repeated one."""
    strategy = st.fixed_dictionaries({name: maybe(good) for name, good in fields.items()})
    extras = st.dictionaries(st.text(min_size=1, max_size=20), junk_text, max_size=2)
    repeated = st.lists(junk_text, min_size=2, max_size=3)

    def build(data, extra, repeat, repeat_name):
        data = {k: v for k, v in data.items() if v is not None}
        data.update(extra)
        if repeat_name in data:
            data[repeat_name] = repeat
        return data

    return st.builds(build, strategy, extras, repeated, st.sampled_from([*fields, "-"]))


# --- Checks --------------------------------------------------------------------------------

def _counted_tables() -> list[str]:
    return sorted({model._meta.db_table for model in apps.get_models(include_auto_created=True)
                   if model._meta.app_label in PROJECT_APPS and model._meta.managed and not model._meta.proxy})


def row_counts() -> tuple[int, ...]:
    tables = _counted_tables()
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f'(SELECT count(*) FROM "{table}")' for table in tables))
        return tuple(cursor.fetchone())


@contextmanager
def rolled_back():
    """One example in a savepoint that is undone afterwards (its rows never reach the next one)."""
    cache.clear()  # rate limits and lockouts start afresh
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def send(client: Client, method: str, url: str, data, *, form: str, changes_on=frozenset({302})):
    """Send one input; never a 500; refused (not in ``changes_on``): no row anywhere changed."""
    INPUTS[form] += 1
    with rolled_back():
        before = row_counts()
        response = client.get(url, data) if method == "get" else client.post(url, data)
        assert response.status_code in CLEAR_ANSWERS, (form, response.status_code, data)
        if response.status_code not in changes_on:
            assert row_counts() == before, (form, response.status_code, "a refused input wrote rows", data)
    return response


def anonymous() -> Client:
    return Client(raise_request_exception=False)


def signed_in(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.fixture(scope="module", autouse=True)
def _record_inputs(request):
    INPUTS.clear()
    failed_before = request.session.testsfailed
    yield
    record("fuzz", inputs=sum(INPUTS.values()), forms=len(INPUTS), failures=request.session.testsfailed - failed_before,
           **{f"inputs_{name}": count for name, count in sorted(INPUTS.items())})


# --- Accounts ------------------------------------------------------------------------------

@FUZZ
@given(form_data(role=st.sampled_from(roles.SELF_SERVICE_ROLES), full_name="Ada Example",
                 email=st.emails().map(str.lower), organisation="Northfield University",
                 password1="Fuzz-pass-2026!", password2="Fuzz-pass-2026!"))
def test_sign_up(db, data):
    send(anonymous(), "post", "/accounts/signup/", data, form="signup")


@FUZZ
@given(form_data(username=st.sampled_from(["fuzz-user@example.org", "nobody@example.org"]),
                 password="correct-horse-battery-staple"))
def test_sign_in(db, data):
    with rolled_back():
        UserFactory(email="fuzz-user@example.org")
        # Failed sign-ins are recorded on purpose (lockout): axes tables are not in the counts.
        send(anonymous(), "post", "/accounts/login/", data, form="signin")


@FUZZ
@given(form_data(email=st.sampled_from(["fuzz-user@example.org", "nobody@example.org"])))
def test_password_reset(db, data):
    with rolled_back():
        UserFactory(email="fuzz-user@example.org")
        send(anonymous(), "post", "/accounts/password-reset/", data, form="password_reset")


@FUZZ
@given(form_data(full_name="Ada Example", organisation="Northfield University", phone="+1 603 555 0142"))
def test_my_account(db, data):
    with rolled_back():
        user = UserFactory(roles=[roles.RESEARCHER], organisation="Northfield University")
        saved = (user.full_name, user.organisation, user.phone)
        response = send(signed_in(user), "post", "/accounts/me/", data, form="my_account")
        if response.status_code != 302:
            user.refresh_from_db()
            assert (user.full_name, user.organisation, user.phone) == saved


# --- Consultations -------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
junk_file = st.builds(
    lambda name, content, kind: SimpleUploadedFile(name, content, content_type=kind),
    st.one_of(st.just("aims.pdf"), st.sampled_from(["../../x.pdf", "a\x00.pdf", "x.docx", "x.exe", ".pdf", "é💉.pdf",
                                                    "a" * 300 + ".pdf", "x.pdf.exe", "CON.pdf"]),
              st.text(min_size=1, max_size=40).filter(lambda name: "\x00" not in name and name.strip())),
    st.one_of(st.just(PDF), st.binary(max_size=2000), st.just(b""), st.just(b"MZ\x90\x00" + b"\x00" * 100),
              st.just(b"PK\x03\x04" + b"\x00" * 60)),
    st.sampled_from(["application/pdf", "application/octet-stream", "text/html", "", "image/svg+xml",
                     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"]),
)


@FUZZ
@given(form_data(service=st.just("SERVICE"), center=st.just(""), title="Pilot of a walking programme",
                 summary="Compare two walking programmes in 40 volunteers over a year.",
                 study_stage=st.sampled_from(["idea", "protocol"]),
                 funding_status=st.sampled_from(["unfunded", "industry"]), sponsor="Acme Pharma (synthetic)",
                 deadline=st.just("")),
       st.lists(junk_file, max_size=3))
def test_consultation_request(db, data, files):
    with rolled_back():
        researcher = UserFactory(roles=[roles.RESEARCHER])
        service = ServiceFactory(center=CenterFactory())
        if data.get("service") == "SERVICE":
            data["service"] = str(service.pk)
        if files:
            data["attachments"] = files
        send(signed_in(researcher), "post", "/consultations/new/", data, form="consultation_request")


# --- Studies: "I'm interested", the trial finder, FHIR ---------------------------------------

@FUZZ
@given(form_data(name="Jamie Volunteer", email="jamie@example.org", phone="617 555 0123",
                 preferred_contact=st.sampled_from(["email", "phone"]), best_time="morning",
                 consent_to_contact="on", website=st.just(""), YESNO=st.sampled_from(["yes", "no", "unsure"]),
                 NUMBER=st.integers(min_value=0, max_value=24).map(str)))
def test_study_interest(db, data):
    with rolled_back():
        study = StudyFactory()
        yes_no = PrescreenQuestionFactory(study=study, text="Do you use insulin?")
        number = PrescreenQuestionFactory(study=study, text="Hours of sleep?", kind="number", min_value=0, max_value=24)
        renamed = {"YESNO": f"question_{yes_no.pk}", "NUMBER": f"question_{number.pk}"}
        data = {renamed.get(key, key): value for key, value in data.items()}
        send(anonymous(), "post", study.get_absolute_url(), data, form="study_interest")


@FUZZ
@given(form_data(q="asthma", condition="diabetes", phase=st.sampled_from(["1", "2", "early_1"]),
                 age=st.integers(min_value=0, max_value=120).map(str), sex=st.sampled_from(["female", "male"]),
                 healthy="on", trc="on", center="center-for-clinical-trials",
                 status=st.sampled_from(["recruiting", "closed"]), page="2"))
def test_trial_finder(db, data):
    with rolled_back():
        StudyFactory(lay_title="Asthma and sleep")
        send(anonymous(), "get", "/studies/", data, form="trial_finder")


@FUZZ
@given(form_data(status=st.sampled_from(["active", "completed", "active,closed-to-accrual"]),
                 _count=st.integers(min_value=1, max_value=100).map(str), page=st.integers(1, 5).map(str)),
       st.one_of(st.integers(min_value=0, max_value=10 ** 30).map(str), st.sampled_from(NASTY), junk_text))
def test_fhir_search_and_read(db, data, pk):
    with rolled_back():
        study = StudyFactory()
        client = anonymous()
        send(client, "get", "/fhir/ResearchStudy", data, form="fhir_search")
        path = "".join(c for c in pk if c not in "/?#\x00") or str(study.pk)
        send(client, "get", f"/fhir/ResearchStudy/{path}", {}, form="fhir_read")


# --- Centres, partnerships -----------------------------------------------------------------

@FUZZ
@given(form_data(q="biostatistics", kind=st.sampled_from(["center", "unit"]), page="1"))
def test_centres_directory(db, data):
    with rolled_back():
        CenterFactory(name="Biostatistics unit (synthetic)", slug="biostatistics-unit")
        send(anonymous(), "get", "/centers/", data, form="centres_directory")


@FUZZ
@given(form_data(organisation="Northfield University", kind=st.sampled_from(["academic", "industry"]),
                 contact_name="Jordan Example", contact_email="jordan@example.org", contact_phone="+1 603 555 0100",
                 area=st.sampled_from(["clinical_trials", "biobank"]),
                 proposal="A multi-site trial of home blood pressure coaching with our nursing school.",
                 confidential="on", website=st.just("")))
def test_partnership_inquiry(db, data):
    send(anonymous(), "post", "/collaborators/", data, form="partnership_inquiry")


# --- Biobank: cohort counts and requests ---------------------------------------------------

CRITERIA = dict(sample_type=st.sampled_from(["", "dna", "plasma"]), sex=st.sampled_from(["", "F", "M"]),
                birth_year_min=st.sampled_from(["", "1950"]), birth_year_max=st.sampled_from(["", "1990"]),
                genotyped=st.sampled_from(["", "yes", "no"]))


@pytest.fixture
def biobank_stock(db):
    for _ in range(12):
        SampleFactory(participant=ParticipantFactory(), sample_type="dna")


@FUZZ
@given(form_data(**CRITERIA, recontact=st.sampled_from(["", "yes"]), count=st.just("1"),
                 **{"g0-c0-concept": st.sampled_from(["", "icd10cm:E11", "diab", "E11"]),
                    "g0-c0-value_op": st.sampled_from(["", ">", "between"]), "g0-c0-value": st.sampled_from(["", "8"]),
                    "g0-c0-unit": st.sampled_from(["", "%"]), "g0-c0-within_years": st.sampled_from(["", "5", "0"]),
                    "g0-c0-min_count": st.sampled_from(["", "2"]), "g1-exclude": st.sampled_from(["", "on"]),
                    "g1-c0-concept": st.sampled_from(["", "rxnorm:106892"])}))
def test_cohort_count(biobank_stock, data):
    from tests.cohorts.conftest import grant_access

    with rolled_back():
        user = UserFactory(roles=[roles.RESEARCHER])
        grant_access(user)
        # A question that is answered is logged (a row): 200 may write, nothing else may.
        send(signed_in(user), "get", "/cohorts/", data, form="cohort_count", changes_on=frozenset({200}))


@FUZZ
@given(form_data(**CRITERIA, irb_protocol="IRB-2026-0142", title="Vitamin D in serum (synthetic)",
                 samples_requested=st.integers(min_value=1, max_value=12).map(str),
                 purpose="Measure vitamin D in stored samples."))
def test_sample_request(biobank_stock, data):
    with rolled_back():
        send(signed_in(UserFactory(roles=[roles.RESEARCHER])), "post", "/biobank/requests/new/sample/", data,
             form="sample_request")


@FUZZ
@given(form_data(**CRITERIA, irb_protocol="IRB-2026-0077", title="Sleep follow-up (synthetic)",
                 participants_requested=st.integers(min_value=1, max_value=5).map(str),
                 message="We are studying sleep habits; if you would like to take part, reply to the study team."))
def test_recontact_request(biobank_stock, data):
    with rolled_back():
        send(signed_in(UserFactory(roles=[roles.RESEARCHER])), "post", "/biobank/requests/new/recontact/", data,
             form="recontact_request")


# --- Importers -----------------------------------------------------------------------------

SAMPLE_COLUMNS = ["barcode", "biobank_id", "sample_type", "collected_at", "quantity", "unit", "freezer", "rack",
                  "box", "position"]
PARTICIPANT_COLUMNS = ["biobank_id", "mrn", "sex", "birth_year", "consent_research", "consent_recontact",
                       "consent_date", "consent_version", "genotyped", "genotyping_platform", "genotyping_batch"]
GOOD_SAMPLE = ["S-001", "BB0000001", "dna", "2024-03-01", "1.5", "ug", "F1", "R1", "B1", "A1"]
GOOD_PARTICIPANT = ["BB0000002", "SYN0000002", "F", "1970", "yes", "yes", "2024-01-01", "v1", "no", "", ""]

cell = st.one_of(st.sampled_from(NASTY), junk_text.filter(lambda value: len(value) < 5_000), st.just(""))


def csv_rows(columns: list[str], good: list[str]) -> st.SearchStrategy:
    # A good row with one cell replaced or tainted: junk that gets past the other checks.
    row = st.builds(lambda cells, index, junk, taint: [
        (value + junk if taint else junk) if n == index else value for n, value in enumerate(cells)],
        st.just(good), st.integers(0, len(columns) - 1), cell, st.booleans())
    junk_row = st.lists(cell, max_size=len(columns) + 3)
    return st.lists(st.one_of(row, junk_row), min_size=1, max_size=6)


def to_csv(header: list[str], rows: list[list[str]]) -> str:
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


@FUZZ
@given(st.sampled_from(["samples", "participants"]), st.data())
def test_biobank_import(db, kind, data):
    columns, good = (SAMPLE_COLUMNS, GOOD_SAMPLE) if kind == "samples" else (PARTICIPANT_COLUMNS, GOOD_PARTICIPANT)
    header = data.draw(st.one_of(st.just(columns), st.lists(cell, max_size=4), st.permutations(columns)))
    text = data.draw(st.one_of(st.builds(to_csv, st.just(header), csv_rows(columns, good)),
                               junk_text, st.binary(max_size=500).map(lambda b: b.decode("latin-1"))))
    INPUTS["biobank_import"] += 1
    with rolled_back():
        ParticipantFactory(biobank_id="BB0000001", mrn="SYN0000001")
        box_named("F1", "R1", "B1")
        before = (Participant.objects.count(), Sample.objects.count(), row_counts())
        result = importer.import_csv(io.StringIO(text), data.draw(st.sampled_from([kind, None])))
        if result.ok:
            assert result.imported == result.rows > 0
        else:
            assert result.errors and all(error.message for error in result.errors)
            assert (Participant.objects.count(), Sample.objects.count(), row_counts()) == before


json_junk = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(min_value=-(10 ** 20), max_value=10 ** 20), junk_text),
    lambda children: st.one_of(st.lists(children, max_size=3),
                               st.dictionaries(st.sampled_from(["nctId", "briefTitle", "sex", "phases", "x"]),
                                               children, max_size=3)),
    max_leaves=8,
)


def ctgov_record(good: dict, mutations: dict) -> dict:
    record = json.loads(json.dumps(good))
    for path, value in mutations.items():
        node = record["protocolSection"]
        *parents, last = path.split(".")
        for key in parents:
            node = node.setdefault(key, {}) if isinstance(node, dict) else {}
        if isinstance(node, dict):
            node[last] = value
    return record


GOOD_RECORD = {"protocolSection": {
    "identificationModule": {"nctId": "NCT09990001", "briefTitle": "Sleep and asthma"},
    "descriptionModule": {"briefSummary": "Does better sleep help asthma?"},
    "statusModule": {"overallStatus": "RECRUITING"},
    "designModule": {"phases": ["PHASE2"]},
    "conditionsModule": {"conditions": ["Asthma"], "keywords": ["sleep"]},
    "eligibilityModule": {"sex": "ALL", "healthyVolunteers": False, "minimumAge": "18 Years",
                          "maximumAge": "65 Years", "eligibilityCriteria": "Adults with asthma."},
    "contactsLocationsModule": {"overallOfficials": [{"name": "Dr Example"}],
                                "centralContacts": [{"name": "Study desk", "email": "desk@example.org",
                                                     "phone": "555 0100"}]},
}}
RECORD_PATHS = ["identificationModule", "identificationModule.nctId", "identificationModule.briefTitle",
                "identificationModule.officialTitle", "descriptionModule.briefSummary", "statusModule.overallStatus",
                "designModule.phases", "conditionsModule.conditions", "conditionsModule.keywords", "eligibilityModule",
                "eligibilityModule.sex", "eligibilityModule.healthyVolunteers", "eligibilityModule.minimumAge",
                "eligibilityModule.maximumAge", "eligibilityModule.eligibilityCriteria",
                "contactsLocationsModule.overallOfficials", "contactsLocationsModule.centralContacts"]


@FUZZ
@given(st.lists(st.one_of(st.builds(ctgov_record, st.just(GOOD_RECORD),
                                    st.dictionaries(st.sampled_from(RECORD_PATHS), json_junk, min_size=1,
                                                    max_size=3)),
                          json_junk), min_size=1, max_size=4))
def test_ctgov_import(db, tmp_path, records):
    center = CenterFactory()
    path = tmp_path / "records.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    INPUTS["ctgov_import"] += 1
    with rolled_back():
        before = Study.objects.count()
        report = ctgov.import_file(path, center=center)
        assert len(report.created) + len(report.updated) + len(report.errors) == len(records)
        assert all(message for _, _, message in report.errors)
        assert Study.objects.count() == before + len(report.created)
