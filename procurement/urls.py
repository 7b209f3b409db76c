from django.urls import path

from .views import adoptions, approvals, catalogue, matrix, roadmaps, tenders

app_name = "procurement"

member = "kommunen/<slug:municipality_slug>/"

urlpatterns = [
    path("", catalogue.index, name="index"),
    path("katalog/", catalogue.criterion_list, name="criterion_list"),
    path("katalog/neu/", catalogue.criterion_edit, name="criterion_create"),
    path("katalog/import/", catalogue.import_upload, name="import"),
    path("katalog/<int:pk>/", catalogue.criterion_detail, name="criterion_detail"),
    path("katalog/<int:pk>/bearbeiten/", catalogue.criterion_edit, name="criterion_edit"),
    path("katalog/<int:pk>/status/", catalogue.criterion_status, name="criterion_status"),
    path("warengruppen/neu/", catalogue.product_group_edit, name="product_group_create"),
    path("warengruppen/<int:pk>/", catalogue.product_group_edit, name="product_group_edit"),
    path("matrix/", matrix.network_matrix, name="network_matrix"),
    path("zustimmungen/", approvals.approval_inbox, name="approval_inbox"),
    path("zustimmungen/<int:pk>/", approvals.approval_detail, name="approval_detail"),
    path("zustimmungen/<int:pk>/antwort/", approvals.approval_decide, name="approval_decide"),
    path("fahrplan-vorlage/", roadmaps.roadmap, name="roadmap_template"),
    path("fahrplan-vorlage/neu/", roadmaps.milestone_edit, name="template_milestone_create"),
    path("fahrplan-vorlage/<int:pk>/", roadmaps.milestone_edit, name="template_milestone_edit"),
    path(member + "uebernahmen/", adoptions.adoption_matrix, name="adoption_matrix"),
    path(member + "uebernahmen.csv", adoptions.adoption_csv, name="adoption_csv"),
    path(member + "uebernahmen/<int:pk>/", adoptions.adoption_detail, name="adoption_detail"),
    path(
        member + "uebernahmen/<int:pk>/anfragen/",
        adoptions.adoption_request,
        name="adoption_request",
    ),
    path(
        member + "uebernahmen/<int:pk>/status/", adoptions.adoption_status, name="adoption_status"
    ),
    path(member + "ausschreibungen/", tenders.tender_list, name="tender_list"),
    path(member + "ausschreibungen.csv", tenders.tender_csv, name="tender_csv"),
    path(member + "ausschreibungen/neu/", tenders.tender_edit, name="tender_create"),
    path(member + "ausschreibungen/<int:pk>/", tenders.tender_edit, name="tender_edit"),
    path(member + "fahrplan/", roadmaps.roadmap, name="roadmap"),
    path(member + "fahrplan/anlegen/", roadmaps.roadmap_start, name="roadmap_start"),
    path(member + "fahrplan/neu/", roadmaps.milestone_edit, name="milestone_create"),
    path(member + "fahrplan/<int:pk>/", roadmaps.milestone_edit, name="milestone_edit"),
]
