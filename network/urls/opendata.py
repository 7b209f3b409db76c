"""The open data of a network, without login: /oeffentlich/<netz>/daten/… (before the
public pages' /oeffentlich/<netz>/<kommune>/, which would take "daten" for a member)."""

from django.urls import path

from network.views import opendata

D = "oeffentlich/<slug:network_slug>/daten/"

urlpatterns = [
    path(D, opendata.opendata_page, name="opendata"),
    path(D + "datapackage.json", opendata.opendata_package, name="opendata_package"),
    path(D + "<slug:name>.csv", opendata.opendata_csv, name="opendata_csv"),
    path(D + "<slug:name>.json", opendata.opendata_json, name="opendata_json"),
]
