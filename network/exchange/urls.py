"""URLs of the collegial consultation (namespace "network", included by network.urls)."""

from django.urls import path

from . import views

F = "n/<slug:network_slug>/fallberatung/"
CASE = F + "<int:pk>/"

urlpatterns = [
    path(F, views.case_list, name="case_list"),
    path(F + "neu/", views.case_create, name="case_create"),
    path(CASE, views.case_detail, name="case_detail"),
    path(CASE + "bearbeiten/", views.case_edit, name="case_edit"),
    path(CASE + "phase/", views.case_phase, name="case_phase"),
    path(CASE + "beitraege/", views.contribution_create, name="contribution_create"),
    path(CASE + "fazit/", views.conclusion_edit, name="conclusion_edit"),
    path(CASE + "tagesordnung/", views.case_schedule, name="case_schedule"),
    path(CASE + "ergebnis/<slug:key>/", views.case_outcome, name="case_outcome"),
    path(CASE + "verlauf/", views.case_history, name="case_history"),
]
