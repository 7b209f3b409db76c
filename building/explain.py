"""Why a building figure of a member is what it is: the explanation of each figure of
`progress.BuildingSection` and the projects behind it, with the same conditions."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from network.progress import FigureRow
from network.reports.figures import format_figure

from .models import Assessment, BuildingProject

EXPLANATIONS = {
    "projects": gettext_lazy(
        "Bauvorhaben der Kommune, die bis zum Ende des Zeitraums angelegt wurden."
    ),
    "projects_assessed": gettext_lazy(
        "Bauvorhaben, deren aktuelle Bewertung bis zum Ende des Zeitraums von der Moderation "
        "oder einer Expertin bzw. einem Experten bestätigt wurde; Entwürfe und eingereichte "
        "Bewertungen zählen nicht."
    ),
    "avg_total_pct": gettext_lazy(
        "Mittelwert des Gesamterfüllungsgrads der bestätigten aktuellen Bewertungen, in "
        "Prozent; Bauvorhaben ohne bestätigte Bewertung bleiben außen vor."
    ),
    "ratings": gettext_lazy(
        "Bestätigte aktuelle Bewertungen, die eine Bewertungsstufe erreichen (vollständig "
        "bewertet, alle Mindestwerte und rechtlichen Anforderungen erfüllt)."
    ),
    "legal_problems": gettext_lazy(
        "Bauvorhaben, bei denen mindestens eine rechtliche Anforderung (GEG § 71, § 42a BauO "
        "NRW, EPBD) gilt und nach den Angaben nicht erfüllt ist."
    ),
}


def _assessed(project, period) -> tuple[bool, str]:
    assessment = project.latest_assessment
    if assessment is None:
        return False, _("Noch keine Bewertung.")
    if assessment.status == Assessment.Status.SUBMITTED:
        return False, _("Bewertung eingereicht, noch nicht bestätigt.")
    if assessment.status != Assessment.Status.FINAL:
        return False, _("Bewertung noch im Entwurf.")
    if assessment.finalised_at and assessment.finalised_at.date() > period.end:
        return False, _("Bewertung erst nach dem Zeitraum bestätigt.")
    return True, _("Bewertung bestätigt.")


def figure_rows(membership, key, period):
    """The projects behind one member's building figure (ProgressSection.figure_rows): one
    query."""
    if key not in EXPLANATIONS:
        return None
    network_slug = membership.network.slug
    rows = []
    for project in (
        BuildingProject.objects.filter(membership=membership)
        .select_related("latest_assessment")
        .order_by("name", "pk")
    ):
        url = reverse("building:project_detail", args=[network_slug, project.pk])
        detail = f"{project.get_kind_display()}, {project.get_use_display()}"
        if project.created_at.date() > period.end:
            rows.append(
                FigureRow(project.name, None, _("Nach dem Zeitraum angelegt."), url, detail)
            )
            continue
        assessed, why = _assessed(project, period)
        assessment = project.latest_assessment
        if key == "projects":
            counted, reason = True, _("Im Zeitraum vorhanden.")
        elif key == "projects_assessed":
            counted, reason = assessed, why
        elif key == "avg_total_pct":
            counted, reason = (assessed or None), why
            if assessed:
                reason = _("Erfüllungsgrad %(pct)s.") % {
                    "pct": format_figure(assessment.total_pct, "%")
                }
        elif key == "ratings":
            if not assessed:
                counted, reason = False, why
            elif assessment.rating:
                counted, reason = (
                    True,
                    _("Bewertungsstufe „%(rating)s“.") % {"rating": assessment.rating},
                )
            elif not assessment.eligible:
                counted, reason = False, _("Nicht auszeichnungsfähig.")
            else:
                counted, reason = False, _("Keine Bewertungsstufe erreicht.")
        else:  # legal_problems
            counted = project.legal_status == BuildingProject.LegalStatus.PROBLEM
            reason = _("Rechtliche Anforderungen: %(status)s.") % {
                "status": project.get_legal_status_display()
            }
        rows.append(FigureRow(project.name, counted, reason, url, detail))
    return rows
