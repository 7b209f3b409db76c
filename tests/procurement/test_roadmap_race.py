"""Two first writes to a member's roadmap in the same instant: one roadmap, no error."""

import pytest

from procurement import services
from procurement.models import Roadmap
from tests.procurement.factories import RoadmapFactory

pytestmark = pytest.mark.django_db


def test_roadmap_created_meanwhile_is_returned(actors, monkeypatch):
    # The other request's roadmap appears between our look-up and our insert.
    theirs = RoadmapFactory(membership=actors.luenen)
    real_filter = Roadmap.objects.filter
    calls = {"n": 0}

    def first_lookup_misses(*args, **kwargs):
        calls["n"] += 1
        queryset = real_filter(*args, **kwargs)
        return queryset.none() if calls["n"] == 1 else queryset

    monkeypatch.setattr(Roadmap.objects, "filter", first_lookup_misses)
    assert services.roadmap_for(membership=actors.luenen) == theirs
    assert Roadmap.objects.all().count() == 1
