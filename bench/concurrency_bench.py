"""Many visitors at once: p50/p95 of the busy pages with 16 clients against gunicorn.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/knn_bench \\
        .venv/bin/python bench/concurrency_bench.py --clients 16 --seconds 60 --worker

The scale data set and the helpers of bench/run_bench.py. Every client is a logged-in
moderator of "scale-0" asking, without pause, for the moderator dashboard, the adoption
matrix of a member, the project comparison and the profile page (the floor), in turns.
Meanwhile a colleague changes the network's data every `--change-every` seconds (a
DataChange row, what every save does): the dashboard requests that start within
`--after` seconds of a change are also counted as "right after a change" — the moment
every busy web process would compute the same overview at once.

gunicorn runs `--workers` processes with `--threads` threads each (gthread), so
16 clients meet 2 cores with some requests queued, as a small production server would.
`--root` measures another checkout with the same script (e.g. a git worktree of the code
before a change). Writes bench/concurrency.json and prints Markdown.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run_bench  # noqa: E402 - the helpers of the sequential benchmark

AFTER_A_CHANGE = "moderator dashboard, right after a change"


def start_gunicorn(env, root, workers, threads):
    server, port = run_bench.start_gunicorn(
        env,
        workers,
        root=root,
        options=[
            "--threads",
            str(threads),
            "-k",
            "gthread",
            "--backlog",
            "64",
            "--keep-alive",
            "75",
        ],
    )
    run_bench.wait_for(f"http://127.0.0.1:{port}/healthz")
    return server, port


def measure(port, pages, clients, seconds, change, change_every, after):
    """Requests of all clients as (label, started, ms), and the times of the changes."""
    sessions = []
    for _ in range(clients):
        session = run_bench.Session("127.0.0.1", port)
        session.log_in(run_bench.EMAIL, run_bench.PASSWORD)
        for path in pages.values():  # warm: every process has imported and cached
            session.get(path)
        sessions.append(session)
    samples, changes, errors = [], [], []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    labels = list(pages)

    def client(number, session):
        turn = number  # clients start at different pages
        while time.monotonic() < stop_at:
            label = labels[turn % len(labels)]
            turn += 1
            started = time.monotonic()
            status, body = session.get(pages[label])
            elapsed = (time.monotonic() - started) * 1000
            if status != 200 or b"<html" not in body:
                errors.append(f"{label}: HTTP {status}")
                return
            with lock:
                samples.append((label, started, elapsed, b"wird aktualisiert" in body))

    def colleague():
        while time.monotonic() < stop_at - after:
            time.sleep(change_every)
            change()
            with lock:
                changes.append(time.monotonic())

    threads = [threading.Thread(target=client, args=(i, s)) for i, s in enumerate(sessions)]
    threads.append(threading.Thread(target=colleague))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise SystemExit("; ".join(errors[:5]))
    return samples, changes


def summarise(samples, changes, after, seconds):
    timings = {}
    stale = {}
    for label, started, ms, refreshing in samples:
        timings.setdefault(label, []).append(ms)
        stale[label] = stale.get(label, 0) + refreshing
        if label == "moderator dashboard" and any(0 <= started - c <= after for c in changes):
            timings.setdefault(AFTER_A_CHANGE, []).append(ms)
            stale[AFTER_A_CHANGE] = stale.get(AFTER_A_CHANGE, 0) + refreshing
    floor_p95 = run_bench.percentile(timings["floor (profile)"], 95)
    return {
        label: {
            "p50_ms": round(statistics.median(values), 1),
            "p95_ms": round(run_bench.percentile(values, 95), 1),
            "p95_ratio": round(run_bench.percentile(values, 95) / floor_p95, 2),
            "n": len(values),
            "served_previous": stale.get(label, 0),
        }
        for label, values in timings.items()
    } | {"_throughput_per_s": round(len(samples) / seconds, 1)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per process")
    parser.add_argument("--change-every", type=float, default=3.0, help="seconds")
    parser.add_argument("--after", type=float, default=1.0, help="seconds after a change")
    parser.add_argument("--worker", action="store_true", help="a Celery worker (run_bench)")
    parser.add_argument("--root", type=Path, default=run_bench.ROOT, help="checkout to measure")
    parser.add_argument(
        "--output", type=Path, default=run_bench.ROOT / "bench" / "concurrency.json"
    )
    options = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("DATABASE_URL must point to the PostgreSQL database with the scale data")
    root = options.root.resolve()
    run_bench.ROOT = root  # the helpers run their Django processes there
    var_dir = root / "var" / "bench"
    var_dir.mkdir(parents=True, exist_ok=True)
    env = run_bench.bench_env(var_dir)
    if options.worker:
        env = run_bench.with_worker(env)
    subprocess.run(
        [run_bench.PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=root,
        env=env,
        check=True,
    )
    urls = run_bench.urls_to_measure(env)
    pages = {k: v for k, v in urls.items() if not k.startswith("_")}
    run_bench.empty_cache(env)
    worker = run_bench.start_worker(env) if options.worker else None
    server, port = start_gunicorn(env, root, options.workers, options.threads)
    try:
        samples, changes = measure(
            port,
            pages,
            options.clients,
            options.seconds,
            run_bench.mark_changed(env["DATABASE_URL"]),
            options.change_every,
            options.after,
        )
    finally:
        run_bench.stop(server)
        if worker is not None:
            run_bench.stop(worker)
    results = {
        "pages": summarise(samples, changes, options.after, options.seconds),
        "clients": options.clients,
        "seconds": options.seconds,
        "gunicorn": f"{options.workers} processes × {options.threads} threads (gthread)",
        "celery_worker": options.worker,
        "changes": len(changes),
        "root": str(root),
    }
    options.output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(
        f"{options.clients} clients, {options.seconds:g} s, gunicorn {results['gunicorn']}, "
        f"worker: {options.worker}, {len(changes)} changes, "
        f"{results['pages']['_throughput_per_s']} requests/s"
    )
    print("| page | p50 (ms) | p95 (ms) | p95 / floor | n | served previous |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, row in results["pages"].items():
        if not label.startswith("_"):
            print(
                f"| {label} | {row['p50_ms']} | {row['p95_ms']} | {row['p95_ratio']} | "
                f"{row['n']} | {row['served_previous']} |"
            )


if __name__ == "__main__":
    main()
