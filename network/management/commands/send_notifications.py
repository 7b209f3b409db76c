"""Reminders, digests and the outbox, for cron and tests (Celery beat does the same).

python manage.py send_notifications                    # the outbox: send what is due
python manage.py send_notifications --reminders        # milestones and action items due
python manage.py send_notifications --digest daily     # or weekly (with the overview)
"""

from django.core.management.base import BaseCommand

from network.notifications import digest, outbox


class Command(BaseCommand):
    help = "Erinnerungen, Zusammenfassungen und den Postausgang verschicken."

    def add_arguments(self, parser):
        parser.add_argument("--digest", choices=["daily", "weekly"], help="Zusammenfassungen")
        parser.add_argument("--reminders", action="store_true", help="fällige Erinnerungen")

    def handle(self, *args, **options):
        if options["reminders"]:
            count = digest.reminders_send()
            self.stdout.write(f"Erinnerungen: {count}")
        if options["digest"]:
            if options["digest"] == "weekly":
                self.stdout.write(f"Wochenübersichten: {digest.overdue_digest_send()}")
            count = digest.digests_send(period=options["digest"])
            self.stdout.write(f"Zusammenfassungen ({options['digest']}): {count}")
        counts = outbox.outbox_sweep()
        self.stdout.write(
            "Postausgang: {sent} gesendet, {retry} später erneut, {failed} aufgegeben".format(
                **counts
            )
        )
