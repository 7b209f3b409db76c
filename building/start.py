"""What building puts on a person's start page (network.start, hook `start_sources`): the
draft assessments of the members they coordinate, and the changes of their members'
building projects. A fixed number of queries for all networks."""

from django.urls import reverse
from django.utils.translation import gettext as _

from network.start import Person, StartItem, change

from .models import Assessment, BuildingProject


class BuildingStart:
    def items(self, person: Person) -> list[StartItem]:
        if not person.coordinated_membership_ids:
            return []
        drafts = (
            Assessment.objects.drafts()
            .filter(project__membership_id__in=person.coordinated_membership_ids)
            .values_list("pk", "project__name", "project__membership_id")
        )
        return [
            StartItem(
                kind="assessment",
                kind_label=_("Bewertung einreichen"),
                title=name,
                url=reverse(
                    "building:assessment_detail",
                    args=[person.memberships[membership_id].network.slug, pk],
                ),
                network_id=person.memberships[membership_id].network_id,
                membership_id=membership_id,
                waiting=True,
            )
            for pk, name, membership_id in drafts
        ]

    def changes(self, person: Person, limit: int) -> list:
        if not person.own_membership_ids:
            return []
        records = (
            BuildingProject.history.filter(membership_id__in=person.own_membership_ids)
            .exclude(history_user_id=person.user.pk)
            .select_related("history_user")
            .order_by("-history_date")[:limit]
        )
        changes = []
        for record in records:
            network = person.memberships[record.membership_id].network
            changes.append(
                change(
                    record,
                    what=_("Bauvorhaben"),
                    title=record.name,
                    network_id=network.pk,
                    url=reverse("building:project_detail", args=[network.slug, record.id]),
                )
            )
        return changes
