from django.urls import path

from network.views import core, dashboard

urlpatterns = [
    path("", core.home, name="home"),
    path("healthz", core.healthz, name="healthz"),
    path("n/<slug:network_slug>/", core.network_overview, name="network"),
    path("n/<slug:network_slug>/dashboard/", dashboard.dashboard, name="dashboard"),
    path(
        "n/<slug:network_slug>/kommunen/<slug:municipality_slug>/",
        core.membership_detail,
        name="membership",
    ),
]
