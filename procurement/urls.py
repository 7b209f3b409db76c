from django.urls import path

from . import views

app_name = "procurement"

member = "kommunen/<slug:municipality_slug>/"

urlpatterns = [
    path("", views.index, name="index"),
    path("katalog/", views.criterion_list, name="criterion_list"),
    path("katalog/neu/", views.criterion_edit, name="criterion_create"),
    path("katalog/import/", views.import_upload, name="import"),
    path("katalog/<int:pk>/", views.criterion_detail, name="criterion_detail"),
    path("katalog/<int:pk>/bearbeiten/", views.criterion_edit, name="criterion_edit"),
    path("katalog/<int:pk>/status/", views.criterion_status, name="criterion_status"),
    path("warengruppen/neu/", views.product_group_edit, name="product_group_create"),
    path("warengruppen/<int:pk>/", views.product_group_edit, name="product_group_edit"),
    path("matrix/", views.network_matrix, name="network_matrix"),
    path("zustimmungen/", views.approval_inbox, name="approval_inbox"),
    path("zustimmungen/<int:pk>/", views.approval_decide, name="approval_decide"),
    path("fahrplan-vorlage/", views.roadmap, name="roadmap_template"),
    path("fahrplan-vorlage/neu/", views.milestone_edit, name="template_milestone_create"),
    path("fahrplan-vorlage/<int:pk>/", views.milestone_edit, name="template_milestone_edit"),
    path(member + "uebernahmen/", views.adoption_matrix, name="adoption_matrix"),
    path(member + "uebernahmen.csv", views.adoption_csv, name="adoption_csv"),
    path(member + "uebernahmen/<int:pk>/", views.adoption_detail, name="adoption_detail"),
    path(
        member + "uebernahmen/<int:pk>/anfragen/", views.adoption_request, name="adoption_request"
    ),
    path(member + "uebernahmen/<int:pk>/status/", views.adoption_status, name="adoption_status"),
    path(member + "ausschreibungen/", views.tender_list, name="tender_list"),
    path(member + "ausschreibungen.csv", views.tender_csv, name="tender_csv"),
    path(member + "ausschreibungen/neu/", views.tender_edit, name="tender_create"),
    path(member + "ausschreibungen/<int:pk>/", views.tender_edit, name="tender_edit"),
    path(member + "fahrplan/", views.roadmap, name="roadmap"),
    path(member + "fahrplan/anlegen/", views.roadmap_start, name="roadmap_start"),
    path(member + "fahrplan/neu/", views.milestone_edit, name="milestone_create"),
    path(member + "fahrplan/<int:pk>/", views.milestone_edit, name="milestone_edit"),
]
