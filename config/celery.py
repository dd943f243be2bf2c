"""The Celery application and its beat schedule (the only place periodic work is declared)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic jobs: one entry per job, each with its cron meaning. The deadline sweep arrives with the deadlines app.
app.conf.beat_schedule = {}
