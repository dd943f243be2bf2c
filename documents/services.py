"""Issue official documents and render them. Workflows call `document_issue` inside their transaction; the PDF
is made by a worker afterwards (`document_render`), so a request never waits for WeasyPrint."""

import hashlib
import logging
from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from audit.services import audit_record
from config.text import fit

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
    confidential: bool = False,
    distribution=(),
) -> Document:
    """Number a document and store it for rendering, in the caller's transaction; queue the render on commit.
    `distribution`: further agencies it is sent to, who read it as the addressee does.

    The number is taken from the agency's series for the year (gapless: a rolled-back issue gives it back).
    """
    if not agency.doc_prefix:
        raise DocumentError(
            _(
                "%(agency)s has no document code (机关代字) yet, so it cannot issue documents: ask the administrator to enter it."
            )
            % {"agency": agency.name}
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
            title=fit(title, Document, "title"),
            issued_on=issued_on,
            context=context,
            content_type_id=_content_type_id(target),
            object_id=getattr(target, "pk", None),
            created_by=actor,
            confidential=confidential,
        )
        document.distribution.set(distribution)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.DOCUMENT_ISSUED,
            obj=document,
            agency=agency,
            to_state=document.state,
            payload={"number": document.number, "kind": kind, "title": document.title},
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


def document_render(*, document_id: int) -> bool:
    """Render one document if it still needs it; return True when this call stored its PDF.

    1. Claim the row with a conditional update (pending; failed or abandoned while rendering, once its next
       attempt is due and attempts remain). The claim carries its own time, which identifies it.
    2. Render the bytes: the slow part, with no side effect.
    3. Lock the row and store the file only if the claim is still ours: a worker overtaken meanwhile (its claim
       went stale and another took over) stores nothing, so a ready document's file is never touched and each
       document has one file.
    Any failure, storing included, marks the row failed with the next attempt in 2, 4, 8 … minutes.
    """
    from .pdf import render_pdf

    claimed_at = timezone.now()
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=claimed_at)
    claimable = Q(state=Document.State.PENDING) | Q(
        due, state__in=[Document.State.FAILED, Document.State.RENDERING], attempts__lt=MAX_ATTEMPTS
    )
    claimed = Document.objects.filter(claimable, pk=document_id).update(
        state=Document.State.RENDERING,
        claimed_at=claimed_at,
        attempts=F("attempts") + 1,
        # Should this worker die, the claim is taken over once it is stale.
        next_attempt_at=claimed_at + STALE_CLAIM,
    )
    if not claimed:
        return False
    try:
        document = Document.objects.select_related("agency", "addressee").get(pk=document_id)
        pdf = render_pdf(document)
        with transaction.atomic():
            mine = Document.objects.select_for_update().filter(
                pk=document_id, state=Document.State.RENDERING, claimed_at=claimed_at
            )
            if not mine.exists():
                return False  # overtaken: the worker that took over stores the file
            name = f"documents/{document.year}/{document.agency_id}/{document.verification_code}.pdf"
            if default_storage.exists(name):  # stored by a claimant that died before recording it
                default_storage.delete(name)
            saved = default_storage.save(name, ContentFile(pdf))
            digest = hashlib.sha256(pdf).hexdigest()
            mine.update(
                state=Document.State.READY,
                file=saved,
                sha256=digest,
                rendered_at=timezone.now(),
                next_attempt_at=None,
                error="",
            )
            audit_record(
                actor=None,
                action=AuditEvent.Action.DOCUMENT_RENDERED,
                obj=document,
                agency=document.agency,
                from_state=Document.State.RENDERING,
                to_state=Document.State.READY,
                payload={"number": document.number, "sha256": digest, "file": saved},
            )
    except Exception as error:
        failed_at = timezone.now()
        attempts = Document.objects.filter(pk=document_id).values_list("attempts", flat=True).first() or 1
        message = f"{error.__class__.__name__}: {error}"[:2000]
        with transaction.atomic():
            marked = Document.objects.filter(
                pk=document_id, state=Document.State.RENDERING, claimed_at=claimed_at
            ).update(
                state=Document.State.FAILED,
                next_attempt_at=failed_at + timedelta(minutes=2**attempts),
                error=message,
            )
            if marked:
                _record_failure(document_id, attempt=attempts, error=message)
        logger.exception("Rendering document %s failed (attempt %s)", document_id, attempts)
        return False
    return True


def _record_failure(document_id: int, *, attempt: int, error: str) -> None:
    """The trail's event of a render that failed (or was given up), in the transaction that marked it failed."""
    document = Document.objects.select_related("agency").get(pk=document_id)
    audit_record(
        actor=None,
        action=AuditEvent.Action.DOCUMENT_FAILED,
        obj=document,
        agency=document.agency,  # no actor, so nothing else tells whose trail it belongs to
        from_state=Document.State.RENDERING,
        to_state=Document.State.FAILED,
        payload={"attempt": attempt, "error": error},
    )


def render_pending(*, limit: int = 10) -> int:
    """The safety net (every minute): render what no queued task did (lost messages), and retry failures and
    abandoned renders once their next attempt is due."""
    now = timezone.now()
    _give_up_abandoned(now)
    waiting = Document.objects.filter(
        Q(state=Document.State.PENDING, created_at__lt=now - timedelta(seconds=30))
        | Q(
            state__in=[Document.State.FAILED, Document.State.RENDERING],
            attempts__lt=MAX_ATTEMPTS,
            next_attempt_at__lte=now,
        )
    )
    return sum(
        document_render(document_id=pk)
        for pk in waiting.order_by("created_at").values_list("pk", flat=True)[:limit]
    )


def _give_up_abandoned(now) -> None:
    """Mark failed a render abandoned on its last attempt (its worker killed every time, as by the task's time
    limit when a document hangs the renderer): it would otherwise show "generating" for ever, with no attempt
    left to take it over. Failed, the page offers "try again" and the trail says what happened."""
    abandoned = Q(state=Document.State.RENDERING, attempts__gte=MAX_ATTEMPTS, next_attempt_at__lte=now)
    for document_id in Document.objects.filter(abandoned).values_list("pk", flat=True):
        message = f"Abandoned: the worker stopped while rendering, {MAX_ATTEMPTS} attempts in a row."
        with transaction.atomic():
            # Conditional, so that two passes at once record it once.
            if Document.objects.filter(abandoned, pk=document_id).update(
                state=Document.State.FAILED, next_attempt_at=None, error=message
            ):
                _record_failure(document_id, attempt=MAX_ATTEMPTS, error=message)
                logger.error(
                    "Rendering document %s was abandoned %s times; given up", document_id, MAX_ATTEMPTS
                )


@transaction.atomic
def document_retry(*, actor, document: Document, request=None) -> bool:
    """Give a failed document another try now (the retry button). Returns False if it is not failed.
    Recorded for the issuing agency, the only one whose people may retry, whichever agency the actor acts for."""
    reset = Document.objects.filter(pk=document.pk, state=Document.State.FAILED).update(
        state=Document.State.PENDING, attempts=0, next_attempt_at=None, error=""
    )
    if reset:
        audit_record(
            actor=actor,
            action=AuditEvent.Action.DOCUMENT_RETRIED,
            obj=document,
            agency=document.agency,
            from_state=Document.State.FAILED,
            to_state=Document.State.PENDING,
            request=request,
        )
        transaction.on_commit(lambda: queue_render(document.pk))
    return bool(reset)
