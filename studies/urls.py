from django.urls import path

from . import alert_views, bed_views, team_views, views
from .feeds import SearchFeed
from .page_cache import public_page

app_name = "studies"

urlpatterns = [
    path("", public_page(views.finder), name="finder"),
    path("feed/", SearchFeed(), name="feed"),
    path("<int:pk>/", public_page(views.study_detail), name="detail"),
    path("<int:pk>/print/", public_page(views.study_print), name="print"),
    path("<int:pk>/thanks/", views.thanks, name="thanks"),
    path("<int:pk>/save/", views.save_study, name="save"),
    path("saved/", views.saved_studies, name="saved"),
    path("my-inquiries/", views.my_inquiries, name="my_inquiries"),
    path("my-inquiries/<int:pk>/withdraw/", views.withdraw_inquiry, name="withdraw_inquiry"),
    path("alerts/", alert_views.my_alerts, name="my_alerts"),
    path("alerts/new/", alert_views.alert_new, name="alert_new"),
    path("alerts/sent/", alert_views.alert_sent, name="alert_sent"),
    path("alerts/confirm/<str:token>/", alert_views.alert_confirm, name="alert_confirm"),
    path("alerts/unsubscribe/<str:token>/", alert_views.alert_unsubscribe, name="alert_unsubscribe"),
    path("alerts/saved-studies/", alert_views.alert_saved_studies, name="alert_saved_studies"),
    path("alerts/<int:pk>/edit/", alert_views.alert_edit, name="alert_edit"),
    path("alerts/<int:pk>/delete/", alert_views.alert_delete, name="alert_delete"),
    path("team/", team_views.team_index, name="team_index"),
    path("team/<int:pk>/", team_views.team_study, name="team_study"),
    path("team/inquiries/<int:pk>/", team_views.team_inquiry, name="team_inquiry"),
    path("team/inquiries/<int:pk>/move/", team_views.team_move, name="team_move"),
    path("beds/", bed_views.bed_day, name="bed_day"),
    path("beds/week/", bed_views.bed_week, name="bed_week"),
    path("beds/book/", bed_views.bed_book, name="bed_book"),
    path("beds/<int:pk>/cancel/", bed_views.bed_cancel, name="bed_cancel"),
]
