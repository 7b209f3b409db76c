"""The search across the person's networks (not under one network: /suche/?netz= narrows)."""

from django.urls import path

from network.views import search

urlpatterns = [path("suche/", search.search_page, name="search")]
