"""A national-scale data set for the benchmark in bench/.

    python manage.py generate_scale_data                      # 100 networks, 2,000 members
    python manage.py generate_scale_data --networks 5 --memberships 120 --projects 5

The first network ("scale-0") always gets `--big-network` members (60), the size the
benchmark measures; the others share the rest. Network rows are bulk-created (no history
records), then every installed app's `scale_generators` adds its part.
"""

import random
import time
from collections import defaultdict
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils.module_loading import import_string

from network import plugins
from network.models import (
    Attendance,
    Department,
    Meeting,
    Membership,
    Municipality,
    Network,
    Role,
    User,
)
from network.scale import ScaleSpec

PREFIX = "scale"
PASSWORD = "scale-benchmark-2026"
BATCH = 2000
BERLIN = ZoneInfo("Europe/Berlin")


def ags_for(index: int) -> str:
    """A valid 8-digit key: Land 01–16, then '9' and a running number (no real town)."""
    land = 1 + index % 16
    return f"{land:02d}9{index:05d}"


class Command(BaseCommand):
    help = "Erzeugt einen Datensatz in bundesweiter Größe für den Benchmark (bench/)."

    def add_arguments(self, parser):
        d = ScaleSpec()
        parser.add_argument("--networks", type=int, default=d.networks)
        parser.add_argument("--memberships", type=int, default=d.memberships)
        parser.add_argument("--big-network", type=int, default=60)
        parser.add_argument("--criteria", type=int, default=d.criteria_per_network)
        parser.add_argument("--milestones", type=int, default=d.milestones_per_roadmap)
        parser.add_argument("--tenders", type=int, default=d.tenders_per_member_and_year)
        parser.add_argument("--projects", type=int, default=d.projects_per_member)
        parser.add_argument("--scores", type=int, default=d.scores_per_assessment)
        parser.add_argument("--meetings", type=int, default=7)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, **o):
        if o["networks"] < 1 or o["memberships"] < o["networks"]:
            raise CommandError("Mindestens ein Netzwerk und je Netzwerk ein Mitglied.")
        if Network.objects.filter(slug__startswith=f"{PREFIX}-").exists():
            raise CommandError(
                "Es gibt schon Benchmark-Daten (Netzwerke scale-…); bitte eine leere "
                "Datenbank verwenden."
            )
        spec = ScaleSpec(
            networks=o["networks"],
            memberships=o["memberships"],
            criteria_per_network=o["criteria"],
            milestones_per_roadmap=o["milestones"],
            tenders_per_member_and_year=o["tenders"],
            projects_per_member=o["projects"],
            scores_per_assessment=o["scores"],
        )
        rng = random.Random(o["seed"])
        started = time.perf_counter()
        with transaction.atomic():
            memberships = self._network_part(spec, o["big_network"], o["meetings"], rng)
        self._step("network", started)
        memberships = list(
            Membership.objects.filter(network__slug__startswith=f"{PREFIX}-")
            .select_related("municipality", "network")
            .order_by("pk")
        )
        for path in plugins.values("scale_generators"):
            step = time.perf_counter()
            with transaction.atomic():
                import_string(path)(memberships, spec, rng)
            self._step(path, step)
        if connection.vendor == "postgresql":
            # Fresh statistics, as autovacuum would gather soon after a bulk load: without
            # them the planner guesses a few dozen rows where there are thousands.
            step = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            self._step("ANALYZE", step)
        self.stdout.write(
            f"{len(memberships)} Mitgliedschaften in {spec.networks} Netzwerken, "
            f"{time.perf_counter() - started:.0f} s. Anmeldung: moderation-0@scale.example.org "
            f"/ {PASSWORD}"
        )

    def _step(self, name, since):
        self.stdout.write(f"  {name}: {time.perf_counter() - since:.1f} s")

    def _network_part(self, spec, big, meetings_per_network, rng):
        password = make_password(PASSWORD)  # one hash for every benchmark user
        networks = Network.objects.bulk_create(
            [
                Network(
                    name=f"Benchmark-Netzwerk {n}",
                    slug=f"{PREFIX}-{n}",
                    started_on=date(2023, 1, 1),
                    moderating_organisation="Benchmark GmbH",
                    quarterly_reports=n % 10 == 0,
                )
                for n in range(spec.networks)
            ]
        )
        networks = list(Network.objects.filter(slug__startswith=f"{PREFIX}-").order_by("pk"))
        big = min(big, spec.memberships - (spec.networks - 1))
        rest = spec.memberships - big
        sizes = [big] + [
            rest // (spec.networks - 1) + (1 if i < rest % (spec.networks - 1) else 0)
            for i in range(spec.networks - 1)
        ]
        taken = set(Municipality.objects.values_list("ags", flat=True))
        municipalities, index = [], 0
        while len(municipalities) < spec.memberships:
            ags = ags_for(index)
            if ags not in taken:
                municipalities.append(
                    Municipality(
                        name=f"Benchmarkstadt {index}",
                        slug=f"{PREFIX}-{index}",
                        kind=Municipality.Kind.STADT,
                        ags=ags,
                        population=rng.randrange(5_000, 600_000),
                    )
                )
            index += 1
        Municipality.objects.bulk_create(municipalities, batch_size=BATCH)
        municipalities = list(
            Municipality.objects.filter(slug__startswith=f"{PREFIX}-").order_by("pk")
        )
        Department.objects.bulk_create(
            [
                Department(municipality=m, name=name)
                for m in municipalities
                for name in ("Zentrale Vergabestelle", "Gebäudemanagement")
            ],
            batch_size=BATCH,
        )
        memberships, cursor = [], 0
        for network, size in zip(networks, sizes, strict=True):
            for m in municipalities[cursor : cursor + size]:
                memberships.append(
                    Membership(network=network, municipality=m, joined_on=network.started_on)
                )
            cursor += size
        Membership.objects.bulk_create(memberships, batch_size=BATCH)
        memberships = list(
            Membership.objects.filter(network__in=networks)
            .select_related("municipality")
            .order_by("pk")
        )
        users = [
            User(
                email=f"moderation-{n}@{PREFIX}.example.org",
                password=password,
                first_name="Moderation",
                last_name=str(n),
            )
            for n in range(spec.networks)
        ] + [
            User(
                email=f"koordination-{m.municipality.slug}@{PREFIX}.example.org",
                password=password,
                first_name="Koordination",
                last_name=m.municipality.name,
            )
            for m in memberships
        ]
        User.objects.bulk_create(users, batch_size=BATCH)
        by_email = dict(
            User.objects.filter(email__endswith=f"@{PREFIX}.example.org").values_list("email", "pk")
        )
        roles = [
            Role(
                user_id=by_email[f"moderation-{n}@{PREFIX}.example.org"],
                network=network,
                kind=Role.Kind.MODERATOR,
            )
            for n, network in enumerate(networks)
        ] + [
            Role(
                user_id=by_email[f"koordination-{m.municipality.slug}@{PREFIX}.example.org"],
                network_id=m.network_id,
                membership=m,
                kind=Role.Kind.COORDINATOR,
            )
            for m in memberships
        ]
        Role.objects.bulk_create(roles, batch_size=BATCH)

        members_of = defaultdict(list)
        for m in memberships:
            members_of[m.network_id].append(m)
        meetings = []
        for network in networks:
            for k in range(meetings_per_network):
                day = date(2024, 2, 1) + timedelta(days=120 * k + rng.randrange(0, 30))
                start = datetime(day.year, day.month, day.day, 10, tzinfo=BERLIN)
                held = day < date(2026, 10, 1)
                meetings.append(
                    Meeting(
                        network=network,
                        kind=Meeting.Kind.NETWORK_MEETING if k % 2 == 0 else Meeting.Kind.WORKSHOP,
                        title=f"Netzwerktreffen {k + 1}",
                        starts_at=start,
                        ends_at=start + timedelta(hours=3),
                        location="Rathaus",
                        status=Meeting.Status.HELD if held else Meeting.Status.PLANNED,
                    )
                )
        Meeting.objects.bulk_create(meetings, batch_size=BATCH)
        attendances = []
        for meeting in Meeting.objects.filter(network__in=networks, status=Meeting.Status.HELD):
            for m in members_of[meeting.network_id]:
                if rng.random() < 0.75:
                    attendances.append(
                        Attendance(
                            meeting=meeting,
                            user_id=by_email[
                                f"koordination-{m.municipality.slug}@{PREFIX}.example.org"
                            ],
                            membership=m,
                            status=Attendance.Status.ATTENDED,
                        )
                    )
        Attendance.objects.bulk_create(attendances, batch_size=BATCH)
        return memberships
