"""Small helpers shared by the view modules of every app."""

from functools import wraps

from django.contrib.auth.decorators import login_required

from network.access import get_access


def network_view(view):
    """The door of every page of a network: anonymous visitors go to the login page,
    people outside the network get 404 (its existence is not revealed), and the view is
    called as `view(request, access, ...)` with the person's Access to the network of
    the URL's `network_slug` (one query)."""

    @login_required
    @wraps(view)
    def door(request, network_slug, *args, **kwargs):
        return view(request, get_access(request.user, network_slug), *args, **kwargs)

    door.network_view = True  # the permission-matrix test asks every view for this
    return door


def posted(request):
    """The POST data of a POST request (even an empty one, which must show the form's
    errors), else None, so that a GET renders an unbound form."""
    return request.POST if request.method == "POST" else None


def page_context(access, **extra):
    """What every page of a network needs: the access (for what to offer) and the network
    (for the area navigation), plus the page's own values."""
    return {"access": access, "network": access.network, **extra}
