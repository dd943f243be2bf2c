"""Issue official documents and render them. Workflows call `document_issue` inside their transaction; the PDF
is made by a worker afterwards (`document_render`), so a request never waits for WeasyPrint."""

import hashlib
import logging
from datetime import date, datetime, timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import Document
from .numbers import allocate, format_number

logger = logging.getLogger(__name__)

# The series mark after the agency's 机关代字: 宣住建函〔2026〕5号, 宣住建回〔2026〕3号 …
SERIES_MARKS = {
    Document.Kind.LETTER: "函",
    Document.Kind.RECEIPT: "回",
    Document.Kind.NOTICE: "告",
    Document.Kind.MINUTES: "纪",
    Document.Kind.CIRCULAR: "发",
    Document.Kind.MEMO: "备",
}
MAX_ATTEMPTS = 5
# A render claimed this long ago belongs to a worker that died: take it over.
STALE_CLAIM = timedelta(minutes=10)


class DocumentError(ValueError):
    pass


def document_issue(
    *,
    actor,
    agency,
    kind: str,
    title: str,
    context: dict,
    addressee=None,
    target=None,
    issued_on: date | None = None,
) -> Document:
    """Number a document and store it for rendering, in the caller's transaction; queue the render on commit.

    The number is taken from the agency's series for the year (gapless: a rolled-back issue gives it back).
    """
    if not agency.doc_prefix:
        raise DocumentError(
            f"{agency.name} has no document code (机关代字): an administrator must enter it before it can issue documents."
        )
    issued_on = issued_on or timezone.localdate()
    series = SERIES_MARKS[kind]
    with transaction.atomic():
        sequence = allocate(agency=agency, series=series, year=issued_on.year)
        document = Document.objects.create(
            kind=kind,
            agency=agency,
            addressee=addressee,
            series=series,
            year=issued_on.year,
            sequence=sequence,
            number=format_number(f"{agency.doc_prefix}{series}", issued_on.year, sequence),
            title=title,
            issued_on=issued_on,
            context=context,
            content_type_id=_content_type_id(target),
            object_id=getattr(target, "pk", None),
            created_by=actor,
        )
        transaction.on_commit(lambda: queue_render(document.pk))
    return document


def _content_type_id(target):
    if target is None:
        return None
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(target).pk


def queue_render(document_id: int) -> None:
    """Ask a worker to render now. If the broker is down the request still succeeds: the minute pass renders it."""
    from .tasks import render_document_task

    try:
        render_document_task.delay(document_id)
    except Exception as error:
        logger.warning(
            "Could not queue the render of document %s (%s); the next pass will.", document_id, error
        )


def document_render(*, document_id: int, now: datetime | None = None) -> bool:
    """Render one document if it still needs it; return True when this call produced its PDF.

    Idempotent: the row is claimed with a conditional update (pending, failed, or abandoned while rendering), the
    file name is fixed by the document, and a ready document is never rendered again.
    """
    from .pdf import render_pdf

    now = now or timezone.now()
    claimable = Q(state__in=[Document.State.PENDING, Document.State.FAILED], attempts__lt=MAX_ATTEMPTS) | Q(
        state=Document.State.RENDERING, claimed_at__lt=now - STALE_CLAIM
    )
    claimed = Document.objects.filter(claimable, pk=document_id).update(
        state=Document.State.RENDERING, claimed_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return False
    document = Document.objects.select_related("agency", "addressee").get(pk=document_id)
    try:
        pdf = render_pdf(document)
    except Exception as error:
        Document.objects.filter(pk=document_id, state=Document.State.RENDERING, claimed_at=now).update(
            state=Document.State.FAILED, error=f"{error.__class__.__name__}: {error}"[:2000]
        )
        raise
    name = f"documents/{document.year}/{document.agency_id}/{document.verification_code}.pdf"
    if default_storage.exists(name):  # left by a worker that died before it could record the file
        default_storage.delete(name)
    saved = default_storage.save(name, ContentFile(pdf))
    Document.objects.filter(pk=document_id, state=Document.State.RENDERING, claimed_at=now).update(
        state=Document.State.READY,
        file=saved,
        sha256=hashlib.sha256(pdf).hexdigest(),
        rendered_at=now,
        error="",
    )
    return True


def render_pending(*, now: datetime | None = None, limit: int = 50) -> int:
    """The safety net (every minute): render what no queued task did: lost messages, failures, dead workers."""
    now = now or timezone.now()
    waiting = Document.objects.filter(
        Q(state=Document.State.PENDING, created_at__lt=now - timedelta(seconds=30))
        | Q(state=Document.State.FAILED, attempts__lt=MAX_ATTEMPTS)
        | Q(state=Document.State.RENDERING, claimed_at__lt=now - STALE_CLAIM)
    )
    rendered = 0
    for pk in waiting.order_by("created_at").values_list("pk", flat=True)[:limit]:
        try:
            rendered += document_render(document_id=pk, now=now)
        except Exception:
            logger.exception("Rendering document %s failed", pk)
    return rendered


def document_retry(*, actor, document: Document) -> bool:
    """Give a failed document another try now (the retry button). Returns False if it is not failed."""
    reset = Document.objects.filter(pk=document.pk, state=Document.State.FAILED).update(
        state=Document.State.PENDING, attempts=0, error=""
    )
    if reset:
        transaction.on_commit(lambda: queue_render(document.pk))
    return bool(reset)
