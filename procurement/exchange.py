"""What a case of the collegial consultation (network.exchange) may link to in procurement:
the network's criteria and the member's milestones (hook `case_link_sources`)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from network.exchange.links import Linkable

from .access import visible_criteria
from .models import Criterion, Milestone


class Criteria:
    """The criteria of the catalogue the person reads (the moderation and the experts also
    the drafts); offered in their current revision."""

    key = "procurement.criterion"
    kind = _("Mindestkriterium")

    def _rows(self, access):
        criteria = Criterion.objects.filter(network=access.network)
        return visible_criteria(access, criteria).select_related("product_group")

    def _item(self, access, criterion) -> Linkable:
        return Linkable(
            source=self.key,
            kind=str(self.kind),
            object_id=criterion.pk,
            title=f"{criterion.title} ({criterion.product_group.name})",
            url=reverse("procurement:criterion_detail", args=[access.network.slug, criterion.pk]),
        )

    def linkable(self, access, membership):
        rows = self._rows(access).filter(is_current=True)
        return [self._item(access, c) for c in rows.order_by("product_group__name", "title")]

    def resolve(self, access, ids):
        return {c.pk: self._item(access, c) for c in self._rows(access).filter(pk__in=ids)}


class Milestones:
    """The milestones of the member's roadmap (every member reads every roadmap)."""

    key = "procurement.milestone"
    kind = _("Meilenstein")

    def _rows(self, access):
        return Milestone.objects.filter(
            roadmap__network=access.network, roadmap__membership__isnull=False
        ).select_related("roadmap__membership__municipality")

    def _item(self, access, milestone) -> Linkable:
        municipality = milestone.roadmap.membership.municipality
        return Linkable(
            source=self.key,
            kind=str(self.kind),
            object_id=milestone.pk,
            title=f"{milestone.title} ({municipality.name})",
            url=reverse("procurement:roadmap", args=[access.network.slug, municipality.slug]),
        )

    def linkable(self, access, membership):
        if membership is None:
            return []
        rows = self._rows(access).filter(roadmap__membership=membership)
        return [self._item(access, m) for m in rows.order_by("position", "due_on", "pk")]

    def resolve(self, access, ids):
        return {m.pk: self._item(access, m) for m in self._rows(access).filter(pk__in=ids)}
