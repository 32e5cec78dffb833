from django.urls import path

from . import views

app_name = "centers"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("services/", views.service_list, name="service_list"),
    path("services/<slug:slug>/", views.service_detail, name="service_detail"),
    path("<slug:slug>/", views.center_detail, name="center_detail"),
]
