"""Profile, invitations."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from network.models import Role


@login_required
def profile(request):
    roles = Role.objects.filter(user=request.user).select_related(
        "network", "membership__municipality", "department"
    )
    return render(request, "network/profile.html", {"roles": roles})
