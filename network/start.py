"""The personal start page: one person's work across all their networks.

`network` collects what is its own (action items, invitations, meetings, reports) and asks
the topic apps for the rest through the `start_sources` hook (network.plugins): classes
with any of

    items(person) -> list[StartItem]            # my open work: what waits for my answer,
                                                # what falls due within DUE_DAYS, all overdue
    changes(person, limit) -> list[StartChange]  # recent changes of what I work on
    network_counts(person) -> list[NetworkCount] # per network I moderate: key counts

Every method answers for all of the person's networks at once with a fixed number of
queries, so a person in one network costs what a person in five does. The person's roles
are read once (`Person.of`); everything a source needs to scope its queries is on it.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property

from django.db.models import Count, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from network import plugins
from network.models import ActionItem, Attendance, Meeting, Report, Role
from network.reports.history import HISTORY_TYPES

DUE_DAYS = 30
LIST_LIMIT = 10  # each list of the start page; the full lists are pages of their own
MEETING_LIMIT = 5  # "Meine nächsten Termine"
MEETING_CAP = 50  # meetings read at most: more than a person has in DUE_DAYS


@dataclass(frozen=True)
class StartItem:
    """Something open of mine: an approval asked of my department, a milestone, an action
    item, an invitation, a meeting."""

    kind: str  # "approval", "milestone", "action_item", "invitation", "meeting", …
    kind_label: str  # "Zustimmung", shown before the title
    title: str
    url: str
    network_id: int
    membership_id: int | None = None
    due_on: date | None = None
    waiting: bool = False  # asks me for an answer or a deed ("Wartet auf mich")


@dataclass(frozen=True)
class StartChange:
    when: datetime
    who: str
    what: str  # the kind of object ("Meilenstein")
    title: str
    action: str  # "angelegt", "geändert", "gelöscht"
    url: str
    network_id: int


@dataclass(frozen=True)
class NetworkCount:
    """One key count of a network the person moderates ("Mitglieder im Verzug: 2")."""

    network_id: int
    key: str
    label: str
    value: int
    url: str


@dataclass
class Person:
    """A user's standing in all their networks, from one query over their roles."""

    user: object
    roles: list[Role]
    today: date
    now: datetime = field(default_factory=timezone.now)

    @classmethod
    def of(cls, user, today=None) -> "Person":
        roles = list(
            Role.objects.filter(user=user)
            .select_related("network", "membership__municipality", "membership__network")
            .order_by("network__name", "pk")
        )
        return cls(user=user, roles=roles, today=today or timezone.localdate())

    @cached_property
    def networks(self) -> list:
        seen = {}
        for role in self.roles:
            seen.setdefault(role.network_id, role.network)
        return list(seen.values())

    @cached_property
    def network_ids(self) -> set[int]:
        return {network.pk for network in self.networks}

    def network(self, network_id):
        return next(n for n in self.networks if n.pk == network_id)

    @cached_property
    def moderated_network_ids(self) -> set[int]:
        return {r.network_id for r in self.roles if r.kind == Role.Kind.MODERATOR}

    @cached_property
    def _active_member_roles(self) -> list[Role]:
        """Roles as coordinator or staff of a municipality that is still a member: only
        for those does anyone wait on this person (a member that left is read-only)."""
        return [
            r
            for r in self.roles
            if r.kind in Role.MEMBER_KINDS and r.membership.is_active_on(self.today)
        ]

    @cached_property
    def memberships(self) -> dict:
        """The memberships this person works for, still members, by id."""
        return {r.membership_id: r.membership for r in self._active_member_roles}

    @cached_property
    def own_membership_ids(self) -> set[int]:
        return set(self.memberships)

    @cached_property
    def coordinated_membership_ids(self) -> set[int]:
        return {
            r.membership_id for r in self._active_member_roles if r.kind == Role.Kind.COORDINATOR
        }

    @cached_property
    def department_pairs(self) -> set[tuple[int, int]]:
        """(membership id, department id) of each department the person works in: a
        department belongs to the municipality and is shared by its networks, so the
        membership says in which network it asks this person."""
        return {
            (r.membership_id, r.department_id) for r in self._active_member_roles if r.department_id
        }

    def departments_q(self, membership: str, department: str = "department_id") -> Q:
        """Rows of my departments: `membership` and `department` name the fields of the
        queried model ("adoption__membership_id", "department_id")."""
        q = Q(pk__in=[])
        for membership_id, department_id in sorted(self.department_pairs):
            q |= Q(**{membership: membership_id, department: department_id})
        return q

    @cached_property
    def meeting_network_ids(self) -> set[int]:
        """Networks in whose every meeting the person takes part: moderators and experts
        (network.views.meetings._participation)."""
        kinds = {Role.Kind.MODERATOR, Role.Kind.EXPERT}
        return {r.network_id for r in self.roles if r.kind in kinds}

    def membership_url(self, name: str, membership_id: int) -> str:
        """reverse() of a member page ("procurement:roadmap") of one of my memberships."""
        membership = self.memberships[membership_id]
        return reverse(name, args=[membership.network.slug, membership.municipality.slug])


def sources() -> list:
    return [source() for source in plugins.objects("start_sources")]


def _collect(method: str, *args) -> list:
    result = []
    for source in [CoreSource(), *sources()]:
        collect = getattr(source, method, None)
        if collect is not None:
            result.extend(collect(*args))
    return result


def _overdue(item: StartItem, today: date) -> bool:
    return bool(item.due_on and item.due_on < today)


# The start page's lists, each a rule on one item: what waits for my answer (overdue ones
# are counted apart, so nothing appears twice there), what falls due within DUE_DAYS
# (meetings included), what is overdue.
SELECTIONS = {
    "waiting": lambda item, today: item.waiting and not _overdue(item, today),
    "due_soon": lambda item, today: bool(
        item.due_on and today <= item.due_on <= today + timedelta(days=DUE_DAYS)
    ),
    "overdue": _overdue,
}


def select(items, which: str, today: date) -> list[StartItem]:
    """The items of one list, by due date (undated last), then title."""
    rule = SELECTIONS[which]
    return sorted(
        (item for item in items if rule(item, today)),
        key=lambda item: (item.due_on or date.max, item.title),
    )


@dataclass
class StartPage:
    """Everything the start page shows; built by `start_page(user)`."""

    person: Person
    items: list[StartItem]
    changes: list[StartChange]
    counts: list[NetworkCount]
    meetings: list

    def select(self, which: str) -> list[StartItem]:
        return select(self.items, which, self.person.today)

    def counts_by_network(self) -> list[tuple[object, list[NetworkCount]]]:
        return [
            (network, [c for c in self.counts if c.network_id == network.pk])
            for network in self.person.networks
            if network.pk in self.person.moderated_network_ids
        ]


def start_page(user, today=None) -> StartPage:
    person = Person.of(user, today)
    meetings = my_meetings(person)
    return StartPage(
        person=person,
        items=_items(person, meetings),
        changes=sorted(_collect("changes", person, LIST_LIMIT), key=lambda c: c.when, reverse=True)[
            :LIST_LIMIT
        ],
        counts=_collect("network_counts", person) if person.moderated_network_ids else [],
        meetings=meetings[:MEETING_LIMIT],
    )


def my_items(user, today=None) -> tuple[Person, list[StartItem]]:
    """The person and all their open items (the full lists of the start page)."""
    person = Person.of(user, today)
    return person, _items(person, my_meetings(person))


def _items(person, meetings) -> list[StartItem]:
    return _collect("items", person) + _meeting_items(person, meetings)


# --- what network itself contributes ----------------------------------------------------------


def my_meetings(person: Person) -> list:
    """Planned meetings ahead that the person takes part in: every meeting of a network
    they moderate or advise, those of their members (workshops: if their member is
    invited); each with `my_status`, their answer to the invitation (None: not invited)."""
    if not person.network_ids:
        return []
    takes_part = Q(network_id__in=person.meeting_network_ids) | Q(
        Q(participants__isnull=True) | Q(participants__in=person.own_membership_ids),
        network_id__in={m.network_id for m in person.memberships.values()},
    )
    mine = Attendance.objects.filter(meeting=OuterRef("pk"), user=person.user)
    meetings = list(
        Meeting.objects.upcoming(person.now)
        .filter(takes_part)
        .annotate(my_status=Subquery(mine.values("status")[:1]))
        .select_related("network")
        .distinct()
        .order_by("starts_at", "pk")[:MEETING_CAP]
    )
    for meeting in meetings:
        meeting.my_status_label = (
            Attendance.Status(meeting.my_status).label if meeting.my_status else ""
        )
    return meetings


def _meeting_items(person, meetings) -> list[StartItem]:
    return [
        StartItem(
            kind="meeting",
            kind_label=_("Termin"),
            title=meeting.title,
            url=reverse("network:meeting_detail", args=[meeting.network.slug, meeting.pk]),
            network_id=meeting.network_id,
            due_on=timezone.localdate(meeting.starts_at),
        )
        for meeting in meetings
    ]


class CoreSource:
    """The network core's part: my action items and the invitations I have not answered;
    changes of my action items and of meetings I am invited to; reports in progress."""

    def items(self, person: Person) -> list[StartItem]:
        if not person.network_ids:
            return []
        action_items = (
            ActionItem.objects.open()
            .filter(owner=person.user, network_id__in=person.network_ids)
            .select_related("network")
        )
        items = [
            StartItem(
                kind="action_item",
                kind_label=_("Aufgabe"),
                title=item.title,
                url=reverse("network:action_item_list", args=[item.network.slug]),
                network_id=item.network_id,
                membership_id=item.membership_id,
                due_on=item.due_on,
                waiting=True,
            )
            for item in action_items
        ]
        invitations = Attendance.objects.filter(
            user=person.user,
            status=Attendance.Status.INVITED,
            meeting__network_id__in=person.network_ids,
            meeting__status=Meeting.Status.PLANNED,
            meeting__starts_at__gte=person.now,
        ).select_related("meeting__network")
        items.extend(
            StartItem(
                kind="invitation",
                kind_label=_("Einladung beantworten"),
                title=attendance.meeting.title,
                url=reverse(
                    "network:meeting_detail",
                    args=[attendance.meeting.network.slug, attendance.meeting_id],
                )
                + "#attendance-heading",
                network_id=attendance.meeting.network_id,
                membership_id=attendance.membership_id,
                # The invitation is due by the meeting; it is not a deadline of its own.
                due_on=None,
                waiting=True,
            )
            for attendance in invitations
        )
        return items

    def changes(self, person: Person, limit: int) -> list[StartChange]:
        if not person.network_ids:
            return []
        invited = Attendance.objects.filter(user=person.user).values("meeting_id")
        sources = [
            (ActionItem.history.filter(owner_id=person.user.pk), _("Aufgabe"), "action_item"),
            (Meeting.history.filter(id__in=invited), _("Termin"), "meeting"),
        ]
        changes = []
        for history, what, page in sources:
            records = (
                history.filter(network_id__in=person.network_ids)
                .exclude(history_user_id=person.user.pk)
                .select_related("history_user")
                .order_by("-history_date")[:limit]
            )
            changes.extend(
                change(
                    record,
                    what=what,
                    title=record.title,
                    network_id=record.network_id,
                    url=reverse(
                        f"network:{page}_history",
                        args=[person.network(record.network_id).slug, record.id],
                    ),
                )
                for record in records
            )
        return changes

    def network_counts(self, person: Person) -> list[NetworkCount]:
        rows = (
            Report.objects.filter(
                network_id__in=person.moderated_network_ids,
                status__in=[Report.Status.PENDING, Report.Status.RUNNING],
            )
            .values("network_id")
            .annotate(count=Count("pk"))
        )
        counts = {row["network_id"]: row["count"] for row in rows}
        return [
            NetworkCount(
                network_id=network_id,
                key="reports_in_progress",
                label=_("Berichte in Arbeit"),
                value=counts.get(network_id, 0),
                url=reverse("network:report_list", args=[person.network(network_id).slug]),
            )
            for network_id in sorted(person.moderated_network_ids)
        ]


def change(record, *, what, title, network_id, url) -> StartChange:
    """The StartChange of a django-simple-history record (read with its history_user)."""
    return StartChange(
        when=record.history_date,
        who=str(record.history_user or ""),
        what=str(what),
        title=title,
        action=str(HISTORY_TYPES.get(record.history_type, "")),
        url=url,
        network_id=network_id,
    )
