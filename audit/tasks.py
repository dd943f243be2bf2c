from celery import shared_task


@shared_task
def checkpoint_write_task():
    """Every 10 minutes: record the audit chain's end outside the database (audit/checkpoint.py)."""
    from .checkpoint import checkpoint_write

    checkpoint_write()
