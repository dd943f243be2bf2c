"""A stored file sent to the user who may read it, the download on the trail (鄂尔多斯 第八条: 去向可查): the PDFs of
documents and meetings, the evidence of cases. One way, so that each keeps the same two promises."""

import logging

from django.db import transaction
from django.http import FileResponse, Http404

logger = logging.getLogger(__name__)


def recorded_download(file, *, filename: str, record, content_type=None) -> FileResponse:
    """Open the stored `file`, call `record()` (it writes the audit event) in a transaction, and answer the file as
    an attachment. Recorded once the file is open and before it is sent: no download leaves no trace. A file gone
    from the storage (a lost disk, a restore without the media) is a 404 and nothing is recorded, since nothing
    was downloaded; the error log tells the administrator."""
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        logger.error("The stored file %s is missing", file.name)
        raise Http404("The file is missing.") from None
    try:
        with transaction.atomic():
            record()
    except BaseException:
        handle.close()  # the response that would have closed it is never made
        raise
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
