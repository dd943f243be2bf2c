from celery import shared_task


@shared_task
def plenary_reminders_task():
    """Remind the offices whose half year ends soon with no plenary scheduled (meetings/reminders.py)."""
    from .reminders import plenary_reminders

    return plenary_reminders()
