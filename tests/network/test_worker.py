"""A real Celery worker on Redis is killed (SIGKILL) in the middle of a report — the whole
worker, or only its pool child as the OOM killer does —; the redelivered job is taken over
once the dead attempt's lease has ended, and the report ends done exactly once.

Needs CELERY_BROKER_URL (CI sets it) and a database the worker process can reach
(PostgreSQL; SQLite's in-memory test database is skipped). The worker uses a Redis
database of its own (7, or 8 … for a second xdist worker) so that no other test's messages
reach it.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection

from network.models import Report
from network.tasks import build_report

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
]

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))
VISIBILITY_TIMEOUT = 20  # seconds; the hard time limit is clamped to 15 below it


def worker_broker_url(worker_id: str = "master") -> str | None:
    """A Redis database of its own per xdist worker (7, 8, …), so that two of these tests
    running at once never share a queue. (xdist_group alone did not keep them together:
    with pytest 9 and pytest-xdist 3.8 `--dist loadgroup` spreads a group over workers.)"""
    url = os.environ.get("CELERY_BROKER_URL", "").strip()
    if not url.startswith("redis://"):
        return None
    index = int(worker_id[2:]) if worker_id.startswith("gw") else 0
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{7 + index}", "", ""))


def redis_client(url):
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    client.ping()
    return client


@pytest.fixture
def broker(worker_id):
    url = worker_broker_url(worker_id)
    if url is None:
        pytest.skip("CELERY_BROKER_URL (redis) not set")
    try:
        client = redis_client(url)
    except Exception as error:  # noqa: BLE001
        pytest.skip(f"redis unreachable: {error}")
    if connection.vendor != "postgresql":
        pytest.skip("the worker process needs a shared database (PostgreSQL)")
    client.flushdb()
    yield url
    client.flushdb()


def database_url() -> str:
    db = connection.settings_dict
    auth = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    host = db["HOST"] or "127.0.0.1"
    port = db["PORT"] or 5432
    return f"postgres://{auth}@{host}:{port}/{db['NAME']}"


def start_worker(env, log: Path):
    return subprocess.Popen(
        [
            CELERY,
            "-A",
            "knn_portal",
            "worker",
            "-Q",
            "reports",
            "-c",
            "1",
            "--pool",
            "prefork",
            "-l",
            "info",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: the kill takes the children too
    )


def stop(process, sig=signal.SIGTERM):
    if process.poll() is None:
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_for(condition, timeout, what, log: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}; worker log:\n{log.read_text()[-4000:]}")


LEASE_SECONDS = 4


def worker_env(broker, tmp_path) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": broker,
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "KNN_REPORT_LEASE_SECONDS": str(LEASE_SECONDS),
        "KNN_REPORT_TEST_GATE": str(tmp_path / "gate"),
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
        "DJANGO_DEBUG": "true",
    }


def send_report(actors, broker) -> Report:
    from kombu import Connection

    report = Report.objects.create(
        network=actors.network,
        membership=actors.luenen,
        kind=Report.Kind.MUNICIPALITY,
        period_start="2026-01-01",
        period_end="2026-06-30",
        year=2026,
        number=1,
    )
    with Connection(broker) as conn:
        build_report.apply_async(args=[report.pk], connection=conn)
    return report


def assert_done_exactly_once(report, tmp_path):
    media = tmp_path / "media"
    report.refresh_from_db()
    assert report.status == "done", report.error
    assert report.attempts == 2  # the killed claim, and the one that finished
    assert not Path(f"{tmp_path / 'gate'}.started-3").exists()  # never built a third time
    files = list((media / "reports").rglob("*.pdf"))
    assert len(files) == 1 and files[0].read_bytes().startswith(b"%PDF")
    assert report.file.name == str(files[0].relative_to(media))


def test_killed_pool_child_report_is_taken_over_and_finishes_exactly_once(actors, broker, tmp_path):
    """The audit's F2: only the child dies, the task is redelivered at once, and the old
    code found the job running, skipped it and acknowledged it: stuck for good."""
    gate, log = tmp_path / "gate", tmp_path / "worker.log"
    report = send_report(actors, broker)
    worker = start_worker(worker_env(broker, tmp_path), log)
    try:
        started = Path(f"{gate}.started-1")
        wait_for(started.exists, 90, "the first claim", log)
        wait_for(lambda: started.read_text().strip().isdigit(), 10, "the child's pid", log)
        child = int(started.read_text())
        assert child != worker.pid
        os.kill(child, signal.SIGKILL)  # what the OOM killer does to a large build
        gate.with_name("gate.open").touch()

        def finished():
            report.refresh_from_db()
            return report.status in {"done", "failed"}

        # Redelivered at once; taken over when the dead attempt's lease has ended.
        wait_for(finished, LEASE_SECONDS + 120, "the taken-over report", log)
        assert worker.poll() is None  # the worker itself lived on
    finally:
        stop(worker)
    assert_done_exactly_once(report, tmp_path)
    assert report.lost_attempts == 1
    assert "WorkerLostError" in log.read_text()


def test_killed_worker_report_finishes_exactly_once(actors, broker, tmp_path):
    gate, log = tmp_path / "gate", tmp_path / "worker.log"
    env = worker_env(broker, tmp_path)
    report = send_report(actors, broker)

    first = start_worker(env, log)
    try:
        wait_for(lambda: Path(f"{gate}.started-1").exists(), 90, "the first claim", log)
        report.refresh_from_db()
        assert (report.status, report.attempts) == ("running", 1)
        stop(first, signal.SIGKILL)  # mid-report: no ack, no clean-up
    finally:
        stop(first, signal.SIGKILL)

    gate.with_name("gate.open").touch()
    second = start_worker(env, log)
    try:

        def finished():
            report.refresh_from_db()
            return report.status in {"done", "failed"}

        # Redelivery comes after the visibility timeout (plus Redis' restore interval).
        wait_for(finished, VISIBILITY_TIMEOUT + 180, "the redelivered report", log)
    finally:
        stop(second)
    assert_done_exactly_once(report, tmp_path)
    assert settings.CELERY_TASK_TIME_LIMIT < settings.CELERY_VISIBILITY_TIMEOUT
