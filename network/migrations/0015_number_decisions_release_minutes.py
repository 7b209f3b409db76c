"""Existing decisions get their numbers (1…n per meeting, in the order they were taken), and
minutes written before the release step existed count as released: their first save
already told the invitees, so members have read them."""

from django.db import migrations
from django.db.models import F


def number_and_release(apps, schema_editor):
    Decision = apps.get_model("network", "Decision")
    HistoricalDecision = apps.get_model("network", "HistoricalDecision")
    Meeting = apps.get_model("network", "Meeting")
    HistoricalMeeting = apps.get_model("network", "HistoricalMeeting")
    numbers = {}
    counters = {}
    for pk, meeting_id in Decision.objects.order_by("meeting_id", "pk").values_list(
        "pk", "meeting_id"
    ):
        counters[meeting_id] = counters.get(meeting_id, 0) + 1
        numbers[pk] = counters[meeting_id]
    for pk, number in numbers.items():
        Decision.objects.filter(pk=pk).update(number=number)
        HistoricalDecision.objects.filter(id=pk).update(number=number)
    # History of decisions deleted before numbering: they never had a number.
    HistoricalDecision.objects.filter(number__isnull=True).update(number=0)
    released = Meeting.objects.exclude(minutes="")
    released.update(minutes_status="released", minutes_released_at=F("ends_at"))
    HistoricalMeeting.objects.exclude(minutes="").update(minutes_status="released")


class Migration(migrations.Migration):
    dependencies = [("network", "0014_meetings_cases_guests")]

    operations = [migrations.RunPython(number_and_release, migrations.RunPython.noop)]
