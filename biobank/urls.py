from django.urls import path
from django.views.generic import RedirectView

from . import views
from .distribution import views as distribution_views

app_name = "biobank"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="biobank:cohort", permanent=False), name="index"),
    path("cohort/", views.cohort, name="cohort"),
    path("requests/", views.my_requests, name="my_requests"),
    path("requests/new/sample/", views.new_sample_request, name="new_sample_request"),
    path("requests/new/recontact/", views.new_recontact_request, name="new_recontact_request"),
    path("requests/sample/<str:reference>/", views.sample_request_detail, name="sample_request_detail"),
    path("requests/sample/<str:reference>/withdraw/", views.withdraw_sample_request, name="withdraw_sample_request"),
    path("requests/recontact/<str:reference>/", views.recontact_request_detail, name="recontact_request_detail"),
    path("requests/recontact/<str:reference>/withdraw/", views.withdraw_recontact_request,
         name="withdraw_recontact_request"),
    path("orders/<str:reference>/", distribution_views.order_detail, name="order_detail"),
    path("orders/<str:reference>/received/", distribution_views.confirm_receipt, name="confirm_receipt"),
]
