from django.urls import path

from . import views

app_name = "collaborations"

urlpatterns = [
    path("", views.index, name="index"),
    path("thanks/", views.thanks, name="thanks"),
    path("mine/", views.mine, name="mine"),
]
