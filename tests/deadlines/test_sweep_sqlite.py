"""The embedded default: three sweep processes at once on one SQLite file send each message once."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SETUP = """
from agencies.models import Agency, Membership, Region
from deadlines.clocks import deadline_start
from tests.deadlines.conftest import at
from tests.factories import DutyItemFactory, UserFactory
region = Region.objects.create(name="宣恩县", code="422825")
agency = Agency.objects.create(name="住建局", short_name="住建局", kind="supervisory", region=region)
for role in ("handler", "head", "supervisor"):
    Membership.objects.create(user=UserFactory(username=role), agency=agency, role=role)
for _ in range(150):
    deadline_start(rule="L3", target=DutyItemFactory(agency=agency), agency=agency, triggered_at=at(2026, 9, 30, 10))
"""

REPORT = """
from deadlines.models import DeadlineEvent
from notifications.models import Notification
print(Notification.objects.count(), Notification.objects.values("recipient", "key").distinct().count(),
      DeadlineEvent.objects.filter(kind="overdue").count())
"""


def manage(environment, *args, **kwargs):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        **kwargs,
    )


@pytest.mark.smoke
def test_concurrent_sweeps_on_sqlite(tmp_path):
    environment = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "DATA_DIR"}}
    environment |= {"DEBUG": "true", "DATA_DIR": str(tmp_path)}
    manage(environment, "migrate", "-v", "0")
    manage(environment, "shell", "--no-imports", "-c", SETUP)
    sweeps = [
        subprocess.Popen(
            [sys.executable, "manage.py", "sweep_deadlines", "--now", "2026-10-14T09:00+08:00"],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outputs = [sweep.communicate(timeout=120) for sweep in sweeps]
    assert [sweep.returncode for sweep in sweeps] == [0, 0, 0], outputs
    overdue_counts = sorted(int(out.split("overdue ")[1].split(",")[0]) for out, _ in outputs)
    assert sum(overdue_counts) == 150  # every clock was claimed by exactly one process
    total, distinct, events = map(
        int, manage(environment, "shell", "--no-imports", "-c", REPORT).stdout.split()
    )
    # 150 clocks × (head + supervisor), each once; one overdue event per clock.
    assert (total, distinct, events) == (300, 300, 150)
