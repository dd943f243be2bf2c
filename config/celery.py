"""The Celery application and its beat schedule (the only place periodic work is declared)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic jobs: one entry per job, each with its cron meaning. Each job is idempotent, so an overlap or a
# restart of beat does no harm. Legal deadlines are never Celery ETAs: the sweep reads due times from the database.
app.conf.beat_schedule = {
    # * * * * *  reminders, overdue marks and escalations
    "sweep-deadlines": {"task": "deadlines.tasks.sweep_deadlines_task", "schedule": 60.0},
    # * * * * *  PDFs whose render task was lost or failed
    "render-pending-documents": {"task": "documents.tasks.render_pending_documents_task", "schedule": 60.0},
    # * * * * *  emails of due notifications
    "send-due-emails": {"task": "notifications.tasks.send_due_emails_task", "schedule": 60.0},
    # */10 * * * *  the audit chain's end, recorded outside the database
    "audit-checkpoint": {"task": "audit.tasks.checkpoint_write_task", "schedule": 600.0},
    # 0 * * * *  online complainants' addresses kept no longer than needed
    "forget-complaint-addresses": {"task": "portal.tasks.forget_addresses_task", "schedule": 3600.0},
    # 0 * * * *  the joint meeting offices with no plenary 20 working days before a half year ends
    "plenary-reminders": {"task": "meetings.tasks.plenary_reminders_task", "schedule": 3600.0},
    # 0 * * * *  published credit records whose publication period has ended leave the public pages; hourly so
    # that a record leaves within the hour its period ends, not up to a day later
    "expire-credit-records": {"task": "credit.tasks.records_expire_task", "schedule": 3600.0},
}
