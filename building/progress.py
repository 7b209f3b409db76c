"""The building section of the dashboard and the progress reports."""

from datetime import date, datetime, time, timedelta

from django.db.models import Avg, Count, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from network.progress import Figure, OpenItem, Period, Total
from network.reports.summary import compared, sentence
from network.templatetags.portal import num

from . import explain
from .climate import co2_avoided
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
    trend_keys = ("projects_assessed", "avg_total_pct")
    glossary = (
        (
            _("Bewertungsraster"),
            _(
                "Die Kriterien, nach denen das Netzwerk Bauvorhaben auf Nachhaltigkeit und "
                "Wirtschaftlichkeit bewertet, mit ihren Gewichten je Gruppe."
            ),
        ),
        (
            _("Erfüllungsgrad"),
            _(
                "Wie weit ein Bauvorhaben die Kriterien des Rasters erfüllt, in Prozent der "
                "erreichbaren Punkte, gewichtet nach den Gruppen des Rasters."
            ),
        ),
        (
            _("Bewertungsstufe"),
            _(
                "Eine Stufe wie Gold oder Silber, die ein abschließend bewertetes Vorhaben "
                "ab einem Mindest-Erfüllungsgrad erreicht, wenn es die rechtlichen "
                "Anforderungen erfüllt."
            ),
        ),
        (
            _("Referenzvariante, gewählte Variante"),
            _(
                "Die Referenz ist die übliche Ausführung (z. B. eine Gasheizung); die "
                "gewählte Variante die, die gebaut wird. Die vermiedenen Tonnen CO₂ sind der "
                "Unterschied ihrer jährlichen Emissionen."
            ),
        ),
    )

    def figure_rows(self, membership, key, period: Period):
        return explain.figure_rows(membership, key, period)

    def figures(self, memberships, period: Period) -> dict[int, list[Figure]]:
        """One aggregate query for all memberships (two for the state at a period's end). A
        project counts when it was created by the end of the period; "assessed" means its
        current assessment was accepted in review by then (Status.FINAL, `finalised_at` is
        the time of the acceptance: a submitted one is not assessed yet); legal problems at
        the end of a past period (`state_at_end`, network.timeseries) come from the projects'
        history."""
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

    def totals(self, memberships, period: Period) -> dict[int | None, list[Total]]:
        """Four queries: projects and assessments, ratings, and the chosen variants against
        their references (building.climate)."""
        ids = [m.pk for m in memberships]
        final = Q(
            latest_assessment__status=Assessment.Status.FINAL,
            latest_assessment__finalised_at__date__lte=period.end,
        )
        projects = BuildingProject.objects.filter(
            membership_id__in=ids, created_at__date__lte=period.end
        )
        counts = {
            row["membership_id"]: row
            for row in projects.values("membership_id").annotate(
                projects=Count("pk"), assessed=Count("pk", filter=final)
            )
        }
        ratings: dict[int, dict[str, int]] = {}
        for membership_id, rating, n in (
            projects.filter(final)
            .exclude(latest_assessment__rating="")
            .values("membership_id", "latest_assessment__rating")
            .annotate(n=Count("pk"))
            .values_list("membership_id", "latest_assessment__rating", "n")
        ):
            ratings.setdefault(membership_id, {})[rating] = n
        avoided = co2_avoided(ids, period.end)

        def totals_of(row, rated: dict[str, int], saved: list):
            return [
                Total(
                    "projects_assessed",
                    _("Bauvorhaben abschließend bewertet"),
                    row.get("assessed", 0),
                    of=row.get("projects", 0),
                    figure_key="projects_assessed",
                ),
                Total(
                    "projects_rated",
                    _("davon mit Bewertungsstufe"),
                    sum(rated.values()),
                    of=row.get("assessed", 0),
                    detail=", ".join(
                        f"{name} {n}"
                        for name, n in sorted(rated.items(), key=lambda item: (-item[1], item[0]))
                    ),
                ),
                Total(
                    "co2_avoided",
                    _("CO₂ vermieden durch die gewählten Varianten"),
                    round(sum(a.tonnes_per_year for a in saved), 1) if saved else None,
                    _("t CO₂/Jahr"),
                    detail=_("aus %(n)s Bauvorhaben") % {"n": sum(a.projects for a in saved)},
                ),
            ]

        result = {
            pk: totals_of(
                counts.get(pk, {}), ratings.get(pk, {}), [avoided[pk]] if pk in avoided else []
            )
            for pk in ids
        }
        everything = {
            key: sum(row[key] for row in counts.values()) for key in ("projects", "assessed")
        }
        all_ratings: dict[str, int] = {}
        for rated in ratings.values():
            for name, n in rated.items():
                all_ratings[name] = all_ratings.get(name, 0) + n
        result[None] = totals_of(everything, all_ratings, list(avoided.values()))
        return result

    def headlines(self, totals, before, since, scope):
        lines = []
        assessed, rated = totals["projects_assessed"], totals["projects_rated"]
        if assessed.of:
            text = _("%(n)s von %(of)s Bauvorhaben sind abschließend bewertet") % {
                "n": num(assessed.value),
                "of": num(assessed.of),
            }
            if rated.value:
                text += " " + _("(%(n)s mit Bewertungsstufe: %(detail)s)") % {
                    "n": num(rated.value),
                    "detail": rated.detail,
                }
            change = compared(assessed.value, before.get("projects_assessed"), since)
            lines.append(sentence(text, change))
        co2 = totals["co2_avoided"]
        if co2.value is not None:
            values = {"t": num(abs(co2.value), 1 if co2.value % 1 else 0), "detail": co2.detail}
            if co2.value >= 0:
                lines.append(
                    _(
                        "Die gewählten Varianten vermeiden %(t)s t CO₂ pro Jahr gegenüber "
                        "ihren Referenzvarianten (%(detail)s)."
                    )
                    % values
                )
            else:
                lines.append(
                    _(
                        "Die gewählten Varianten verursachen %(t)s t CO₂ pro Jahr mehr als "
                        "ihre Referenzvarianten (%(detail)s)."
                    )
                    % values
                )
        return lines

    def context(self, membership, period: Period) -> dict:
        projects = (
            BuildingProject.objects.filter(membership=membership, created_at__date__lte=period.end)
            .select_related("latest_assessment")
            .order_by("name")
        )
        return {"membership": membership, "period": period, "projects": list(projects)}

    def open_items(self, memberships, today: date) -> list[OpenItem]:
        """Drafts the member still has to submit, and submitted assessments the moderation
        (or an expert) still has to review; one query."""
        waiting = (
            Assessment.objects.not_accepted()
            .filter(project__membership__in=memberships)
            .select_related("project__membership__network")
            .order_by("created_at", "pk")
        )
        return [
            OpenItem(
                kind="assessment_review" if a.is_submitted else "assessment",
                title=str(
                    (
                        _("Bewertung prüfen: %(name)s")
                        if a.is_submitted
                        else _("Bewertung einreichen: %(name)s")
                    )
                    % {"name": a.project.name}
                ),
                membership_id=a.project.membership_id,
                due_on=None,
                url=reverse(
                    "building:assessment_detail",
                    args=[a.project.membership.network.slug, a.pk],
                ),
                owner=str(_("Moderation")) if a.is_submitted else "",
            )
            for a in waiting
        ]
