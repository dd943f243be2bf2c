from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from agencies.querysets import member_agency_ids
from audit.models import AuditEvent
from audit.services import audit_record
from config.downloads import recorded_download

from .models import Document
from .pdf import verification_url
from .services import document_retry


def _visible(request, pk) -> Document:
    return get_object_or_404(
        Document.objects.visible_to(request.user).select_related("agency", "addressee"), pk=pk
    )


@login_required
def document_detail(request, pk):
    """A document's number, parties, verification code and QR, and its PDF (or its progress)."""
    document = _visible(request, pk)
    return TemplateResponse(
        request,
        "documents/document_detail.html",
        {"document": document, "verification_url": verification_url(document.verification_code)},
    )


@login_required
def document_status(request, pk):
    """The progress piece: 生成中 (polled by htmx), then the download link, or the failure with a retry button."""
    return TemplateResponse(request, "documents/_status.html", {"document": _visible(request, pk)})


@login_required
def document_download(request, pk):
    """The stored PDF, unchanged since it was made (its SHA-256 is on the document's page)."""
    return pdf_download(request, _visible(request, pk))


def pdf_download(request, document: Document, **payload):
    """A ready document's PDF to a user who may read it, the download on its trail (with `payload`, where the
    reader found it: a meeting's notice or minutes)."""
    if document.state != Document.State.READY:
        raise Http404("The PDF is not ready yet.")
    return recorded_download(
        document.file,
        filename=f"{document.number}.pdf",
        record=lambda: audit_record(
            actor=request.user,
            action=AuditEvent.Action.DOCUMENT_DOWNLOADED,
            obj=document,
            payload={"number": document.number, "sha256": document.sha256, **payload},
            request=request,
        ),
    )


@require_POST
@login_required
def document_retry_view(request, pk):
    """Try a failed render again. Only the issuing agency's people may; others who can see it get 403."""
    document = _visible(request, pk)
    if document.agency_id not in member_agency_ids(request.user):
        raise PermissionDenied
    document_retry(actor=request.user, document=document, request=request)
    if request.htmx:
        return TemplateResponse(request, "documents/_status.html", {"document": _visible(request, pk)})
    return redirect(document)
