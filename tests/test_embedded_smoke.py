"""make run's stack comes up on SQLite, serves the Chinese login page, and Ctrl-C stops all of it."""

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.smoke


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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
    finally:
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        process.wait(timeout=60)
        log.close()
    deadline = time.monotonic() + 30
    while group_alive(process.pid) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not group_alive(process.pid), "Ctrl-C left processes running"
