"""The project's templates, read as text."""

from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


def test_no_comment_of_one_line_runs_on_to_the_next():
    """Django's {# #} comment ends at its line: one continued on the next is printed on the page (it was, on the
    referral letter). Longer ones are {% comment %}."""
    runs_on = [
        f"{path.relative_to(TEMPLATES)}:{number}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if "{#" in line and "#}" not in line[line.index("{#") :]
    ]
    assert runs_on == []
