"""URLs of the network app, one module per area (namespace "network")."""

from . import core, explain, funding, legal, meetings, opendata, people, public, reports

app_name = "network"
urlpatterns = [
    *core.urlpatterns,
    *explain.urlpatterns,
    *people.urlpatterns,
    *meetings.urlpatterns,
    *reports.urlpatterns,
    *legal.urlpatterns,
    *funding.urlpatterns,
    *opendata.urlpatterns,  # before public: /oeffentlich/<netz>/daten/ is no member
    *public.urlpatterns,
]
