"""The building section of the dashboard and the progress reports."""

from datetime import date, datetime, time, timedelta

from django.db.models import Avg, Count, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from network.progress import Figure, OpenItem, Period

from . import explain
from .models import Assessment, BuildingProject


def _legal_problems_on(membership_ids, day) -> dict[int, int]:
    """Per membership: projects whose newest historical row up to the end of `day` says the
    legal requirements were missed."""
    cutoff = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
    historical = BuildingProject.history.model.objects
    then = (
        historical.filter(id=OuterRef("pk"), history_date__lt=cutoff)
        .order_by("-history_date", "-history_id")
        .values("legal_status")[:1]
    )
    rows = (
        BuildingProject.objects.filter(membership_id__in=membership_ids, created_at__lt=cutoff)
        .annotate(legal_then=Subquery(then))
        .filter(legal_then=BuildingProject.LegalStatus.PROBLEM)
        .values("membership_id")
        .annotate(n=Count("pk"))
    )
    return {row["membership_id"]: row["n"] for row in rows}


class BuildingSection:
    key = "building"
    title = _("Nachhaltiges Bauen")
    template = "building/_progress.html"
    explanations = explain.EXPLANATIONS

    def figure_rows(self, membership, key, period: Period):
        return explain.figure_rows(membership, key, period)

    def figures(self, memberships, period: Period) -> dict[int, list[Figure]]:
        """One aggregate query for all memberships (two for the state at a period's end). A
        project counts when it was created by the end of the period; "assessed" means its
        current assessment was finalised by then; legal problems at the end of a past
        period (`state_at_end`, network.timeseries) come from the projects' history."""
        ids = [m.pk for m in memberships]
        final = Q(
            latest_assessment__status=Assessment.Status.FINAL,
            latest_assessment__finalised_at__date__lte=period.end,
        )
        rows = (
            BuildingProject.objects.filter(membership_id__in=ids, created_at__date__lte=period.end)
            .values("membership_id")
            .annotate(
                projects=Count("pk"),
                assessed=Count("pk", filter=final),
                avg_total=Avg("latest_assessment__total_pct", filter=final),
                rated=Count("pk", filter=final & ~Q(latest_assessment__rating="")),
                legal=Count("pk", filter=Q(legal_status=BuildingProject.LegalStatus.PROBLEM)),
            )
        )
        found = {row["membership_id"]: row for row in rows}
        if getattr(period, "state_at_end", False):
            # The state at the end of a past period (the quarters of network.timeseries):
            # the legal status each project had then, from its history (one more query).
            legal_then = _legal_problems_on(ids, period.end)
            for pk, row in found.items():
                row["legal"] = legal_then.get(pk, 0)
        result = {}
        for pk in ids:
            row = found.get(pk, {})
            avg = row.get("avg_total")
            result[pk] = [
                Figure("projects", _("Bauvorhaben"), row.get("projects", 0), ""),
                Figure("projects_assessed", _("Bewertet"), row.get("assessed", 0), ""),
                Figure(
                    "avg_total_pct",
                    _("Durchschnittlicher Erfüllungsgrad"),
                    None if avg is None else round(float(avg), 1),
                    "%",
                ),
                Figure("ratings", _("Mit Bewertungsstufe"), row.get("rated", 0), ""),
                Figure(
                    "legal_problems",
                    _("Rechtliche Anforderungen verfehlt"),
                    row.get("legal", 0),
                    "",
                    higher_is_better=False,
                ),
            ]
        return result

    def context(self, membership, period: Period) -> dict:
        projects = (
            BuildingProject.objects.filter(membership=membership, created_at__date__lte=period.end)
            .select_related("latest_assessment")
            .order_by("name")
        )
        return {"membership": membership, "period": period, "projects": list(projects)}

    def open_items(self, memberships, today: date) -> list[OpenItem]:
        """Draft assessments still to be finalised."""
        drafts = (
            Assessment.objects.drafts()
            .filter(project__membership__in=memberships)
            .select_related("project__membership__network")
            .order_by("created_at")
        )
        return [
            OpenItem(
                kind="assessment",
                title=str(_("Bewertung abschließen: %(name)s") % {"name": a.project.name}),
                membership_id=a.project.membership_id,
                due_on=None,
                url=reverse(
                    "building:assessment_detail",
                    args=[a.project.membership.network.slug, a.pk],
                ),
            )
            for a in drafts
        ]
