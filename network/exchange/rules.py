"""Who may read, steer and contribute to a case: the rules of the collegial consultation,
each predicate beside its queryset form.

A case is confidential to the network (everyone with a role in it reads it) or to the
moderation and the case owner. In the second case the coordinators of the owner's
municipality read it too: the case is brought for the municipality, and its coordinator
answers for it in the network (and takes it over when the owner leaves). Nobody else sees
it, not even its title: the list filters by the same rule and the detail answers 404.
"""

from django.db.models import Q

from network.models import Case, Membership, Role

Kind = Role.Kind
Confidentiality = Case.Confidentiality


def visible_q(access) -> Q:
    """can_read as a filter on cases."""
    in_network = Q(network=access.network)
    if access.is_moderator:
        return in_network
    return in_network & (
        Q(confidentiality=Confidentiality.NETWORK)
        | Q(owner=access.user)
        | Q(membership_id__in=access.coordinated_membership_ids)
    )


def can_read(access, case) -> bool:
    if case.network_id != access.network.pk:
        return False
    return (
        access.is_moderator
        or case.confidentiality == Confidentiality.NETWORK
        or case.owner_id == access.user.pk
        or case.membership_id in access.coordinated_membership_ids
    )


def cases_for(access):
    return Case.objects.filter(visible_q(access))


def get_case(access, pk) -> Case:
    """One case `access` may read; 404 otherwise (its existence is not revealed)."""
    return access.get(cases_for(access).select_related("membership__municipality", "owner"), pk=pk)


def readers(case):
    """Ids of the people who may read `case` (for notifications)."""
    roles = Role.objects.filter(network_id=case.network_id)
    if case.confidentiality != Confidentiality.NETWORK:
        roles = roles.filter(
            Q(kind=Kind.MODERATOR)
            | Q(user_id=case.owner_id)
            | Q(kind=Kind.COORDINATOR, membership_id=case.membership_id)
        )
    return roles.values("user_id")


def is_owner(access, case) -> bool:
    """The person who brought the case, while they still work for its member."""
    return (
        case.owner_id == access.user.pk and case.membership_id in access.active_own_membership_ids
    )


def can_bring(access) -> bool:
    """People of a member (for their own municipality) and the moderation (for any)."""
    return access.is_moderator or bool(access.active_own_membership_ids)


def memberships_to_bring_for(access):
    return Membership.objects.filter(access.editable_memberships_q()).select_related("municipality")


def can_steer(access, case) -> bool:
    """Open and close the phases, edit the case and write the conclusion: the case owner
    and the moderation, until the case is done."""
    return not case.is_done and (access.is_moderator or is_owner(access, case))


def may_contribute(access) -> bool:
    """Anyone with a role who writes in the network: the moderation, the experts and the
    people of members that are still members (observers read only)."""
    return access.is_moderator or access.is_expert or bool(access.active_own_membership_ids)


def can_contribute(access, case) -> bool:
    return case.accepts_contributions and may_contribute(access)


def can_schedule(access, case) -> bool:
    """Only a case the whole network reads goes on an agenda the whole network reads."""
    return access.is_moderator and case.confidentiality == Confidentiality.NETWORK
