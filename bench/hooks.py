"""What the benchmark (``make bench``) adds to the production stack, and nothing else.

``floor`` is the cheapest page the stack can serve (the whole middleware chain and one trivial
query): every hot path is measured as a ratio to it. ``QueryCountMiddleware`` tells the
benchmark how many SQL queries a request ran. Both are mounted by ``bench.settings``
only; the portal's own settings never load them.
"""

from __future__ import annotations

from django.db import connection
from django.http import HttpResponse

QUERY_COUNT_HEADER = "X-Query-Count"


def floor(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return HttpResponse("ok", content_type="text/plain")


class QueryCountMiddleware:
    """Counts the queries of a request (sessions and sign-in included) into a response header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response[QUERY_COUNT_HEADER] = str(count)
        return response


# --- What the benchmark measures -----------------------------------------------------------

STAFF_EMAIL = "scale-staff-01@scale.example.org"  # DCR staff of one centre: triages its requests
HEAD_EMAIL = "scale-head@scale.example.org"  # the whole division's dashboard
RESEARCHER_EMAIL = "scale-researcher-0001@scale.example.org"
PATIENT_EMAIL = "scale-patient@scale.example.org"  # studies.scale_people
TEAM_EMAIL = "scale-team@scale.example.org"  # studies.scale_people: on the team of 20 scale studies
COLLABORATOR_EMAIL = "scale-collaborator@scale.example.org"  # collaborations.scale
FINDER_KEYWORD = "asthma"
FINDER_NEAR = {"near": "02114", "distance": "100", "sort": "nearest"}  # Boston: sites of many scale studies
COHORT_QUERY = {"sample_type": "dna", "sex": "F", "birth_year_min": "1950", "birth_year_max": "1980", "genotyped": "yes"}
# The three-group question of the cohort builder (bench/ehr_bench.py THREE_GROUPS, as the builder's form sends it).
THREE_GROUP_QUERY = {"g0-c0-concept": "icd10cm:E11", "g1-c0-concept": "loinc:4548-4", "g1-c0-value_op": ">",
                     "g1-c0-value": "8", "g1-c0-unit": "%", "g1-c0-within_years": "5", "g2-exclude": "on",
                     "g2-c0-concept": "rxnorm:106892", "count": "1"}


def hot_paths() -> list[tuple[str, str, str | None]]:
    """(name, address, email of the signed-in user or None) of every page the benchmark measures,
    on the data of ``manage.py seed_scale``."""
    from urllib.parse import urlencode

    from budgets.models import Budget
    from budgets.scale import TITLE as BUDGET_TITLE
    from centers.models import Center
    from studies.models import Study

    study = (Study.objects.filter(irb_protocol__startswith="SCALE-", is_public=True, status=Study.Status.RECRUITING)
             .order_by("irb_protocol").values_list("pk", flat=True).first())
    center = Center.objects.filter(slug="scale-centre-01").values_list("pk", flat=True).first()
    changelist = "/admin/consultations/consultationrequest/"
    budget = Budget.objects.filter(title=BUDGET_TITLE).values_list("pk", flat=True).first()
    from biobank.models import DistributionOrder, StorageContainer
    from biobank.scale import PICK_TITLE

    box = (StorageContainer.objects.filter(kind="box", rows=10, columns=10, parent__parent__name="SC01")
           .order_by("parent__name", "name").values_list("pk", flat=True).first())
    order = DistributionOrder.objects.filter(request__title=PICK_TITLE).values_list("pk", flat=True).first()
    team_study = (Study.objects.filter(team__email=TEAM_EMAIL).order_by("irb_protocol")
                  .values_list("pk", flat=True).first())
    from biobank.models import Sample
    from consultations.models import ConsultationRequest
    from consultations.scale import TITLE_PREFIX

    consultation = (ConsultationRequest.objects.filter(title__startswith=f"{TITLE_PREFIX} 1 ")
                    .values_list("pk", flat=True).first())
    sample = Sample.objects.filter(barcode="SC00000002").values_list("pk", flat=True).first()  # an aliquot
    return [
        ("floor", "/bench/floor", None),
        ("finder, keyword", f"/studies/?q={FINDER_KEYWORD}", None),
        ("finder, near by distance", f"/studies/?{urlencode(FINDER_NEAR)}", None),
        ("study page", f"/studies/{study}/", None),
        ("triage, unfiltered", changelist, STAFF_EMAIL),
        ("triage, filtered", f"{changelist}?status__exact=submitted&center__id__exact={center}", STAFF_EMAIL),
        ("my requests", "/consultations/mine/", RESEARCHER_EMAIL),
        ("cohort count", f"/cohorts/?{urlencode({**COHORT_QUERY, 'count': '1'})}", RESEARCHER_EMAIL),
        ("cohort, three groups", f"/cohorts/?{urlencode(THREE_GROUP_QUERY)}", RESEARCHER_EMAIL),
        ("concept search", "/cohorts/concepts/?q=diab", RESEARCHER_EMAIL),
        ("staff dashboard", "/staff/dashboard/", HEAD_EMAIL),
        # A budget of 10 arms x 40 visits x 50 procedures (budgets.scale), its page and its Excel export.
        ("budget 10x40x50", f"/budgets/{budget}/", RESEARCHER_EMAIL),
        ("budget XLSX export", f"/budgets/{budget}/budget.xlsx", RESEARCHER_EMAIL),
        ("box map, 10x10", f"/admin/biobank/storagecontainer/{box}/map/", HEAD_EMAIL),
        ("pick list, 1,000 samples", f"/admin/biobank/distributionorder/{order}/picklist/", HEAD_EMAIL),
        # The pages each person uses (issue 18): 3x the floor, a third of its throughput, 25x cold.
        ("my inquiries", "/studies/my-inquiries/", PATIENT_EMAIL),
        ("team, studies", "/studies/team/", TEAM_EMAIL),
        ("team, one study", f"/studies/team/{team_study}/", TEAM_EMAIL),
        ("bed board, week", "/studies/beds/week/", TEAM_EMAIL),
        ("my biobank requests", "/biobank/requests/", RESEARCHER_EMAIL),
        ("my partnerships", "/collaborators/mine/", COLLABORATOR_EMAIL),
        ("admin, request", f"/admin/consultations/consultationrequest/{consultation}/change/", HEAD_EMAIL),
        ("admin, sample", f"/admin/biobank/sample/{sample}/change/", HEAD_EMAIL),
        ("admin, study", f"/admin/studies/study/{study}/change/", HEAD_EMAIL),
    ]
