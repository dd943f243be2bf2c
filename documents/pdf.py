"""Render a document to PDF with WeasyPrint: A4, GB/T 9704 layout, Noto Serif CJK SC embedded (subset).

Output depends only on the document: the same fonts (Debian's fonts-noto-cjk), no clock in the metadata, and a
URL fetcher that serves nothing but our own static files, so user text cannot pull in a file or a web address.
"""

import logging
from pathlib import Path
from urllib.parse import unquote, urlsplit

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

logger = logging.getLogger(__name__)


class FetchRefused(ValueError):
    pass


class RenderEnvironmentError(RuntimeError):
    pass


def static_fetcher():
    """A WeasyPrint URL fetcher that serves only files of our static folders (and inline data)."""
    from weasyprint.urls import URLFetcher

    class StaticFilesFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            check_url(url)
            return super().fetch(url, headers)

    return StaticFilesFetcher(allowed_protocols={"file", "data"}, allow_redirects=False, fail_on_errors=True)


def check_url(url: str) -> None:
    """Refuse anything but a file of our static folders or inline data: no other path, no network."""
    parts = urlsplit(url)
    if parts.scheme == "data":
        return
    if parts.scheme == "file":
        path = Path(unquote(parts.path)).resolve()
        roots = [Path(root).resolve() for root in settings.STATICFILES_DIRS] + [
            Path(settings.STATIC_ROOT).resolve()
        ]
        if any(path.is_relative_to(root) for root in roots) and path.is_file():
            return
    raise FetchRefused(f"Documents may only use the portal's own static files, not {url!r}.")


def verification_url(code: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse("portal:verify_code", args=[code])


# 信函格式 for letters and receipts, 纪要格式 for minutes, 文件格式 for the rest (GB/T 9704).
TEMPLATES = {
    "letter": "documents/pdf/letter.html",
    "receipt": "documents/pdf/receipt.html",
    "minutes": "documents/pdf/minutes.html",
    "notice": "documents/pdf/official.html",
    "circular": "documents/pdf/official.html",
    "memo": "documents/pdf/official.html",
}


# The issuer's mark (发文机关标志) is set at 30 pt on one line of the 156 mm type area; GB/T 9704 §7.2.1 leaves its
# size to the issuer, so a longer mark is set smaller rather than broken over two lines (宣恩县政务服务和大数据管理局
# at 30 pt left 局 alone on the second). Marks too long even at 20 pt wrap at 20 pt.
TYPE_AREA_PT = 156 / 25.4 * 72
ISSUER_PT, ISSUER_MIN_PT, ISSUER_SPACING_PT = 30.0, 20.0, 2.0


def issuer_size(mark: str) -> float:
    """The issuer mark's font size in points: 30, or what fits `mark` on one line (a CJK character is one em wide,
    plus the letter spacing; 3 % spare for the font's side bearings), never under 20."""
    fits = TYPE_AREA_PT / max(len(mark), 1) * 0.97 - ISSUER_SPACING_PT
    return round(max(ISSUER_MIN_PT, min(ISSUER_PT, fits)), 1)


def render_html(document) -> str:
    from .services import SERIES_MARKS

    url = verification_url(document.verification_code)
    series_mark = SERIES_MARKS[document.kind]
    if document.kind == document.Kind.MINUTES:
        mark = document.context.get("heading") or document.title
    else:
        mark = document.agency.name + ("文件" if series_mark == "发" else "")
    return render_to_string(
        TEMPLATES[document.kind],
        {
            "document": document,
            "agency": document.agency,
            "content": document.context,
            "verification_url": url,
            # segno writes plain SVG paths; nothing user-supplied goes into it but our own URL.
            "qr_svg": mark_safe(segno.make(url, error="m").svg_inline(scale=2, border=0)),  # noqa: S308
            "issued_on": f"{document.issued_on.year}年{document.issued_on.month}月{document.issued_on.day}日",
            "issuer_mark": mark,
            "issuer_size": issuer_size(mark),
        },
    )


def render_pdf(document) -> bytes:
    from weasyprint import HTML

    if missing_fonts() or not harfbuzz_subsetting_available():
        # Refuse rather than produce a document that looks and hashes differently elsewhere.
        raise RenderEnvironmentError(
            "Cannot render documents: install fonts-noto-cjk and libharfbuzz-subset0 (missing: "
            + ", ".join(missing_fonts() or ["libharfbuzz-subset"])
            + ")."
        )

    base = Path(finders.find("css/portal.css")).parent.parent.as_uri() + "/"
    return HTML(string=render_html(document), base_url=base, url_fetcher=static_fetcher()).write_pdf()


def harfbuzz_subsetting_available() -> bool:
    """Whether WeasyPrint loaded HarfBuzz's subsetter. Without it, it falls back to a pure-Python path that is ten to
    thirty times slower (a one-page receipt: 2.3 s instead of 0.1 s) and gives other bytes."""
    from weasyprint.text.ffi import harfbuzz_subset

    return harfbuzz_subset is not None


# Debian's fonts-noto-cjk: the real regular and bold faces every document embeds. Without them fontconfig would
# quietly substitute another font (and synthesise a bold), so documents would differ from machine to machine.
FONT_FILES = (
    Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc"),
)


def missing_fonts() -> list[str]:
    return [str(path) for path in FONT_FILES if not path.is_file()]
