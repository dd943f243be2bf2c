"""Appends at the same moment take turns: one gapless chain, on PostgreSQL (row lock) and SQLite (IMMEDIATE)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import transaction

from agencies.models import Agency
from audit.models import AuditEvent
from audit.services import audit_record
from audit.verify import audit_verify
from tests.concurrency import run_concurrently, transactional
from tests.factories import AgencyFactory

ROOT = Path(__file__).resolve().parents[2]
PER_WORKER = 25


@transactional
def test_concurrent_appends_form_one_gapless_chain(region):
    # Each worker changes a row of its own, so that only the chain head is shared; the head row does not exist
    # yet, so the first appends also race to create it.
    agencies = iter(AgencyFactory.create_batch(3, region=region))

    def work():
        agency = next(agencies)
        for number in range(PER_WORKER):
            with transaction.atomic():
                Agency.objects.filter(pk=agency.pk).update(complaint_phone=f"0718-{number:07d}")
                audit_record(
                    actor=None, action="phone_changed", obj=agency, agency=agency, payload={"n": number}
                )
        return "done"

    assert run_concurrently(work, times=3) == ["done"] * 3
    assert list(AuditEvent.objects.values_list("sequence", flat=True)) == list(range(1, 3 * PER_WORKER + 1))
    verification = audit_verify()
    assert verification.finding is None
    assert verification.events == 3 * PER_WORKER


SETUP = """
from agencies.models import Agency, Region
region = Region.objects.create(name="宣恩县", code="422825")
for name in ("住建局", "交通局", "水利局"):
    Agency.objects.create(name=name, short_name=name, kind="supervisory", region=region)
"""

APPEND = """
from django.db import transaction
from agencies.models import Agency
from audit.services import audit_record
agency = Agency.objects.get(name="{name}")
for number in range(100):
    with transaction.atomic():
        Agency.objects.filter(pk=agency.pk).update(complaint_phone=f"0718-{number:07d}")
        audit_record(actor=None, action="phone_changed", obj=agency, agency=agency, payload={"n": number})
"""

REPORT = """
from audit.models import AuditEvent
print(list(AuditEvent.objects.values_list("sequence", flat=True)) == list(range(1, 301)))
"""


@pytest.mark.smoke
def test_concurrent_processes_on_sqlite_form_one_chain(tmp_path):
    environment = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "DATA_DIR"}}
    environment |= {"DEBUG": "true", "DATA_DIR": str(tmp_path)}

    def manage(*args):
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True
        )

    assert manage("migrate", "-v", "0").returncode == 0
    assert manage("shell", "--no-imports", "-c", SETUP).returncode == 0
    writers = [
        subprocess.Popen(
            [sys.executable, "manage.py", "shell", "--no-imports", "-c", APPEND.replace("{name}", name)],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("住建局", "交通局", "水利局")
    ]
    outputs = [writer.communicate(timeout=120) for writer in writers]
    assert [writer.returncode for writer in writers] == [0, 0, 0], outputs
    assert manage("shell", "--no-imports", "-c", REPORT).stdout.strip() == "True"
    verified = manage("verify_audit")
    assert verified.returncode == 0, verified.stderr
    assert manage("audit_checkpoint").returncode == 0
    assert manage("verify_audit").returncode == 0
