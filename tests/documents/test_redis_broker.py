"""Renders queued on Redis, the broker of the compose stack (CELERY_BROKER_URL=redis://…): a real redis-server and
real processes configured from the environment as the web and worker containers are."""

import os
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from documents.models import Document
from documents.services import render_pending
from tests.concurrency import transactional
from tests.servers import free_port, redis_server

ROOT = Path(__file__).resolve().parents[2]
QUEUE = "from documents.services import queue_render; queue_render({id})"


def environment(broker_url: str, data_dir: Path) -> dict:
    """The environment of a container of the stack: this test's database, files and broker."""
    database = connection.settings_dict
    host = quote(database["HOST"] or "", safe="")
    credentials = quote(database["USER"]) + (
        f":{quote(database['PASSWORD'])}" if database["PASSWORD"] else ""
    )
    url = f"postgres://{credentials}@{host}:{database['PORT'] or 5432}/{database['NAME']}"
    return os.environ | {"DATABASE_URL": url, "CELERY_BROKER_URL": broker_url, "DATA_DIR": str(data_dir)}


def web_process(env: dict, code: str) -> subprocess.CompletedProcess:
    """What a web request runs, in a process of its own. The timeout is a bound for a hang, not a measurement."""
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
    )


@transactional
def test_a_render_queued_on_redis_is_taken_by_a_worker(issue, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"  # the worker's, from DATA_DIR
    document = issue()
    with redis_server(tmp_path, tcp=True) as redis:
        env = environment(redis.url, tmp_path)
        assert web_process(env, QUEUE.format(id=document.pk)).returncode == 0
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "--without-gossip",
             "--without-mingle", "--without-heartbeat", "--loglevel", "INFO"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 120
            while document.state != Document.State.READY and time.monotonic() < deadline:
                time.sleep(0.5)
                document.refresh_from_db()
        finally:
            worker.terminate()
            output = worker.communicate(timeout=30)[0]
    assert document.state == Document.State.READY, output
    assert (tmp_path / "media" / document.file.name).exists()


ISSUE = """
from datetime import date
from django.contrib.auth.models import User
from django.db import transaction
from agencies.models import Agency
from documents.services import document_issue
with transaction.atomic():
    document = document_issue(
        actor=User.objects.get(pk={actor}), agency=Agency.objects.get(pk={agency}),
        addressee=Agency.objects.get(pk={addressee}), kind="letter", title="关于移送线索的函",
        context={{"recipient": "收文单位", "body": ["特此函告。"], "contact": {{"name": "王经办", "phone": "0718-3700005"}}}},
        issued_on=date(2026, 5, 9),
    )
print(document.pk)
"""


@contextmanager
def broker_out(kind: str, folder: Path):
    """A broker URL whose Redis is gone (nothing listens: refused at once) or hung (it takes connections and
    answers nothing: a frozen host or a paused container)."""
    if kind == "gone":
        yield f"redis://127.0.0.1:{free_port()}/0"
    else:
        with redis_server(folder, tcp=True) as redis, redis.frozen():
            yield redis.url


@transactional
@pytest.mark.parametrize("outage", ["gone", "hung"])
def test_a_broker_outage_does_not_fail_the_issue(outage, tmp_path, settings, agency, other_agency, insider):
    """The request that issues a document queues its render after commit: on an outage it gives up within the
    broker's socket timeouts, says so in the log and answers; the minute pass renders the document. (kombu's
    default waits for ever on a hung Redis, until gunicorn kills the request after its transaction committed.)"""
    settings.MEDIA_ROOT = tmp_path / "media"
    code = ISSUE.format(actor=insider.pk, agency=agency.pk, addressee=other_agency.pk)
    with broker_out(outage, tmp_path) as url:
        issued = web_process(environment(url, tmp_path), code)
    assert issued.returncode == 0, issued.stderr
    document = Document.objects.get(pk=int(issued.stdout.split()[-1]))
    assert f"Could not queue the render of document {document.pk}" in issued.stderr
    assert document.state == Document.State.PENDING
    with time_machine.travel(
        timezone.now() + timedelta(minutes=1)
    ):  # the next pass: it gives a queued task 30 s
        assert render_pending() == 1
    document.refresh_from_db()
    assert document.state == Document.State.READY
