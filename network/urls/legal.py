"""The legal pages and the site icon: public, no network in the path."""

from django.urls import path

from network.views import legal

urlpatterns = [
    path("impressum/", legal.impressum, name="impressum"),
    path("datenschutz/", legal.privacy, name="privacy"),
    path("barrierefreiheit/", legal.accessibility, name="accessibility"),
    path("favicon.ico", legal.favicon, name="favicon"),
]
