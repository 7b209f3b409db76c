from django.urls import path

from network.views import explain

urlpatterns = [
    path(
        "n/<slug:network_slug>/kennzahl/<slug:key>/<slug:municipality_slug>/",
        explain.figure_rows,
        name="figure_rows",
    ),
    path("n/<slug:network_slug>/ueberfaellig/", explain.overdue_list, name="overdue"),
]
