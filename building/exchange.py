"""The building area in the collegial consultation (network.exchange): what a case may link
to (the member's building projects, the network's guidelines; hook `case_link_sources`),
and a case's conclusion taken over as a guideline draft (hook `case_outcomes`)."""

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from network.exchange.links import Linkable

from .models import BuildingProject, Guideline


class Projects:
    """The member's building projects (every member reads every project)."""

    key = "building.project"
    kind = _("Bauvorhaben")

    def _item(self, access, project) -> Linkable:
        return Linkable(
            source=self.key,
            kind=str(self.kind),
            object_id=project.pk,
            title=f"{project.name} ({project.membership.municipality.name})",
            url=reverse("building:project_detail", args=[access.network.slug, project.pk]),
        )

    def _rows(self, access):
        return BuildingProject.objects.of_network(access.network).select_related(
            "membership__municipality"
        )

    def linkable(self, access, membership):
        if membership is None:
            return []
        rows = self._rows(access).filter(membership=membership).order_by("name", "pk")
        return [self._item(access, project) for project in rows]

    def resolve(self, access, ids):
        return {p.pk: self._item(access, p) for p in self._rows(access).filter(pk__in=ids)}


def _guideline_item(access, guideline, kind) -> Linkable:
    return Linkable(
        source=Guidelines.key,
        kind=str(kind),
        object_id=guideline.pk,
        title=guideline.title,
        url=reverse("building:guideline_detail", args=[access.network.slug, guideline.pk]),
    )


class Guidelines:
    """The guidelines the person reads (drafts only for the moderation and the experts)."""

    key = "building.guideline"
    kind = _("Leitlinie")

    def _rows(self, access):
        return Guideline.objects.filter(network=access.network).visible_to(access)

    def linkable(self, access, membership):
        return [_guideline_item(access, g, self.kind) for g in self._rows(access).order_by("title")]

    def resolve(self, access, ids):
        return {
            g.pk: _guideline_item(access, g, self.kind)
            for g in self._rows(access).filter(pk__in=ids)
        }


class GuidelineDraft:
    """The moderation takes a done case's conclusion over as the draft of a guideline; the
    draft links back to the case (Guideline.from_case). One draft per case."""

    key = "leitlinie"
    label = _("Als Leitlinien-Entwurf übernehmen")

    def allowed(self, access, case) -> bool:
        return (
            access.is_moderator
            and case.is_done
            and bool(case.conclusion.strip())
            and not Guideline.objects.filter(from_case=case).exists()
        )

    @transaction.atomic
    def create(self, case, actor) -> Guideline:
        guideline = Guideline(
            network=case.network,
            title=case.title[:200],
            summary=(gettext("Aus der Fallberatung: %(title)s") % {"title": case.title})[:300],
            body=case.conclusion,
            status=Guideline.Status.DRAFT,
            from_case=case,
        )
        guideline.full_clean()
        guideline._history_user = actor  # the history names who took it over (no request)
        guideline.save()
        return guideline

    def made(self, access, case) -> list[Linkable]:
        drafts = Guideline.objects.filter(network=access.network, from_case=case).visible_to(access)
        return [_guideline_item(access, g, _("Leitlinie")) for g in drafts]
