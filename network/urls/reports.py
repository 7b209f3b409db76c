from django.urls import path

from network.views import reports

urlpatterns = [
    path("n/<slug:network_slug>/berichte/", reports.report_list, name="report_list"),
    path(
        "n/<slug:network_slug>/berichte/anfordern/",
        reports.report_request,
        name="report_request",
    ),
    path("n/<slug:network_slug>/berichte/<int:pk>/", reports.report_detail, name="report_detail"),
    path(
        "n/<slug:network_slug>/berichte/<int:pk>/status/",
        reports.report_status,
        name="report_status",
    ),
    path(
        "n/<slug:network_slug>/berichte/<int:pk>/pdf/",
        reports.report_download,
        name="report_download",
    ),
    path(
        "n/<slug:network_slug>/berichte/<int:pk>/html/",
        reports.report_html,
        name="report_html",
    ),
    path(
        "n/<slug:network_slug>/berichte/<int:pk>/erneut/",
        reports.report_retry,
        name="report_retry",
    ),
    path(
        "n/<slug:network_slug>/berichte/<int:pk>/vorschau/",
        reports.report_preview,
        name="report_preview",
    ),
]
