"""generate_scale_data at a small size: valid rows, the big network, every app's part."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from network.management.commands import generate_scale_data as command
from network.models import Attendance, Meeting, Membership, Municipality, Network, Role, User

pytestmark = pytest.mark.django_db

SMALL = {
    "networks": 3,
    "memberships": 12,
    "big_network": 6,
    "criteria": 4,
    "milestones": 3,
    "tenders": 1,
    "projects": 1,
    "scores": 3,
    "meetings": 3,
}


@pytest.fixture
def generators(monkeypatch):
    """Record what the apps' generators get (their own tests cover their rows)."""
    calls = []

    def fake_import(path):
        return lambda memberships, spec, rng: calls.append((path, len(memberships), spec))

    monkeypatch.setattr(command, "import_string", fake_import)
    return calls


def test_small_data_set(generators, capsys):
    call_command("generate_scale_data", **SMALL)
    networks = list(Network.objects.filter(slug__startswith="scale-").order_by("pk"))
    assert len(networks) == 3
    sizes = [Membership.objects.filter(network=n).count() for n in networks]
    assert sizes == [6, 3, 3]
    for municipality in Municipality.objects.filter(slug__startswith="scale-"):
        municipality.full_clean()  # valid AGS, 8 digits, Land 01–16
    assert Role.objects.filter(kind=Role.Kind.MODERATOR, network__in=networks).count() == 3
    assert Role.objects.filter(kind=Role.Kind.COORDINATOR).count() == 12
    assert Meeting.objects.filter(network__in=networks).count() == 9
    assert Attendance.objects.filter(membership__network__in=networks).exists()
    moderator = User.objects.get(email="moderation-0@scale.example.org")
    assert moderator.check_password(command.PASSWORD)
    # Every installed app's generator got every membership and the requested sizes.
    paths = [path for path, _n, _spec in generators]
    assert "procurement.scale.generate" in paths and "building.scale.generate" in paths
    assert all(n == 12 for _path, n, _spec in generators)
    assert generators[0][2].criteria_per_network == 4
    assert "12 Mitgliedschaften in 3 Netzwerken" in capsys.readouterr().out


def test_refuses_to_run_twice(generators):
    call_command("generate_scale_data", **SMALL)
    with pytest.raises(CommandError, match="schon Benchmark-Daten"):
        call_command("generate_scale_data", **SMALL)


def test_ags_are_valid_and_distinct():
    keys = {command.ags_for(i) for i in range(2000)}
    assert len(keys) == 2000
    assert all(len(k) == 8 and 1 <= int(k[:2]) <= 16 for k in keys)
