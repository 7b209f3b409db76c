"""Who may read and write what: the one place where network access is decided.

Every lookup of network data goes through here. Someone outside a network gets 404 for
every URL of it, so its existence is not revealed; a member who may read but not write
gets 403 (PermissionDenied) and nothing changes.
"""

from dataclasses import dataclass, field
from functools import cached_property

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Department, Membership, Network, Role

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
