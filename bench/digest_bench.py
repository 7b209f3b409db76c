"""Benchmark of the daily digest for 2,000 people (issue 11).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/knn_bench_digest \\
        .venv/bin/python bench/digest_bench.py --people 2000 --per-person 6

Creates (in the database of DATABASE_URL, which it empties of its own rows afterwards) a
network with 60 members and `--people` people with roles, gives each `--per-person`
notifications of kinds mailed daily, then runs the digest once and reports wall time, SQL
queries and mails made. The query count is the figure that must not grow with the number of
people (a fixed number per batch); the time is what one beat run costs.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "knn_portal.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")
os.environ["CELERY_BROKER_URL"] = ""  # mails are handed over in-process (console backend)
os.environ["DJANGO_EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"


def main():
    import django

    django.setup()
    from datetime import date

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from network.models import Membership, Municipality, Network, Notification, Role, User
    from network.models.notifications import Channel, Kind, OutboxMail
    from network.notifications import digest, outbox

    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--per-person", type=int, default=6)
    args = parser.parse_args()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    network = Network.objects.create(
        name="Digest-Benchmark",
        slug="digest-bench",
        started_on=date(2024, 1, 1),
        moderating_organisation="Bench",
    )
    members = []
    for n in range(60):
        municipality = Municipality.objects.create(
            name=f"Bench-Stadt {n}", slug=f"bench-stadt-{n}", kind="stadt", ags=f"0599{n:04d}"
        )
        members.append(
            Membership.objects.create(
                network=network, municipality=municipality, joined_on=date(2024, 1, 1)
            )
        )
    users = User.objects.bulk_create(
        [
            User(email=f"bench-{n}@digest.example.org", first_name="Bench", last_name=str(n))
            for n in range(args.people)
        ]
    )
    Role.objects.bulk_create(
        [
            Role(user=u, network=network, kind="staff", membership=members[n % 60])
            for n, u in enumerate(users)
        ]
    )
    kinds = [Kind.REPORT, Kind.ACTION_ITEM, Kind.CRITERION, Kind.MILESTONE]
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=u,
                network=network,
                membership=members[n % 60],
                kind=kinds[k % len(kinds)],
                title=f"Neuigkeit {k}",
                url="/n/x/",
            )
            for n, u in enumerate(users)
            for k in range(args.per_person)
        ],
        batch_size=5000,
    )
    try:
        # Building the digests (the beat task) apart from sending them (the workers, one
        # task per mail in production): the hand-over after commit is measured separately.
        hand_over, outbox._hand_over = outbox._hand_over, lambda ids: None
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            mails = digest.digests_send(period=Channel.DAILY)
            seconds = time.perf_counter() - started
        outbox._hand_over = hand_over
        print(
            f"digest: {args.people} people × {args.per_person} notifications → {mails} mails "
            f"built in {seconds:.1f} s with {len(queries)} SQL queries ({connection.vendor})"
        )
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            counts = outbox.outbox_sweep(limit=args.people)
            seconds = time.perf_counter() - started
        print(
            f"sending: {counts['sent']} mails in {seconds:.1f} s, {len(queries)} SQL queries "
            f"({len(queries) / max(counts['sent'], 1):.1f} per mail; locmem backend)"
        )
    finally:
        OutboxMail.objects.filter(to__endswith="@digest.example.org").delete()
        Notification.objects.filter(network=network).delete()
        Role.objects.filter(network=network).delete()
        User.objects.filter(email__endswith="@digest.example.org").delete()
        Membership.objects.filter(network=network).delete()
        Municipality.objects.filter(slug__startswith="bench-stadt-").delete()
        network.delete()


if __name__ == "__main__":
    main()
