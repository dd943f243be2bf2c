from celery import shared_task


# The time limit stays below the stale-claim age (10 minutes), so a hung render frees its worker before another
# worker takes the document over. Failures are not retried here: the row records when to try again, and the
# minute pass does (with growing delays, documents/services.py).
@shared_task(soft_time_limit=300, time_limit=360)
def render_document_task(document_id):
    """Render one document's PDF (documents/services.py)."""
    from .services import document_render

    document_render(document_id=document_id)


@shared_task(soft_time_limit=300, time_limit=360)
def render_pending_documents_task():
    """Every minute: render documents whose task was lost or failed (documents/services.py)."""
    from .services import render_pending

    render_pending()
