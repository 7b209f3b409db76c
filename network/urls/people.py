from django.urls import path

from network.views import people

member = "n/<slug:network_slug>/kommunen/<slug:municipality_slug>/"

urlpatterns = [
    path("n/<slug:network_slug>/personen/", people.people_list, name="people"),
    path(
        "n/<slug:network_slug>/personen/<int:pk>/entfernen/",
        people.role_remove,
        name="role_remove",
    ),
    path(
        "n/<slug:network_slug>/personen/<int:pk>/fachbereich/",
        people.role_department,
        name="role_department",
    ),
    path("n/<slug:network_slug>/einladungen/", people.invitation_list, name="invitations"),
    path(
        "n/<slug:network_slug>/einladungen/<int:pk>/zurueckziehen/",
        people.invitation_revoke,
        name="invitation_revoke",
    ),
    path("n/<slug:network_slug>/mitglieder/neu/", people.member_add, name="member_add"),
    path(f"{member}mitgliedschaft/", people.membership_edit, name="membership_edit"),
    path(f"{member}verlauf/", people.membership_history, name="membership_history"),
    path(f"{member}verwaltung/", people.membership_manage, name="membership_manage"),
    path(f"{member}fachbereiche/neu/", people.department_create, name="department_create"),
    path(
        f"{member}fachbereiche/<int:pk>/bearbeiten/",
        people.department_edit,
        name="department_edit",
    ),
    path(
        f"{member}fachbereiche/<int:pk>/verlauf/",
        people.department_history,
        name="department_history",
    ),
    path(
        f"{member}fachbereiche/<int:pk>/loeschen/",
        people.department_delete,
        name="department_delete",
    ),
]
