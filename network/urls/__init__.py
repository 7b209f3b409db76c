"""URLs of the network app, one module per area (namespace "network")."""

from network.exchange import urls as exchange

from . import core, explain, funding, legal, meetings, opendata, people, public, reports, search

app_name = "network"
urlpatterns = [
    *core.urlpatterns,
    *search.urlpatterns,
    *explain.urlpatterns,
    *people.urlpatterns,
    *meetings.urlpatterns,
    *reports.urlpatterns,
    *legal.urlpatterns,
    *funding.urlpatterns,
    *exchange.urlpatterns,
    *opendata.urlpatterns,  # before public: /oeffentlich/<netz>/daten/ is no member
    *public.urlpatterns,
]
