"""The procurement progress section for the dashboard and the reports."""

from collections import defaultdict
from datetime import timedelta

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from network.progress import Figure, OpenItem, Total
from network.reports.summary import compared, sentence
from network.templatetags.portal import eur, num, pct

from . import explain, stats
from .models import Adoption, Criterion, DepartmentApproval, Milestone, Tender

# Milestones due within this many days show up as open items before they are overdue.
DUE_SOON = timedelta(days=30)


class ProcurementSection:
    key = "procurement"
    title = _("Nachhaltige Beschaffung")
    template = "procurement/_progress.html"
    explanations = explain.EXPLANATIONS
    trend_keys = ("criteria_agreed", "tender_share_value_pct", "roadmap_done_pct")
    glossary = (
        (
            _("Mindestkriterium"),
            _(
                "Eine Anforderung an nachhaltige Beschaffung, die das Netzwerk gemeinsam "
                "festgelegt hat (z. B. Recyclingpapier mit Blauem Engel). Jede Kommune "
                "übernimmt die Kriterien für sich."
            ),
        ),
        (
            _("Mit allen Fachbereichen abgestimmt (zugestimmt)"),
            _(
                "Jeder Fachbereich der Verwaltung, der das Kriterium anwenden muss, hat "
                "zugestimmt. Erst dann gilt es für die Ausschreibungen der Kommune."
            ),
        ),
        (
            _("Ausschreibung mit Kriterien"),
            _(
                "Eine Ausschreibung, in der alle abgestimmten Kriterien ihrer Warengruppe "
                "angewendet wurden. Gezählt werden nur Ausschreibungen in Warengruppen, für "
                "die die Kommune Kriterien abgestimmt hat."
            ),
        ),
        (
            _("Fahrplan, Meilenstein"),
            _(
                "Der Arbeitsplan jeder Kommune mit ihren Schritten (Meilensteinen) und "
                "Terminen. Überfällig ist ein Meilenstein, dessen Termin verstrichen ist."
            ),
        ),
    )

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

    def totals(self, memberships, period):
        """Six queries (seven for the state at a past period's end): released criteria per
        network, adoptions, milestones, tender shares (three)."""
        ids = [m.pk for m in memberships]
        released = dict(
            Criterion.objects.filter(
                network__in={m.network_id for m in memberships}, status=Criterion.Status.AGREED
            )
            .values("network_id")
            .annotate(n=Count("pk"))
            .values_list("network_id", "n")
        )
        # A period that is over (a report of last year): the state at its end, as figures().
        as_of = period.end if getattr(period, "state_at_end", False) else None
        adoptions = stats.adoption_counts(ids, as_of=as_of)
        roadmaps = stats.roadmap_counts(ids, min(timezone.localdate(), period.end), as_of=as_of)
        shares = stats.shares_for(ids, period.start, period.end, as_of=as_of)

        def totals_of(agreed, possible, road, share):
            return [
                Total(
                    "criteria_agreed",
                    _("Mindestkriterien mit allen Fachbereichen abgestimmt"),
                    agreed,
                    of=possible,
                    figure_key="criteria_agreed",
                ),
                Total(
                    "tenders_with_criteria",
                    _("Ausschreibungen mit allen abgestimmten Kriterien"),
                    share.compliant if share else 0,
                    of=share.tenders if share else 0,
                ),
                Total(
                    "tender_value_with_criteria",
                    _("Auftragswert mit allen abgestimmten Kriterien"),
                    float(share.compliant_value) if share else 0,
                    "€",
                    of=float(share.value) if share else 0,
                ),
                Total(
                    "milestones_done",
                    _("Meilensteine der Fahrpläne erledigt"),
                    road.get("done", 0),
                    of=road.get("total", 0),
                ),
                Total(
                    "milestones_overdue",
                    _("Meilensteine überfällig"),
                    road.get("overdue", 0),
                    figure_key="milestones_overdue",
                ),
            ]

        result = {}
        for m in memberships:
            result[m.pk] = totals_of(
                adoptions.get(m.pk, {}).get("agreed", 0),
                released.get(m.network_id, 0),
                roadmaps.get(m.pk, {}),
                shares.get((m.pk, None)),
            )
        road_all = {
            key: sum(r.get(key, 0) for r in roadmaps.values())
            for key in ("done", "total", "overdue")
        }
        result[None] = totals_of(
            sum(a.get("agreed", 0) for a in adoptions.values()),
            sum(released.get(m.network_id, 0) for m in memberships),
            road_all,
            shares.get((None, None)),
        )
        return result

    def headlines(self, totals, before, since, scope):
        lines = []
        agreed = totals["criteria_agreed"]
        if agreed.of:
            change = compared(agreed.value, before.get("criteria_agreed"), since)
            if scope.is_network:
                main = _(
                    "Die %(members)s Kommunen haben zusammen %(n)s von %(of)s möglichen "
                    "Mindestkriterien mit allen Fachbereichen abgestimmt (%(share)s)"
                )
            else:
                main = ngettext(
                    "%(n)s von %(of)s Mindestkriterien ist mit allen Fachbereichen "
                    "abgestimmt (%(share)s)",
                    "%(n)s von %(of)s Mindestkriterien sind mit allen Fachbereichen "
                    "abgestimmt (%(share)s)",
                    int(agreed.value),
                )
            values = {
                "members": scope.members,
                "n": num(agreed.value),
                "of": num(agreed.of),
                "share": pct(agreed.share_pct),
            }
            lines.append(sentence(main % values, change))
        tenders, value = totals["tenders_with_criteria"], totals["tender_value_with_criteria"]
        if tenders.of:
            lines.append(
                ngettext(
                    "%(n)s von %(of)s Ausschreibungen im Zeitraum enthielt alle abgestimmten "
                    "Kriterien ihrer Warengruppe: %(value)s von %(total)s Auftragswert "
                    "(%(share)s).",
                    "%(n)s von %(of)s Ausschreibungen im Zeitraum enthielten alle abgestimmten "
                    "Kriterien ihrer Warengruppe: %(value)s von %(total)s Auftragswert "
                    "(%(share)s).",
                    int(tenders.value),
                )
                % {
                    "n": num(tenders.value),
                    "of": num(tenders.of),
                    "value": eur(value.value, 0),
                    "total": eur(value.of, 0),
                    "share": pct(value.share_pct),
                }
            )
        done, overdue = totals["milestones_done"], totals["milestones_overdue"]
        if done.of:
            change = compared(overdue.value, before.get("milestones_overdue"), since)
            text = _(
                "Fahrpläne: %(n)s von %(of)s Meilensteinen erledigt (%(share)s), "
                "%(overdue)s überfällig"
            ) % {
                "of": num(done.of),
                "n": num(done.value),
                "share": pct(done.share_pct),
                "overdue": num(overdue.value),
            }
            lines.append(sentence(text, change))
        return lines

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
                owner=department or "",
            )
            for title, membership_id, due_on, department_id, department in Milestone.objects.open()
            .filter(roadmap__membership_id__in=ids, due_on__lte=today + DUE_SOON)
            .values_list(
                "title", "roadmap__membership_id", "due_on", "department_id", "department__name"
            )
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
                    owner=department,
                )
            )
        return items
