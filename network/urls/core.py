from django.urls import path

from network.views import core, dashboard, start

urlpatterns = [
    path("", start.home, name="home"),
    path("start/offen/", start.start_list, {"which": "offen"}, name="start_waiting"),
    path("start/faellig/", start.start_list, {"which": "faellig"}, name="start_due"),
    path("start/ueberfaellig/", start.start_list, {"which": "ueberfaellig"}, name="start_overdue"),
    path("healthz", core.healthz, name="healthz"),
    path("n/<slug:network_slug>/", core.network_overview, name="network"),
    path("n/<slug:network_slug>/dashboard/", dashboard.dashboard, name="dashboard"),
    path(
        "n/<slug:network_slug>/kommunen/<slug:municipality_slug>/",
        core.membership_detail,
        name="membership",
    ),
]
