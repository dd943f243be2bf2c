"""Document benchmark (make bench): a one-page receipt rendered by the portal (template, QR code, restricted
fetcher) next to a plain WeasyPrint render of the same HTML, in the same run. Targets: at most 1.3 times the
plain render, and under 300 ms a page. Prints a table; never fails on a figure.

Needs no database: the document is built in memory, as the worker would load it.
"""

# ruff: noqa: E402 - the project's modules can only be imported once django.setup() has run

import os
import statistics
import time
from datetime import date

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from weasyprint import HTML

from agencies.models import Agency
from documents.models import Document
from documents.pdf import render_html, render_pdf

RUNS = 15

RECEIPT = {
    "original_number": "宣交易函〔2026〕3号",
    "case_name": "某工程项目围标串标案",
    "sender": "宣恩县公共资源交易中心",
    "receiver": "宣恩县住房和城乡建设局",
    "materials": [
        {"name": "案件移送函", "copies": 1, "pages": 2, "original": True, "note": ""},
        {"name": "投标文件雷同分析报告", "copies": 1, "pages": 15, "original": False, "note": "系统导出"},
        {"name": "开标记录及评标报告", "copies": 1, "pages": 23, "original": False, "note": ""},
        {"name": "现场锁定的电子证据光盘", "copies": 1, "pages": 1, "original": True, "note": "已封存"},
    ],
    "received_by": "王经办",
    "received_at_text": "2026年5月9日 10时30分",
    "opinion": "材料齐全，予以接收",
}


def median_seconds(function) -> float:
    function()  # warm-up: fonts loaded, caches filled
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    agency = Agency(pk=1, name="宣恩县住房和城乡建设局", short_name="县住建局", doc_prefix="宣住建")
    receipt = Document(
        kind=Document.Kind.RECEIPT,
        agency=agency,
        series="回",
        year=2026,
        sequence=1,
        number="宣住建回〔2026〕1号",
        title="案件移送回执",
        issued_on=date(2026, 5, 9),
        context=RECEIPT,
        verification_code="2QPTMQYT5TPV",
    )
    html = render_html(receipt)
    pages = len(HTML(string=html).render().pages)
    portal = median_seconds(lambda: render_pdf(receipt))
    plain = median_seconds(lambda: HTML(string=html).write_pdf())
    ratio = portal / plain
    print(
        f"\nDocument benchmark: a {pages}-page receipt, median of {RUNS}; {len(os.sched_getaffinity(0))} cores"
    )
    rows = [
        (
            "receipt, the portal's render",
            f"{portal * 1000:.0f} ms ({portal * 1000 / pages:.0f} ms a page)",
            "< 300 ms a page",
            portal / pages < 0.3,
        ),
        ("receipt, plain WeasyPrint, same HTML", f"{plain * 1000:.0f} ms", "", None),
        ("portal / plain", f"{ratio:.2f} x", "<= 1.3 x", ratio <= 1.3),
    ]
    print(f"{'measurement':40} {'figure':28} {'target':18} result")
    for name, figure, target, met in rows:
        print(f"{name:40} {figure:28} {target:18} {'' if met is None else ('ok' if met else 'NOT MET')}")


if __name__ == "__main__":
    main()
