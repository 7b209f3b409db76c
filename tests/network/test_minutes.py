"""Minutes (Markdown, draft → released, PDF), numbered decisions with their vote, and the
owner of an action item who must work for the item's municipality.

Actors (tests/conftest.py): the moderator and the expert write minutes and decisions;
Lünen's coordinator and staff and Herten's coordinator (`other`) read released minutes;
the observer reads; the outsider (another network) gets 404; anonymous visitors go to the
login page.
"""

import shutil
import subprocess
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from network.forms.minutes import ActionItemForm, DecisionForm
from network.models import ActionItem, Attendance, Decision, Meeting, Notification
from network.services import meetings as services
from tests.factories import ActionItemFactory, AgendaItemFactory, MeetingFactory

pytestmark = pytest.mark.django_db

MINUTES = "# Ergebnisse\n\nDie **Lebenszykluskosten** werden gewertet.\n\n<script>alert(1)</script>"


def url(name, *args):
    return reverse(f"network:{name}", args=["knn", *args])


@pytest.fixture
def held(actors):
    start = timezone.make_aware(timezone.datetime(2026, 11, 24, 10, 0))
    return MeetingFactory(
        network=actors.network,
        title="3. Netzwerktreffen",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        location="Rathaus Lünen",
        status=Meeting.Status.HELD,
    )


def invite_everyone(meeting):
    services.meeting_invite(meeting=meeting)
    Notification.objects.all().delete()


def write(client, meeting, text):
    meeting.refresh_from_db()
    return client.post(
        url("minutes_edit", meeting.pk), {"minutes": text, "loaded_version": meeting.version}
    )


def release(client, meeting, digest=None):
    meeting.refresh_from_db()
    return client.post(
        url("minutes_release", meeting.pk),
        {"digest": meeting.minutes_digest if digest is None else digest},
    )


def snapshot(meeting):
    return Meeting.objects.filter(pk=meeting.pk).values(
        "minutes", "minutes_status", "minutes_released_at", "version"
    )[0]


class TestMinutesDraftAndRelease:
    def test_a_draft_is_shown_to_the_moderation_only_and_marked(self, actors, held):
        write(actors.client(actors.expert), held, MINUTES)
        held.refresh_from_db()
        assert held.minutes_status == "draft"
        page = actors.client(actors.moderator).get(url("meeting_detail", held.pk)).content
        text = page.decode()
        assert "<strong>Lebenszykluskosten</strong>" in text and "Entwurf" in text
        assert "<h3>Ergebnisse</h3>" in text  # below the page's h2 „Protokoll“
        assert "<script>alert" not in text  # Markdown is sanitised
        assert "Protokoll freigeben" in text
        for who in ("coordinator", "other", "observer"):
            text = actors.client(getattr(actors, who)).get(url("meeting_detail", held.pk))
            text = text.content.decode()
            assert "Lebenszykluskosten" not in text, who
            assert "Noch kein freigegebenes Protokoll." in text
            assert url("minutes_pdf", held.pk) not in text

    def test_release_shows_it_to_members_and_tells_the_invitees(self, actors, held):
        invite_everyone(held)
        client = actors.client(actors.moderator)
        write(client, held, MINUTES)
        assert not Notification.objects.exists()  # a draft tells nobody
        response = release(client, held)
        assert response.status_code == 302
        held.refresh_from_db()
        assert held.minutes_status == "released"
        assert held.minutes_released_by == actors.moderator
        assert held.minutes_released_at is not None
        told = Notification.objects.filter(kind="meeting")
        recipients = set(told.values_list("recipient_id", flat=True))
        assert actors.coordinator.pk in recipients and actors.other.pk in recipients
        assert actors.moderator.pk not in recipients  # not the one who released
        assert actors.observer.pk not in recipients  # observers are not invited
        assert all(n.title.startswith("Protokoll veröffentlicht: 3. Netzwerktreffen") for n in told)
        assert "Lebenszykluskosten" in told.first().body  # the text travels in the mail
        text = actors.client(actors.coordinator).get(url("meeting_detail", held.pk))
        text = text.content.decode()
        assert "<strong>Lebenszykluskosten</strong>" in text
        assert "Freigegeben am" in text and "Entwurf" not in text

    def test_releasing_twice_tells_once(self, actors, held):
        invite_everyone(held)
        client = actors.client(actors.moderator)
        write(client, held, MINUTES)
        release(client, held)
        count = Notification.objects.count()
        release(client, held)
        assert Notification.objects.count() == count

    def test_a_change_after_release_is_a_draft_until_released_again(self, actors, held):
        invite_everyone(held)
        client = actors.client(actors.moderator)
        write(client, held, MINUTES)
        release(client, held)
        first_release = snapshot(held)["minutes_released_at"]
        Notification.objects.all().delete()
        page = client.get(url("minutes_edit", held.pk)).content.decode()
        assert "wird es wieder zum Entwurf" in page
        write(client, held, MINUTES + "\n\nNachtrag: Werne prüft die Wärmepumpe.")
        after = snapshot(held)
        assert after["minutes_status"] == "draft"
        assert not Notification.objects.exists()
        member = actors.client(actors.coordinator).get(url("meeting_detail", held.pk))
        member = member.content.decode()
        assert "Nachtrag" not in member and "Lebenszykluskosten" not in member
        assert "wird gerade überarbeitet" in member
        moderator = client.get(url("meeting_detail", held.pk)).content.decode()
        assert "Erneut freigeben" in moderator and "geändert nach der Freigabe" in moderator
        release(client, held)
        assert snapshot(held)["minutes_status"] == "released"
        assert snapshot(held)["minutes_released_at"] > first_release
        titles = set(Notification.objects.values_list("title", flat=True))
        assert titles == {"Protokoll geändert: 3. Netzwerktreffen vom 24.11.2026, 10:00"}
        # every revision stays in the history
        texts = [h.minutes for h in held.history.order_by("history_id")]
        assert MINUTES in texts and any("Nachtrag" in t for t in texts)

    def test_saving_released_minutes_unchanged_keeps_them_released(self, actors, held):
        client = actors.client(actors.moderator)
        write(client, held, MINUTES)
        release(client, held)
        write(client, held, MINUTES)
        assert snapshot(held)["minutes_status"] == "released"

    def test_release_of_a_text_not_seen_is_refused(self, actors, held):
        client = actors.client(actors.moderator)
        write(client, held, "Erste Fassung")
        seen = Meeting.objects.get(pk=held.pk).minutes_digest
        write(actors.client(actors.expert), held, "Zweite Fassung der Expertin")
        response = release(client, held, digest=seen)
        assert snapshot(held)["minutes_status"] == "draft"
        page = client.get(response["Location"]).content.decode()
        assert "Das Protokoll wurde inzwischen geändert." in page

    def test_empty_minutes_cannot_be_released(self, actors, held):
        client = actors.client(actors.moderator)
        response = release(client, held)
        assert snapshot(held)["minutes_status"] == "draft"
        page = client.get(response["Location"]).content.decode()
        assert "Ein leeres Protokoll kann nicht freigegeben werden." in page

    def test_edit_conflict_does_not_overwrite(self, actors, held):
        client = actors.client(actors.moderator)
        write(client, held, "Fassung A")
        stale = Meeting.objects.get(pk=held.pk).version
        write(actors.client(actors.expert), held, "Fassung B")
        response = client.post(
            url("minutes_edit", held.pk), {"minutes": "Fassung C", "loaded_version": stale}
        )
        assert response.status_code == 200
        assert snapshot(held)["minutes"] == "Fassung B"

    def test_members_do_not_read_draft_revisions_in_the_history(self, actors, held):
        write(actors.client(actors.moderator), held, "Geheimer Entwurf")
        member = actors.client(actors.coordinator).get(url("meeting_history", held.pk))
        assert member.status_code == 200
        assert "Geheimer Entwurf" not in member.content.decode()
        moderator = actors.client(actors.moderator).get(url("meeting_history", held.pk))
        assert "Geheimer Entwurf" in moderator.content.decode()

    def test_readable_by_queryset_and_predicate_agree(self, actors, held):
        from network.access import get_access

        draft = MeetingFactory(network=actors.network, minutes="Entwurf")
        held.minutes, held.minutes_status = "Frei", Meeting.MinutesStatus.RELEASED
        held.save()
        for who in ("moderator", "expert", "coordinator", "observer"):
            access = get_access(getattr(actors, who), "knn")
            listed = set(Meeting.objects.filter(network=actors.network).minutes_readable_by(access))
            assert listed == {m for m in (held, draft) if m.minutes_readable_by(access)}, who
        coordinator = get_access(actors.coordinator, "knn")
        assert not draft.minutes_readable_by(coordinator) and held.minutes_readable_by(coordinator)


class TestMinutesPermissions:
    def test_anonymous_goes_to_login(self, client, actors, held):
        before = snapshot(held)
        for response in (
            client.post(url("minutes_edit", held.pk), {"minutes": "x", "loaded_version": 1}),
            client.post(url("minutes_release", held.pk), {"digest": held.minutes_digest}),
            client.get(url("minutes_pdf", held.pk)),
        ):
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("login"))
        assert snapshot(held) == before

    def test_outsider_gets_404(self, actors, held):
        held.minutes, held.minutes_status = "Frei", Meeting.MinutesStatus.RELEASED
        held.save()
        before = snapshot(held)
        client = actors.client(actors.outsider)
        assert client.post(url("minutes_release", held.pk), {"digest": "x"}).status_code == 404
        assert client.get(url("minutes_pdf", held.pk)).status_code == 404
        assert snapshot(held) == before

    @pytest.mark.parametrize("who", ["coordinator", "staff", "other", "observer"])
    def test_members_may_not_write_or_release(self, actors, held, who):
        write(actors.client(actors.moderator), held, "Entwurf der Moderation")
        before = snapshot(held)
        client = actors.client(getattr(actors, who))
        assert write(client, held, "Gekapert").status_code == 403
        assert release(client, held).status_code == 403
        assert client.get(url("minutes_pdf", held.pk)).status_code == 403  # a draft
        assert snapshot(held) == before

    def test_meeting_of_another_network_is_404_for_the_moderator(self, actors):
        foreign = MeetingFactory(network=actors.other_network, minutes="Fremd")
        client = actors.client(actors.moderator)
        response = client.post(url("minutes_release", foreign.pk), {"digest": "x"})
        assert response.status_code == 404
        assert client.get(url("minutes_pdf", foreign.pk)).status_code == 404
        assert Meeting.objects.get(pk=foreign.pk).minutes_status == "draft"


# --- decisions ----------------------------------------------------------------------------


def decision_data(**changes):
    return {"text": "Mindestkriterien IT beschließen", "loaded_version": 1, **changes}


class TestDecisionNumbers:
    def test_numbered_per_meeting_and_never_reused(self, actors, held):
        client = actors.client(actors.moderator)
        for _n in range(3):
            assert client.post(url("decision_create", held.pk), decision_data()).status_code == 302
        other = MeetingFactory(network=actors.network)
        client.post(url("decision_create", other.pk), decision_data())
        assert list(held.decisions.values_list("number", flat=True)) == [1, 2, 3]
        assert list(other.decisions.values_list("number", flat=True)) == [1]
        held.decisions.get(number=3).delete()
        held.decisions.get(number=1).delete()
        client.post(url("decision_create", held.pk), decision_data())
        assert list(held.decisions.values_list("number", flat=True)) == [2, 4]

    def test_direct_creation_is_numbered_too(self, actors, held):
        first = Decision.objects.create(meeting=held, text="A")
        second = Decision.objects.create(meeting_id=held.pk, text="B")
        assert (first.number, second.number) == (1, 2)

    def test_label_and_reference(self, actors, held):
        decision = Decision.objects.create(meeting=held, text="A")
        assert decision.label == "Beschluss 1"
        assert decision.reference == "B-2026-11-24/1"
        page = actors.client(actors.coordinator).get(url("meeting_detail", held.pk))
        assert "Beschluss 1" in page.content.decode() and "B-2026-11-24/1" in page.content.decode()


class TestDecisionVote:
    @pytest.mark.parametrize(
        "votes, expected",
        [
            ({}, (None, None, None)),
            ({"votes_yes": "12", "votes_no": "0", "votes_abstained": "1"}, (12, 0, 1)),
            ({"votes_yes": "5"}, (5, 0, 0)),
            ({"votes_yes": "1.200", "votes_no": "3"}, (1200, 3, 0)),
        ],
    )
    def test_valid_results(self, votes, expected):
        form = DecisionForm(decision_data(**votes), instance=Decision())
        assert form.is_valid(), form.errors
        data = form.cleaned_data
        assert (data["votes_yes"], data["votes_no"], data["votes_abstained"]) == expected

    @pytest.mark.parametrize(
        "votes, field, message",
        [
            ({"votes_no": "-1"}, "votes_no", "Die Zahl der Stimmen kann nicht negativ sein."),
            ({"votes_yes": "drei"}, "votes_yes", "Bitte geben Sie die Stimmen als ganze Zahl an."),
            ({"votes_yes": "2,5"}, "votes_yes", "ganze Zahl"),
            ({"votes_yes": "0", "votes_no": "0"}, "votes_yes", "Mindestens eine Stimme"),
        ],
    )
    def test_bad_results_get_a_german_message(self, votes, field, message):
        form = DecisionForm(decision_data(**votes), instance=Decision())
        assert not form.is_valid()
        assert any(message in error for error in form.errors[field]), form.errors

    def test_bad_input_through_the_view_saves_nothing(self, actors, held):
        response = actors.client(actors.moderator).post(
            url("decision_create", held.pk), decision_data(votes_yes="-3")
        )
        assert response.status_code == 200
        assert "kann nicht negativ sein" in response.content.decode()
        assert not Decision.objects.exists()

    def test_unanimity_is_shown(self, actors, held):
        Decision.objects.create(meeting=held, text="A", votes_yes=9, votes_no=0, votes_abstained=0)
        Decision.objects.create(meeting=held, text="B", votes_yes=7, votes_no=0, votes_abstained=2)
        Decision.objects.create(meeting=held, text="C", votes_yes=5, votes_no=3, votes_abstained=1)
        text = actors.client(actors.coordinator).get(url("meeting_detail", held.pk))
        text = text.content.decode()
        assert "Ja: 9, Nein: 0, Enthaltungen: 0 – einstimmig<" in text
        assert "einstimmig bei 2 Enthaltungen" in text
        assert "Ja: 5, Nein: 3, Enthaltungen: 1</p>" in text


class TestDecisionEdit:
    @pytest.fixture
    def decision(self, held):
        return Decision.objects.create(meeting=held, text="Ursprünglicher Beschluss")

    def snap(self, decision):
        return Decision.objects.filter(pk=decision.pk).values("text", "votes_yes", "version")[0]

    @pytest.mark.parametrize("who", ["moderator", "expert"])
    def test_moderation_and_experts_edit(self, actors, held, decision, who):
        response = actors.client(getattr(actors, who)).post(
            url("decision_edit", held.pk, decision.pk),
            decision_data(text="Geänderter Beschluss", votes_yes="4"),
        )
        assert response.status_code == 302
        assert self.snap(decision) == {"text": "Geänderter Beschluss", "votes_yes": 4, "version": 2}
        history = actors.client(actors.coordinator).get(
            url("decision_history", held.pk, decision.pk)
        )
        text = history.content.decode()
        assert history.status_code == 200
        assert "Ursprünglicher Beschluss" in text and "Geänderter Beschluss" in text

    @pytest.mark.parametrize("who", ["coordinator", "staff", "other", "observer"])
    def test_members_may_not_edit(self, actors, held, decision, who):
        before = self.snap(decision)
        client = actors.client(getattr(actors, who))
        assert client.get(url("decision_edit", held.pk, decision.pk)).status_code == 403
        response = client.post(url("decision_edit", held.pk, decision.pk), decision_data())
        assert response.status_code == 403
        assert self.snap(decision) == before

    def test_outsider_and_anonymous(self, client, actors, held, decision):
        before = self.snap(decision)
        outsider = actors.client(actors.outsider)
        for name in ("decision_edit", "decision_history"):
            assert outsider.get(url(name, held.pk, decision.pk)).status_code == 404
        response = client.post(url("decision_edit", held.pk, decision.pk), decision_data())
        assert response["Location"].startswith(reverse("login"))
        assert self.snap(decision) == before

    def test_decision_of_another_meeting_is_404(self, actors, held):
        foreign = Decision.objects.create(
            meeting=MeetingFactory(network=actors.other_network), text="Fremd"
        )
        client = actors.client(actors.moderator)
        response = client.post(url("decision_edit", held.pk, foreign.pk), decision_data())
        assert response.status_code == 404
        assert Decision.objects.get(pk=foreign.pk).text == "Fremd"

    def test_concurrent_edit_is_refused(self, actors, held, decision):
        actors.client(actors.expert).post(
            url("decision_edit", held.pk, decision.pk), decision_data(text="Von der Expertin")
        )
        response = actors.client(actors.moderator).post(
            url("decision_edit", held.pk, decision.pk), decision_data(text="Von der Moderation")
        )
        assert response.status_code == 200
        assert "Jemand anderes hat diesen Eintrag gespeichert" in response.content.decode()
        assert self.snap(decision)["text"] == "Von der Expertin"


class TestMeetingPageQueries:
    def test_fixed_query_count_for_2_and_6_decisions(self, actors, held):
        held.minutes, held.minutes_status = MINUTES, Meeting.MinutesStatus.RELEASED
        held.minutes_released_at, held.minutes_released_by = timezone.now(), actors.moderator
        held.save()
        client = actors.client(actors.coordinator)

        def add_decisions(count):
            for _n in range(count):
                decision = Decision.objects.create(
                    meeting=held, text="Beschluss Text", votes_yes=3, votes_no=0
                )
                ActionItemFactory(
                    network=actors.network,
                    decision=decision,
                    owner=actors.coordinator,
                    membership=actors.luenen,
                )

        def count_queries(expected_rows):
            client.get(url("meeting_detail", held.pk))
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url("meeting_detail", held.pk))
            assert response.content.decode().count("Beschluss Text") == expected_rows
            return len(queries)

        add_decisions(2)
        two = count_queries(2)
        add_decisions(4)
        assert count_queries(6) == two


# --- the PDF ------------------------------------------------------------------------------

needs_poppler = pytest.mark.skipif(
    not shutil.which("pdftotext"), reason="poppler-utils missing (make system-packages)"
)


@needs_poppler
class TestMinutesPdf:
    def test_the_released_minutes_read_back(self, actors, held, tmp_path):
        AgendaItemFactory(meeting=held, title="Bericht der Kommunen", position=0)
        Attendance.objects.create(
            meeting=held, user=actors.coordinator, membership=actors.luenen, status="attended"
        )
        Attendance.objects.create(
            meeting=held, user=actors.other, membership=actors.herten, status="excused"
        )
        decision = Decision.objects.create(
            meeting=held, text="Die Kriterien gelten ab 2027.", votes_yes=6, votes_no=0
        )
        ActionItemFactory(
            network=actors.network,
            decision=decision,
            title="Vergabestelle informieren",
            owner=actors.coordinator,
            membership=actors.luenen,
            due_on=date(2027, 1, 31),
        )
        client = actors.client(actors.moderator)
        write(client, held, MINUTES)
        release(client, held)
        response = actors.client(actors.coordinator).get(url("minutes_pdf", held.pk))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert 'filename="Protokoll-KNN-2026-11-24.pdf"' in response["Content-Disposition"]
        path = tmp_path / "protokoll.pdf"
        path.write_bytes(response.content)
        text = subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
        for expected in (
            "Protokoll: 3. Netzwerktreffen",
            "24.11.2026",
            "Rathaus Lünen",
            "Bericht der Kommunen",
            "Lünen",
            "Herten",
            "Lebenszykluskosten",
            "Beschluss 1",
            "B-2026-11-24/1",
            "Ja: 6, Nein: 0, Enthaltungen: 0 – einstimmig",
            "Vergabestelle informieren",
            "31.01.2027",
        ):
            assert expected in text, expected
        assert "alert(1)" not in text and "Entwurf" not in text
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
        assert "Tagged:          yes" in info

    def test_the_draft_pdf_is_marked_for_the_moderation(self, actors, held, tmp_path):
        client = actors.client(actors.expert)
        write(client, held, "Vorläufiger Stand")
        response = client.get(url("minutes_pdf", held.pk))
        assert response.status_code == 200
        path = tmp_path / "entwurf.pdf"
        path.write_bytes(response.content)
        text = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "Entwurf – noch nicht freigegeben" in text


# --- the owner of an action item ----------------------------------------------------------


def item_data(actors, **changes):
    return {
        "title": "Kriterien IT abstimmen",
        "membership": actors.luenen.pk,
        "owner": actors.staff.pk,
        "due_on": "30.06.2030",
        "status": "open",
        **changes,
    }


class TestActionItemOwner:
    @pytest.fixture
    def decision(self, held):
        return Decision.objects.create(meeting=held, text="Kriterien beschließen")

    def test_owner_from_another_municipality_is_refused(self, actors, held, decision):
        response = actors.client(actors.moderator).post(
            url("action_item_create", held.pk, decision.pk),
            item_data(actors, owner=actors.other.pk),
        )
        assert response.status_code == 200
        assert "Diese Person kann die Aufgabe nicht übernehmen" in response.content.decode()
        assert not ActionItem.objects.exists()

    @pytest.mark.parametrize("who", ["staff", "coordinator", "moderator", "expert"])
    def test_own_people_and_the_moderation_may_own_it(self, actors, held, decision, who):
        response = actors.client(actors.moderator).post(
            url("action_item_create", held.pk, decision.pk),
            item_data(actors, owner=getattr(actors, who).pk),
        )
        assert response.status_code == 302
        item = ActionItem.objects.get()
        assert (item.owner, item.membership) == (getattr(actors, who), actors.luenen)

    def test_keeping_the_owner_but_moving_the_item_is_refused(self, actors):
        item = ActionItemFactory(
            network=actors.network, owner=actors.staff, membership=actors.luenen, title="A"
        )
        form = ActionItemForm(
            item_data(actors, membership=actors.herten.pk, loaded_version=item.version),
            instance=item,
            network=actors.network,
        )
        assert not form.is_valid()
        assert "arbeitet nicht für Herten" in form.errors["owner"][0]

    def test_an_old_item_whose_owner_left_still_saves(self, actors):
        item = ActionItemFactory(
            network=actors.network, owner=actors.other, membership=actors.luenen, title="Alt"
        )
        form = ActionItemForm(
            item_data(actors, owner=actors.other.pk, status="done", loaded_version=item.version),
            instance=item,
            network=actors.network,
        )
        assert form.is_valid(), form.errors

    def test_the_form_offers_the_municipality_people_only(self, actors, held, decision):
        page = actors.client(actors.moderator).get(url("action_item_create", held.pk, decision.pk))
        text = page.content.decode()
        assert 'hx-get="' + url("action_item_owner_choices") in text
        response = actors.client(actors.moderator).get(
            url("action_item_owner_choices"), {"membership": actors.luenen.pk}
        )
        options = response.content.decode()
        assert response.status_code == 200 and 'name="owner"' in options
        for offered in ("moderator", "expert", "coordinator", "staff"):
            assert f'value="{getattr(actors, offered).pk}"' in options, offered
        for refused in ("other", "observer", "outsider"):
            assert f'value="{getattr(actors, refused).pk}"' not in options, refused
        herten = actors.client(actors.moderator).get(
            url("action_item_owner_choices"), {"membership": actors.herten.pk}
        )
        assert f'value="{actors.other.pk}"' in herten.content.decode()
        assert f'value="{actors.staff.pk}"' not in herten.content.decode()

    def test_owner_choices_ignore_foreign_or_bad_input(self, actors):
        for membership in (actors.other_membership.pk, "x", ""):
            response = actors.client(actors.moderator).get(
                url("action_item_owner_choices"), {"membership": membership}
            )
            assert response.status_code == 200
            assert f'value="{actors.outsider.pk}"' not in response.content.decode()

    def test_owner_choices_permissions(self, client, actors):
        assert (
            actors.client(actors.coordinator).get(url("action_item_owner_choices")).status_code
            == 403
        )
        assert (
            actors.client(actors.outsider).get(url("action_item_owner_choices")).status_code == 404
        )
        response = client.get(url("action_item_owner_choices"))
        assert response["Location"].startswith(reverse("login"))

    def test_without_javascript_the_button_refreshes_the_owners(self, actors, held, decision):
        response = actors.client(actors.moderator).post(
            url("action_item_create", held.pk, decision.pk),
            item_data(actors, membership=actors.herten.pk, owner="", refresh_owners="1"),
        )
        assert response.status_code == 200
        assert not ActionItem.objects.exists()
        text = response.content.decode()
        owners = text[text.index('<select name="owner"') :]
        owners = owners[: owners.index("</select>")]
        assert f'value="{actors.other.pk}"' in owners
        assert f'value="{actors.staff.pk}"' not in owners
        assert 'value="Kriterien IT abstimmen"' in text  # what was typed stays
        assert "Pflichtfeld" not in text  # no errors: nothing was meant to be saved


def test_the_demo_has_released_minutes_with_numbered_decisions():
    from network.demo import seed_network

    seed_network()
    latest = (
        Meeting.objects.filter(
            network__slug="knn", kind="network_meeting", status="held", ends_at__lt=timezone.now()
        )
        .order_by("-starts_at")
        .first()
    )
    assert latest.minutes_released and "Lebenszykluskosten" in latest.minutes
    decisions = list(latest.decisions.all())
    assert [d.number for d in decisions] == [1, 2, 3]
    assert all(d.has_vote for d in decisions)
    assert ActionItem.objects.filter(decision__meeting=latest).count() >= 2
    # every action item's owner works for its municipality (the rule of the form)
    for item in ActionItem.objects.filter(network__slug="knn").select_related("membership"):
        if item.membership_id:
            assert item.owner.roles.filter(membership=item.membership).exists(), item
