from django.urls import path, re_path

from . import views
from .selectors import REFERENCE_PATTERN

app_name = "consultations"

REFERENCE = rf"(?P<reference>{REFERENCE_PATTERN.pattern})"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new_request, name="new"),
    path("mine/", views.my_requests, name="mine"),
    path("attachments/<int:pk>/", views.download_attachment, name="attachment"),
    re_path(rf"^{REFERENCE}/$", views.detail, name="detail"),
    re_path(rf"^{REFERENCE}/withdraw/$", views.withdraw, name="withdraw"),
    re_path(rf"^{REFERENCE}/survey/$", views.survey, name="survey"),
    path("drafts/<int:pk>/delete/", views.delete_draft, name="delete_draft"),
]
