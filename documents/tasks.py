from celery import shared_task


@shared_task(autoretry_for=(Exception,), retry_backoff=True, retry_backoff_max=600, max_retries=4)
def render_document_task(document_id):
    """Render one document's PDF (documents/services.py); retried with backoff when rendering fails."""
    from .services import document_render

    document_render(document_id=document_id)


@shared_task
def render_pending_documents_task():
    """Every minute: render documents whose task was lost or failed (documents/services.py)."""
    from .services import render_pending

    render_pending()
