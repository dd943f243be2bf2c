"""The size of a post from someone not logged in, capped before it is read. The online complaint form is open to
all, and Django writes every uploaded file to disk before any form or view sees it (the CSRF check alone reads the
whole post), so without a cap anyone could fill the disk with one request. The largest post the form can take is
its most files at the evidence limit each, plus a margin for the typed fields; a larger one is refused from its
declared length, unread, with 413 and a page that says what fits. Staff, logged in, are bound by the evidence limit
per file alone (cases/evidence.py)."""

from django.conf import settings
from django.template.response import TemplateResponse

from cases.forms import OnlineComplaintForm

FIELDS_MARGIN = 1024 * 1024  # the typed fields and the multipart boundaries


def public_post_max_bytes() -> int:
    return OnlineComplaintForm.MAX_FILES * settings.EVIDENCE_MAX_BYTES + FIELDS_MARGIN


class PublicPostSizeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and not request.user.is_authenticated:
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0  # Django reads nothing of a post without a valid length
            if length > public_post_max_bytes():
                context = {
                    "count": OnlineComplaintForm.MAX_FILES,
                    "megabytes": settings.EVIDENCE_MAX_BYTES // (1024 * 1024),
                }
                return TemplateResponse(request, "portal/too_large.html", context, status=413).render()
        return self.get_response(request)
