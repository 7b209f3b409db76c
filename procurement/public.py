"""The procurement sections a member may release for the network's public page and open
data (network.public): its roadmap, the criteria and which departments agreed, its tenders.

They name departments (offices), never people: no requester, decider or comment of an
approval, no responsible person of a milestone. The numbers come from where the dashboard
takes them (stats, explain), so the public page can never say something else.
"""

from collections import defaultdict

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from network.models import Membership
from network.public import OpenTable, open_field, place_fields

from . import explain, stats
from .models import Adoption, Criterion, DepartmentApproval, Milestone, Tender


def _places(memberships) -> dict[int, dict]:
    """One query: {membership id: the row's municipality and ags} for the open data."""
    return {
        pk: {"municipality": name, "ags": ags}
        for pk, name, ags in Membership.objects.filter(
            pk__in=[m.pk for m in memberships]
        ).values_list("pk", "municipality__name", "municipality__ags")
    }


def _iso(day) -> str | None:
    return day.isoformat() if day else None


class RoadmapSection:
    key = "roadmap"
    title = _("Fahrplan und Fortschritt")
    description = _(
        "Die Meilensteine des Fahrplans mit Termin, Status und Erledigungsdatum, der "
        "verantwortliche Fachbereich und der Fortschritt in Prozent."
    )
    template = "procurement/public/roadmap.html"

    def context(self, membership, period):
        """One query. Progress as on the dashboard (figures.progress_pct of the statuses)."""
        milestones = list(
            Milestone.objects.filter(roadmap__membership=membership).select_related("department")
        )
        today = min(timezone.localdate(), period.end)
        return {
            "membership": membership,
            "milestones": [(m, m.is_overdue(today)) for m in milestones],
            "roadmap_pct": stats.progress_pct([m.status for m in milestones]),
        }

    def table(self, memberships, period):
        """Two queries: the places and the milestones."""
        places = _places(memberships)
        today = min(timezone.localdate(), period.end)
        rows = [
            {
                **places[m.roadmap.membership_id],
                "milestone": m.title,
                "due_on": _iso(m.due_on),
                "status": str(m.get_status_display()),
                "overdue": m.is_overdue(today),
                "completed_on": _iso(m.completed_on),
                "department": m.department.name if m.department else "",
            }
            for m in Milestone.objects.filter(roadmap__membership_id__in=list(places))
            .select_related("roadmap", "department")
            .order_by("roadmap__membership__municipality__name", "position", "due_on", "pk")
        ]
        return OpenTable(
            name="roadmap",
            title=str(self.title),
            description=str(self.description),
            fields=[
                *place_fields(),
                open_field("milestone", "string", _("Meilenstein")),
                open_field("due_on", "date", _("Fällig am")),
                open_field("status", "string", _("Status")),
                open_field("overdue", "boolean", _("Überfällig")),
                open_field("completed_on", "date", _("Erledigt am")),
                open_field("department", "string", _("Verantwortlicher Fachbereich")),
            ],
            rows=rows,
        )


def _matrix(memberships) -> dict[int, dict]:
    """Three queries for any number of memberships: per membership the rows of its adoption
    matrix (the rule of procurement.views.adoptions: the network's current agreed criteria
    and every criterion the member took up) with the adoption's status, and the departments
    it asked, with the status of their approval per criterion.

    {membership id: {"departments": [(id, name)], "rows": [(criterion, adoption status or
    None, {department id: approval status})]}}"""
    ids = [m.pk for m in memberships]
    adoptions = {
        (membership_id, criterion_id): status
        for membership_id, criterion_id, status in Adoption.objects.filter(
            membership_id__in=ids
        ).values_list("membership_id", "criterion_id", "status")
    }
    approvals = defaultdict(dict)
    departments = defaultdict(dict)
    for membership_id, criterion_id, department_id, name, status in (
        DepartmentApproval.objects.filter(adoption__membership_id__in=ids)
        .order_by("department__name", "department_id")
        .values_list(
            "adoption__membership_id",
            "adoption__criterion_id",
            "department_id",
            "department__name",
            "status",
        )
    ):
        approvals[(membership_id, criterion_id)][department_id] = status
        departments[membership_id][department_id] = name
    taken_up = Adoption.objects.filter(membership_id__in=ids, criterion=OuterRef("pk"))
    criteria = list(
        Criterion.objects.filter(network__in={m.network_id for m in memberships})
        .filter(Q(is_current=True, status=Criterion.Status.AGREED) | Q(Exists(taken_up)))
        .select_related("product_group")
        .order_by("product_group__position", "product_group__name", "stage", "title", "pk")
    )
    result = {}
    for m in memberships:
        rows = [
            (criterion, adoptions.get((m.pk, criterion.pk)), approvals[(m.pk, criterion.pk)])
            for criterion in criteria
            if criterion.network_id == m.network_id
            and (
                (criterion.is_current and criterion.status == Criterion.Status.AGREED)
                or (m.pk, criterion.pk) in adoptions
            )
        ]
        result[m.pk] = {"departments": list(departments[m.pk].items()), "rows": rows}
    return result


def _adoption_label(status) -> str:
    return str(Adoption.Status(status).label if status else _("nicht begonnen"))


def _approval_label(status) -> str:
    """„nicht gefragt“ where the member did not ask the department about the criterion."""
    return str(DepartmentApproval.Status(status).label if status else _("nicht gefragt"))


class CriteriaSection:
    key = "criteria"
    title = _("Mindestkriterien und Zustimmung der Fachbereiche")
    description = _(
        "Die abgestimmten Mindestkriterien des Netzwerks, der Stand ihrer Übernahme und "
        "welcher Fachbereich der Verwaltung zugestimmt hat (ohne Kommentare und Namen)."
    )
    template = "procurement/public/criteria.html"

    def context(self, membership, period):
        """Three queries (see _matrix)."""
        matrix = _matrix([membership])[membership.pk]
        departments = matrix["departments"]
        return {
            "membership": membership,
            "departments": [name for _pk, name in departments],
            "rows": [
                (
                    criterion,
                    _adoption_label(status),
                    [(asked.get(pk), _approval_label(asked.get(pk))) for pk, _name in departments],
                )
                for criterion, status, asked in matrix["rows"]
            ],
        }

    def table(self, memberships, period):
        """Four queries: the places and _matrix. One row per criterion and department the
        member asked; a member that asked no department has one row per criterion with the
        department left empty, so its adoptions are in the data all the same."""
        memberships = list(memberships)
        places = _places(memberships)
        matrices = _matrix(memberships)
        rows = []
        for m in memberships:
            departments = matrices[m.pk]["departments"] or [(None, "")]
            for criterion, status, asked in matrices[m.pk]["rows"]:
                for department_id, name in departments:
                    approval = asked.get(department_id)
                    rows.append(
                        {
                            **places[m.pk],
                            "product_group": criterion.product_group.name,
                            "criterion": criterion.title,
                            "revision": criterion.revision,
                            "stage": str(criterion.get_stage_display()),
                            "level": str(criterion.get_level_display()),
                            "adoption_status": _adoption_label(status),
                            "agreed": status in stats.AGREED,
                            "department": name,
                            "approval_status": _approval_label(approval) if department_id else "",
                            "department_agreed": (
                                approval == DepartmentApproval.Status.AGREED
                                if department_id
                                else None
                            ),
                        }
                    )
        return OpenTable(
            name="criteria",
            title=str(self.title),
            description=str(self.description),
            fields=[
                *place_fields(),
                open_field("product_group", "string", _("Warengruppe")),
                open_field("criterion", "string", _("Kriterium")),
                open_field("revision", "integer", _("Fassung")),
                open_field("stage", "string", _("Vergabestufe")),
                open_field("level", "string", _("Anspruchsniveau")),
                open_field("adoption_status", "string", _("Stand der Übernahme")),
                open_field(
                    "agreed",
                    "boolean",
                    _("Mit allen Fachbereichen abgestimmt"),
                    _("Übernahme zugestimmt, übernommen oder angewendet"),
                ),
                open_field(
                    "department",
                    "string",
                    _("Fachbereich"),
                    _("leer: die Kommune hat noch keinen Fachbereich gefragt"),
                ),
                open_field("approval_status", "string", _("Stand der Zustimmung")),
                open_field("department_agreed", "boolean", _("Fachbereich hat zugestimmt")),
            ],
            rows=rows,
        )


class TendersSection:
    key = "tenders"
    title = _("Ausschreibungen mit Kriterien")
    description = _(
        "Der Anteil der Ausschreibungen mit allen abgestimmten Kriterien nach Anzahl und Wert "
        "je Jahr und die Ausschreibungen des Zeitraums mit Warengruppe, Datum und Wert."
    )
    template = "procurement/public/tenders.html"

    def _tenders(self, membership_ids, period):
        return list(
            Tender.objects.filter(
                membership_id__in=membership_ids, published_on__range=(period.start, period.end)
            )
            .select_related("product_group")
            .order_by("-published_on", "title", "pk")
        )

    def context(self, membership, period):
        """Five queries: the shares (stats.shares_for), the tenders and their verdicts."""
        shares = stats.shares_for([membership.pk], period.start, period.end)
        tenders = self._tenders([membership.pk], period)
        verdicts = explain.tender_verdicts(tenders)
        return {
            "membership": membership,
            "period": period,
            "years": sorted(
                (
                    (year, share)
                    for (pk, year), share in shares.items()
                    if pk == membership.pk and year is not None
                ),
                reverse=True,
            ),
            "tender_share": shares.get((membership.pk, None)),
            "tenders": [(t, verdicts[t.pk]) for t in tenders],
            "rule": explain.TENDER_RULE,
        }

    def table(self, memberships, period):
        """Three queries: the places, the tenders and their verdicts."""
        places = _places(memberships)
        tenders = self._tenders(list(places), period)
        verdicts = explain.tender_verdicts(tenders)
        rows = []
        for tender in sorted(
            tenders, key=lambda t: (places[t.membership_id]["municipality"], t.published_on)
        ):
            verdict = verdicts[tender.pk]
            rows.append(
                {
                    **places[tender.membership_id],
                    "title": tender.title,
                    "product_group": tender.product_group.name,
                    "published_on": _iso(tender.published_on),
                    "value_eur": float(tender.estimated_value),
                    "counted": verdict.relevant,
                    "with_criteria": verdict.compliant if verdict.relevant else None,
                }
            )
        return OpenTable(
            name="tenders",
            title=str(self.title),
            description=str(self.description),
            fields=[
                *place_fields(),
                open_field("title", "string", _("Ausschreibung")),
                open_field("product_group", "string", _("Warengruppe")),
                open_field("published_on", "date", _("Veröffentlicht am")),
                open_field("value_eur", "number", _("Geschätzter Auftragswert"), unit="€"),
                open_field(
                    "counted",
                    "boolean",
                    _("Zählt mit"),
                    _("Die Kommune hat mindestens einem Kriterium der Warengruppe zugestimmt."),
                ),
                open_field(
                    "with_criteria",
                    "boolean",
                    _("Mit allen abgestimmten Kriterien"),
                    explain.TENDER_RULE,
                ),
            ],
            rows=rows,
        )
