"""The building section a member may release for the network's public page and open data
(network.public): each project's scorecard.

A rating is public only once it is awarded: the project's current assessment accepted in
review (Assessment.Status.FINAL, „bestätigt“), as the dashboard counts „bewertet“. A draft
or a submitted assessment shows „noch nicht bestätigt“ and none of its numbers, which may
still change. No names: not who assessed, submitted or accepted.
"""

from django.utils.translation import gettext_lazy as _

from network.public import OpenTable, open_field, place_fields
from network.templatetags.portal import pct

from . import legal
from .models import Assessment, BuildingProject


def rule_label(result: legal.RuleResult) -> str:
    """One legal rule's answer for a project in a word or two."""
    if result.applies is False:
        return str(_("gilt nicht"))
    if result.applies is None:
        return str(_("unklar, ob sie gilt"))
    return str(
        {legal.YES: _("erfüllt"), legal.NO: _("nicht erfüllt")}.get(
            result.satisfied, _("unbekannt")
        )
    )


def _rules() -> list[tuple[str, str, str]]:
    """(key, title, citation) of every legal rule, from a probe project: the rules of
    building.legal carry their names only in their results."""
    probe = legal.ProjectFacts(kind=legal.NEW_BUILD, use="other")
    return [(r.key, str(r.title), str(r.citation)) for r in legal.check(probe)]


def scorecards(projects) -> list[dict]:
    """The public scorecard of each project, five queries at most for any number of
    projects (the accepted assessments with their boards' groups, criteria, levels and
    scores). `projects` come with `latest_assessment` and `membership__municipality`
    selected (legal_results reads the population)."""
    projects = list(projects)
    accepted = {
        a.pk: a
        for a in Assessment.objects.filter(
            pk__in=[
                p.latest_assessment_id
                for p in projects
                if p.latest_assessment and p.latest_assessment.is_final
            ]
        )
        .select_related("board")
        .prefetch_related("board__groups__criteria", "board__levels", "scores")
    }
    cards = []
    for project in projects:
        assessment = accepted.get(project.latest_assessment_id)
        groups = ()
        if assessment:
            result = assessment.evaluate(
                list(assessment.board.groups.all()),
                list(assessment.scores.all()),
                list(assessment.board.levels.all()),
            )
            groups = result.groups
        if assessment:
            state = _("bestätigt")
        elif project.latest_assessment_id:
            state = _("noch nicht bestätigt")
        else:
            state = _("nicht bewertet")
        results = project.legal_results()
        cards.append(
            {
                "project": project,
                # The rules that apply (or may: data missing), each with its answer.
                "legal": [(r, rule_label(r)) for r in results if r.applies is not False],
                "legal_all": results,
                "accepted": assessment is not None,
                "state": str(state),
                "board": assessment.board.name if assessment else "",
                "rating": assessment.rating if assessment else "",
                "total_pct": float(assessment.total_pct)
                if assessment and assessment.total_pct is not None
                else None,
                "groups": groups,
            }
        )
    return cards


def _projects(membership_ids, period):
    return (
        BuildingProject.objects.filter(
            membership_id__in=membership_ids, created_at__date__lte=period.end
        )
        .select_related("latest_assessment", "membership__municipality")
        .order_by("membership__municipality__name", "name", "pk")
    )


class ProjectsSection:
    key = "projects"
    title = _("Bauvorhaben mit Bewertung")
    description = _(
        "Die Bauvorhaben mit Nutzung und Art, den geltenden rechtlichen Anforderungen und ob "
        "sie erfüllt sind, und die Bewertung nach dem Raster des Netzwerks, sobald sie "
        "bestätigt ist."
    )
    template = "building/public/projects.html"

    def context(self, membership, period):
        """Six queries at most: the projects and their scorecards."""
        return {
            "membership": membership,
            "period": period,
            "cards": scorecards(_projects([membership.pk], period)),
        }

    def table(self, memberships, period):
        """Six queries at most, one row per project; the legal rules as one column each."""
        cards = scorecards(_projects([m.pk for m in memberships], period))
        rules = _rules()
        rows = []
        for card in cards:
            project = card["project"]
            municipality = project.membership.municipality
            rows.append(
                {
                    "municipality": municipality.name,
                    "ags": municipality.ags,
                    "project": project.name,
                    "use": str(project.get_use_display()),
                    "kind": str(project.get_kind_display()),
                    "legal_status": str(project.get_legal_status_display()),
                    **{f"legal_{r.key}": rule_label(r) for r in card["legal_all"]},
                    "assessment": card["state"],
                    "board": card["board"],
                    "rating": card["rating"],
                    "total_pct": card["total_pct"],
                    "groups": "; ".join(f"{g.name} {pct(g.fulfilment, 1)}" for g in card["groups"]),
                }
            )
        return OpenTable(
            name="projects",
            title=str(self.title),
            description=str(self.description),
            fields=[
                *place_fields(),
                open_field("project", "string", _("Bauvorhaben")),
                open_field("use", "string", _("Nutzung")),
                open_field("kind", "string", _("Neubau oder Sanierung")),
                open_field("legal_status", "string", _("Rechtliche Anforderungen insgesamt")),
                *[
                    open_field(f"legal_{key}", "string", title, citation)
                    for key, title, citation in rules
                ],
                open_field(
                    "assessment",
                    "string",
                    _("Bewertung"),
                    _("bestätigt, noch nicht bestätigt oder nicht bewertet"),
                ),
                open_field("board", "string", _("Bewertungsraster")),
                open_field(
                    "rating",
                    "string",
                    _("Bewertungsstufe"),
                    _("nur bei bestätigter Bewertung; leer: keine Stufe erreicht"),
                ),
                open_field(
                    "total_pct",
                    "number",
                    _("Gesamterfüllungsgrad"),
                    _("nur bei bestätigter Bewertung"),
                    "%",
                ),
                open_field("groups", "string", _("Erfüllungsgrad je Kriteriengruppe")),
            ],
            rows=rows,
        )
