"""make run's stack comes up on SQLite, serves the Chinese login page, and Ctrl-C stops all of it."""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.smoke


QUEUE_A_SWEEP = """
from datetime import timedelta
from django.utils import timezone
from agencies.models import Agency
from deadlines.clocks import deadline_start
from deadlines.tasks import sweep_deadlines_task
agency = Agency.objects.get(short_name="县住建局")
deadline_start(rule="C3", target=agency, agency=agency, triggered_at=timezone.now() - timedelta(hours=25))
sweep_deadlines_task.delay()
"""
# The clock started above: the one on the agency itself (the demo cases have clocks of their own).
READ_STATE = (
    "from deadlines.models import Deadline; from agencies.models import Agency; "
    "print(Deadline.objects.get(rule__code='C3', object_id=Agency.objects.get(short_name='县住建局').pk).state)"
)


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_make_run_serves_the_login_page_and_stops_on_ctrl_c(tmp_path):
    port = free_port()
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "SECRET_KEY", "DEBUG", "DATA_DIR", "SECURE_SSL_REDIRECT"}
    }
    environment |= {"PORT": str(port), "DATA_DIR": str(tmp_path)}
    log = (tmp_path / "run.log").open("w")
    process = subprocess.Popen(
        ["make", "run"],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        body, deadline = "", time.monotonic() + 180
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/accounts/login/", timeout=5
                ) as response:
                    body = response.read().decode()
                    break
            except OSError:
                time.sleep(0.5)
        output = (tmp_path / "run.log").read_text()
        assert "登录" in body, output
        assert "xe_supervisor" in output  # the demo accounts are printed
        assert (tmp_path / "portal.sqlite3").exists()
        # Beat writes its schedule once it runs inside the worker.
        deadline = time.monotonic() + 30
        while not list(tmp_path.glob("celerybeat-schedule*")) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert list(tmp_path.glob("celerybeat-schedule*")), output
        # The worker takes tasks from the serverless broker: queue a sweep and watch a past-due clock go overdue.
        run_env = environment | {"DEBUG": "true", "SECRET_KEY": (tmp_path / "secret_key").read_text().strip()}
        subprocess.run(
            [sys.executable, "manage.py", "shell", "--no-imports", "-c", QUEUE_A_SWEEP],
            cwd=ROOT,
            env=run_env,
            check=True,
            capture_output=True,
            timeout=60,
        )
        state, deadline = "", time.monotonic() + 60
        while state != "overdue" and time.monotonic() < deadline:
            time.sleep(1)
            state = subprocess.run(
                [sys.executable, "manage.py", "shell", "--no-imports", "-c", READ_STATE],
                cwd=ROOT,
                env=run_env,
                check=True,
                capture_output=True,
                text=True,
                timeout=60,
            ).stdout.strip()
        assert state == "overdue", (tmp_path / "run.log").read_text()
    finally:
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        process.wait(timeout=60)
        log.close()
    deadline = time.monotonic() + 30
    while group_alive(process.pid) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not group_alive(process.pid), "Ctrl-C left processes running"
