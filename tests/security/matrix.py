"""The access matrix: every URL the portal serves, asked by every role, and what each gets.

``url_patterns()`` walks the URL resolver (admin included), so a new view shows up by itself;
``build_world()`` makes one set of records owned by "the researcher", "the patient", centre A,
study X; ``concrete_url()`` turns a pattern into an address of one of those records;
``observe()`` asks every address as every role and returns the answer codes.

Answers are written as short codes so that the expected table in ``expected.py`` reads like a
table: ``200``, ``403``, ``404``, ``405``, ``410``; ``login`` (sent to the portal's sign-in),
``admin-login`` (sent to the staff-desk sign-in), ``admin-index`` (sent to the
admin index: the admin's answer for a record the person may not see, "does not exist"), ``302`` (any
other redirect) and ``301``; ``open`` for a readiness probe that answered (200 or 503: up or
not, it asks nobody to sign in).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

# Answers that say whether the services are up (200 or 503), not who may ask: shown as "open".
HEALTH_DEPENDENT = frozenset({"readyz"})

# Column order of the table: who asks.
ROLES = ("anonymous", "patient", "researcher", "other_researcher", "team_member", "collaborator",
         "staff_a", "staff_b", "study_team", "biobank", "superuser")


@dataclass(frozen=True)
class Pattern:
    key: str  # the URL name ("studies:detail"), or the route for an unnamed pattern
    route: str
    name: str | None


def _walk(resolver, prefix: str = "", namespace: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace + (f"{entry.namespace}:" if entry.namespace else "")
            yield from _walk(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            name = namespace + entry.name if entry.name else None
            yield Pattern(key=name or route, route=route, name=name)


def url_patterns() -> list[Pattern]:
    """Every pattern of the project, in resolver order (duplicated names: the first one wins)."""
    seen: dict[str, Pattern] = {}
    for pattern in _walk(get_resolver()):
        seen.setdefault(pattern.key, pattern)
    return list(seen.values())


# --- The world: one record of each kind, owned by someone in particular --------------------

@dataclass
class World:
    users: dict
    objects: dict  # model label (lower case) -> the record admin object URLs use
    consultation: object
    attachment: object
    interest: object
    study: object
    booking: object
    sample_request: object
    recontact_request: object
    saved_cohort: object
    participant: object
    service: object
    center: object
    dashboard_key: str
    project: object
    line: object
    team_member: object
    access_request: object


def build_world() -> World:
    from django.contrib.auth.models import Group
    from django.core.files.base import ContentFile

    from accounts import roles
    from accounts.models import ProtectedAccess
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from biobank.models import ConsentStatement, DistributionOrder, ImportJob, PlacementConflict, Withdrawal
    from cohorts.models import BiobankAccess, CohortQueryLog, SavedCohort
    from ehr.models import Concept, EhrImport
    from collaborations.models import Affiliate, Inquiry
    from consultations.models import Attachment
    from notifications.models import OutboxEmail
    from studies.models import Bed
    from tests.biobank.factories import (ParticipantFactory, RecontactRequestFactory, SampleFactory,
                                         SampleRequestFactory)
    from tests.consultations.factories import ConsultationRequestFactory
    from tests.factories import CenterFactory, ServiceFactory, StaffMembershipFactory, UserFactory
    from tests.studies.factories import BedBookingFactory, ConditionFactory, InterestFactory, StudyFactory

    center_a = CenterFactory(name="Matrix Center A")
    center_b = CenterFactory(name="Matrix Center B")
    users = {
        "patient": UserFactory(roles=[roles.PATIENT], full_name="Pat Matrix"),
        "researcher": UserFactory(roles=[roles.RESEARCHER], full_name="Rae Matrix"),
        "other_researcher": UserFactory(roles=[roles.RESEARCHER], full_name="Otto Matrix"),
        "team_member": UserFactory(roles=[roles.RESEARCHER], full_name="Tim Matrix"),
        "collaborator": UserFactory(roles=[roles.COLLABORATOR], full_name="Cleo Matrix"),
        "staff_a": UserFactory(roles=[roles.DCR_STAFF], is_staff=True, full_name="Stella Matrix-A"),
        "staff_b": UserFactory(roles=[roles.DCR_STAFF], is_staff=True, full_name="Bruno Matrix-B"),
        "study_team": UserFactory(roles=[roles.STUDY_TEAM], is_staff=True, full_name="Tess Matrix"),
        "biobank": UserFactory(roles=[roles.BIOBANK_STAFF], is_staff=True, full_name="Bea Matrix"),
        "superuser": UserFactory(is_staff=True, is_superuser=True, full_name="Ada Matrix"),
    }
    StaffMembershipFactory(user=users["staff_a"], center=center_a)
    membership_b = StaffMembershipFactory(user=users["staff_b"], center=center_b)
    StaffMembershipFactory(user=users["study_team"], center=center_a)

    service = ServiceFactory(center=center_a, name="Matrix biostatistics")
    # The researcher's project; "team_member" is on its team with view rights, "other_researcher" is not.
    from projects import services as project_services
    from projects.models import Rights, Role

    project = project_services.create_project(by=users["researcher"], title="Matrix project", irb_number="IRB-M-1",
                                              funding_type="federal")
    team_member = project_services.add_member(project, by=users["researcher"], email=users["team_member"].email,
                                              role=Role.COORDINATOR, rights=Rights.VIEW)
    access_request = project_services.ask_access(project, user=users["other_researcher"], role=Role.OTHER,
                                                 rights=Rights.VIEW, note="I analyse the data.")
    from budgets import services as budget_services

    budget = budget_services.create_budget(by=users["researcher"], project=project, title="Matrix budget",
                                           sponsor_type="federal")
    # Assigned to staff of centre A: unassigned requests are open to every triage desk by design.
    consultation = ConsultationRequestFactory(requester=users["researcher"], service=service,
                                              assignee=users["staff_a"], project=project)
    from consultations.models import LineItem

    line = LineItem.objects.create(request=consultation, position=1, service=service, center=center_a, quantity=8,
                                   unit="hour", funding_type="federal", priced_on=date(2026, 1, 1),
                                   status=consultation.status, assignee=consultation.assignee)
    attachment = Attachment.objects.create(
        request=consultation, file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="protocol.pdf"),
        original_name="protocol.pdf", size=15, content_type="application/pdf", uploaded_by=users["researcher"])

    study = StudyFactory(center=center_a)
    study.team.add(users["study_team"])
    condition = ConditionFactory()
    study.conditions.add(condition)
    interest = InterestFactory(study=study, user=users["patient"])
    booking = BedBookingFactory(study=study, bed=Bed.objects.get_or_create(number=1)[0])

    participant = ParticipantFactory()
    sample = SampleFactory(participant=participant)
    conflict = PlacementConflict.objects.create(sample=SampleFactory(participant=participant, box=None, pos_row=None,
                                                                     pos_col=None),
                                                freezer="F1", rack="R1", box="B1", position="A0",
                                                reason="The position \"A0\" is not a position of a box.")
    withdrawn = ParticipantFactory(consent_research=False)
    withdrawal = Withdrawal.objects.create(participant=withdrawn, withdrawn_on=date(2025, 1, 2),
                                           reason="Asked to leave (synthetic).", recorded_by=users["biobank"])
    sample_request = SampleRequestFactory(researcher=users["researcher"], criteria={
        "sample_type": "dna", "cohort": {"name": "Matrix cohort", "question": {"groups": [], "sample": {}},
                                         "description": ["Any sample type"]}})
    recontact_request = RecontactRequestFactory(researcher=users["researcher"])
    import_job = ImportJob.objects.create(kind=ImportJob.Kind.choices[0][0], file_name="participants.csv",
                                          created_by=users["biobank"])

    # Biobank access: both researchers approved (their own records still differ), a cohort of the researcher's.
    for who in ("researcher", "other_researcher"):
        BiobankAccess.objects.create(user=users[who], irb_protocol="IRB-2026-0142", institution="Matrix Institute",
                                     purpose="Matrix.", status=BiobankAccess.Status.APPROVED,
                                     email_verified_at=timezone.now())
    saved_cohort = SavedCohort.objects.create(owner=users["researcher"], name="Matrix cohort",
                                              question={"groups": [], "sample": {"sample_type": "dna"}})
    query_log = CohortQueryLog.objects.create(user=users["researcher"], question={}, question_hash="0" * 64,
                                              shown={"participants": "fewer than 11"})
    concept = Concept.objects.create(domain="condition", system="icd10cm", code="E11.9", display="Matrix diabetes")
    ehr_import = EhrImport.objects.create(file_name="export.ndjson", created_by=users["biobank"])

    inquiry = Inquiry.objects.create(
        reference="PI-2026-99001", organisation="Matrix Foundation (synthetic)", kind=Inquiry.Kind.choices[0][0],
        contact_name="Cleo Matrix", contact_email="cleo.matrix@example.org", area=Inquiry.Area.choices[0][0],
        proposal="A partnership on outcomes research.", submitted_by=users["collaborator"])
    affiliate = Affiliate.objects.create(name="Matrix Affiliate (synthetic)", description="An affiliate.")
    outbox = OutboxEmail.objects.create(recipient="reader@example.org", template="welcome", context={},
                                        idempotency_key="matrix:1")
    access = ProtectedAccess.objects.create(user=users["study_team"], record_type="studies.Interest",
                                            record_id=str(interest.pk), fields="name")
    attempt = AccessAttempt.objects.create(username="someone@example.org", ip_address="127.0.0.1",
                                           user_agent="matrix", failures_since_start=1)
    log = AccessLog.objects.create(username="someone@example.org", ip_address="127.0.0.1", user_agent="matrix")
    failure = AccessFailureLog.objects.create(username="someone@example.org", ip_address="127.0.0.1",
                                              user_agent="matrix", locked_out=False)

    from django_otp.plugins.otp_totp.models import TOTPDevice

    # Not confirmed: a confirmed device would send staff A to the code step on every page.
    device = TOTPDevice.objects.create(user=users["staff_a"], name="Authenticator app", confirmed=False)
    from django_otp.plugins.otp_static.models import StaticDevice

    recovery = StaticDevice.objects.create(user=users["staff_a"], name="Recovery codes", confirmed=False)

    from dashboards import selectors as dashboard_selectors
    from dashboards.views import _tables

    scope = dashboard_selectors.scope_for(users["superuser"])
    dashboard_key = _tables(scope, timezone.now())[0].key

    objects = {
        "auth.group": Group.objects.get(name=roles.PATIENT),
        "axes.accessattempt": attempt, "axes.accesslog": log, "axes.accessfailurelog": failure,
        "accounts.user": users["patient"], "accounts.protectedaccess": access,
        "centers.center": center_a, "centers.service": service, "centers.staffmembership": membership_b,
        "notifications.outboxemail": outbox,
        "consultations.consultationrequest": consultation, "consultations.attachment": attachment,
        "studies.condition": condition, "studies.study": study, "studies.interest": interest,
        "studies.bed": booking.bed, "studies.bedbooking": booking,
        "biobank.participant": participant, "biobank.sample": sample, "biobank.withdrawal": withdrawal,
        "biobank.samplerequest": sample_request, "biobank.recontactrequest": recontact_request,
        "biobank.importjob": import_job, "biobank.storagecontainer": sample.box,
        "biobank.placementconflict": conflict,
        "biobank.distributionorder": DistributionOrder.objects.create(
            reference="BBD-2026-99001", request=sample_request, created_by=users["biobank"]),
        "biobank.consentstatement": ConsentStatement.objects.create(code="genetic", version="v9",
                                                                     text="My DNA may be studied (synthetic)."),
        "cohorts.biobankaccess": BiobankAccess.objects.get(user=users["researcher"]),
        "cohorts.cohortquerylog": query_log, "ehr.concept": concept, "ehr.ehrimport": ehr_import,
        "otp_totp.totpdevice": device, "otp_static.staticdevice": recovery,
        "collaborations.inquiry": inquiry, "collaborations.affiliate": affiliate,
        "projects.project": project, "projects.accessrequest": access_request, "budgets.budget": budget,
    }
    return World(users=users, objects=objects, consultation=consultation, attachment=attachment,
                 interest=interest, study=study, booking=booking, sample_request=sample_request,
                 recontact_request=recontact_request, saved_cohort=saved_cohort, participant=participant, service=service,
                 center=center_a, dashboard_key=dashboard_key, project=project, line=line, team_member=team_member,
                 access_request=access_request)


# --- Concrete addresses ----------------------------------------------------------------------

def _admin_model(pattern: Pattern) -> str | None:
    """'studies.interest' for 'admin/studies/interest/...' routes."""
    parts = pattern.route.split("/")
    if parts[0] == "admin" and len(parts) > 3 and parts[1].isidentifier() and parts[2].isidentifier():
        return f"{parts[1]}.{parts[2]}"
    return None


def concrete_url(pattern: Pattern, world: World) -> str:
    """The address of ``pattern`` for the world's records (centre A's, the researcher's, ...)."""
    from django.contrib.contenttypes.models import ContentType

    fixed = {
        "favicon.ico": "/favicon.ico",
        "accounts:password_reset_confirm": reverse("accounts:password_reset_confirm",
                                                   args=["MQ", "not-a-valid-token"]),
        "accounts:confirm_signup": reverse("accounts:confirm_signup", args=["MQ", "not-a-valid-token"]),
        "centers:service_detail": reverse("centers:service_detail", args=[world.service.slug]),
        "centers:center_detail": reverse("centers:center_detail", args=[world.center.slug]),
        "consultations:attachment": reverse("consultations:attachment", args=[world.attachment.pk]),
        "consultations:detail": reverse("consultations:detail", args=[world.consultation.reference]),
        "consultations:withdraw": reverse("consultations:withdraw", args=[world.consultation.reference]),
        "consultations:survey": reverse("consultations:survey", args=[world.consultation.reference]),
        "consultations:delete_draft": reverse("consultations:delete_draft", args=[1]),  # POST only: no record needed
        "studies:detail": reverse("studies:detail", args=[world.study.pk]),
        "studies:print": reverse("studies:print", args=[world.study.pk]),
        "studies:save": reverse("studies:save", args=[world.study.pk]),
        "studies:thanks": reverse("studies:thanks", args=[world.study.pk]),
        "studies:withdraw_inquiry": reverse("studies:withdraw_inquiry", args=[world.interest.pk]),
        "studies:alert_confirm": reverse("studies:alert_confirm", args=["not-a-valid-token"]),
        "studies:alert_unsubscribe": reverse("studies:alert_unsubscribe", args=["not-a-valid-token"]),
        "studies:alert_edit": reverse("studies:alert_edit", args=[1]),  # POST only: no record needed
        "studies:alert_delete": reverse("studies:alert_delete", args=[1]),
        "studies:team_study": reverse("studies:team_study", args=[world.study.pk]),
        "studies:team_move": reverse("studies:team_move", args=[world.interest.pk]),
        "studies:team_inquiry": reverse("studies:team_inquiry", args=[world.interest.pk]),
        "studies:bed_cancel": reverse("studies:bed_cancel", args=[world.booking.pk]),
        "biobank:sample_request_detail": reverse("biobank:sample_request_detail",
                                                 args=[world.sample_request.reference]),
        "biobank:withdraw_sample_request": reverse("biobank:withdraw_sample_request",
                                                   args=[world.sample_request.reference]),
        "biobank:order_detail": reverse("biobank:order_detail",
                                        args=[world.objects["biobank.distributionorder"].reference]),
        "biobank:confirm_receipt": reverse("biobank:confirm_receipt",
                                           args=[world.objects["biobank.distributionorder"].reference]),
        "biobank:recontact_request_detail": reverse("biobank:recontact_request_detail",
                                                    args=[world.recontact_request.reference]),
        "biobank:withdraw_recontact_request": reverse("biobank:withdraw_recontact_request",
                                                      args=[world.recontact_request.reference]),
        **{name: reverse(name, args=[world.saved_cohort.pk]) for name in (
            "cohorts:open", "cohorts:delete", "cohorts:request_samples", "cohorts:request_recontact")},
        "cohorts:verify_email": reverse("cohorts:verify_email", args=["not-a-valid-token"]),
        "admin:cohorts_request_matches": reverse("admin:cohorts_request_matches",
                                                 args=[world.sample_request.reference]),
        "dashboards:table_csv": reverse("dashboards:table_csv", args=[world.dashboard_key]),
        "admin:consultations_consultationrequest_line": reverse(
            "admin:consultations_consultationrequest_line", args=[world.consultation.pk, world.line.pk]),
        "budgets:new": reverse("budgets:new", args=[world.project.pk]),
        **{f"budgets:{name}": reverse(f"budgets:{name}", args=[world.objects["budgets.budget"].pk])
           for name in ("detail", "add_arm", "add_visit", "add_procedure", "save_version", "xlsx", "csv", "print")},
        "budgets:calendar": reverse("budgets:calendar", args=[world.objects["budgets.budget"].pk,
                                                              world.objects["budgets.budget"].arms.get().pk]),
        **{f"budgets:{name}": reverse(f"budgets:{name}", args=[world.objects["budgets.budget"].pk, "arm",
                                                              world.objects["budgets.budget"].arms.get().pk])
           for name in ("edit_part", "move_part", "remove_part")},
        "projects:detail": reverse("projects:detail", args=[world.project.pk]),
        "projects:edit": reverse("projects:edit", args=[world.project.pk]),
        "projects:add_member": reverse("projects:add_member", args=[world.project.pk]),
        "projects:member": reverse("projects:member", args=[world.project.pk, world.team_member.pk]),
        "projects:ask": reverse("projects:ask", args=[world.project.pk]),
        "projects:answer": reverse("projects:answer", args=[world.access_request.pk]),
        "fhir:researchstudy": reverse("fhir:researchstudy", args=[str(world.study.pk)]),
        "admin:view_on_site": reverse("admin:view_on_site", args=[
            ContentType.objects.get_for_model(world.study).pk, world.study.pk]),
        "admin:app_list": reverse("admin:app_list", kwargs={"app_label": "studies"}),
        "admin/(?P<url>.*)$": "/admin/no-such-page/",
        "admin:auth_user_password_change": reverse("admin:auth_user_password_change",
                                                   args=[world.users["patient"].pk]),
    }
    if pattern.key in fixed:
        return fixed[pattern.key]
    model = _admin_model(pattern)
    if model is not None and ("<path:object_id>" in pattern.route or "<int:pk>" in pattern.route
                              or "([^/]+)" in pattern.route):
        obj = world.objects[model]
        if pattern.route.endswith("history/([^/]+)/$"):
            history_id = obj.history.order_by("history_id").values_list("history_id", flat=True).first()
            return reverse(pattern.name, args=[obj.pk, history_id])
        if pattern.name is None:  # the admin's old-style "<object_id>/" address redirects to the change page
            return f"/admin/{model.replace('.', '/')}/{obj.pk}/"
        if "<int:pk>" in pattern.route:
            return reverse(pattern.name, kwargs={"pk": obj.pk})
        return reverse(pattern.name, kwargs={"object_id": obj.pk})
    return reverse(pattern.name)


# --- Asking -------------------------------------------------------------------------------

def classify(response) -> str:
    code = response.status_code
    if code not in (301, 302):
        return str(code)
    location = response["Location"]
    path = location.split("?")[0]
    if path == reverse("accounts:login"):
        return "login"
    if path == reverse("admin:login"):
        return "admin-login"
    if path == reverse("admin:index") and code == 302:
        return "admin-index"
    return str(code)


def clients(world: World) -> dict[str, Client]:
    """One client per role, signed in once (the anonymous one never)."""
    result = {"anonymous": Client()}
    for role in ROLES[1:]:
        client = Client()
        client.force_login(world.users[role], backend="accounts.backends.CachedPermissionsBackend")
        result[role] = client
    return result


@override_settings(SESSION_ENGINE="django.contrib.sessions.backends.signed_cookies")
def may_be_kept(response) -> bool:
    """True when the browser may keep this answer (no ``no-store`` in its Cache-Control)."""
    directives = {part.strip().lower() for part in response.get("Cache-Control", "").split(",")}
    return "no-store" not in directives


def observe(world: World, patterns: list[Pattern], kept: list | None = None) -> dict[str, dict[str, str]]:
    """{pattern key: {role: code}} for a GET of each pattern's address by each role.

    ``kept`` (a list) receives (pattern key, role) for every answer to a signed-in person that
    the browser may keep. Sessions live in signed cookies here: 2,000+ requests skip a session
    query each.
    """
    by_role = clients(world)
    observed: dict[str, dict[str, str]] = {}
    access_log = logging.getLogger("dcr_portal.access")
    level = access_log.level
    access_log.setLevel(logging.WARNING)  # 2,000+ access lines would only slow the run down
    try:
        for pattern in patterns:
            url = concrete_url(pattern, world)
            answers = {}
            for role in ROLES:
                response = by_role[role].get(url)
                answers[role] = classify(response)
                if kept is not None and role != "anonymous" and may_be_kept(response):
                    kept.append((pattern.key, role))
            if pattern.key in HEALTH_DEPENDENT:
                answers = {role: "open" if code in {"200", "503"} else code for role, code in answers.items()}
            observed[pattern.key] = answers
    finally:
        access_log.setLevel(level)
    return observed


def table_lines(rows: dict[str, dict[str, str]], expected: dict[str, dict[str, str]] | None = None) -> list[str]:
    """The matrix as text: one row per URL, one column per role; a wrong answer shows as got!want."""
    width = max(len(key) for key in rows) if rows else 10
    widths = [max(len(role), 11) for role in ROLES]
    header = "URL pattern".ljust(width) + " | " + " ".join(role.ljust(w) for role, w in zip(ROLES, widths))
    lines = [header, "-" * len(header)]
    for key, answers in rows.items():
        cells = []
        for role, w in zip(ROLES, widths):
            got = answers.get(role, "?")
            want = (expected or {}).get(key, {}).get(role, got)
            cells.append((got if got == want else f"{got}!{want}").ljust(w))
        lines.append(key.ljust(width) + " | " + " ".join(cells))
    return lines
