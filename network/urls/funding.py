"""The funding register (Förderprogramme) of a network."""

from django.urls import path

from network.views import funding

F = "n/<slug:network_slug>/foerderprogramme/"

urlpatterns = [
    path(F, funding.funding_list, name="funding_list"),
    path(F + "neu/", funding.funding_create, name="funding_create"),
    path(F + "<int:pk>/bearbeiten/", funding.funding_edit, name="funding_edit"),
]
