from celery import shared_task


@shared_task
def forget_addresses_task():
    """Every hour: drop old rate-limit windows and the addresses of old online complaints (portal/limits.py)."""
    from .limits import forget_addresses

    forget_addresses()
