from django.urls import path

from . import part_views, views

app_name = "budgets"

urlpatterns = [
    path("new/<int:project_id>/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/arms/", views.add_arm, name="add_arm"),
    path("<int:pk>/visits/", views.add_visit, name="add_visit"),
    path("<int:pk>/procedures/", views.add_procedure, name="add_procedure"),
    path("<int:pk>/calendar/<int:arm_id>/", views.save_calendar, name="calendar"),
    path("<int:pk>/versions/", views.save_version, name="save_version"),
    path("<int:pk>/budget.xlsx", views.export_xlsx, name="xlsx"),
    path("<int:pk>/budget.csv", views.export_csv, name="csv"),
    path("<int:pk>/print/", views.print_view, name="print"),
    # kind: arm, visit or procedure
    path("<int:pk>/<str:kind>/<int:part_id>/", part_views.edit, name="edit_part"),
    path("<int:pk>/<str:kind>/<int:part_id>/move/", part_views.move, name="move_part"),
    path("<int:pk>/<str:kind>/<int:part_id>/remove/", part_views.remove, name="remove_part"),
]
