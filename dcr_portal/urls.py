from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView

from centers import landing
from common import health

admin.site.site_header = "DCR Portal staff desk"
admin.site.site_title = "DCR Portal staff"
admin.site.index_title = "Triage and records"

urlpatterns = [
    # Lazy: in production the hashed name comes from collectstatic's manifest, which does not
    # exist yet when `check --deploy` and `migrate` run before `collectstatic`.
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("favicon.svg"), permanent=True)),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("", landing.home, name="home"),
    path("patients/", landing.for_patients, name="for_patients"),
    path("researchers/", landing.for_researchers, name="for_researchers"),
    path("accounts/", include("accounts.urls")),
    path("centers/", include("centers.urls")),
    path("projects/", include("projects.urls")),
    path("consultations/", include("consultations.urls")),
    path("budgets/", include("budgets.urls")),
    path("studies/", include("studies.urls")),
    path("biobank/", include("biobank.urls")),
    path("cohorts/", include("cohorts.urls")),
    path("collaborators/", include("collaborations.urls")),
    path("staff/dashboard/", include("dashboards.urls")),
    path("fhir/", include("studies.fhir_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
