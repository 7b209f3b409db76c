"""Who may read and write what: the one place where network access is decided.

Every lookup of network data goes through here. Someone outside a network gets 404 for
every URL of it, so its existence is not revealed; a member who may read but not write
gets 403 (PermissionDenied) and nothing changes.
"""

from dataclasses import dataclass, field
from functools import cached_property

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import (
    Department,
    Membership,
    MembershipRequest,
    Municipality,
    Network,
    Role,
    User,
)
from .models.people import still_member_q

Kind = Role.Kind


def networks_for(user):
    """Networks in which `user` holds any role."""
    if not user.is_authenticated:
        return Network.objects.none()
    return Network.objects.filter(roles__user=user).distinct()


@dataclass
class Access:
    """A user's standing in one network, loaded with one query."""

    user: object
    network: Network
    roles: list[Role] = field(default_factory=list)

    @cached_property
    def kinds(self) -> set[str]:
        return {role.kind for role in self.roles}

    @property
    def is_moderator(self) -> bool:
        return Kind.MODERATOR in self.kinds

    @property
    def is_expert(self) -> bool:
        return Kind.EXPERT in self.kinds

    @property
    def is_observer_only(self) -> bool:
        return self.kinds == {Kind.OBSERVER}

    @cached_property
    def coordinated_membership_ids(self) -> set[int]:
        return {r.membership_id for r in self.roles if r.kind == Kind.COORDINATOR}

    @cached_property
    def own_membership_ids(self) -> set[int]:
        """Memberships the user works for (as coordinator or staff)."""
        return {r.membership_id for r in self.roles if r.kind in Role.MEMBER_KINDS}

    @cached_property
    def active_own_membership_ids(self) -> set[int]:
        """Own memberships of municipalities that are still members (one query, when asked):
        the ones a coordinator or staff member may still act for."""
        if not self.own_membership_ids:
            return set()
        return set(
            Membership.objects.active()
            .filter(pk__in=self.own_membership_ids)
            .values_list("pk", flat=True)
        )

    @cached_property
    def department_ids(self) -> set[int]:
        return {r.department_id for r in self.roles if r.department_id}

    # --- lookups (404 outside the network) ---------------------------------------------

    def membership(self, municipality_slug: str) -> Membership:
        return get_object_or_404(
            Membership.objects.select_related("municipality", "network"),
            network=self.network,
            municipality__slug=municipality_slug,
        )

    def get(self, queryset, **lookup):
        """One object of this network from `queryset` (which must filter by network)."""
        return get_object_or_404(queryset, **lookup)

    # --- writes ---------------------------------------------------------------------------

    def can_manage_network(self) -> bool:
        """Members, meetings, catalogue, boards, reports: the moderator's work."""
        return self.is_moderator

    def can_edit_meeting_content(self) -> bool:
        """Meeting documents, minutes, guidelines: moderators and experts."""
        return self.is_moderator or self.is_expert

    def can_set_action_item_status(self, item) -> bool:
        """The status of an action item: whoever edits the whole item (moderators and
        experts), and its owner while they still work for a member (an observer writes
        nothing, a member that left is no longer editable). The owner changes the status
        only, never what the item asks of whom by when."""
        if self.can_edit_meeting_content():
            return True
        return item.owner_id == self.user.pk and bool(self.active_own_membership_ids)

    def can_edit_membership(self, membership: Membership) -> bool:
        """Writing a member's own data (roadmap, adoptions, tenders, projects)."""
        if membership.network_id != self.network.pk:
            return False
        if not membership.is_active:
            return False  # a member that left stays readable, no longer editable
        return self.is_moderator or membership.pk in self.own_membership_ids

    def can_manage_people(self, membership: Membership) -> bool:
        """Departments and staff of a member: its coordinators, and the moderator."""
        if membership.network_id != self.network.pk or not membership.is_active:
            return False
        return self.is_moderator or membership.pk in self.coordinated_membership_ids

    def can_approve_for(self, department: Department, membership: Membership) -> bool:
        """Department approvals: staff of that department, the member's coordinators and
        the moderator may answer for it."""
        if not self.can_edit_membership(membership):
            return False
        if department.municipality_id != membership.municipality_id:
            return False
        return (
            self.is_moderator
            or membership.pk in self.coordinated_membership_ids
            or department.pk in self.department_ids
        )

    def editable_memberships_q(self) -> Q:
        """can_edit_membership as a filter on this network's memberships: the members
        whose data this person may write (all for the moderator, else their own), while
        they are members."""
        allowed = Q(network=self.network) & still_member_q()
        if self.is_moderator:
            return allowed
        return allowed & Q(pk__in=self.own_membership_ids)

    def can_edit_roadmap(self, membership: Membership | None) -> bool:
        """A member's roadmap: like its other data; the network's template roadmap
        (membership None): the moderator."""
        if membership is None:
            return self.can_manage_network()
        return self.can_edit_membership(membership)

    def can_remove_role(self, role: Role) -> bool:
        """Taking a role away: the moderator any; a coordinator the roles of members whose
        people they manage (network.services.people.role_remove keeps one moderator)."""
        if self.is_moderator:
            return True
        return role.membership_id is not None and self.can_manage_people(role.membership)

    def may_request_some_report(self) -> bool:
        """The report form is offered to the moderator and to members' own people;
        can_request_report decides for one kind and member."""
        return self.is_moderator or bool(self.own_membership_ids)

    def can_request_report(self, membership: Membership | None) -> bool:
        """Annual reports: the moderator; a member's progress report: also its own
        coordinators and staff (while it is a member)."""
        if membership is None:
            return self.is_moderator
        if membership.network_id != self.network.pk:
            return False
        return self.is_moderator or (
            membership.is_active and membership.pk in self.own_membership_ids
        )

    def require(self, allowed: bool) -> None:
        if not allowed:
            raise PermissionDenied


def get_access(user, network_slug: str) -> Access:
    """The user's access to the network with this slug; 404 if they have none."""
    if not user.is_authenticated:
        raise Http404
    roles = list(
        Role.objects.filter(user=user, network__slug=network_slug).select_related("network")
    )
    if not roles:
        raise Http404
    return Access(user=user, network=roles[0].network, roles=roles)


# --- municipalities joining a network -------------------------------------------------------
#
# Departments belong to the municipality and are shared by all its networks; the moderation
# of a network may edit its members' departments. A moderator may therefore attach only a
# municipality whose data they may already edit (still a member of another network they
# moderate), one they coordinate themselves, or one nobody guards (a member of no network
# any more); any other joins once one of its coordinators agreed (MembershipRequest).


def municipalities_worked_with(user):
    """Municipalities this person already works for: still members of a network they
    moderate, or municipalities they coordinate."""
    if not user.is_authenticated:
        return Municipality.objects.none()
    moderated = Membership.objects.active().filter(
        network__roles__user=user, network__roles__kind=Kind.MODERATOR
    )
    return Municipality.objects.filter(
        Q(memberships__in=moderated) | Q(memberships__in=_coordinated_memberships(user))
    ).distinct()


def _coordinated_memberships(user):
    """Memberships, still active, of the municipalities `user` coordinates."""
    return Membership.objects.active().filter(roles__user=user, roles__kind=Kind.COORDINATOR)


def municipalities_to_offer(user, network):
    """What "Kommune aufnehmen" offers: those worked with that are not in `network` yet."""
    return municipalities_worked_with(user).exclude(memberships__network=network)


def joins_directly(user, municipality: Municipality) -> bool:
    """May `user` make `municipality` a member without its coordinators' consent?"""
    if not Membership.objects.active().filter(municipality=municipality).exists():
        return True  # a member of no network: nobody else's data to guard
    return municipalities_worked_with(user).filter(pk=municipality.pk).exists()


def membership_requests_to_answer(user):
    """Open requests `user` may accept or decline: they coordinate the municipality in a
    network where it is still a member."""
    if not user.is_authenticated:
        return MembershipRequest.objects.none()
    return MembershipRequest.objects.open().filter(
        municipality__in=Municipality.objects.filter(memberships__in=_coordinated_memberships(user))
    )


def membership_request_answerers(municipality: Municipality):
    """Who may answer requests for `municipality`: the other side of the rule above."""
    return User.objects.filter(
        roles__kind=Kind.COORDINATOR,
        roles__membership__in=Membership.objects.active().filter(municipality=municipality),
    ).distinct()


def membership_request_to_answer(user, pk: int) -> MembershipRequest:
    """One open request `user` may answer; 404 for everyone else (its existence is not
    revealed)."""
    return get_object_or_404(
        membership_requests_to_answer(user).select_related("network", "municipality"), pk=pk
    )


def can_answer_membership_request(user, request: MembershipRequest) -> bool:
    return membership_requests_to_answer(user).filter(pk=request.pk).exists()
