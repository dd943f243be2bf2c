"""Evidence files: checked by content before anything is stored.

The type is sniffed from the file's first bytes (puremagic), never taken from its name or the browser's word, and
must be one a case file holds: documents, scans, photos, recordings, office files. Executables, HTML, SVG and
anything unrecognised are refused, as is a file over the size limit (settings.EVIDENCE_MAX_BYTES). A refused file
leaves nothing behind: validation reads the upload and raises before any row or file is written.
"""

import hashlib
from dataclasses import dataclass

import puremagic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

ALLOWED_TYPES = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/tiff": "TIFF",
    "image/gif": "GIF",
    "application/msword": "Word 97-2003",
    "application/vnd.ms-excel": "Excel 97-2003",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PowerPoint",
    "application/ofd": "OFD",
    "video/mp4": "MP4",
    "audio/mpeg": "MP3",
    "audio/x-wav": "WAV",
    "audio/wav": "WAV",
}
SNIFF_BYTES = 8192


@dataclass(frozen=True)
class CheckedFile:
    sha256: str
    size: int
    mime_type: str


def check_evidence_file(upload) -> CheckedFile:
    """Return the file's digest, size and sniffed type, or raise ValidationError saying what is wrong in Chinese."""
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("%(name)s is %(size)s; evidence files may be at most %(limit)s. Split it or compress it.")
            % {"name": upload.name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="evidence_too_large",
        )
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    try:
        mime_type = puremagic.from_string(head, mime=True) if head else ""
    except puremagic.PureError:
        mime_type = ""
    if mime_type not in ALLOWED_TYPES:
        raise ValidationError(
            _("%(name)s is not a kind of file evidence may be (%(found)s). Allowed: %(allowed)s.")
            % {
                "name": upload.name,
                "found": mime_type or _("not recognised"),
                "allowed": "、".join(dict.fromkeys(ALLOWED_TYPES.values())),
            },
            code="evidence_type",
        )
    digest = hashlib.sha256(head)
    for chunk in iter(lambda: upload.read(1024 * 1024), b""):
        digest.update(chunk)
    upload.seek(0)
    return CheckedFile(sha256=digest.hexdigest(), size=upload.size, mime_type=mime_type)
