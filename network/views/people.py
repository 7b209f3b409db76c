"""People of a network: directory, invitations, members, departments and roles."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from network import access as access_rules
from network.forms.people import (
    DepartmentForm,
    InvitationForm,
    MemberAddForm,
    MembershipForm,
    RoleDepartmentForm,
)
from network.models import Department, Invitation, Membership, MembershipRequest, Role
from network.services import people as services
from network.views.common import network_view, page_context, posted
from network.views.edit import form_page
from network.views.history import render_history

Kind = Role.Kind
PEOPLE_PER_PAGE = 50


def _invitable(access):
    """Memberships and roles this person may invite to: the moderator everything, a
    coordinator staff of the active municipalities they coordinate, everyone else nothing."""
    memberships = Membership.objects.active().filter(network=access.network)
    if access.is_moderator:
        return memberships.select_related("municipality"), list(Kind)
    if not access.coordinated_membership_ids:
        return Membership.objects.none(), []
    memberships = memberships.filter(pk__in=access.coordinated_membership_ids)
    if not memberships.exists():  # every municipality they coordinate has left
        return Membership.objects.none(), []
    return memberships.select_related("municipality"), [Kind.STAFF]


def _roles(network):
    return Role.objects.filter(network=network).select_related(
        "user", "membership__municipality", "department"
    )


# --- directory ------------------------------------------------------------------------------


@network_view
def people_list(request, access):
    """Everyone with a role in the network; removal buttons for those who may manage them."""
    roles = _roles(access.network).order_by(
        "kind", "membership__municipality__name", "user__last_name", "user__first_name", "pk"
    )
    query = request.GET.get("q", "").strip()
    if query:
        roles = roles.filter(
            Q(user__first_name__icontains=query)
            | Q(user__last_name__icontains=query)
            | Q(user__email__icontains=query)
            | Q(membership__municipality__name__icontains=query)
        )
    page = Paginator(roles, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    rows = [(role, access.can_remove_role(role)) for role in page.object_list]
    memberships, kinds = _invitable(access)
    return render(
        request,
        "network/people/people_list.html",
        {
            "access": access,
            "network": access.network,
            "page_obj": page,
            "rows": rows,
            "q": query,
            "query": urlencode({"q": query}) if query else "",
            "can_invite": bool(kinds),
        },
    )


@network_view
@require_POST
def role_remove(request, access, pk):
    role = access.get(_roles(access.network), pk=pk)
    access.require(access.can_remove_role(role))
    try:
        services.role_remove(role=role)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(person)s hat die Rolle „%(role)s“ nicht mehr.")
            % {"person": role.user, "role": role.get_kind_display()},
        )
    return _back(request, access.network)


def _back(request, network):
    target = request.POST.get("next", "")
    if target.startswith(f"/n/{network.slug}/") and "//" not in target:
        return redirect(target)
    return redirect("network:people", network_slug=network.slug)


@network_view
def role_department(request, access, pk):
    """Which department a staff member of a municipality works in."""
    role = access.get(_roles(access.network).filter(kind=Kind.STAFF), pk=pk)
    access.require(access.can_manage_people(role.membership))
    manage = reverse(
        "network:membership_manage", args=[access.network.slug, role.membership.municipality.slug]
    )
    return form_page(
        request,
        access,
        RoleDepartmentForm(posted(request), instance=role),
        title=_("Fachbereich zuordnen"),
        intro=_("%(who)s, Mitarbeit in %(municipality)s")
        % {"who": role.user, "municipality": role.membership.municipality.name},
        back_url=manage,
        success_url=manage,
        message=_("Der Fachbereich wurde gespeichert."),
    )


# --- invitations ----------------------------------------------------------------------------


@network_view
def invitation_list(request, access):
    """Open invitations and the form to send a new one."""
    memberships, kinds = _invitable(access)
    access.require(bool(kinds))
    initial = {}
    if request.GET.get("kommune"):
        chosen = memberships.filter(municipality__slug=request.GET["kommune"]).first()
        initial["membership"] = chosen
    form = InvitationForm(
        posted(request),
        initial=initial,
        network=access.network,
        memberships=memberships,
        kinds=kinds,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation, _token = services.invitation_create(
                network=access.network,
                email=data["email"],
                kind=data["kind"],
                membership=data["membership"],
                department=data["department"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                invited_by=request.user,
            )
        except OSError:
            form.add_error(
                None,
                _(
                    "Die E-Mail konnte nicht verschickt werden; die Einladung wurde nicht "
                    "gespeichert. Bitte versuchen Sie es später erneut."
                ),
            )
        else:
            messages.success(
                request,
                _("Die Einladung an %(email)s wurde verschickt.") % {"email": invitation.email},
            )
            return redirect("network:invitations", network_slug=access.network.slug)
    invitations = _visible_invitations(access).open()
    return render(
        request,
        "network/people/invitation_list.html",
        {
            "access": access,
            "network": access.network,
            "form": form,
            "invitations": invitations.select_related(
                "membership__municipality", "department", "invited_by"
            ),
        },
    )


def _visible_invitations(access):
    invitations = Invitation.objects.filter(network=access.network)
    if access.is_moderator:
        return invitations
    return invitations.filter(membership_id__in=access.coordinated_membership_ids)


@network_view
@require_POST
def invitation_revoke(request, access, pk):
    invitation = access.get(
        Invitation.objects.filter(network=access.network).select_related("membership"), pk=pk
    )
    if invitation.membership_id:
        access.require(access.can_manage_people(invitation.membership))
    else:
        access.require(access.is_moderator)
    services.invitation_revoke(invitation=invitation)
    messages.success(
        request, _("Die Einladung an %(email)s wurde zurückgezogen.") % {"email": invitation.email}
    )
    return redirect("network:invitations", network_slug=access.network.slug)


# --- members ----------------------------------------------------------------------------------


@network_view
def member_add(request, access):
    """Attach a municipality the moderator works with, create a new one, or ask one that is a
    member elsewhere to join (it joins when its coordinators agree)."""
    access.require(access.can_manage_network())
    form = MemberAddForm(posted(request), network=access.network, user=request.user)
    if request.method == "POST" and form.is_valid():
        existing = form.cleaned_data.get("existing")
        joined_on = form.cleaned_data["joined_on"]
        if existing is not None and not access_rules.joins_directly(request.user, existing):
            try:
                services.membership_request_create(
                    network=access.network,
                    municipality=existing,
                    joined_on=joined_on,
                    requested_by=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.info(
                    request,
                    _(
                        "%(name)s ist schon Mitglied eines anderen Netzwerks. Wir haben ihre "
                        "Koordination gefragt; sobald sie zustimmt, ist %(name)s Mitglied."
                    )
                    % {"name": existing.name},
                )
                return redirect("network:member_add", network_slug=access.network.slug)
        else:
            membership = services.membership_add(
                network=access.network,
                joined_on=joined_on,
                added_by=request.user,
                municipality=existing,
                new_municipality=None if existing else form.instance,
            )
            messages.success(
                request,
                _("%(name)s ist jetzt Mitglied im Netzwerk.")
                % {"name": membership.municipality.name},
            )
            return redirect(
                "network:membership",
                network_slug=access.network.slug,
                municipality_slug=membership.municipality.slug,
            )
    open_requests = (
        MembershipRequest.objects.open()
        .filter(network=access.network)
        .select_related("municipality", "requested_by")
        .order_by("requested_at", "pk")
    )
    return render(
        request,
        "network/people/member_add.html",
        page_context(access, form=form, open_requests=open_requests),
    )


@network_view
def membership_edit(request, access, municipality_slug):
    """Dates of a membership; the moderator marks a member as left here."""
    membership = access.membership(municipality_slug)
    access.require(access.can_manage_network())
    page = reverse("network:membership", args=[access.network.slug, municipality_slug])
    return form_page(
        request,
        access,
        MembershipForm(posted(request), instance=membership),
        save=lambda form: services.membership_save(form=form, actor=request.user),
        title=_("Mitgliedschaft %(name)s") % {"name": membership.municipality.name},
        back_url=page,
        success_url=page,
        message=_("Die Mitgliedschaft wurde gespeichert."),
    )


@network_view
def membership_history(request, access, municipality_slug):
    """Verlauf of a membership (joined, left): everyone in the network may read it."""
    membership = access.membership(municipality_slug)
    back = reverse("network:membership", args=[access.network.slug, municipality_slug])
    return render_history(request, access, membership, back_url=back)


# --- a municipality's departments and staff ---------------------------------------------------


@network_view
def department_history(request, access, municipality_slug, pk):
    """Verlauf of a department (renamed, mailbox changed): readable by everyone in the network."""
    membership = access.membership(municipality_slug)
    department = access.get(Department.objects.filter(municipality=membership.municipality), pk=pk)
    back = reverse("network:membership", args=[access.network.slug, municipality_slug])
    return render_history(request, access, department, back_url=back)


def _managed_membership(access, municipality_slug):
    membership = access.membership(municipality_slug)
    access.require(access.can_manage_people(membership))
    return membership


@network_view
def membership_manage(request, access, municipality_slug):
    """Departments and people of one member, for its coordinators and the moderator."""
    membership = _managed_membership(access, municipality_slug)
    departments = Department.objects.filter(municipality=membership.municipality).annotate(
        people_count=Count("roles", filter=Q(roles__membership=membership))
    )
    roles = (
        Role.objects.filter(membership=membership)
        .select_related("user", "department")
        .order_by("kind", "user__last_name", "user__first_name", "pk")
    )
    return render(
        request,
        "network/people/membership_manage.html",
        {
            "access": access,
            "network": access.network,
            "membership": membership,
            "municipality": membership.municipality,
            "departments": departments,
            "roles": roles,
            "department_form": DepartmentForm(municipality=membership.municipality),
        },
    )


@network_view
def department_create(request, access, municipality_slug):
    membership = _managed_membership(access, municipality_slug)
    manage = reverse("network:membership_manage", args=[access.network.slug, municipality_slug])
    form = DepartmentForm(posted(request), municipality=membership.municipality)
    return form_page(
        request,
        access,
        form,
        title=_("Fachbereich anlegen"),
        intro=membership.municipality.name,
        back_url=manage,
        save=lambda form: form.save(),
        success_url=manage,
        message=lambda department: (
            _("Der Fachbereich „%(name)s“ wurde angelegt.") % {"name": department.name}
        ),
    )


@network_view
def department_edit(request, access, municipality_slug, pk):
    membership = _managed_membership(access, municipality_slug)
    department = access.get(Department.objects.filter(municipality=membership.municipality), pk=pk)
    manage = reverse("network:membership_manage", args=[access.network.slug, municipality_slug])
    return form_page(
        request,
        access,
        DepartmentForm(posted(request), instance=department, municipality=membership.municipality),
        title=_("Fachbereich bearbeiten"),
        intro=membership.municipality.name,
        back_url=manage,
        success_url=manage,
        message=_("Der Fachbereich wurde gespeichert."),
    )


@network_view
@require_POST
def department_delete(request, access, municipality_slug, pk):
    membership = _managed_membership(access, municipality_slug)
    department = access.get(Department.objects.filter(municipality=membership.municipality), pk=pk)
    try:
        services.department_delete(department=department)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Der Fachbereich „%(name)s“ wurde gelöscht.") % {"name": department.name}
        )
    return redirect(
        "network:membership_manage",
        network_slug=access.network.slug,
        municipality_slug=municipality_slug,
    )
