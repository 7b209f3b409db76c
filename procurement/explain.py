"""Why a key figure of a member is what it is: the explanation of each procurement figure
and the rows behind it, and, for the tender share, which agreed criterion a tender misses.

The rule of the tender share itself lives in `figures.TenderFacts` (and its SQL form in
`stats.shares_for`); everything here reads it from there, so the list, the save message and
the figure explanation can never say something else than the figure counts.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, F, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from network.progress import FigureRow
from network.reports.figures import format_figure

from . import stats
from .figures import TenderFacts
from .models import Adoption, Milestone, Tender

TENDER_RULE = gettext_lazy(
    "Eine Ausschreibung zählt mit, wenn die Kommune mindestens einem Kriterium ihrer "
    "Warengruppe zugestimmt hat (Übernahme zugestimmt, übernommen oder angewendet). Sie "
    "zählt als „mit Kriterien“, wenn sie alle diese vereinbarten Kriterien angewendet hat; "
    "fehlt auch nur eines, zählt sie als „ohne Kriterien“. Ausschreibungen einer Warengruppe "
    "ohne vereinbarte Kriterien zählen weder oben noch unten mit. Der Anteil nach Wert "
    "rechnet mit dem geschätzten Auftragswert."
)

EXPLANATIONS = {
    "roadmap_done_pct": gettext_lazy(
        "Erledigte Meilensteine des Fahrplans geteilt durch alle Meilensteine außer den "
        "entfallenen, in Prozent."
    ),
    "milestones_overdue": gettext_lazy(
        "Meilensteine, deren Fälligkeitsdatum vor heute liegt und die weder erledigt noch "
        "entfallen sind."
    ),
    "criteria_agreed": gettext_lazy(
        "Kriterien, deren Übernahme zugestimmt, übernommen oder angewendet ist (jede weitere "
        "Stufe zählt mit)."
    ),
    "criteria_adopted": gettext_lazy("Kriterien, deren Übernahme übernommen oder angewendet ist."),
    "criteria_applied": gettext_lazy("Kriterien, deren Übernahme den Status „angewendet“ hat."),
    "tender_share_count_pct": format_lazy(
        "{} {}",
        gettext_lazy(
            "Ausschreibungen „mit Kriterien“ geteilt durch alle mitzählenden Ausschreibungen "
            "seit Beginn des Netzwerks, in Prozent."
        ),
        TENDER_RULE,
    ),
    "tender_share_value_pct": format_lazy(
        "{} {}",
        gettext_lazy(
            "Geschätzter Auftragswert der Ausschreibungen „mit Kriterien“ geteilt durch den "
            "Wert aller mitzählenden Ausschreibungen seit Beginn des Netzwerks, in Prozent."
        ),
        TENDER_RULE,
    ),
    "tender_volume_with_criteria": format_lazy(
        "{} {}",
        gettext_lazy(
            "Summe der geschätzten Auftragswerte (netto) der Ausschreibungen „mit Kriterien“ "
            "seit Beginn des Netzwerks, in Euro; im Verlauf auch je 1.000 Einwohner."
        ),
        TENDER_RULE,
    ),
}


@dataclass(frozen=True)
class TenderVerdict:
    """How the tender share counts one tender."""

    relevant: bool  # the member agreed at least one criterion of its product group
    compliant: bool  # it applied every one of them: „mit Kriterien“
    required: int  # agreed criteria of its product group
    applied: int  # of these, applied by the tender
    missing: tuple  # titles of the agreed criteria it did not apply
    late: tuple  # of these, titles agreed only after the tender was published

    @property
    def label(self) -> str:
        if not self.relevant:
            return _("zählt nicht mit")
        return _("mit Kriterien") if self.compliant else _("ohne Kriterien")

    @property
    def reason(self) -> str:
        if not self.relevant:
            return _("Für diese Warengruppe hat die Kommune keinem Kriterium zugestimmt.")
        if self.compliant:
            return _("Alle %(n)s vereinbarten Kriterien angewendet.") % {"n": self.required}
        text = _("Es fehlt: %(missing)s.") % {"missing": "; ".join(self.missing)}
        if self.late:
            text += " " + _("Erst nach der Veröffentlichung zugestimmt: %(late)s.") % {
                "late": "; ".join(self.late)
            }
        return text

    def message(self) -> str:
        """What saving the tender tells the person."""
        if not self.relevant:
            return _(
                "Diese Vergabe zählt im Anteil der Ausschreibungen mit Kriterien nicht mit, "
                "weil die Kommune keinem Kriterium ihrer Warengruppe zugestimmt hat."
            )
        if self.compliant:
            return _(
                "Diese Vergabe zählt als mit allen vereinbarten Kriterien (%(n)s von %(n)s "
                "angewendet)."
            ) % {"n": self.required}
        return _(
            "Diese Vergabe zählt als ohne Kriterien, weil %(count)s von %(required)s "
            "vereinbarten Kriterien ihrer Warengruppe fehlt: %(missing)s."
        ) % {
            "count": len(self.missing),
            "required": self.required,
            "missing": "; ".join(self.missing),
        }


def tender_verdicts(tenders) -> dict:
    """{tender id: TenderVerdict} for tenders of one or more members, in one query: every
    agreed criterion of each tender's member and product group (the rows of
    `stats.agreed_criteria`), with its title, the day it was agreed and whether the tender
    applied it."""
    tenders = list(tenders)
    adoption = "membership__adoptions__"
    agreed = defaultdict(list)
    for tender_id, criterion_id, title, agreed_on, applied in (
        Tender.objects.filter(pk__in=[t.pk for t in tenders])
        .filter(
            **{
                f"{adoption}status__in": stats.AGREED,
                f"{adoption}criterion__product_group": F("product_group"),
            }
        )
        .annotate(
            applied=Exists(
                Tender.applied_criteria.through.objects.filter(
                    tender=OuterRef("pk"), criterion=OuterRef(f"{adoption}criterion")
                )
            )
        )
        .order_by(f"{adoption}criterion__title", f"{adoption}criterion_id")
        .values_list(
            "pk",
            f"{adoption}criterion_id",
            f"{adoption}criterion__title",
            f"{adoption}agreed_on",
            "applied",
        )
    ):
        agreed[tender_id].append((criterion_id, title, agreed_on, applied))
    verdicts = {}
    for tender in tenders:
        rows = agreed.get(tender.pk, [])
        fact = TenderFacts(  # the rule of the key figure, for this one tender
            membership_id=tender.membership_id,
            year=tender.published_on.year,
            value=Decimal(tender.estimated_value),
            required=frozenset(pk for pk, _title, _on, _applied in rows),
            applied=frozenset(pk for pk, _title, _on, applied in rows if applied),
        )
        missing = [(title, on) for pk, title, on, _applied in rows if pk not in fact.applied]
        verdicts[tender.pk] = TenderVerdict(
            relevant=fact.relevant,
            compliant=fact.compliant,
            required=len(fact.required),
            applied=len(fact.required & fact.applied),
            missing=tuple(title for title, _on in missing),
            late=tuple(title for title, on in missing if on and on > tender.published_on),
        )
    return verdicts


def _date(day) -> str:
    return f"{day:%d.%m.%Y}" if day else ""


def figure_rows(membership, key, period):
    """The rows behind one member's procurement figure (ProgressSection.figure_rows)."""
    network_slug, slug = membership.network.slug, membership.municipality.slug
    if key in ("roadmap_done_pct", "milestones_overdue"):
        return _milestone_rows(membership, key, period, network_slug, slug)
    if key in ("criteria_agreed", "criteria_adopted", "criteria_applied"):
        return _adoption_rows(membership, key, network_slug, slug)
    if key in ("tender_share_count_pct", "tender_share_value_pct", "tender_volume_with_criteria"):
        return _tender_rows(membership, period, network_slug, slug)
    return None


def _milestone_rows(membership, key, period, network_slug, slug):
    today = min(timezone.localdate(), period.end)
    url = reverse("procurement:roadmap", args=[network_slug, slug])
    closed = (Milestone.Status.DONE, Milestone.Status.DROPPED)
    rows = []
    for milestone in Milestone.objects.filter(roadmap__membership=membership).order_by(
        "due_on", "position", "pk"
    ):
        status = milestone.get_status_display()
        detail = (
            _("fällig am %(date)s") % {"date": _date(milestone.due_on)} if milestone.due_on else ""
        )
        detail = f"{status}, {detail}" if detail else status
        if key == "roadmap_done_pct":
            if milestone.status == Milestone.Status.DROPPED:
                counted, reason = None, _("Entfallen: zählt weder oben noch unten mit.")
            elif milestone.status == Milestone.Status.DONE:
                counted, reason = True, _("Erledigt.")
            else:
                counted, reason = False, _("Noch nicht erledigt (%(status)s).") % {"status": status}
        elif milestone.status in closed:
            counted, reason = None, _("Abgeschlossen (%(status)s).") % {"status": status}
        elif milestone.due_on and milestone.due_on < today:
            counted, reason = (
                True,
                _("Fällig seit %(date)s, nicht erledigt.") % {"date": _date(milestone.due_on)},
            )
        elif milestone.due_on:
            counted, reason = False, _("Noch nicht fällig.")
        else:
            counted, reason = False, _("Ohne Fälligkeitsdatum.")
        rows.append(FigureRow(milestone.title, counted, reason, url, detail))
    return rows


def _adoption_rows(membership, key, network_slug, slug):
    reached = {
        "criteria_agreed": set(stats.AGREED),
        "criteria_adopted": set(stats.ADOPTED),
        "criteria_applied": {Adoption.Status.APPLIED},
    }[key]
    rows = []
    for adoption in (
        Adoption.objects.filter(membership=membership)
        .select_related("criterion__product_group")
        .order_by("criterion__product_group__name", "criterion__title", "pk")
    ):
        status = adoption.get_status_display()
        counted = adoption.status in reached
        reason = (
            _("Status „%(status)s“: zählt.") if counted else _("Status „%(status)s“: zählt nicht.")
        ) % {"status": status}
        rows.append(
            FigureRow(
                adoption.criterion.title,
                counted,
                reason,
                reverse("procurement:adoption_detail", args=[network_slug, slug, adoption.pk]),
                adoption.criterion.product_group.name,
            )
        )
    return rows


def _tender_rows(membership, period, network_slug, slug):
    tenders = list(
        Tender.objects.filter(membership=membership, published_on__range=(period.start, period.end))
        .select_related("product_group")
        .order_by("-published_on", "title", "pk")
    )
    verdicts = tender_verdicts(tenders)
    url = reverse("procurement:tender_list", args=[network_slug, slug])
    rows = []
    for tender in tenders:
        verdict = verdicts[tender.pk]
        rows.append(
            FigureRow(
                tender.title,
                verdict.compliant if verdict.relevant else None,
                f"{verdict.label}: {verdict.reason}",
                f"{url}?jahr={tender.published_on.year}",
                ", ".join(
                    [
                        _date(tender.published_on),
                        tender.product_group.name,
                        format_figure(tender.estimated_value, "€"),
                    ]
                ),
            )
        )
    return rows
