"""The network's own progress section: meeting attendance and open action items."""

from collections import defaultdict
from datetime import date, datetime, time

from django.db.models import Count, Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import ActionItem, Attendance, Meeting, Membership
from .progress import Figure, FigureRow, OpenItem, Period, Total
from .templatetags.portal import num, pct


def _aware(day: date, end: bool = False) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max if end else time.min))


def _held_meetings(network_ids, period: Period):
    return (
        Meeting.objects.filter(
            network_id__in=network_ids,
            status=Meeting.Status.HELD,
            starts_at__gte=_aware(period.start),
            starts_at__lte=_aware(period.end, end=True),
        )
        .prefetch_related(Prefetch("participants", queryset=Membership.objects.only("id")))
        .order_by("starts_at")
    )


def _invited(meeting, membership_id) -> bool:
    """Network meetings invite every member; workshops only their participants."""
    participant_ids = {p.pk for p in meeting.participants.all()}
    return not participant_ids or membership_id in participant_ids


class AttendanceSection:
    key = "meetings"
    title = _("Netzwerktreffen und Workshops")
    template = "network/sections/meetings.html"
    explanations = {
        "meetings_invited": _(
            "Im Zeitraum abgehaltene Termine, zu denen die Kommune eingeladen war: jedes "
            "Netzwerktreffen, Workshops nur, wenn sie zu deren Teilnehmenden gehört."
        ),
        "meetings_attended": _(
            "Eingeladene, abgehaltene Termine, bei denen mindestens eine Person der Kommune "
            "als teilgenommen eingetragen ist (mehrere Personen zählen einmal)."
        ),
        "attendance_pct": _("Besuchte Termine geteilt durch eingeladene Termine, in Prozent."),
    }
    trend_keys = ("attendance_pct",)
    headline_rank = 90  # after the topics' results
    glossary = (
        (
            _("Teilnahmequote"),
            _(
                "Bei wie vielen der Termine, zu denen eine Kommune eingeladen war, mindestens "
                "eine Person von ihr dabei war, in Prozent."
            ),
        ),
    )

    def figure_rows(self, membership, key: str, period: Period) -> list[FigureRow] | None:
        """The held meetings of the period (two queries)."""
        if key not in self.explanations:
            return None
        meetings = self.context_meetings(membership, period)
        rows = []
        for meeting, invited, attended in meetings:
            url = reverse("network:meeting_detail", args=[membership.network.slug, meeting.pk])
            detail = f"{timezone.localtime(meeting.starts_at):%d.%m.%Y}"
            if not invited:
                rows.append(FigureRow(meeting.title, None, _("Nicht eingeladen."), url, detail))
            elif key == "meetings_invited":
                rows.append(FigureRow(meeting.title, True, _("Eingeladen."), url, detail))
            elif attended:
                rows.append(FigureRow(meeting.title, True, _("Teilgenommen."), url, detail))
            else:
                rows.append(
                    FigureRow(
                        meeting.title, False, _("Eingeladen, nicht teilgenommen."), url, detail
                    )
                )
        return rows

    def context_meetings(self, membership, period: Period):
        """(meeting, invited, attended) for every held meeting of the period."""
        held = list(_held_meetings([membership.network_id], period))
        attended_ids = set(
            Attendance.objects.filter(
                meeting__in=[m.pk for m in held],
                membership=membership,
                status=Attendance.Status.ATTENDED,
            ).values_list("meeting_id", flat=True)
        )
        return [(m, _invited(m, membership.pk), m.pk in attended_ids) for m in held]

    def figures(self, memberships, period: Period) -> dict[int, list[Figure]]:
        memberships = list(memberships)
        if not memberships:
            return {}
        held = list(_held_meetings({m.network_id for m in memberships}, period))
        attended = defaultdict(int)
        rows = (
            Attendance.objects.filter(
                meeting__in=[m.pk for m in held],
                membership__in=[m.pk for m in memberships],
                status=Attendance.Status.ATTENDED,
            )
            .values("membership_id")
            .annotate(meetings=Count("meeting_id", distinct=True))
        )
        for row in rows:
            attended[row["membership_id"]] = row["meetings"]
        result = {}
        for membership in memberships:
            invited = sum(
                1
                for meeting in held
                if meeting.network_id == membership.network_id and _invited(meeting, membership.pk)
            )
            count = attended[membership.pk]
            result[membership.pk] = [
                Figure("meetings_invited", _("Termine (eingeladen)"), invited, ""),
                Figure("meetings_attended", _("Termine besucht"), count, ""),
                Figure(
                    "attendance_pct",
                    _("Teilnahmequote"),
                    round(100 * count / invited, 1) if invited else None,
                    "%",
                ),
            ]
        return result

    def totals(self, memberships, period: Period) -> dict[int | None, list[Total]]:
        """Three queries: the held meetings with their participants, and the attendances
        (members represented, and people) of these meetings."""
        memberships = list(memberships)
        held = list(_held_meetings({m.network_id for m in memberships}, period))
        represented = set(
            Attendance.objects.filter(
                meeting__in=[m.pk for m in held],
                membership__in=[m.pk for m in memberships],
                status=Attendance.Status.ATTENDED,
            ).values_list("meeting_id", "membership_id")
        )
        people = Attendance.objects.filter(
            meeting__in=[m.pk for m in held], status=Attendance.Status.ATTENDED
        ).count()
        result, all_invited = {}, 0
        for membership in memberships:
            invited = [
                m
                for m in held
                if m.network_id == membership.network_id and _invited(m, membership.pk)
            ]
            attended = sum(1 for m in invited if (m.pk, membership.pk) in represented)
            all_invited += len(invited)
            result[membership.pk] = [
                Total("meetings_held", _("Termine abgehalten"), len(invited)),
                Total(
                    "meetings_represented",
                    _("Termine, bei denen die Kommune vertreten war"),
                    attended,
                    of=len(invited),
                ),
            ]
        result[None] = [
            Total("meetings_held", _("Termine abgehalten"), len(held)),
            Total(
                "meetings_represented",
                _("Einladungen, bei denen die Kommune vertreten war"),
                len(represented),
                of=all_invited,
                detail=ngettext(
                    "%(n)s Teilnahme einer Person", "%(n)s Teilnahmen von Personen", people
                )
                % {"n": num(people)},
            ),
        ]
        return result

    def headlines(self, totals, before, since, scope):
        held, represented = totals["meetings_held"], totals["meetings_represented"]
        if not held.value:
            return []
        values = {
            "held": num(held.value),
            "n": num(represented.value),
            "of": num(represented.of),
            "share": pct(represented.share_pct),
            "name": scope.name,
        }
        if scope.is_network:
            text = ngettext(
                "Das Netzwerk hat im Zeitraum %(held)s Termin abgehalten; die Kommunen waren "
                "bei %(n)s von %(of)s Einladungen vertreten (%(share)s).",
                "Das Netzwerk hat im Zeitraum %(held)s Termine abgehalten; die Kommunen "
                "waren bei %(n)s von %(of)s Einladungen vertreten (%(share)s).",
                int(held.value),
            )
        else:
            text = ngettext(
                "%(name)s war bei %(n)s von %(of)s Termin des Netzwerks vertreten (%(share)s).",
                "%(name)s war bei %(n)s von %(of)s Terminen des Netzwerks vertreten (%(share)s).",
                int(represented.of),
            )
        return [text % values]

    def context(self, membership, period: Period) -> dict:
        meetings = [
            {"meeting": meeting, "attended": attended}
            for meeting, invited, attended in self.context_meetings(membership, period)
            if invited
        ]
        return {
            "meetings": meetings,
            "attended_count": sum(1 for row in meetings if row["attended"]),
            "action_items": list(
                ActionItem.objects.open()
                .filter(membership=membership)
                .select_related("owner")
                .order_by("due_on", "id")
            ),
        }

    def open_items(self, memberships, today: date) -> list[OpenItem]:
        memberships = list(memberships)
        items = (
            ActionItem.objects.open()
            .filter(membership__in=[m.pk for m in memberships])
            .select_related("membership__network", "membership__municipality", "owner")
            .order_by("due_on", "id")
        )
        return [
            OpenItem(
                kind="action_item",
                title=item.title,
                membership_id=item.membership_id,
                due_on=item.due_on,
                url=reverse(
                    "network:membership",
                    args=[item.membership.network.slug, item.membership.municipality.slug],
                ),
                overdue=bool(item.due_on and item.due_on < today),
                owner=item.owner.get_full_name() or str(item.owner) if item.owner else "",
            )
            for item in items
        ]
