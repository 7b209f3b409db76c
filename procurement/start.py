"""What procurement puts on a person's start page (network.start, hook `start_sources`):
approvals asked of their department, milestones of their department or of the roadmap of
a member they coordinate, the changes of those, and for moderators the members behind
their roadmap and the approvals still open. A fixed number of queries for all networks."""

from datetime import timedelta

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from network.models.people import still_member_q
from network.start import DUE_DAYS, NetworkCount, Person, StartItem, change

from .models import Adoption, DepartmentApproval, Milestone


def _milestones_q(person: Person, prefix: str = "") -> Q:
    """Milestones of my departments, and every milestone of a roadmap of a member I
    coordinate."""
    return Q(**{f"{prefix}membership_id__in": person.coordinated_membership_ids}) | (
        person.departments_q(f"{prefix}membership_id")
    )


def _approvals_q(person: Person) -> Q:
    """Approvals asked of my departments (staff), and every approval of a member I
    coordinate: a coordinator answers for each of its departments (Access.can_approve_for)
    and has no department of their own."""
    return person.departments_q("adoption__membership_id") | Q(
        adoption__membership_id__in=person.coordinated_membership_ids
    )


class ProcurementStart:
    def items(self, person: Person) -> list[StartItem]:
        if not person.own_membership_ids:
            return []
        items = []
        # Asked of me; never my own request (nobody approves what they asked for).
        approvals = (
            DepartmentApproval.objects.filter(status=DepartmentApproval.Status.PENDING)
            .filter(_approvals_q(person))
            .exclude(requested_by=person.user)
            .values_list(
                "pk",
                "department__name",
                "adoption__criterion__title",
                "adoption__membership_id",
                "adoption__target_date",
            )
        )
        for pk, department, title, membership_id, target_date in approvals:
            network = person.memberships[membership_id].network
            items.append(
                StartItem(
                    kind="approval",
                    kind_label=_("Zustimmung"),
                    title=f"{department}: {title}",
                    url=reverse("procurement:approval_detail", args=[network.slug, pk]),
                    network_id=network.pk,
                    membership_id=membership_id,
                    due_on=target_date,
                    waiting=True,
                )
            )
        milestones = (
            Milestone.objects.open()
            .filter(_milestones_q(person, "roadmap__"))
            .filter(due_on__lte=person.today + timedelta(days=DUE_DAYS))
            .values_list("title", "roadmap__membership_id", "due_on")
        )
        urls = {}
        for title, membership_id, due_on in milestones:
            if membership_id not in urls:
                urls[membership_id] = person.membership_url("procurement:roadmap", membership_id)
            items.append(
                StartItem(
                    kind="milestone",
                    kind_label=_("Meilenstein"),
                    title=title,
                    url=urls[membership_id],
                    network_id=person.memberships[membership_id].network_id,
                    membership_id=membership_id,
                    due_on=due_on,
                )
            )
        return items

    def changes(self, person: Person, limit: int) -> list:
        if not person.own_membership_ids:
            return []

        def recent(history, q, **names):
            return list(
                history.filter(q)
                .exclude(history_user_id=person.user.pk)
                .annotate(**names)
                .select_related("history_user")
                .order_by("-history_date")[:limit]
            )

        changes = []
        for record in recent(
            Milestone.history,
            _milestones_q(person, "roadmap__"),
            member_id=F("roadmap__membership_id"),
        ):
            changes.append(
                change(
                    record,
                    what=_("Meilenstein"),
                    title=record.title,
                    network_id=person.memberships[record.member_id].network_id,
                    url=person.membership_url("procurement:roadmap", record.member_id),
                )
            )
        for record in recent(
            DepartmentApproval.history,
            _approvals_q(person),
            member_id=F("adoption__membership_id"),
            department_name=F("department__name"),
            criterion_title=F("adoption__criterion__title"),
        ):
            network = person.memberships[record.member_id].network
            changes.append(
                change(
                    record,
                    what=_("Zustimmung"),
                    title=f"{record.department_name}: {record.criterion_title}",
                    network_id=network.pk,
                    url=reverse("procurement:approval_detail", args=[network.slug, record.id]),
                )
            )
        for record in recent(
            Adoption.history,
            Q(membership_id__in=person.coordinated_membership_ids),
            criterion_title=F("criterion__title"),
        ):
            membership = person.memberships[record.membership_id]
            changes.append(
                change(
                    record,
                    what=_("Übernahme"),
                    title=record.criterion_title,
                    network_id=membership.network_id,
                    url=reverse(
                        "procurement:adoption_detail",
                        args=[membership.network.slug, membership.municipality.slug, record.id],
                    ),
                )
            )
        return changes

    def network_counts(self, person: Person) -> list[NetworkCount]:
        ids = person.moderated_network_ids
        behind = dict(
            Milestone.objects.overdue(person.today)
            .filter(roadmap__membership__network_id__in=ids)
            .filter(still_member_q(person.today, prefix="roadmap__membership__"))
            .values("roadmap__membership__network_id")
            .annotate(count=Count("roadmap__membership_id", distinct=True))
            .values_list("roadmap__membership__network_id", "count")
        )
        pending = dict(
            DepartmentApproval.objects.filter(
                status=DepartmentApproval.Status.PENDING,
                adoption__membership__network_id__in=ids,
            )
            .filter(still_member_q(person.today, prefix="adoption__membership__"))
            .values("adoption__membership__network_id")
            .annotate(count=Count("pk"))
            .values_list("adoption__membership__network_id", "count")
        )
        counts = []
        for network_id in sorted(ids):
            slug = person.network(network_id).slug
            counts.append(
                NetworkCount(
                    network_id=network_id,
                    key="members_behind_roadmap",
                    label=_("Mitglieder mit überfälligen Meilensteinen"),
                    value=behind.get(network_id, 0),
                    url=reverse("network:dashboard", args=[slug])
                    + "?sort=milestones_overdue&dir=desc",
                )
            )
            counts.append(
                NetworkCount(
                    network_id=network_id,
                    key="approvals_pending",
                    label=_("Offene Zustimmungen der Fachbereiche"),
                    value=pending.get(network_id, 0),
                    url=reverse("procurement:approval_inbox", args=[slug]),
                )
            )
        return counts
