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
from django.utils.translation import gettext_lazy

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
# What a refused file is, in words a clerk or a citizen knows (the sniffed type, e.g.
# application/vnd.microsoft.portable-executable, means nothing to them): the first family whose mark is in it.
REFUSED_KINDS = [
    (("executable", "dosexec", "elf", "mach-binary", "msdownload"), gettext_lazy("a program")),
    (("html",), gettext_lazy("a web page")),
    (("svg",), gettext_lazy("an SVG drawing")),
    (("zip", "rar", "7z", "tar", "gzip", "bzip"), gettext_lazy("an archive")),
]


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
            _("%(name)s is %(size)s; a file may be at most %(limit)s. Split it or compress it.")
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
        found = next(
            (kind for marks, kind in REFUSED_KINDS if any(mark in mime_type for mark in marks)),
            _("a format that is not allowed here") if mime_type else _("a format that was not recognised"),
        )
        raise ValidationError(
            _(
                "%(name)s cannot be uploaded: it is %(found)s. Allowed are %(allowed)s; save it as one of them and "
                "upload it again."
            )
            % {
                "name": upload.name,
                "found": found,
                "allowed": _(", ").join(dict.fromkeys(ALLOWED_TYPES.values())),
            },
            code="evidence_type",
        )
    digest = hashlib.sha256(head)
    for chunk in iter(lambda: upload.read(1024 * 1024), b""):
        digest.update(chunk)
    upload.seek(0)
    return CheckedFile(sha256=digest.hexdigest(), size=upload.size, mime_type=mime_type)
