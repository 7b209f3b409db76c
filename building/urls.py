from django.urls import path

from .views import assessments, boards, comparison, economics, guidelines, projects, weighting

app_name = "building"
urlpatterns = [
    path("", projects.project_list, name="project_list"),
    path("vorhaben/neu/", projects.project_create, name="project_create"),
    path("vorhaben/<int:pk>/", projects.project_detail, name="project_detail"),
    path("vorhaben/<int:pk>/bearbeiten/", projects.project_edit, name="project_edit"),
    path(
        "vorhaben/<int:pk>/wirtschaftlichkeit/",
        economics.project_economics,
        name="project_economics",
    ),
    path("vorhaben/<int:pk>/varianten/neu/", economics.variant_create, name="variant_create"),
    path(
        "vorhaben/<int:pk>/varianten/<int:variant_pk>/", economics.variant_edit, name="variant_edit"
    ),
    path(
        "vorhaben/<int:pk>/varianten/<int:variant_pk>/loeschen/",
        economics.variant_delete,
        name="variant_delete",
    ),
    path("vorhaben/<int:pk>/bewerten/", assessments.assessment_create, name="assessment_create"),
    path("vergleich/", comparison.comparison, name="comparison"),
    path("einstellungen/", economics.settings_edit, name="settings"),
    path("bewertungen/<int:pk>/", assessments.assessment_detail, name="assessment_detail"),
    path("bewertungen/<int:pk>/punkte/", assessments.assessment_score, name="assessment_score"),
    path(
        "bewertungen/<int:pk>/einreichen/", assessments.assessment_submit, name="assessment_submit"
    ),
    path("bewertungen/<int:pk>/pruefen/", assessments.assessment_review, name="assessment_review"),
    path("raster/", boards.board_list, name="board_list"),
    path("raster/neu/", boards.board_create, name="board_create"),
    path("raster/<int:pk>/", boards.board_detail, name="board_detail"),
    path("raster/<int:pk>/bearbeiten/", boards.board_edit, name="board_edit"),
    path("raster/<int:pk>/aktivieren/", boards.board_activate, name="board_activate"),
    path("raster/<int:pk>/neue-version/", boards.board_new_version, name="board_new_version"),
    path("raster/<int:pk>/gruppen/neu/", boards.group_form, name="group_create"),
    path("raster/<int:pk>/gruppen/<int:group_pk>/", boards.group_form, name="group_edit"),
    path("raster/<int:pk>/kriterien/neu/", boards.criterion_form, name="criterion_create"),
    path(
        "raster/<int:pk>/kriterien/<int:criterion_pk>/",
        boards.criterion_form,
        name="criterion_edit",
    ),
    path("raster/<int:pk>/stufen/neu/", boards.level_form, name="level_create"),
    path("raster/<int:pk>/stufen/<int:level_pk>/", boards.level_form, name="level_edit"),
    path(
        "raster/<int:pk>/<str:part>/<int:part_pk>/loeschen/",
        boards.board_part_delete,
        name="board_part_delete",
    ),
    path("raster/<int:pk>/gewichtung/", weighting.weighting_list, name="weighting_list"),
    path("raster/<int:pk>/gewichtung/neu/", weighting.weighting_open, name="weighting_open"),
    path(
        "raster/<int:pk>/gewichtung/<int:vote_pk>/",
        weighting.weighting_detail,
        name="weighting_detail",
    ),
    path(
        "raster/<int:pk>/gewichtung/<int:vote_pk>/stimme/<slug:municipality_slug>/",
        weighting.weighting_ballot,
        name="weighting_ballot",
    ),
    path(
        "raster/<int:pk>/gewichtung/<int:vote_pk>/schliessen/",
        weighting.weighting_close,
        name="weighting_close",
    ),
    path(
        "raster/<int:pk>/gewichtung/<int:vote_pk>/uebernehmen/",
        weighting.weighting_apply,
        name="weighting_apply",
    ),
    path("dokumente/<int:pk>/", guidelines.document_download, name="document"),
    path("leitlinien/", guidelines.guideline_list, name="guideline_list"),
    path("leitlinien/neu/", guidelines.guideline_form, name="guideline_create"),
    path("leitlinien/<int:pk>/", guidelines.guideline_detail, name="guideline_detail"),
    path("leitlinien/<int:pk>/bearbeiten/", guidelines.guideline_form, name="guideline_edit"),
    path("leitlinien/<int:pk>/anhang/", guidelines.guideline_attach, name="guideline_attach"),
]
