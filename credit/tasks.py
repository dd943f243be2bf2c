from celery import shared_task


@shared_task
def records_expire_task():
    """Hourly (config/celery.py): published records whose validity and publication have ended become expired (credit/workflows.py)."""
    from .workflows import records_expire

    return records_expire()
