from django.urls import path

from . import views

app_name = "cohorts"

urlpatterns = [
    path("", views.builder, name="builder"),
    path("concepts/", views.concept_search, name="concept_search"),
    path("save/", views.save, name="save"),
    path("saved/", views.saved, name="saved"),
    path("saved/<int:pk>/", views.open_cohort, name="open"),
    path("saved/<int:pk>/delete/", views.delete_cohort, name="delete"),
    path("saved/<int:pk>/request/samples/", views.request_samples, name="request_samples"),
    path("saved/<int:pk>/request/recontact/", views.request_recontact, name="request_recontact"),
    path("access/", views.access, name="access"),
    path("access/verify/<str:token>/", views.verify_email, name="verify_email"),
]
