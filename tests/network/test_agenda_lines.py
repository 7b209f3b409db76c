"""The agenda typed or pasted at once: what a line means, and what is refused."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from network.forms.agenda_lines import AgendaLine, AgendaLinesForm, parse_agenda_lines
from network.models import AgendaItem
from tests.factories import AgendaItemFactory, MeetingFactory


def test_semicolons_tabs_numbering_and_clock_times():
    text = (
        "1. Begrüßung; 15; Miriam Albers\n"
        "\n"
        "TOP 2: Lebenszykluskosten in der Wertung\t30 Min.\tJana Wiesmann\n"
        "10:45–11:30 Uhr Fallberatung; 1,5 h\n"
        "3 Fragen an die Kämmerei; 1:15\n"
        "Verschiedenes\n"
    )
    assert parse_agenda_lines(text) == [
        AgendaLine("Begrüßung", 15, "Miriam Albers"),
        AgendaLine("Lebenszykluskosten in der Wertung", 30, "Jana Wiesmann"),
        AgendaLine("Fallberatung", 90, ""),
        AgendaLine("3 Fragen an die Kämmerei", 75, ""),
        AgendaLine("Verschiedenes", 15, ""),
    ]


def test_a_speaker_without_a_duration_is_a_speaker():
    assert parse_agenda_lines("Bericht aus Werne; Julia Wolters") == [
        AgendaLine("Bericht aus Werne", 15, "Julia Wolters")
    ]


def test_every_bad_line_is_named_in_german():
    with pytest.raises(ValidationError) as refused:
        parse_agenda_lines("Begrüßung; 15\n; 20\nPause; 3x\nLang; 2000")
    messages = refused.value.messages
    assert messages == [
        "Zeile 2: Der Titel fehlt.",
        "Zeile 3: „3x“ ist keine Dauer. Bitte Minuten angeben, z. B. 30 oder 30 Min. oder 1,5 h.",
        "Zeile 4: Die Dauer muss zwischen 1 und 1440 Minuten liegen.",
    ]


def test_too_many_lines_at_once():
    with pytest.raises(ValidationError, match="höchstens 40"):
        parse_agenda_lines("\n".join(f"Punkt {n}" for n in range(41)))


def test_the_form_says_what_is_missing():
    form = AgendaLinesForm({"lines": "   "})
    assert not form.is_valid()
    assert form.errors["lines"] == ["Bitte geben Sie mindestens einen Tagesordnungspunkt ein."]


@given(st.text(max_size=400))
def test_any_text_is_items_or_a_message(text):
    try:
        items = parse_agenda_lines(text)
    except ValidationError as refused:
        assert all(message.startswith(("Zeile ", "Bitte")) for message in refused.messages)
    else:
        for item in items:
            assert item.title and len(item.title) <= 200
            assert 1 <= item.duration_minutes <= 1440


# --- the page and the form on the meeting's page -------------------------------------------


@pytest.fixture
def meeting(actors):
    return MeetingFactory(network=actors.network, title="Netzwerktreffen Bauen")


def paste_url(meeting, slug="knn"):
    return reverse("network:agenda_items_paste", args=[slug, meeting.pk])


AGENDA = "Begrüßung; 15; {moderator}\nBericht aus Werne; 30; Frau Externe\nVerschiedenes"


@pytest.mark.django_db
class TestPastingAnAgenda:
    def test_the_moderator_adds_the_items_in_order_and_speakers_are_linked(
        self, client, actors, meeting
    ):
        actors.moderator.first_name, actors.moderator.last_name = "Miriam", "Albers"
        actors.moderator.save()
        AgendaItemFactory(meeting=meeting, title="Schon da", position=0, duration_minutes=15)
        client.force_login(actors.moderator)
        response = client.post(
            paste_url(meeting), {"lines": AGENDA.format(moderator="miriam albers")}
        )
        assert response.status_code == 302
        items = list(meeting.agenda_items.order_by("position"))
        assert [(i.title, i.duration_minutes) for i in items] == [
            ("Schon da", 15),
            ("Begrüßung", 15),
            ("Bericht aus Werne", 30),
            ("Verschiedenes", 15),
        ]
        assert (items[1].speaker, items[1].presenter) == (actors.moderator, "")
        assert (items[2].speaker, items[2].presenter) == (None, "Frau Externe")
        page = client.get(response["Location"])
        assert "3 Tagesordnungspunkte wurden hinzugefügt." in page.content.decode()

    def test_a_bad_line_keeps_the_whole_text_and_adds_nothing(self, client, actors, meeting):
        client.force_login(actors.moderator)
        text = "Begrüßung; 15\nPause; 10 Stunden lang"
        response = client.post(paste_url(meeting), {"lines": text})
        body = response.content.decode()
        assert response.status_code == 200
        assert "Zeile 2: „10 Stunden lang“ ist keine Dauer." in body
        assert "Begrüßung; 15\nPause; 10 Stunden lang" in body
        assert not meeting.agenda_items.exists()

    def test_the_form_is_on_the_meeting_page_for_the_moderation_only(self, client, actors, meeting):
        detail = reverse("network:meeting_detail", args=["knn", meeting.pk])
        client.force_login(actors.moderator)
        assert paste_url(meeting) in client.get(detail).content.decode()
        client.force_login(actors.coordinator)
        assert paste_url(meeting) not in client.get(detail).content.decode()

    def test_who_else_may_not(self, client, actors, meeting):
        response = client.post(paste_url(meeting), {"lines": "Punkt"})
        assert response.status_code == 302 and "/konto/anmelden/" in response["Location"]
        client.force_login(actors.outsider)
        assert client.post(paste_url(meeting), {"lines": "Punkt"}).status_code == 404
        client.force_login(actors.coordinator)
        assert client.post(paste_url(meeting), {"lines": "Punkt"}).status_code == 403
        other = MeetingFactory(network=actors.other_network)
        client.force_login(actors.moderator)
        assert client.post(paste_url(other, slug="knn"), {"lines": "Punkt"}).status_code == 404
        assert not AgendaItem.objects.exists()
