"""Small helpers shared by the network's view modules."""


def posted(request):
    """The POST data of a POST request (even an empty one, which must show the form's
    errors), else None, so that a GET renders an unbound form."""
    return request.POST if request.method == "POST" else None


def page_context(access, **extra):
    """What every page of a network needs: the access (for what to offer) and the network
    (for the area navigation), plus the page's own values."""
    return {"access": access, "network": access.network, **extra}
