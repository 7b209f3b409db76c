"""The Celery app. Its settings come from knn_portal.settings (prefix CELERY_)."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "knn_portal.settings")

app = Celery("knn_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Daily, so a missed quarter start is caught up; the task is idempotent per quarter.
app.conf.beat_schedule = {
    "quarterly-progress-reports": {
        "task": "network.tasks.request_quarterly_reports",
        "schedule": crontab(minute=15, hour=6),
    },
}
