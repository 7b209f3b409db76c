"""The procurement progress section for the dashboard and the reports."""

from collections import defaultdict
from datetime import timedelta

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from network.progress import Figure, OpenItem

from . import explain, stats
from .models import Adoption, DepartmentApproval, Milestone, Tender

# Milestones due within this many days show up as open items before they are overdue.
DUE_SOON = timedelta(days=30)


class ProcurementSection:
    key = "procurement"
    title = _("Nachhaltige Beschaffung")
    template = "procurement/_progress.html"
    explanations = explain.EXPLANATIONS

    def figure_rows(self, membership, key, period):
        return explain.figure_rows(membership, key, period)

    def figures(self, memberships, period):
        """Five queries for any number of memberships (six for the state at a period's end).

        Milestones count as overdue against the end of the period (or today, if earlier);
        criteria counts are cumulative: "agreed" includes adopted and applied ones.
        """
        ids = [m.pk for m in memberships]
        today = min(timezone.localdate(), period.end)
        # Asked for the state at the end of a past period (the quarters of
        # network.timeseries): from the dates the rows carry and from their history.
        as_of = period.end if getattr(period, "state_at_end", False) else None
        roadmaps = stats.roadmap_counts(ids, today, as_of=as_of)
        adoptions = stats.adoption_counts(ids, as_of=as_of)
        shares = stats.shares_for(ids, period.start, period.end, as_of=as_of)
        result = {}
        for membership_id in ids:
            road = roadmaps.get(membership_id, {})
            adopt = adoptions.get(membership_id, {})
            share = shares.get((membership_id, None))
            result[membership_id] = [
                Figure("roadmap_done_pct", _("Fahrplan erledigt"), road.get("done_pct"), "%"),
                Figure(
                    "milestones_overdue",
                    _("Meilensteine überfällig"),
                    road.get("overdue", 0),
                    "",
                    higher_is_better=False,
                ),
                Figure("criteria_agreed", _("Kriterien zugestimmt"), adopt.get("agreed", 0)),
                Figure("criteria_adopted", _("Kriterien übernommen"), adopt.get("adopted", 0)),
                Figure("criteria_applied", _("Kriterien angewendet"), adopt.get("applied", 0)),
                Figure(
                    "tender_share_count_pct",
                    _("Ausschreibungen mit Kriterien (Anzahl)"),
                    share.count_pct if share else None,
                    "%",
                ),
                Figure(
                    "tender_share_value_pct",
                    _("Ausschreibungen mit Kriterien (Wert)"),
                    share.value_pct if share else None,
                    "%",
                ),
                Figure(
                    "tender_volume_with_criteria",
                    _("Auftragswert mit Kriterien"),
                    float(share.compliant_value) if share else None,
                    "€",
                ),
            ]
        return result

    def context(self, membership, period):
        milestones = list(
            Milestone.objects.filter(roadmap__membership=membership).select_related("department")
        )
        today = timezone.localdate()
        groups = defaultdict(lambda: defaultdict(int))
        for row in (
            Adoption.objects.filter(membership=membership)
            .values("criterion__product_group__name", "status")
            .annotate(n=Count("pk"))
            .order_by("criterion__product_group__name")
        ):
            groups[row["criterion__product_group__name"]][row["status"]] += row["n"]
        by_group = [
            {
                "name": name,
                "agreed": sum(counts[s] for s in stats.AGREED),
                "adopted": sum(counts[s] for s in stats.ADOPTED),
                "applied": counts[Adoption.Status.APPLIED],
                "total": sum(counts.values()),
            }
            for name, counts in groups.items()
        ]
        tenders = list(
            Tender.objects.filter(
                membership=membership, published_on__range=(period.start, period.end)
            ).select_related("product_group")
        )
        share = stats.shares_for([membership.pk], period.start, period.end).get(
            (membership.pk, None)
        )
        return {
            "milestones": [(m, m.is_overdue(today)) for m in milestones],
            "roadmap_pct": stats.progress_pct([m.status for m in milestones]),
            "adoption_groups": by_group,
            "tenders": tenders,
            "tender_share": share,
            "period": period,
        }

    def open_items(self, memberships, today):
        """Two queries; rows are read as plain values (a 60-member network has over a
        thousand open milestones) and each member's URLs are reversed once."""
        ids = [m.pk for m in memberships]
        roadmap_urls = {
            m.pk: reverse("procurement:roadmap", args=[m.network.slug, m.municipality.slug])
            for m in memberships
        }
        inbox_urls = {
            m.pk: reverse("procurement:approval_inbox", args=[m.network.slug]) for m in memberships
        }
        items = [
            OpenItem(
                kind="milestone",
                title=title,
                membership_id=membership_id,
                due_on=due_on,
                url=roadmap_urls[membership_id],
                overdue=due_on < today,
                department_id=department_id,
            )
            for title, membership_id, due_on, department_id in Milestone.objects.open()
            .filter(roadmap__membership_id__in=ids, due_on__lte=today + DUE_SOON)
            .values_list("title", "roadmap__membership_id", "due_on", "department_id")
        ]
        approvals = DepartmentApproval.objects.filter(
            status=DepartmentApproval.Status.PENDING, adoption__membership_id__in=ids
        ).values_list(
            "department__name",
            "adoption__criterion__title",
            "adoption__membership_id",
            "adoption__target_date",
            "department_id",
        )
        for department, title, membership_id, target_date, department_id in approvals:
            items.append(
                OpenItem(
                    kind="approval",
                    title=_("Zustimmung %(department)s: %(title)s")
                    % {"department": department, "title": title},
                    membership_id=membership_id,
                    due_on=target_date,
                    url=inbox_urls[membership_id],
                    overdue=bool(target_date and target_date < today),
                    department_id=department_id,
                )
            )
        return items
