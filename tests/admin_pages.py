"""What the admin shows as labels: the field labels of a change page, the column headers of a list or an inline,
and the titles of a list's filters (not the navigation sidebar, whose third-party model names are not ours)."""

import html
import re

CHINESE = re.compile(r"[\u4e00-\u9fff]")
SIDEBAR = re.compile(r'<nav class="sticky" id="nav-sidebar".*?</nav>', re.S)
LABELS = [
    re.compile(r"<label\b[^>]*>(.*?)</label>", re.S),
    re.compile(r"<thead>.*?</thead>", re.S),
    re.compile(r'data-filter-title="([^"]*)"'),
]
HEADER = re.compile(r"<th\b[^>]*>(.*?)</th>", re.S)


def labels(page: str) -> list[str]:
    """The labels, headers and filter titles of an admin page, as text."""
    page = SIDEBAR.sub("", page)
    found = []
    for pattern in LABELS:
        for match in pattern.finditer(page):
            parts = (
                HEADER.findall(match.group(0)) if match.group(0).startswith("<thead") else [match.group(1)]
            )
            found += [html.unescape(re.sub(r"<[^>]+>", " ", part)).strip() for part in parts]
    return [label for label in found if label]


def untranslated(page: str) -> list[str]:
    """The labels without a Chinese character: left in English."""
    return [label for label in labels(page) if not CHINESE.search(label)]
