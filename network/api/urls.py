"""/api/: the schema, its documentation page, the person's networks and every network
resource, the core's and those the topic apps offer through the `api_resources` hook."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from network import plugins

from . import views

app_name = "api"


def _resources():
    return [*views.CORE_RESOURCES, *plugins.objects("api_resources")]


urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", views.Docs.as_view(), name="docs"),
    path("docs/interaktiv/", views.DocsInteractive.as_view(), name="docs_interactive"),
    path("netzwerke/", views.Networks.as_view(), name="networks"),
    *[
        path(
            f"netzwerke/<slug:network_slug>/{resource.path}/",
            resource.as_view(),
            name=resource.name,
        )
        for resource in _resources()
    ],
]
