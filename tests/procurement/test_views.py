"""Every procurement page: anonymous, outsider, another municipality, the allowed user."""

import csv
import io
from datetime import date

import pytest
from django.core import mail
from django.urls import reverse

from procurement.models import (
    Adoption,
    Criterion,
    DepartmentApproval,
    Milestone,
    ProductGroup,
    Roadmap,
    Tender,
)

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"procurement:{name}", args=["knn", *args])


def read_pages(data):
    """(url, text the page shows) of every page anyone in the network may read."""
    return [
        (url("index"), "Kriterienkatalog"),
        (url("criterion_list"), "Energieeffiziente Monitore"),
        (url("criterion_detail", data.criterion.pk), "Fassungen"),
        (url("network_matrix"), "Lünen"),
        (url("approval_inbox"), "Zustimmungen der Fachbereiche"),
        (url("roadmap_template"), "Vorlage für Fahrpläne"),
        (url("adoption_matrix", "luenen"), "Energieeffiziente Monitore"),
        (url("adoption_detail", "luenen", data.adoption.pk), "Zentrale Vergabestelle"),
        (url("tender_list", "luenen"), "Rahmenvertrag Bildschirme"),
        (url("roadmap", "luenen"), "Dienstanweisung Beschaffung beschließen"),
        (url("adoption_csv", "luenen"), "Energieeffiziente Monitore"),
        (url("tender_csv", "luenen"), "Rahmenvertrag Bildschirme"),
    ]


def member_edit_pages(data):
    return [
        url("tender_create", "luenen"),
        url("tender_edit", "luenen", data.tender.pk),
        url("milestone_create", "luenen"),
        url("milestone_edit", "luenen", data.milestone.pk),
    ]


def moderator_pages(data):
    return [
        url("criterion_create"),
        url("criterion_edit", data.criterion.pk),
        url("product_group_create"),
        url("product_group_edit", data.group.pk),
        url("import"),
        url("template_milestone_create"),
    ]


def all_get_urls(data):
    return [u for u, _ in read_pages(data)] + member_edit_pages(data) + moderator_pages(data)


def post_only_urls(data):
    """(url, payload) of the views that only take POST."""
    return [
        (url("approval_decide", data.approval.pk), {"decision": "agree"}),
        (url("adoption_request", "luenen", data.adoption.pk), {"departments": []}),
        (url("adoption_status", "luenen", data.adoption.pk), {"status": "declined", "reason": "x"}),
        (url("criterion_status", data.criterion.pk), {"status": "retired"}),
        (url("roadmap_start", "herten"), {}),
    ]


def snapshot():
    """The procurement rows a refused request must leave alone."""
    return [
        list(model.objects.order_by("pk").values())
        for model in (Criterion, Adoption, DepartmentApproval, Tender, Roadmap, Milestone)
    ]


def test_anonymous_goes_to_login(client, data):
    before = snapshot()
    for address in all_get_urls(data):
        response = client.get(address)
        assert response.status_code == 302, address
        assert response["Location"].startswith(reverse("login")), address
    for address, payload in post_only_urls(data):
        response = client.post(address, payload)
        assert response.status_code == 302, address
        assert response["Location"].startswith(reverse("login")), address
    assert snapshot() == before


def test_outsider_gets_404_everywhere(actors, data):
    client = actors.client(actors.outsider)
    before = snapshot()
    for address in all_get_urls(data):
        assert client.get(address).status_code == 404, address
    for address, payload in post_only_urls(data):
        assert client.post(address, payload).status_code == 404, address
    assert snapshot() == before


def test_other_network_objects_are_404(actors, data):
    # The moderator of knn asks for a criterion id of another network: 404, not 403.
    from tests.procurement.factories import CriterionFactory

    foreign = CriterionFactory(network=actors.other_network)
    client = actors.client(actors.moderator)
    assert client.get(url("criterion_detail", foreign.pk)).status_code == 404
    assert client.get(url("adoption_matrix", "hamm")).status_code == 404


def test_every_network_member_reads_everything(actors, data):
    for user in (actors.other, actors.observer, actors.expert, actors.staff):
        client = actors.client(user)
        for address, text in read_pages(data):
            response = client.get(address)
            assert response.status_code == 200, address
            assert text in response.content.decode("utf-8-sig"), address


def test_herten_sees_no_edit_forms_of_luenen(actors, data):
    client = actors.client(actors.other)
    for address in member_edit_pages(data) + moderator_pages(data):
        assert client.get(address).status_code == 403, address
    page = client.get(url("adoption_detail", "luenen", data.adoption.pk)).content.decode()
    assert (
        "Zustimmung anfragen" not in page
        and "csrfmiddlewaretoken" not in page.split("<main")[1].split("</main>")[0]
    )
    matrix = client.get(url("adoption_matrix", "luenen")).content.decode()
    assert 'name="criteria"' not in matrix
    roadmap = client.get(url("roadmap", "luenen")).content.decode()
    assert "Meilenstein anlegen" not in roadmap
    tenders = client.get(url("tender_list", "luenen")).content.decode()
    assert "Ausschreibung erfassen" not in tenders


@pytest.mark.parametrize("who", ["other", "observer", "expert"])
def test_herten_observer_and_expert_cannot_post_to_luenen(actors, data, who):
    """Herten's coordinator, an observer and an expert: 403 on every write of Lünen's data
    and of the moderator's catalogue, and not one row changed."""
    client = actors.client(getattr(actors, who))
    before = snapshot()
    responses = [
        client.post(url("tender_edit", "luenen", data.tender.pk), {"title": "gekapert"}),
        client.post(url("tender_create", "luenen"), {"title": "neu"}),
        client.post(url("milestone_edit", "luenen", data.milestone.pk), {"title": "gekapert"}),
        client.post(url("milestone_create", "luenen"), {"title": "neu"}),
        client.post(
            url("adoption_matrix", "luenen"), {"criteria": [data.criterion.pk], "action": "adopted"}
        ),
        client.post(
            url("adoption_detail", "luenen", data.adoption.pk), {"target_date": "2030-01-01"}
        ),
        client.post(
            url("adoption_request", "luenen", data.adoption.pk),
            {"departments": [actors.luenen_department.pk]},
        ),
        client.post(
            url("adoption_status", "luenen", data.adoption.pk),
            {"status": "declined", "reason": "x"},
        ),
        client.post(url("approval_decide", data.approval.pk), {"decision": "agree"}),
        client.post(url("roadmap_start", "luenen")),
        client.post(url("criterion_status", data.criterion.pk), {"status": "retired"}),
        client.post(url("criterion_edit", data.criterion.pk), {"title": "gekapert"}),
        client.post(url("product_group_edit", data.group.pk), {"name": "gekapert"}),
        client.post(url("template_milestone_create"), {"position": 1, "title": "neu"}),
        client.post(url("import"), {}),
    ]
    assert [r.status_code for r in responses] == [403] * len(responses)
    assert snapshot() == before
    assert list(ProductGroup.objects.values_list("name", flat=True)) == ["IT-Geräte"]


def test_observer_cannot_write(actors, data):
    client = actors.client(actors.observer)
    response = client.post(url("approval_decide", data.approval.pk), {"decision": "agree"})
    assert response.status_code == 403
    assert client.get(url("tender_create", "luenen")).status_code == 403
    assert DepartmentApproval.objects.get().status == "pending"


class TestCatalogue:
    def test_filters_and_search(self, actors, data):
        from tests.procurement.factories import CriterionFactory

        CriterionFactory(
            network=actors.network,
            product_group=data.group,
            title="Recyclingpapier",
            verification="Blauer Engel",
            stage="award",
        )
        client = actors.client(actors.other)
        page = client.get(url("criterion_list"), {"q": "blauer"}).content.decode()
        assert "Recyclingpapier" in page and "Energieeffiziente Monitore" not in page
        page = client.get(url("criterion_list"), {"stage": "specification"}).content.decode()
        assert "Energieeffiziente Monitore" in page and "Recyclingpapier" not in page
        response = client.get(url("criterion_list"), {"stage": "quatsch"})
        assert response.status_code == 200
        assert "Bitte eine gültige Auswahl treffen" in response.content.decode()

    def test_moderator_edits_agreed_criterion_into_a_new_revision(self, actors, data):
        client = actors.client(actors.moderator)
        form = {
            "product_group": data.group.pk,
            "title": "Energieeffiziente Monitore (TCO Certified)",
            "stage": "specification",
            "level": "core",
            "impact": "clim-mitig",
            "loaded_version": data.criterion.version,
        }
        response = client.post(url("criterion_edit", data.criterion.pk), form)
        assert response.status_code == 302
        new = Criterion.objects.get(is_current=True)
        assert (new.revision, new.status, new.title) == (2, "draft", form["title"])
        data.adoption.refresh_from_db()
        assert data.adoption.criterion_id == data.criterion.pk  # keeps what it agreed to
        detail = client.get(url("criterion_detail", new.pk)).content.decode()
        assert "Energieeffiziente Monitore (TCO Certified)" in detail
        assert url("criterion_detail", data.criterion.pk) in detail  # link to revision 1

    def test_two_revisions_of_the_same_revision_are_refused(self, actors, data):
        from django.core.exceptions import ValidationError

        from procurement import services

        stale = Criterion.objects.get(pk=data.criterion.pk)
        services.criterion_revise(criterion=data.criterion, changes={"title": "Fassung 2"})
        with pytest.raises(ValidationError, match="Nur die aktuelle Fassung"):
            services.criterion_revise(criterion=stale, changes={"title": "Auch Fassung 2"})
        assert list(Criterion.objects.order_by("revision").values_list("title", "is_current")) == [
            ("Energieeffiziente Monitore", False),
            ("Fassung 2", True),
        ]
        ended = data.criterion.history.order_by("-history_id").first()
        assert ended.is_current is False  # the end of revision 1 is in its history

    def test_editing_a_draft_twice_is_an_edit_conflict(self, actors, data):
        data.criterion.status = "draft"
        data.criterion.save()
        client = actors.client(actors.moderator)
        form = {
            "product_group": data.group.pk,
            "title": "Erste Änderung",
            "stage": "specification",
            "level": "core",
            "impact": "other",
            "loaded_version": data.criterion.version,
        }
        assert client.post(url("criterion_edit", data.criterion.pk), form).status_code == 302
        response = client.post(
            url("criterion_edit", data.criterion.pk), {**form, "title": "Zweite"}
        )
        page = response.content.decode()
        assert "Jemand anderes hat diesen Eintrag gespeichert" in page
        assert "Erste Änderung" in page
        assert Criterion.objects.get().title == "Erste Änderung"

    def test_moderator_changes_status_and_bad_status_is_a_german_message(self, actors, data):
        client = actors.client(actors.moderator)
        address = url("criterion_status", data.criterion.pk)
        page = client.post(address, {"status": "retired"}, follow=True).content.decode()
        assert "Das Kriterium ist zurückgezogen." in page
        data.criterion.refresh_from_db()
        assert data.criterion.status == "retired"
        page = client.post(address, {"status": "quatsch"}, follow=True).content.decode()
        assert "Bitte wählen Sie einen gültigen Status." in page
        data.criterion.refresh_from_db()
        assert data.criterion.status == "retired"
        old = data.criterion
        old.is_current = False
        old.save()
        page = client.post(address, {"status": "agreed"}, follow=True).content.decode()
        assert "Nur die aktuelle Fassung eines Kriteriums kann geändert werden." in page
        old.refresh_from_db()
        assert old.status == "retired"

    def test_bad_criterion_input_gives_german_errors(self, actors, data):
        response = actors.client(actors.moderator).post(url("criterion_create"), {"title": ""})
        page = response.content.decode()
        assert response.status_code == 200
        assert "Dieses Feld ist zwingend erforderlich." in page
        assert Criterion.objects.count() == 1

    def test_product_group_cpv_codes_are_checked(self, actors, data):
        client = actors.client(actors.moderator)
        response = client.post(
            url("product_group_create"), {"name": "Papier", "cpv_text": "3019 30197600"}
        )
        assert "Kein gültiger CPV-Code: 3019" in response.content.decode()
        response = client.post(
            url("product_group_create"), {"name": "Papier", "cpv_text": "30197600, 30199000"}
        )
        assert response.status_code == 302
        assert ProductGroup.objects.get(name="Papier").cpv_codes == ["30197600", "30199000"]

    def test_moderator_renames_a_product_group(self, actors, data):
        client = actors.client(actors.moderator)
        address = url("product_group_edit", data.group.pk)
        assert "30200000" in client.get(address).content.decode()
        response = client.post(
            address,
            {
                "name": "IT-Hardware",
                "cpv_text": "30200000 30230000",
                "position": "0",
                "loaded_version": data.group.version,
            },
        )
        assert response["Location"] == url("criterion_list")
        assert "IT-Hardware" in client.get(url("criterion_list")).content.decode()
        data.group.refresh_from_db()
        assert data.group.cpv_codes == ["30200000", "30230000"]

    def test_upload_form_imports_and_refuses(self, actors, data, tmp_path):
        from django.core.files.uploadedfile import SimpleUploadedFile

        from tests.procurement.test_importer import GPP_FILE, entry, raw

        client = actors.client(actors.moderator)
        good = SimpleUploadedFile("gpp.json", GPP_FILE.read_bytes())
        page = client.post(url("import"), {"file": good}).content.decode()
        assert "206 neu, 0 aktualisiert, 0 unverändert, 0 übersprungen" in page
        bad = SimpleUploadedFile("bad.json", raw(entry(ambitionLevel="Gold")))
        page = client.post(url("import"), {"file": bad}).content.decode()
        assert "Die Datei wurde nicht importiert" in page
        assert "unbekanntes Anspruchsniveau „Gold“" in page
        assert Criterion.objects.count() == 207
        response = client.post(url("import"), {})
        assert "Dieses Feld ist zwingend erforderlich." in response.content.decode()


class TestAdoption:
    def test_coordinator_requests_and_mail_goes_to_department_staff(
        self, actors, data, django_capture_on_commit_callbacks, deliver_mail
    ):
        from tests.factories import DepartmentFactory

        it = DepartmentFactory(municipality=actors.luenen.municipality, name="IT")
        client = actors.client(actors.coordinator)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                url("adoption_request", "luenen", data.adoption.pk),
                {"departments": [actors.luenen_department.pk, it.pk]},
            )
        assert response.status_code == 302
        assert DepartmentApproval.objects.filter(adoption=data.adoption).count() == 2
        deliver_mail()
        recipients = sorted(tuple(m.to) for m in mail.outbox)
        # Vergabestelle has staff; IT has none, so the moderation decides for it (the
        # coordinator asked and may not decide their own request), and is told so.
        assert recipients == [(actors.moderator.email,), (actors.staff.email,)]
        page = client.get(response["Location"]).content.decode()
        assert "Im Fachbereich IT ist außer Ihnen niemand im Portal eingetragen" in page
        assert "Energieeffiziente Monitore" in mail.outbox[0].subject

    def test_request_with_foreign_department_is_refused(self, actors, data):
        client = actors.client(actors.coordinator)
        response = client.post(
            url("adoption_request", "luenen", data.adoption.pk),
            {"departments": [actors.herten_department.pk]},
        )
        assert response.status_code == 302
        assert DepartmentApproval.objects.count() == 1
        page = client.get(response["Location"]).content.decode()
        assert "Bitte eine gültige Auswahl treffen" in page

    def test_bulk_start_and_target_date(self, actors, data):
        from tests.procurement.factories import CriterionFactory

        second = CriterionFactory(network=actors.network, product_group=data.group)
        client = actors.client(actors.coordinator)
        response = client.post(
            url("adoption_matrix", "luenen"),
            {"criteria": [data.criterion.pk, second.pk], "action": "start", "confirmed": "1"},
        )
        assert response.status_code == 302
        assert Adoption.objects.filter(membership=actors.luenen).count() == 2
        client.post(
            url("adoption_matrix", "luenen"),
            {"criteria": [second.pk], "action": "target", "target_date": "2027-03-31"},
        )
        assert Adoption.objects.get(criterion=second, membership=actors.luenen).target_date == (
            date(2027, 3, 31)
        )
        page = client.post(
            url("adoption_matrix", "luenen"), {"criteria": [second.pk], "action": "request"}
        ).content.decode()
        assert "Bitte wählen Sie mindestens einen Fachbereich." in page
        page = client.post(url("adoption_matrix", "luenen"), {"action": "start"}).content.decode()
        assert "Bitte wählen Sie mindestens ein Kriterium." in page

    def test_bulk_wrong_transition_is_a_german_error(self, actors, data):
        client = actors.client(actors.coordinator)
        page = client.post(
            url("adoption_matrix", "luenen"), {"criteria": [data.criterion.pk], "action": "applied"}
        ).content.decode()
        assert "kein Übergang möglich" in page
        assert Adoption.objects.get(pk=data.adoption.pk).status == "consultation"

    def test_decline_needs_reason(self, actors, data):
        client = actors.client(actors.coordinator)
        response = client.post(
            url("adoption_status", "luenen", data.adoption.pk), {"status": "declined"}, follow=True
        )
        assert "Bitte begründen Sie die Ablehnung." in response.content.decode()
        client.post(
            url("adoption_status", "luenen", data.adoption.pk),
            {"status": "declined", "reason": "Kein Markt vorhanden"},
        )
        page = client.get(url("adoption_detail", "luenen", data.adoption.pk)).content.decode()
        assert "Kein Markt vorhanden" in page and "abgelehnt" in page

    def test_inbox_shows_own_department_only(self, actors, data):
        from tests.procurement.factories import DepartmentApprovalFactory

        DepartmentApprovalFactory(
            adoption=data.herten_adoption, department=actors.herten_department
        )
        staff_page = actors.client(actors.staff).get(url("approval_inbox")).content.decode()
        assert staff_page.count("Antwort senden") == 1
        assert "Lünen" in staff_page and "Herten ·" not in staff_page
        other_page = actors.client(actors.other).get(url("approval_inbox")).content.decode()
        assert "Herten ·" in other_page and "Lünen ·" not in other_page
        moderator_page = actors.client(actors.moderator).get(url("approval_inbox")).content.decode()
        assert moderator_page.count("Antwort senden") == 2

    def test_staff_agrees_and_adoption_is_agreed(self, actors, data):
        client = actors.client(actors.staff)
        response = client.post(url("approval_decide", data.approval.pk), {"decision": "agree"})
        assert response.status_code == 302
        assert Adoption.objects.get(pk=data.adoption.pk).status == "agreed"

    def test_objection_needs_comment(self, actors, data):
        client = actors.client(actors.staff)
        response = client.post(
            url("approval_decide", data.approval.pk), {"decision": "object"}, follow=True
        )
        assert "Bitte begründen Sie den Einwand." in response.content.decode()
        assert DepartmentApproval.objects.get().status == "pending"


class TestTenders:
    def form(self, data, **changes):
        return {
            "title": "Reinigung Rathaus",
            "reference": "VG-2025-17",
            "product_group": data.group.pk,
            "estimated_value": "250000,00",
            "procedure": "open_eu",
            "published_on": "2025-09-01",
            "applied_criteria": [],
            **changes,
        }

    def test_create_with_agreed_criterion(self, actors, data):
        data.adoption.status = "agreed"
        data.adoption.save()
        client = actors.client(actors.staff)
        response = client.post(
            url("tender_create", "luenen"), self.form(data, applied_criteria=[data.criterion.pk])
        )
        assert response.status_code == 302
        tender = Tender.objects.get(reference="VG-2025-17")
        assert list(tender.applied_criteria.all()) == [data.criterion]
        page = client.get(url("tender_list", "luenen")).content.decode()
        assert "250.000,00\u00a0€" in page
        # 2025: two tenders in a group with an agreed criterion; only the new one applied it.
        assert "<td>1 / 2</td><td>50\u00a0%</td>" in page

    def test_bad_input_gives_german_errors(self, actors, data):
        client = actors.client(actors.staff)
        response = client.post(
            url("tender_create", "luenen"),
            self.form(data, estimated_value="viel", published_on="31.02.2025"),
        )
        page = response.content.decode()
        assert response.status_code == 200
        assert "„viel“ ist keine Zahl." in page
        assert "Den 31.02.2025 gibt es nicht." in page
        assert Tender.objects.count() == 1

    def test_edit_and_a_stale_form_is_refused(self, actors, data):
        client = actors.client(actors.coordinator)
        address = url("tender_edit", "luenen", data.tender.pk)
        assert "Rahmenvertrag Bildschirme" in client.get(address).content.decode()
        loaded = self.form(data, title="Rahmenvertrag Monitore", loaded_version=data.tender.version)
        assert client.post(address, loaded)["Location"] == url("tender_list", "luenen")
        page = client.get(url("tender_list", "luenen")).content.decode()
        assert "Rahmenvertrag Monitore" in page and "250.000,00\u00a0€" in page
        page = client.post(address, {**loaded, "title": "Überschrieben"}).content.decode()
        assert "Jemand anderes hat diesen Eintrag gespeichert" in page
        assert Tender.objects.get().title == "Rahmenvertrag Monitore"

    def test_year_filter_ignores_years_the_calendar_does_not_have(self, actors, data):
        client = actors.client(actors.other)
        for year in ("99999", "0", "²", "abc"):
            page = client.get(url("tender_list", "luenen"), {"jahr": year}).content.decode()
            assert "Rahmenvertrag Bildschirme" in page, year  # unfiltered
        page = client.get(url("tender_list", "luenen"), {"jahr": "2024"}).content.decode()
        assert "Rahmenvertrag Bildschirme" not in page

    def test_applied_criterion_stays_after_the_agreement_is_withdrawn(self, actors, data):
        data.tender.applied_criteria.add(data.criterion)
        data.adoption.status = "declined"
        data.adoption.save()
        client = actors.client(actors.coordinator)
        form = client.get(url("tender_edit", "luenen", data.tender.pk)).content.decode()
        assert f'value="{data.criterion.pk}"' in form
        payload = self.form(
            data,
            title="Rahmenvertrag Bildschirme 2",
            applied_criteria=[data.criterion.pk],
            loaded_version=data.tender.version,
        )
        response = client.post(url("tender_edit", "luenen", data.tender.pk), payload)
        assert response.status_code == 302
        assert list(data.tender.applied_criteria.all()) == [data.criterion]

    def test_criterion_not_agreed_by_member_cannot_be_applied(self, actors, data):
        response = actors.client(actors.staff).post(
            url("tender_create", "luenen"), self.form(data, applied_criteria=[data.criterion.pk])
        )
        assert "Bitte eine gültige Auswahl treffen" in response.content.decode()
        assert Tender.objects.count() == 1


class TestRoadmap:
    def test_overdue_highlighted_and_progress(self, actors, data):
        from tests.procurement.factories import MilestoneFactory

        MilestoneFactory(roadmap=data.roadmap, status="done", title="Erledigt")
        MilestoneFactory(roadmap=data.roadmap, status="dropped", title="Entfallen")
        page = actors.client(actors.other).get(url("roadmap", "luenen")).content.decode()
        assert "überfällig" in page and "milestone-overdue" in page
        assert "50\u00a0%" in page  # 1 done of 2 not dropped

    def test_new_member_roadmap_starts_from_template(self, actors, data):
        client = actors.client(actors.moderator)
        response = client.post(
            url("template_milestone_create"),
            {"position": 1, "title": "Projektteam benennen", "status": "planned"},
        )
        assert response.status_code == 302
        other = actors.client(actors.other)
        page = other.get(url("roadmap", "herten")).content.decode()
        assert "Fahrplan aus der Vorlage anlegen" in page
        other.post(url("roadmap_start", "herten"))
        titles = list(
            Milestone.objects.filter(roadmap__membership=actors.herten).values_list(
                "title", flat=True
            )
        )
        assert titles == ["Projektteam benennen"]

    def test_template_milestone_is_edited_by_the_moderator_only(self, client, actors, data):
        from tests.procurement.factories import MilestoneFactory, RoadmapFactory

        template = RoadmapFactory(network=actors.network, membership=None)
        step = MilestoneFactory(roadmap=template, title="Projektteam benennen")
        address = url("template_milestone_edit", step.pk)
        payload = {
            "position": 1,
            "title": "Projektteam und Federführung benennen",
            "status": "planned",
            "loaded_version": step.version,
        }
        assert client.post(address, payload)["Location"].startswith(reverse("login"))
        assert actors.client(actors.outsider).post(address, payload).status_code == 404
        for who in (actors.coordinator, actors.other, actors.expert, actors.observer):
            assert actors.client(who).post(address, payload).status_code == 403
        step.refresh_from_db()
        assert step.title == "Projektteam benennen"
        moderator = actors.client(actors.moderator)
        # a member's milestone is not reachable through the template's address
        member_step = url("template_milestone_edit", data.milestone.pk)
        assert moderator.get(member_step).status_code == 404
        assert moderator.post(address, payload)["Location"] == url("roadmap_template")
        page = moderator.get(url("roadmap_template")).content.decode()
        assert "Projektteam und Federführung benennen" in page

    def test_opening_the_milestone_form_writes_nothing(self, actors, data):
        from tests.procurement.factories import MilestoneFactory, RoadmapFactory

        template = RoadmapFactory(network=actors.network, membership=None)
        MilestoneFactory(roadmap=template, position=1, title="Projektteam benennen")
        client = actors.client(actors.other)
        page = client.get(url("milestone_create", "herten")).content.decode()
        assert 'name="position" value="2"' in page  # after the template's step
        assert not Roadmap.objects.filter(membership=actors.herten).exists()
        response = client.post(
            url("milestone_create", "herten"),
            {"position": 2, "title": "Vergabestelle schulen", "status": "planned"},
        )
        assert response["Location"] == url("roadmap", "herten")
        titles = Milestone.objects.filter(roadmap__membership=actors.herten).values_list(
            "title", flat=True
        )
        assert list(titles) == ["Projektteam benennen", "Vergabestelle schulen"]

    def test_link_to_an_older_criterion_revision_survives_an_edit(self, actors, data):
        from procurement import services

        data.milestone.criteria.add(data.criterion)
        services.criterion_revise(criterion=data.criterion, changes={"title": "Monitore v2"})
        client = actors.client(actors.coordinator)
        address = url("milestone_edit", "luenen", data.milestone.pk)
        assert f'value="{data.criterion.pk}"' in client.get(address).content.decode()
        payload = {
            "position": 1,
            "title": "Dienstanweisung beschließen",
            "status": "planned",
            "criteria": [data.criterion.pk],
            "loaded_version": data.milestone.version,
        }
        assert client.post(address, payload).status_code == 302
        assert list(data.milestone.criteria.all()) == [data.criterion]

    def test_milestone_links_action_item(self, actors, data):
        from tests.factories import ActionItemFactory

        item = ActionItemFactory(network=actors.network, title="Kriterien an Fachbereiche senden")
        client = actors.client(actors.coordinator)
        response = client.post(
            url("milestone_edit", "luenen", data.milestone.pk),
            {
                "position": 1,
                "title": data.milestone.title,
                "status": "done",
                "action_items": [item.pk],
                "loaded_version": data.milestone.version,
            },
        )
        assert response.status_code == 302
        milestone = Milestone.objects.get(pk=data.milestone.pk)
        assert list(milestone.action_items.all()) == [item]
        assert milestone.completed_on is not None
        page = client.get(url("roadmap", "luenen")).content.decode()
        assert "Kriterien an Fachbereiche senden" in page


class TestCsv:
    def test_bom_semicolon_and_german_numbers(self, actors, data):
        client = actors.client(actors.other)
        response = client.get(url("tender_csv", "luenen"))
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        raw = response.content
        assert raw.startswith("\ufeff".encode())
        lines = raw.decode("utf-8-sig").splitlines()
        assert lines[0].startswith("Veröffentlicht am;Vergabenummer;Titel;Warengruppe")
        assert lines[1].split(";")[:4] == [
            "02.05.2025",
            "",
            "Rahmenvertrag Bildschirme",
            "IT-Geräte",
        ]
        assert "120000,00" in lines[1]
        matrix = client.get(url("adoption_csv", "luenen")).content.decode("utf-8-sig").splitlines()
        assert (
            matrix[1]
            == "IT-Geräte;Energieeffiziente Monitore;1;Technische Spezifikation;Kernkriterium;"
            "in Abstimmung;;"
        )
        roadmap = client.get(url("roadmap", "luenen"), {"format": "csv"}).content.decode(
            "utf-8-sig"
        )
        assert "Dienstanweisung Beschaffung beschließen;30.06.2024;geplant;;;;ja" in roadmap
        network = client.get(url("network_matrix"), {"format": "csv"}).content.decode("utf-8-sig")
        assert network.splitlines()[0].startswith("Kommune;IT-Geräte: zugestimmt %")

    def test_tender_export_says_whether_the_agreed_criteria_were_applied(self, actors, data):
        from tests.procurement.factories import TenderFactory

        client = actors.client(actors.other)

        def column():
            text = client.get(url("tender_csv", "luenen")).content.decode("utf-8-sig")
            return {
                row[2]: row[7] for row in list(csv.reader(io.StringIO(text), delimiter=";"))[1:]
            }

        assert column() == {"Rahmenvertrag Bildschirme": "keine Kriterien"}  # none agreed yet
        data.adoption.status = "agreed"
        data.adoption.save()
        TenderFactory(membership=actors.luenen, product_group=data.group, title="Notebooks")
        data.tender.applied_criteria.add(data.criterion)
        assert column() == {"Rahmenvertrag Bildschirme": "ja", "Notebooks": "nein"}

    def test_formulas_from_user_input_are_exported_as_text(self, actors, data):
        data.tender.title = '=HYPERLINK("http://evil.example";"Klick")'
        data.tender.reference = "+49-123"
        data.tender.save()
        data.milestone.title = "@SUMME(A1:A2)"
        data.milestone.save()
        client = actors.client(actors.other)
        tenders = client.get(url("tender_csv", "luenen")).content.decode("utf-8-sig")
        row = list(csv.reader(io.StringIO(tenders), delimiter=";"))[1]
        assert row[1:3] == ["'+49-123", '\'=HYPERLINK("http://evil.example";"Klick")']
        assert row[5] == "120000,00"  # numbers stay numbers
        roadmap = client.get(url("roadmap", "luenen"), {"format": "csv"}).content.decode(
            "utf-8-sig"
        )
        assert list(csv.reader(io.StringIO(roadmap), delimiter=";"))[1][1] == "'@SUMME(A1:A2)"


def test_staff_of_another_department_cannot_answer(actors, data):
    from tests.factories import DepartmentFactory, RoleFactory, UserFactory

    it = DepartmentFactory(municipality=actors.luenen.municipality, name="IT")
    it_staff = UserFactory()
    RoleFactory(
        user=it_staff, network=actors.network, kind="staff", membership=actors.luenen, department=it
    )
    client = actors.client(it_staff)
    assert "Energieeffiziente Monitore" not in client.get(url("approval_inbox")).content.decode()
    response = client.post(url("approval_decide", data.approval.pk), {"decision": "agree"})
    assert response.status_code == 403
    assert DepartmentApproval.objects.get().status == "pending"


def test_member_that_left_is_read_only(actors, data):
    actors.luenen.left_on = date(2025, 12, 31)
    actors.luenen.joined_on = date(2022, 9, 1)
    actors.luenen.save()
    client = actors.client(actors.coordinator)
    page = client.get(url("roadmap", "luenen")).content.decode()
    assert "Dienstanweisung Beschaffung beschließen" in page
    for who in (actors.coordinator, actors.moderator):  # nothing offered that cannot be sent
        inbox = actors.client(who).get(url("approval_inbox")).content.decode()
        assert "Keine offenen Anfragen." in inbox and "Antwort senden" not in inbox
    assert "Meilenstein anlegen" not in page
    assert client.get(url("tender_create", "luenen")).status_code == 403
    response = client.post(url("approval_decide", data.approval.pk), {"decision": "agree"})
    assert response.status_code == 403
    assert DepartmentApproval.objects.get().status == "pending"
