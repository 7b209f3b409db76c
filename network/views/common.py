"""Small helpers shared by the network's view modules."""


def posted(request):
    """The POST data of a POST request (even an empty one, which must show the form's
    errors), else None, so that a GET renders an unbound form."""
    return request.POST if request.method == "POST" else None
