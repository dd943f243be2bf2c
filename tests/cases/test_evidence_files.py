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
    ("name", "content", "what"),
    [
        ("报告.pdf", b"MZ\x90\x00" + b"\0" * 60, "可执行程序"),  # a Windows executable named .pdf
        ("page.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "网页文件"),
        (
            "logo.png",
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script/></svg>',
            "SVG 矢量图",
        ),
        ("notes.txt", "没有可识别的文件头".encode(), "无法识别的格式"),
        ("empty.pdf", b"", "无法识别的格式"),
    ],
)
def test_disallowed_or_unrecognised_files_are_refused_in_chinese_words(name, content, what):
    """What the file is, in words its sender knows (no sniffed MIME type), and what to do."""
    with pytest.raises(ValidationError) as error:
        check_evidence_file(SimpleUploadedFile(name, content))
    (message,) = error.value.messages
    assert message.startswith(f"{name} 不能上传：该文件是{what}。允许上传的文件类型为 PDF、JPEG、PNG")
    assert message.endswith("请另存为其中一种格式后重新上传。")
    assert "/" not in message.removeprefix(name)


def test_files_over_the_limit_are_refused(settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as error:
        check_evidence_file(SimpleUploadedFile("大文件.pdf", PDF * 10))
    assert "上传的文件最大为 1.0\xa0KB" in error.value.messages[0]
