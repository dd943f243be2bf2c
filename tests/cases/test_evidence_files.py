"""Evidence uploads are checked by content: type sniffed from the bytes, size limited, nothing kept if refused."""

import hashlib
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.evidence import check_evidence_file

from .files import PDF


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "mime_type"),
    [
        ("询问笔录.pdf", PDF, "application/pdf"),
        ("现场照片.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\0" * 100, "image/jpeg"),
        ("雷同分析.docx", docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("no-extension", PDF, "application/pdf"),  # the name does not matter
    ],
)
def test_allowed_files_pass_with_their_digest(name, content, mime_type):
    checked = check_evidence_file(SimpleUploadedFile(name, content))
    assert (checked.mime_type, checked.size, checked.sha256) == (
        mime_type,
        len(content),
        hashlib.sha256(content).hexdigest(),
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("报告.pdf", b"MZ\x90\x00" + b"\0" * 60),  # a Windows executable named .pdf
        ("page.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
        ("logo.png", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script/></svg>'),
        ("notes.txt", "没有可识别的文件头".encode()),
        ("empty.pdf", b""),
    ],
)
def test_disallowed_or_unrecognised_files_are_refused_in_chinese(name, content):
    with pytest.raises(ValidationError) as error:
        check_evidence_file(SimpleUploadedFile(name, content))
    assert "不是证据材料允许的文件类型" in error.value.messages[0]
    assert name in error.value.messages[0]


def test_files_over_the_limit_are_refused(settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as error:
        check_evidence_file(SimpleUploadedFile("大文件.pdf", PDF * 10))
    assert "证据材料最大为 1.0\xa0KB" in error.value.messages[0]
