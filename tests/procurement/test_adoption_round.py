"""Issue 10, adoption: „Übernahme beginnen“ asks first and keeps the target date and the
departments it was given; the request carries the criterion's text; nobody decides a
request they sent themselves, and a department without (other) staff goes to the
moderation, which is told."""

from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from procurement import access as scoped
from procurement import services
from procurement.models import Adoption, DepartmentApproval
from tests.factories import DepartmentFactory, RoleFactory, UserFactory
from tests.forms_html import form_with
from tests.procurement.factories import AdoptionFactory, CriterionFactory, ProductGroupFactory

pytestmark = pytest.mark.django_db

TEXT = "Das Papier trägt den Blauen Engel (DE-UZ 14a) oder ein gleichwertiges Gütezeichen."


def url(name, *args):
    return reverse(f"procurement:{name}", args=["knn", *args])


@pytest.fixture
def paper(actors):
    group = ProductGroupFactory(network=actors.network, name="Papier")
    return CriterionFactory(
        network=actors.network,
        product_group=group,
        title="Recyclingpapier",
        description=TEXT,
        verification="Blauer Engel DE-UZ 14a",
    )


@pytest.fixture
def it(actors):
    """A second department of Lünen, with nobody of its own in the portal."""
    return DepartmentFactory(municipality=actors.luenen.municipality, name="IT")


def start(client, criteria, **extra):
    return client.post(
        url("adoption_matrix", "luenen"),
        {"criteria": [c.pk for c in criteria], "action": "start", **extra},
    )


class TestStart:
    def test_starting_asks_first_and_creates_nothing_yet(self, actors, paper, it):
        client = actors.client(actors.coordinator)
        response = start(
            client,
            [paper],
            target_date="30.06.2027",
            departments=[actors.luenen_department.pk, it.pk],
        )
        text = response.content.decode()
        assert response.status_code == 200
        assert "Übernahme beginnen – Lünen" in text and "Ja, Übernahme beginnen" in text
        assert "Recyclingpapier" in text and "30.06.2027" in text
        assert "IT, Zentrale Vergabestelle" in text
        assert "Im Fachbereich IT ist außer Ihnen niemand im Portal eingetragen" in text
        assert not Adoption.objects.exists()

    def test_confirmed_it_keeps_the_target_date_and_asks_the_departments(
        self, actors, paper, it, django_capture_on_commit_callbacks, deliver_mail
    ):
        client = actors.client(actors.coordinator)
        page = start(
            client,
            [paper],
            target_date="30.06.2027",
            departments=[actors.luenen_department.pk, it.pk],
        ).content.decode()
        confirm = form_with(page, "confirmed")
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(confirm.action, confirm.data)
        assert response.status_code == 302
        adoption = Adoption.objects.get()
        assert adoption.target_date == date(2027, 6, 30)
        assert adoption.status == Adoption.Status.CONSULTATION
        asked = adoption.approvals.order_by("department__name")
        assert [(a.department.name, a.status, a.requested_by) for a in asked] == [
            ("IT", "pending", actors.coordinator),
            ("Zentrale Vergabestelle", "pending", actors.coordinator),
        ]
        # the mail carries the criterion's text; IT's request goes to the moderation
        deliver_mail()
        by_recipient = {m.to[0]: m for m in mail.outbox}
        assert set(by_recipient) == {actors.staff.email, actors.moderator.email}
        assert TEXT in by_recipient[actors.staff.email].body
        assert "Die Moderation entscheidet für den Fachbereich." in (
            by_recipient[actors.moderator.email].body
        )
        after = client.get(response["Location"]).content.decode()
        assert "Die Moderation entscheidet für ihn und wurde benachrichtigt." in after

    def test_without_departments_the_adoptions_stay_open_with_their_date(self, actors, paper):
        client = actors.client(actors.coordinator)
        start(client, [paper], target_date="31.12.2026", confirmed="1")
        adoption = Adoption.objects.get()
        assert (adoption.status, adoption.target_date) == ("open", date(2026, 12, 31))
        assert not DepartmentApproval.objects.exists()

    def test_criteria_already_started_stay_as_they_are(self, actors, paper):
        other = CriterionFactory(network=actors.network, product_group=paper.product_group)
        AdoptionFactory(membership=actors.luenen, criterion=other, target_date=date(2030, 1, 1))
        client = actors.client(actors.coordinator)
        text = start(client, [paper, other], target_date="31.12.2026").content.decode()
        assert "1 ausgewähltes Kriterium ist schon begonnen" in text
        start(client, [paper, other], target_date="31.12.2026", confirmed="1")
        assert Adoption.objects.get(criterion=other).target_date == date(2030, 1, 1)
        assert Adoption.objects.get(criterion=paper).target_date == date(2026, 12, 31)

    def test_who_may_start(self, actors, client, paper):
        payload = {"criteria": [paper.pk], "action": "start", "confirmed": "1"}
        address = url("adoption_matrix", "luenen")
        assert client.post(address, payload)["Location"].startswith(reverse("login"))
        assert actors.client(actors.outsider).post(address, payload).status_code == 404
        for who in (actors.other, actors.observer, actors.expert):
            assert actors.client(who).post(address, payload).status_code == 403
            assert actors.client(who).post(address, {**payload, "confirmed": ""}).status_code == 403
        assert not Adoption.objects.exists()
        for who in (actors.moderator, actors.staff):
            assert actors.client(who).post(address, {**payload, "confirmed": ""}).status_code == 200


@pytest.fixture
def request_of(actors, paper):
    """Lünen's adoption of the paper criterion, its Vergabestelle asked by `user`."""

    def make(user, department=None):
        adoption, _ = Adoption.objects.get_or_create(membership=actors.luenen, criterion=paper)
        (approval,) = services.adoption_request_approvals(
            adoption=adoption, departments=[department or actors.luenen_department], user=user
        )
        return approval

    return make


class TestTheRequestCarriesTheText:
    def test_inbox_and_approval_page_show_the_criterions_wording(self, actors, request_of):
        approval = request_of(actors.coordinator)
        inbox = actors.client(actors.staff).get(url("approval_inbox")).content.decode()
        assert TEXT in inbox and "Blauer Engel DE-UZ 14a" in inbox
        assert url("approval_detail", approval.pk) in inbox
        page = actors.client(actors.staff).get(url("approval_detail", approval.pk))
        text = page.content.decode()
        assert "Wortlaut des Kriteriums" in text and TEXT in text
        assert "Antwort senden" in text
        adoption_page = actors.client(actors.staff).get(
            url("adoption_detail", "luenen", approval.adoption_id)
        )
        assert TEXT in adoption_page.content.decode()

    def test_answering_on_the_approval_page(self, actors, request_of):
        approval = request_of(actors.coordinator)
        client = actors.client(actors.staff)
        page = client.get(url("approval_detail", approval.pk)).content.decode()
        form = form_with(page, "decision")
        response = client.post(form.action, {**form.data, "decision": "agree"})
        assert response["Location"] == url("approval_detail", approval.pk)
        approval.refresh_from_db()
        assert (approval.status, approval.decided_by) == ("agreed", actors.staff)

    def test_everyone_in_the_network_reads_the_page_and_only_deciders_get_the_form(
        self, actors, client, request_of
    ):
        approval = request_of(actors.coordinator)
        address = url("approval_detail", approval.pk)
        assert client.get(address)["Location"].startswith(reverse("login"))
        assert actors.client(actors.outsider).get(address).status_code == 404
        for who, form in [
            (actors.moderator, True),
            (actors.staff, True),
            (actors.coordinator, False),  # asked themselves
            (actors.expert, False),
            (actors.observer, False),
            (actors.other, False),
        ]:
            response = actors.client(who).get(address)
            assert response.status_code == 200
            assert ("Antwort senden" in response.content.decode()) is form, who


class TestNobodyDecidesTheirOwnRequest:
    def test_a_staff_member_who_asked_their_own_department_cannot_decide(self, actors, request_of):
        approval = request_of(actors.staff)
        client = actors.client(actors.staff)
        assert "Antwort senden" not in client.get(url("approval_inbox")).content.decode()
        page = client.get(url("approval_detail", approval.pk)).content.decode()
        assert "Sie haben diese Anfrage gestellt." in page and "Antwort senden" not in page
        response = client.post(url("approval_decide", approval.pk), {"decision": "agree"})
        assert response.status_code == 403
        with pytest.raises(ValidationError, match="eigene Anfrage"):
            services.approval_decide(approval=approval, agree=True, comment="", user=actors.staff)
        assert DepartmentApproval.objects.get().status == "pending"

    def test_a_colleague_of_the_same_department_decides_instead(self, actors, request_of):
        colleague = UserFactory()
        RoleFactory(
            user=colleague,
            network=actors.network,
            kind="staff",
            membership=actors.luenen,
            department=actors.luenen_department,
        )
        approval = request_of(actors.staff)
        client = actors.client(colleague)
        inbox = client.get(url("approval_inbox")).content.decode()
        assert inbox.count("Antwort senden") == 1
        assert "niemand im Portal eingetragen" not in inbox
        client.post(url("approval_decide", approval.pk), {"decision": "agree"})
        assert DepartmentApproval.objects.get().status == "agreed"

    def test_a_department_without_other_staff_goes_to_the_moderation(
        self, actors, request_of, django_capture_on_commit_callbacks, deliver_mail
    ):
        with django_capture_on_commit_callbacks(execute=True):
            approval = request_of(actors.staff)  # the Vergabestelle's only staff member
        deliver_mail()
        assert [m.to for m in mail.outbox] == [[actors.moderator.email]]
        inbox = actors.client(actors.moderator).get(url("approval_inbox")).content.decode()
        assert "Sie entscheiden als Moderation für ihn." in inbox
        actors.client(actors.moderator).post(
            url("approval_decide", approval.pk), {"decision": "agree"}
        )
        approval.refresh_from_db()
        assert (approval.status, approval.decided_by) == ("agreed", actors.moderator)

    def test_the_coordinator_who_asked_waits_for_someone_else(self, actors, request_of, it):
        approval = request_of(actors.coordinator, it)
        client = actors.client(actors.coordinator)
        assert "Antwort senden" not in client.get(url("approval_inbox")).content.decode()
        assert (
            client.post(url("approval_decide", approval.pk), {"decision": "agree"}).status_code
            == 403
        )
        actors.client(actors.moderator).post(
            url("approval_decide", approval.pk), {"decision": "agree"}
        )
        assert DepartmentApproval.objects.get().status == "agreed"


def test_the_rule_and_its_queryset_agree_for_every_actor(actors, request_of, it):
    """procurement.access.may_decide and answerable_approvals, held together."""
    from network.access import get_access

    approvals = [request_of(actors.coordinator), request_of(actors.staff, it)]
    herten = AdoptionFactory(membership=actors.herten, criterion=approvals[0].adoption.criterion)
    approvals += services.adoption_request_approvals(
        adoption=herten, departments=[actors.herten_department], user=actors.other
    )
    for name in ("moderator", "expert", "observer", "coordinator", "staff", "other"):
        access = get_access(getattr(actors, name), "knn")
        listed = set(
            scoped.answerable_approvals(access, DepartmentApproval.objects.all()).values_list(
                "pk", flat=True
            )
        )
        for approval in approvals:
            assert (approval.pk in listed) == scoped.may_decide(access, approval), (name, approval)
