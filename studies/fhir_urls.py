from django.urls import path

from . import fhir_views

app_name = "fhir"

urlpatterns = [
    path("metadata", fhir_views.metadata, name="metadata"),
    path("ResearchStudy", fhir_views.research_study_search, name="researchstudy_search"),
    path("ResearchStudy/<str:pk>", fhir_views.research_study, name="researchstudy"),
]
