"""Every message of the interface has its Chinese translation, and the catalogue holds no message the code no
longer uses: makemessages, run over a copy of the project, finds nothing untranslated, fuzzy or obsolete."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = Path("locale/zh_Hans/LC_MESSAGES/django.po")


def entries(catalogue: Path, selection: str) -> list[str]:
    """The entries msgattrib selects (--untranslated, --only-fuzzy, --only-obsolete), without the header."""
    output = subprocess.run(
        ["msgattrib", selection, "--no-wrap", str(catalogue)], capture_output=True, text=True, check=True
    ).stdout
    return [entry for entry in output.split("\n\n") if entry.strip() and "Content-Type:" not in entry]


def test_every_message_is_translated_into_chinese_and_none_is_left_over(tmp_path):
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, tracked.decode().split("\0")):
        if name.startswith(("tests/", "bench/")):  # their strings are not the interface's
            continue
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, tmp_path / name)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "zh_Hans"],
        cwd=tmp_path,
        env={**os.environ, "DEBUG": "true"},
        capture_output=True,
        check=True,
    )
    catalogue = tmp_path / CATALOGUE
    assert entries(catalogue, "--untranslated") == [], f"Translate these in {CATALOGUE}"
    assert entries(catalogue, "--only-fuzzy") == [], f"Check these translations in {CATALOGUE}"
    assert entries(catalogue, "--only-obsolete") == [], (
        f"The code no longer uses these: remove them from {CATALOGUE}"
    )
