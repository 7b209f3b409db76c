from django.db.models import Count, Q

from .access import networks_for


def navigation(request):
    """The networks shown in the main navigation and the number of unread notifications
    (the bell): one small query, only when logged in."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_networks": []}
    # One query for both: the person's networks, each with its unread notifications.
    networks = list(
        networks_for(user)
        .annotate(
            unread=Count(
                "notifications",
                filter=Q(notifications__recipient=user, notifications__read_at__isnull=True),
                distinct=True,
            )
        )
        .only("name", "slug")
    )
    return {
        "nav_networks": networks,
        "unread_notifications": sum(network.unread for network in networks),
    }
