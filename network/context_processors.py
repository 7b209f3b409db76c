from .access import networks_for


def navigation(request):
    """The networks shown in the main navigation (one small query, only when logged in)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_networks": []}
    return {"nav_networks": list(networks_for(user).only("name", "slug"))}
