from celery import shared_task


@shared_task
def send_due_emails_task():
    """Every minute: send the emails of notifications that are due (notifications/services.py)."""
    from django.utils import timezone

    from .services import send_due_emails

    send_due_emails(now=timezone.now())
