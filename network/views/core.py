"""Health check, network overview and member pages (the start page: views/start.py)."""

from django.conf import settings
from django.db import connection
from django.db.models import Count, Prefetch
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

from network import timeseries
from network.access import networks_for
from network.models import Department, Membership, Role
from network.views.common import network_view


@require_GET
@never_cache
def healthz(request):
    """JSON state of the database and the broker; 503 when one of them is down."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as error:  # noqa: BLE001 - any failure means "unhealthy"
        checks["database"] = f"error: {type(error).__name__}"
    if not settings.CELERY_BROKER_URL:
        checks["broker"] = "eager"
    else:
        try:
            with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
            checks["broker"] = "ok"
        except Exception as error:  # noqa: BLE001
            checks["broker"] = f"error: {type(error).__name__}"
    healthy = all(value in {"ok", "eager"} for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )


def _members(network):
    return (
        Membership.objects.filter(network=network)
        .select_related("municipality", "municipality__parent")
        .order_by("municipality__name")
    )


@network_view
def network_overview(request, access):
    network = access.network
    people = (
        Role.objects.filter(network=network, kind__in=[Role.Kind.MODERATOR, Role.Kind.EXPERT])
        .select_related("user")
        .order_by("kind", "user__last_name")
    )
    return render(
        request,
        "network/network_overview.html",
        {
            "access": access,
            "network": network,
            "memberships": _members(network).annotate(people_count=Count("roles")),
            "network_people": people,
            "upcoming_meetings": network.meetings.upcoming()[:5],
        },
    )


@network_view
def membership_detail(request, access, municipality_slug):
    membership = access.membership(municipality_slug)
    municipality = membership.municipality
    roles = (
        Role.objects.filter(membership=membership)
        .select_related("user", "department")
        .order_by("user__last_name", "user__first_name")
    )
    departments = Department.objects.filter(municipality=municipality).prefetch_related(
        Prefetch(
            "roles", queryset=Role.objects.filter(membership=membership).select_related("user")
        )
    )
    other_memberships = (
        Membership.objects.filter(municipality=municipality, network__in=networks_for(request.user))
        .exclude(pk=membership.pk)
        .select_related("network")
    )
    return render(
        request,
        "network/membership_detail.html",
        {
            "access": access,
            "network": access.network,
            "membership": membership,
            "municipality": municipality,
            "roles": roles,
            "departments": departments,
            "other_memberships": other_memberships,
            "can_manage_people": access.can_manage_people(membership),
            "can_edit": access.can_edit_membership(membership),
            **timeseries.trends(access.network, membership=membership),
        },
    )
