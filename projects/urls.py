from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("new/", views.new, name="new"),
    path("find/", views.find, name="find"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/team/", views.add_member, name="add_member"),
    path("<int:pk>/team/<int:member_id>/", views.member, name="member"),
    path("<int:pk>/join/", views.ask, name="ask"),
    path("access/<int:access_id>/", views.answer, name="answer"),
]
