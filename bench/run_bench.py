"""Load benchmark of the portal against gunicorn + PostgreSQL with the scale data set.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/knn_bench \\
        .venv/bin/python manage.py generate_scale_data
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/knn_bench \\
        .venv/bin/python bench/run_bench.py --rounds 60

Measures, in one run with the requests interleaved (so every page sees the same machine
state): p50/p95 of the moderator dashboard of the 60-member network "scale-0", a member's
adoption matrix (procurement, if installed), the project comparison (building, if
installed) and the profile page as the floor; the ratio to the floor is the figure that
counts. The dashboard keeps its figures in the cache (Redis, CACHE_URL, default
redis://127.0.0.1:6379/9, emptied at the start) until the network's data changes, so it is
measured twice: as visitors meet it, and right after a change (a DataChange row appended
before each request, as every save does), when it is computed afresh. Then time and
peak memory (ru_maxrss of a fresh process) of a municipality report and of the 60-member
annual report. Writes bench/results.json and prints Markdown.
"""

import argparse
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
NETWORK = "scale-0"
EMAIL = "moderation-0@scale.example.org"
PASSWORD = "scale-benchmark-2026"
DEFAULT_CACHE_URL = "redis://127.0.0.1:6379/9"
# --worker: the broker of the Celery worker that computes the overview after a change.
DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/10"
COLD_DASHBOARD = "moderator dashboard, right after a change"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bench_env(var_dir: Path) -> dict:
    return {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "benchmark-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_HSTS_SECONDS": "0",
        "KNN_VAR_DIR": str(var_dir),
        "CELERY_BROKER_URL": "",
        # As in production (docker-compose.yml): the web processes share one cache.
        "CACHE_URL": os.environ.get("CACHE_URL", DEFAULT_CACHE_URL),
        "DJANGO_LOG_LEVEL": "ERROR",
    }


def with_worker(env) -> dict:
    """The environment as production runs it (docker-compose.yml): a broker, and a worker
    that computes the overview after a change (KNN_OVERVIEW_REFRESH)."""
    return {
        **env,
        "CELERY_BROKER_URL": os.environ.get("BENCH_BROKER_URL", DEFAULT_BROKER_URL),
        "KNN_OVERVIEW_REFRESH": "true",
    }


def start_worker(env) -> subprocess.Popen:
    """A Celery worker on the broker of `env` (emptied first), one process: the web
    processes need the other core."""
    import redis

    redis.Redis.from_url(env["CELERY_BROKER_URL"]).flushdb()
    worker = subprocess.Popen(
        [
            str(Path(PYTHON).with_name("celery")),
            "-A",
            "knn_portal",
            "worker",
            "-Q",
            "default",
            "--concurrency",
            "1",
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
    )
    time.sleep(3)  # the worker connects; tasks sent before wait in the queue anyway
    return worker


def stop(process):
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def urls_to_measure(env) -> dict:
    """Resolved in a Django process: topic apps that are not installed are left out."""
    code = f"""
import json, django
django.setup()
from django.urls import reverse, NoReverseMatch
from network.models import Membership
members = Membership.objects.filter(network__slug={NETWORK!r}).select_related("municipality")
member = members.order_by("pk").first()
out = {{"floor (profile)": reverse("profile"),
        "moderator dashboard": reverse("network:dashboard", args=[{NETWORK!r}])}}
for label, name, kwargs in [
    ("adoption matrix", "procurement:adoption_matrix",
     {{"network_slug": {NETWORK!r}, "municipality_slug": member.municipality.slug}}),
    ("project comparison", "building:comparison", {{"network_slug": {NETWORK!r}}}),
]:
    try:
        out[label] = reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        pass
out["_member"] = member.municipality.slug
out["_members"] = Membership.objects.filter(network__slug={NETWORK!r}).count()
print(json.dumps(out))
"""
    result = subprocess.run(
        [PYTHON, "-c", code],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "knn_portal.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


class Session:
    """A logged-in browser stand-in. Cookies are kept by hand: with DEBUG off they are
    marked Secure, and a cookie jar would not send them back over plain HTTP."""

    def __init__(self, host, port):
        self.connection = http.client.HTTPConnection(host, port, timeout=120)
        self.cookies = {}

    def request(self, method, path, body=None, headers=None) -> tuple[int, bytes, str]:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # The server closed an idle keep-alive connection: once more on a new one.
            self.connection.close()
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        content = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _sep, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, content, response.headers.get("Location", "")

    def get(self, path) -> tuple[int, bytes]:
        status, body, _location = self.request("GET", path)
        return status, body

    def log_in(self, email, password):
        _status, body = self.get("/konto/anmelden/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
        data = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "username": email, "password": password}
        )
        status, _body, location = self.request(
            "POST",
            "/konto/anmelden/",
            body=data,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": "http://127.0.0.1/konto/anmelden/",
            },
        )
        if status != 302 or "anmelden" in location:
            raise SystemExit(f"login failed (HTTP {status}): is the scale data set generated?")


def wait_for(url, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer at {url}")


def percentile(values, p):
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    low, high = int(k), min(int(k) + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (k - low)


def empty_cache(env):
    """Start without figures kept from an earlier run."""
    subprocess.run(
        [
            PYTHON,
            "-c",
            "import django; django.setup(); from django.core.cache import cache; cache.clear()",
        ],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "knn_portal.settings"},
        check=True,
    )


def mark_changed(database_url):
    """A callable that records a change of the benchmark network's data (what every save in
    the portal does, see network.freshness), so the next dashboard is computed afresh."""
    import psycopg

    connection = psycopg.connect(database_url, autocommit=True)

    def change():
        connection.execute(
            "INSERT INTO network_datachange (network_id, token) "
            "SELECT id, gen_random_uuid() FROM network_network WHERE slug = %s",
            [NETWORK],
        )

    return change


def start_gunicorn(env, workers, *, root=ROOT, options=()):
    """gunicorn on a free port with `workers` processes (and further `options`)."""
    port = free_port()
    server = subprocess.Popen(
        [
            GUNICORN,
            "knn_portal.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(workers),
            *options,
            "--access-logfile",
            "/dev/null",
            "--error-logfile",
            "-",
            "--log-level",
            "warning",
        ],
        cwd=root,
        env=env,
    )
    return server, port


def measure_pages(env, urls, rounds, warmup, workers):
    server, port = start_gunicorn(env, workers)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(base + "/healthz")
        session = Session("127.0.0.1", port)
        session.log_in(EMAIL, PASSWORD)
        pages = {k: v for k, v in urls.items() if not k.startswith("_")}
        # The dashboard keeps its figures until the network's data changes: measured both
        # as a visitor usually meets it and right after a change (computed afresh).
        pages[COLD_DASHBOARD] = pages["moderator dashboard"]
        change = mark_changed(env["DATABASE_URL"])
        timings = {label: [] for label in pages}
        for round_ in range(warmup + rounds):
            for label, path in pages.items():
                if label == COLD_DASHBOARD:
                    change()
                started = time.perf_counter()
                status, body = session.get(path)
                elapsed = (time.perf_counter() - started) * 1000
                if status != 200 or b"<html" not in body:
                    raise SystemExit(f"{label} {path}: HTTP {status}")
                if round_ >= warmup:
                    timings[label].append(elapsed)
    finally:
        server.terminate()
        server.wait(timeout=30)
    floor = statistics.median(timings["floor (profile)"])
    floor_p95 = percentile(timings["floor (profile)"], 95)
    return {
        label: {
            "url": pages[label],
            "p50_ms": round(statistics.median(values), 1),
            "p95_ms": round(percentile(values, 95), 1),
            "p50_ratio": round(statistics.median(values) / floor, 2),
            "p95_ratio": round(percentile(values, 95) / floor_p95, 2),
            "n": len(values),
        }
        for label, values in timings.items()
    }


REPORT_CODE = """
import json, resource, sys, time, django
django.setup()
from pathlib import Path
from django.core.management import call_command
args = json.loads(sys.argv[1])
started = time.perf_counter()
call_command("build_report", **args)
print(json.dumps({"seconds": round(time.perf_counter() - started, 2),
                  "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                  "bytes": Path(args["output"]).stat().st_size}))
"""


SECTIONS_CODE = """
import json, time, django
django.setup()
from django.db import connection, reset_queries
from django.utils import timezone
from network import progress
from network.models import Membership
members = Membership.objects.filter(network__slug=%r)
members = list(members.select_related("municipality", "network"))
today = timezone.localdate()
period = progress.Period(members[0].network.started_on, today)
out = {}
for section in progress.sections():
    for name in ("figures", "open_items"):
        call = getattr(section, name, None)
        if call is None:
            continue
        arg = period if name == "figures" else today
        call(members, arg)  # warm
        started = time.perf_counter()
        call(members, arg)
        out[f"{section.key}.{name}"] = round((time.perf_counter() - started) * 1000, 1)
print(json.dumps(out))
"""


def measure_sections(env):
    """Milliseconds each section needs for the 60 members: where dashboard time goes."""
    result = subprocess.run(
        [PYTHON, "-c", SECTIONS_CODE % NETWORK],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "knn_portal.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def measure_report(env, args):
    result = subprocess.run(
        [PYTHON, "-c", REPORT_CODE, json.dumps(args)],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "knn_portal.settings"},
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise SystemExit(result.stderr[-3000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results.json")
    parser.add_argument("--pages-only", action="store_true", help="leave out the reports (quicker)")
    parser.add_argument(
        "--worker",
        action="store_true",
        help="as in production: a broker and a Celery worker that computes the overview "
        "after a change (BENCH_BROKER_URL, default redis://127.0.0.1:6379/10)",
    )
    options = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("DATABASE_URL must point to the PostgreSQL database with the scale data")
    var_dir = ROOT / "var" / "bench"
    var_dir.mkdir(parents=True, exist_ok=True)
    env = bench_env(var_dir)
    if options.worker:
        env = with_worker(env)
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    urls = urls_to_measure(env)
    empty_cache(env)
    worker = start_worker(env) if options.worker else None
    try:
        pages = measure_pages(env, urls, options.rounds, options.warmup, options.workers)
    finally:
        if worker is not None:
            stop(worker)
    member = urls["_member"]
    reports = (
        {}
        if options.pages_only
        else {
            "municipality report": measure_report(
                env,
                {
                    "network": NETWORK,
                    "municipality": member,
                    "year": options.year,
                    "output": str(var_dir / "municipality.pdf"),
                },
            ),
            f"annual report ({urls['_members']} members)": measure_report(
                env,
                {"network": NETWORK, "annual": options.year, "output": str(var_dir / "annual.pdf")},
            ),
        }
    )
    sections = measure_sections(env)
    results = {
        "pages": pages,
        "reports": reports,
        "sections_ms": sections,
        "rounds": options.rounds,
        "workers": options.workers,
        "celery_worker": options.worker,
    }
    options.output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print("| page | p50 (ms) | p95 (ms) | p50 / floor | p95 / floor |")
    print("|---|---:|---:|---:|---:|")
    for label, row in pages.items():
        print(
            f"| {label} | {row['p50_ms']} | {row['p95_ms']} | {row['p50_ratio']} | "
            f"{row['p95_ratio']} |"
        )
    print()
    print("| report | time (s) | peak memory (MB) | size (bytes) |")
    print("|---|---:|---:|---:|")
    for label, row in reports.items():
        print(f"| {label} | {row['seconds']} | {row['peak_mb']} | {row['bytes']:,} |")
    print()
    print("| section call (60 members) | ms |")
    print("|---|---:|")
    for label, ms in sections.items():
        print(f"| {label} | {ms} |")


if __name__ == "__main__":
    main()
