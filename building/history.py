"""What building adds to a network's „Letzte Änderungen“ (the `history_models` hook,
network.reports.history)."""

from django.urls import reverse

from network.reports.history import HistorySource

projects = HistorySource(
    "building.BuildingProject",
    "membership__network_id",
    ("membership__municipality",),
    title=lambda r: f"{r.name} – {r.membership.municipality.name}",
    url=lambda r, slug: reverse("building:project_detail", args=[slug, r.id]),
)
assessments = HistorySource(
    "building.Assessment",
    "project__membership__network_id",
    ("project",),
    title=lambda r: r.project.name,
    url=lambda r, slug: reverse("building:assessment_detail", args=[slug, r.id]),
)
boards = HistorySource(
    "building.ScoringBoard",
    "network_id",
    title=lambda r: r.name,
    url=lambda r, slug: reverse("building:board_detail", args=[slug, r.id]),
)
guidelines = HistorySource(
    "building.Guideline",
    "network_id",
    url=lambda r, slug: reverse("building:guideline_detail", args=[slug, r.id]),
)
