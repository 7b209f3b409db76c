"""What procurement adds to a network's „Letzte Änderungen“ (the `history_models` hook,
network.reports.history): each historical model, how a record finds its network, what it
is called and which page shows it."""

from django.urls import reverse

from network.reports.history import HistorySource


def _member(record, slug, name, *extra):
    municipality = record.membership.municipality
    return reverse(f"procurement:{name}", args=[slug, municipality.slug, *extra])


criteria = HistorySource(
    "procurement.Criterion",
    "network_id",
    url=lambda r, slug: reverse("procurement:criterion_detail", args=[slug, r.id]),
)
adoptions = HistorySource(
    "procurement.Adoption",
    "membership__network_id",
    ("membership__municipality", "criterion"),
    title=lambda r: f"{r.criterion.title} – {r.membership.municipality.name}",
    url=lambda r, slug: _member(r, slug, "adoption_detail", r.id),
)
approvals = HistorySource(
    "procurement.DepartmentApproval",
    "adoption__membership__network_id",
    ("department", "adoption__criterion"),
    title=lambda r: f"{r.department.name}: {r.adoption.criterion.title}",
    url=lambda r, slug: reverse("procurement:approval_detail", args=[slug, r.id]),
)
tenders = HistorySource(
    "procurement.Tender",
    "membership__network_id",
    ("membership__municipality",),
    title=lambda r: f"{r.title} – {r.membership.municipality.name}",
    url=lambda r, slug: _member(r, slug, "tender_list"),
)
milestones = HistorySource(
    "procurement.Milestone",
    "roadmap__network_id",
    ("roadmap__membership__municipality",),
    title=lambda r: (
        f"{r.title} – {r.roadmap.membership.municipality.name}" if r.roadmap.membership else r.title
    ),
    url=lambda r, slug: (
        reverse("procurement:roadmap", args=[slug, r.roadmap.membership.municipality.slug])
        if r.roadmap.membership
        else reverse("procurement:roadmap_template", args=[slug])
    ),
)
