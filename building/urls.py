from django.urls import path

from . import views

app_name = "building"
urlpatterns = [
    path("", views.project_list, name="project_list"),
    path("vorhaben/neu/", views.project_create, name="project_create"),
    path("vorhaben/<int:pk>/", views.project_detail, name="project_detail"),
    path("vorhaben/<int:pk>/bearbeiten/", views.project_edit, name="project_edit"),
    path(
        "vorhaben/<int:pk>/wirtschaftlichkeit/", views.project_economics, name="project_economics"
    ),
    path("vorhaben/<int:pk>/varianten/neu/", views.variant_create, name="variant_create"),
    path("vorhaben/<int:pk>/varianten/<int:variant_pk>/", views.variant_edit, name="variant_edit"),
    path(
        "vorhaben/<int:pk>/varianten/<int:variant_pk>/loeschen/",
        views.variant_delete,
        name="variant_delete",
    ),
    path("vorhaben/<int:pk>/bewerten/", views.assessment_create, name="assessment_create"),
    path("vergleich/", views.comparison, name="comparison"),
    path("einstellungen/", views.settings_edit, name="settings"),
    path("bewertungen/<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("bewertungen/<int:pk>/punkte/", views.assessment_score, name="assessment_score"),
    path(
        "bewertungen/<int:pk>/abschliessen/", views.assessment_finalise, name="assessment_finalise"
    ),
    path("raster/", views.board_list, name="board_list"),
    path("raster/neu/", views.board_create, name="board_create"),
    path("raster/<int:pk>/", views.board_detail, name="board_detail"),
    path("raster/<int:pk>/bearbeiten/", views.board_edit, name="board_edit"),
    path("raster/<int:pk>/aktivieren/", views.board_activate, name="board_activate"),
    path("raster/<int:pk>/neue-version/", views.board_new_version, name="board_new_version"),
    path("raster/<int:pk>/gruppen/neu/", views.group_form, name="group_create"),
    path("raster/<int:pk>/gruppen/<int:group_pk>/", views.group_form, name="group_edit"),
    path("raster/<int:pk>/kriterien/neu/", views.criterion_form, name="criterion_create"),
    path(
        "raster/<int:pk>/kriterien/<int:criterion_pk>/",
        views.criterion_form,
        name="criterion_edit",
    ),
    path("raster/<int:pk>/stufen/neu/", views.level_form, name="level_create"),
    path("raster/<int:pk>/stufen/<int:level_pk>/", views.level_form, name="level_edit"),
    path(
        "raster/<int:pk>/<str:part>/<int:part_pk>/loeschen/",
        views.board_part_delete,
        name="board_part_delete",
    ),
    path("dokumente/<int:pk>/", views.document_download, name="document"),
    path("leitlinien/", views.guideline_list, name="guideline_list"),
    path("leitlinien/neu/", views.guideline_form, name="guideline_create"),
    path("leitlinien/<int:pk>/", views.guideline_detail, name="guideline_detail"),
    path("leitlinien/<int:pk>/bearbeiten/", views.guideline_form, name="guideline_edit"),
    path("leitlinien/<int:pk>/anhang/", views.guideline_attach, name="guideline_attach"),
]
