"""The public side of a network: its management in the portal (/n/<netz>/oeffentlich/)
and the pages read without login (/oeffentlich/<netz>/)."""

from django.urls import path

from network.views import public

M = "n/<slug:network_slug>/oeffentlich/"
P = "oeffentlich/<slug:network_slug>/"

urlpatterns = [
    path(M, public.public_manage, name="public_manage"),
    path(M + "einstellungen/", public.public_settings, name="public_settings"),
    path(
        M + "kommunen/<slug:municipality_slug>/freigeben/",
        public.public_release,
        name="public_release",
    ),
    path(M + "freigaben/<int:pk>/", public.public_approve, name="public_approve"),
    path(P, public.public_network, name="public_network"),
    path(P + "erfolgsbilanz/", public.public_report, name="public_report"),
    path(P + "erfolgsbilanz.pdf", public.public_report_pdf, name="public_report_pdf"),
    path(P + "<slug:municipality_slug>/", public.public_member, name="public_member"),
    path(P + "<slug:municipality_slug>/einbetten/", public.public_embed, name="public_embed"),
]
