from celery import shared_task


@shared_task
def sweep_deadlines_task():
    """Every minute: reminders, overdue marks and escalations (deadlines/sweep.py)."""
    from .sweep import sweep

    sweep()
