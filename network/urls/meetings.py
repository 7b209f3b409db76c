"""Meetings, agenda, attendance, minutes, action items, documents and the calendar feed."""

from django.urls import path, re_path

from network.views import documents, meetings, minutes

M = "n/<slug:network_slug>/termine/"
ITEM = M + "<int:pk>/"

urlpatterns = [
    path(M, meetings.meeting_list, name="meeting_list"),
    path(M + "neu/", meetings.meeting_create, name="meeting_create"),
    path(M + "aufgaben/", minutes.action_item_list, name="action_item_list"),
    path(
        M + "aufgaben/verantwortliche/",
        minutes.action_item_owner_choices,
        name="action_item_owner_choices",
    ),
    path(
        M + "aufgaben/<int:item_pk>/bearbeiten/",
        minutes.action_item_edit,
        name="action_item_edit",
    ),
    path(
        M + "aufgaben/<int:item_pk>/verlauf/",
        minutes.action_item_history,
        name="action_item_history",
    ),
    path(M + "kalender/", meetings.calendar_subscribe, name="calendar_subscribe"),
    re_path(
        r"^n/(?P<network_slug>[-a-zA-Z0-9_]+)/termine/kalender/(?P<token>[-A-Za-z0-9_]{20,64})\.ics$",
        meetings.calendar_feed,
        name="calendar_feed",
    ),
    path(ITEM, meetings.meeting_detail, name="meeting_detail"),
    path(ITEM + "bearbeiten/", meetings.meeting_edit, name="meeting_edit"),
    path(ITEM + "absagen/", meetings.meeting_cancel, name="meeting_cancel"),
    path(ITEM + "verlauf/", meetings.meeting_history, name="meeting_history"),
    path(ITEM + "tagesordnung/neu/", meetings.agenda_item_create, name="agenda_item_create"),
    path(ITEM + "tagesordnung/mehrere/", meetings.agenda_items_paste, name="agenda_items_paste"),
    path(
        ITEM + "tagesordnung/<int:item_pk>/bearbeiten/",
        meetings.agenda_item_edit,
        name="agenda_item_edit",
    ),
    path(
        ITEM + "tagesordnung/<int:item_pk>/loeschen/",
        meetings.agenda_item_delete,
        name="agenda_item_delete",
    ),
    re_path(
        r"^n/(?P<network_slug>[-a-zA-Z0-9_]+)/termine/(?P<pk>[0-9]+)/tagesordnung/"
        r"(?P<item_pk>[0-9]+)/(?P<direction>hoch|runter)/$",
        meetings.agenda_item_move,
        name="agenda_item_move",
    ),
    path(ITEM + "einladen/", meetings.meeting_invite, name="meeting_invite"),
    path(ITEM + "rueckmeldung/", meetings.attendance_respond, name="attendance_respond"),
    path(ITEM + "teilnahme/", meetings.attendance_record, name="attendance_record"),
    path(
        ITEM + "teilnahme/zugesagte/",
        meetings.attendance_confirm_registered,
        name="attendance_confirm_registered",
    ),
    path(ITEM + "teilnahme/gast/", meetings.guest_add, name="guest_add"),
    path(
        ITEM + "teilnahme/unterschriften.pdf",
        meetings.attendance_signatures,
        name="attendance_signatures",
    ),
    path(ITEM + "protokoll/", minutes.minutes_edit, name="minutes_edit"),
    path(ITEM + "protokoll/freigeben/", minutes.minutes_release, name="minutes_release"),
    path(ITEM + "protokoll/pdf/", minutes.minutes_pdf, name="minutes_pdf"),
    path(ITEM + "beschluesse/neu/", minutes.decision_create, name="decision_create"),
    path(
        ITEM + "beschluesse/<int:decision_pk>/bearbeiten/",
        minutes.decision_edit,
        name="decision_edit",
    ),
    path(
        ITEM + "beschluesse/<int:decision_pk>/verlauf/",
        minutes.decision_history,
        name="decision_history",
    ),
    path(
        ITEM + "beschluesse/<int:decision_pk>/aufgabe/",
        minutes.action_item_create,
        name="action_item_create",
    ),
    path(ITEM + "dokumente/neu/", documents.document_upload, name="document_upload"),
    path(
        ITEM + "dokumente/<int:document_pk>/",
        documents.document_download,
        name="document_download",
    ),
    path(
        ITEM + "dokumente/<int:document_pk>/loeschen/",
        documents.document_delete,
        name="document_delete",
    ),
]
