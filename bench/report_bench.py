"""Time, memory and SQL queries of the PDF reports, with WeasyPrint's invoice as the anchor.

    for size in 60 200; do   # two databases: in each, network scale-0 has `size` members
        db=knn_bench_reports; [ $size = 200 ] && db=knn_bench_reports_200
        createdb -h 127.0.0.1 -U postgres $db
        export DATABASE_URL=postgres://postgres@127.0.0.1:5432/$db
        .venv/bin/python manage.py migrate -v 0
        .venv/bin/python manage.py generate_scale_data --networks 3 \\
            --memberships $((size + 2)) --big-network $size
    done
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/knn_bench_reports \\
        .venv/bin/python bench/report_bench.py --rounds 5 --year 2026

The generator gives only its first network a chosen size, so the 200-member network lives
in a second database (`--database-200`, by default the name of DATABASE_URL's database
with `_200`); per member both hold the same amount of data (the generator's defaults).

Every measurement runs in a fresh process, the kinds interleaved round by round (invoice,
invoice PDF/UA-1, municipality report, annual report 60, annual report 200, invoice, …), so
each sees the same machine state; the median over the rounds is reported. The reports are
built only through `manage.py build_report` (call_command), the one interface that stays
while the report code changes. The anchor is WeasyPrint's invoice sample with 50 rows,
written plainly (no pdf_variant), the figure WeasyPrint itself would give; the PDF/UA-1
invoice (the variant the reports are written in) is measured beside it. Writes
bench/reports.json and prints Markdown.

`--root DIR` measures another checkout with the same script and data, e.g. the figures
before a change: `mkdir /tmp/knn-before && git archive HEAD | tar -x -C /tmp/knn-before`.
Both databases must be migrated to the measured code (the script checks it).
"""

import argparse
import contextlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.parse
import zlib
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run_bench import NETWORK, PYTHON, ROOT, bench_env  # noqa: E402 - same environment

INVOICE_DIR = Path(__file__).resolve().parent / "invoice"
INVOICE_ROWS = 50
# A Redis database of its own (run_bench uses 9 and 10, the worker tests 7, 8, …): emptied
# before every report, so that each one is computed from the database, as a fresh annual
# report is, and nothing is carried from one database to the other.
DEFAULT_CACHE_URL = "redis://127.0.0.1:6379/12"

INVOICE = "invoice, 50 rows (plain) – anchor"
INVOICE_UA = "invoice, 50 rows (PDF/UA-1)"
MUNICIPALITY = "municipality report (60-member network)"
ANNUAL_60 = "annual report, 60 members"
ANNUAL_200 = "annual report, 200 members"

# The targets. The annual figures of the issue were measured with process start, so
# they are held against the wall time of the process; the ratio compares the calls (the
# invoice process imports only WeasyPrint, a report process all of Django).
SECONDS_ANNUAL_60 = 3.0
SECONDS_ANNUAL_200 = 8.0
MB_ANNUAL_200 = 400
RATIO_MUNICIPALITY = 1.5

INVOICE_CODE = """
import json, resource, sys, time
from pathlib import Path
from weasyprint import HTML
args = json.loads(sys.argv[1])
source = Path(args["html"]).read_text()
started = time.perf_counter()
pdf = HTML(string=source, base_url=args["base_url"]).write_pdf(**args["options"])
seconds = time.perf_counter() - started
Path(args["output"]).write_bytes(pdf)
print("RESULT", json.dumps({
    "seconds": seconds,
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "queries": 0,
}))
"""

REPORT_CODE = """
import json, resource, sys, time, django
django.setup()
from django.core.management import call_command, get_commands, load_command_class
from django.db import connection
from django.test.utils import CaptureQueriesContext
args = json.loads(sys.argv[1])
# Imported and connected before the clock starts, as in a worker that builds reports: the
# call measures the report, not importing WeasyPrint or opening the connection.
load_command_class(get_commands()["build_report"], "build_report")
connection.ensure_connection()
with CaptureQueriesContext(connection) as queries:
    started = time.perf_counter()
    call_command("build_report", **args)
    seconds = time.perf_counter() - started
print("RESULT", json.dumps({
    "seconds": seconds,
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "queries": len(queries),
}))
"""

MEMBERS_CODE = f"""
import json, django
django.setup()
from network.models import Membership
members = Membership.objects.filter(network__slug={NETWORK!r}).select_related("municipality")
first = members.order_by("pk").first()
print("RESULT", json.dumps({{"members": members.count(), "first": first.municipality.slug}}))
"""


def invoice_html() -> str:
    """The sample's page with INVOICE_ROWS item rows and their total."""
    items = ["Website design", "Website development", "Website integration", "Hosting"]
    rows, total = [], 0
    for n in range(INVOICE_ROWS):
        price, quantity = 15 + 5 * (n % 7), 1 + n % 4
        total += price * quantity
        rows.append(
            f"        <tr><td>{items[n % len(items)]} ({n + 1})</td><td>€{price}</td>"
            f"<td>{quantity}</td><td>€{price * quantity}</td></tr>"
        )
    page = (INVOICE_DIR / "invoice.html").read_text()
    for marker in ("<!-- items -->", "<!-- total -->"):
        if page.count(marker) != 1:
            raise SystemExit(f"{INVOICE_DIR / 'invoice.html'}: {marker} must occur once")
    return page.replace("<!-- items -->", "\n".join(rows)).replace("<!-- total -->", f"€{total}")


def database_200(database_60: str) -> str:
    parts = urllib.parse.urlsplit(database_60)
    return urllib.parse.urlunsplit(parts._replace(path=parts.path.rstrip("/") + "_200"))


def without_password(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def child(code: str, args: dict, env: dict, root: Path) -> dict:
    """Run `code` in a fresh Python in the checkout `root`; its RESULT line, plus the wall
    time from start to exit."""
    started = time.perf_counter()
    result = subprocess.run(
        [PYTHON, "-c", code, json.dumps(args)],
        cwd=root,
        env={**env, "DJANGO_SETTINGS_MODULE": "knn_portal.settings"},
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - started
    if result.returncode:
        raise SystemExit(f"{args}\n{result.stderr[-3000:]}")
    line = [line for line in result.stdout.splitlines() if line.startswith("RESULT ")][-1]
    return {**json.loads(line.removeprefix("RESULT ")), "wall_seconds": wall}


def page_count(pdf: Path) -> int:
    """Pages of a PDF: pdfinfo (poppler-utils) where installed, else the page objects,
    counted also inside the compressed object streams WeasyPrint writes."""
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
        return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE).group(1))
    data = pdf.read_bytes()
    chunks = [data]
    for stream in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.DOTALL):
        with contextlib.suppress(zlib.error):  # not a Flate stream
            chunks.append(zlib.decompressobj().decompress(stream.group(1)))
    return sum(len(re.findall(rb"/Type\s*/Page(?![A-Za-z])", chunk)) for chunk in chunks)


def code_version(root: Path) -> str:
    """The commit measured, with `+changes` for a working tree that differs from it."""
    if not (root / ".git").exists():
        return "not a git checkout"
    head = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    changed = subprocess.run(
        ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    return f"{head}+changes" if changed else head


def empty_cache(url: str):
    import redis

    redis.Redis.from_url(url).flushdb()


def load() -> float:
    return round(os.getloadavg()[0], 2)


def measure(code, args, env, root, cache_url):
    if cache_url:
        empty_cache(cache_url)
    load_before = load()
    row = child(code, args, env, root)
    output = Path(args["output"])
    return {
        "seconds": round(row["seconds"], 3),
        "wall_seconds": round(row["wall_seconds"], 3),
        "peak_mb": round(row["peak_mb"], 1),
        "queries": row["queries"],
        "bytes": output.stat().st_size,
        "pages": page_count(output),
        "load_1min": load_before,
    }


def median_row(runs: list[dict]) -> dict:
    keys = ("seconds", "wall_seconds", "peak_mb", "queries", "bytes", "pages")
    row = {key: round(statistics.median(run[key] for run in runs), 3) for key in keys}
    # Counts should not vary from round to round; if they do, the spread shows it.
    for key in ("queries", "bytes", "pages"):
        row[key] = int(row[key])
        if len({run[key] for run in runs}) > 1:
            row[f"{key}_range"] = [min(run[key] for run in runs), max(run[key] for run in runs)]
    return row


def targets(results: dict) -> list[dict]:
    invoice, municipality = results[INVOICE], results[MUNICIPALITY]
    annual_60, annual_200 = results[ANNUAL_60], results[ANNUAL_200]
    ratio = municipality["seconds"] / invoice["seconds"]
    per_member = (annual_200["queries"] - annual_60["queries"]) / 140
    return [
        {
            "target": "annual report: the same number of queries at 60 and 200 members",
            "measured": f"{annual_60['queries']} / {annual_200['queries']} queries "
            f"({per_member:+.1f} per member)",
            "met": annual_60["queries"] == annual_200["queries"],
        },
        {
            "target": f"annual report, 60 members ≤ {SECONDS_ANNUAL_60:g} s with process start",
            "measured": f"{annual_60['wall_seconds']:.2f} s",
            "met": annual_60["wall_seconds"] <= SECONDS_ANNUAL_60,
        },
        {
            "target": f"annual report, 200 members ≤ {SECONDS_ANNUAL_200:g} s with process start",
            "measured": f"{annual_200['wall_seconds']:.2f} s",
            "met": annual_200["wall_seconds"] <= SECONDS_ANNUAL_200,
        },
        {
            "target": f"annual report, 200 members ≤ {MB_ANNUAL_200} MB peak memory",
            "measured": f"{annual_200['peak_mb']:.0f} MB",
            "met": annual_200["peak_mb"] <= MB_ANNUAL_200,
        },
        {
            "target": f"municipality report ≤ {RATIO_MUNICIPALITY:g} × invoice (call)",
            "measured": f"{municipality['seconds']:.2f} s / {invoice['seconds']:.2f} s "
            f"= {ratio:.2f} ×",
            "met": ratio <= RATIO_MUNICIPALITY,
        },
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument(
        "--database-60",
        default=os.environ.get("DATABASE_URL", ""),
        help="PostgreSQL database whose network scale-0 has 60 members (default DATABASE_URL)",
    )
    parser.add_argument(
        "--database-200",
        help="PostgreSQL database whose network scale-0 has 200 members "
        "(default: the database of --database-60 with '_200')",
    )
    parser.add_argument(
        "--cache-url",
        default=os.environ.get("BENCH_REPORTS_CACHE_URL", DEFAULT_CACHE_URL),
        help="Redis database the reports may cache in, emptied before each report "
        "('' for each process's own memory)",
    )
    parser.add_argument(
        "--root",
        type=Path,
        default=ROOT,
        help="the checkout whose reports are measured, e.g. HEAD unpacked with "
        "`git archive HEAD | tar -x -C DIR` for the figures before a change",
    )
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "reports.json")
    options = parser.parse_args()
    root = options.root.resolve()
    databases = {60: options.database_60}
    databases[200] = options.database_200 or database_200(options.database_60)
    if not all(url.startswith("postgres") for url in databases.values()):
        raise SystemExit("DATABASE_URL / --database-60 must point to the PostgreSQL scale data")

    var_dir = root / "var" / "bench-reports"
    pdf_dir = var_dir / "pdf"
    pdf_dir.mkdir(parents=True, exist_ok=True)
    base = {**bench_env(var_dir), "CACHE_URL": options.cache_url}
    envs = {size: {**base, "DATABASE_URL": url} for size, url in databases.items()}
    for size, env in envs.items():
        migrated = subprocess.run(
            [PYTHON, "manage.py", "migrate", "--check", "-v", "0"], cwd=root, env=env
        )
        if migrated.returncode:
            raise SystemExit(
                f"{without_password(databases[size])} lacks migrations of {root}: run "
                f"DATABASE_URL=… {PYTHON} manage.py migrate there first"
            )
    subprocess.run(  # the manifest that {% static %} needs with DEBUG off
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=root,
        env=envs[60],
        check=True,
    )
    members = {size: child(MEMBERS_CODE, {}, env, root) for size, env in envs.items()}
    for size, found in members.items():
        if found["members"] != size:
            raise SystemExit(
                f"{without_password(databases[size])}: {NETWORK} has {found['members']} "
                f"members, not {size}"
            )

    html_file = pdf_dir / "invoice.html"
    html_file.write_text(invoice_html())
    invoice = {"html": str(html_file), "base_url": str(INVOICE_DIR) + "/"}
    plan = [
        (INVOICE, INVOICE_CODE, {**invoice, "options": {}}, 60),
        (INVOICE_UA, INVOICE_CODE, {**invoice, "options": {"pdf_variant": "pdf/ua-1"}}, 60),
        (
            MUNICIPALITY,
            REPORT_CODE,
            {"network": NETWORK, "municipality": members[60]["first"], "year": options.year},
            60,
        ),
        (ANNUAL_60, REPORT_CODE, {"network": NETWORK, "annual": options.year}, 60),
        (ANNUAL_200, REPORT_CODE, {"network": NETWORK, "annual": options.year}, 200),
    ]
    runs = {label: [] for label, *_ in plan}
    started_at, load_start = datetime.now(UTC), os.getloadavg()
    for n in range(options.rounds):
        for index, (label, code, args, size) in enumerate(plan):
            args = {**args, "output": str(pdf_dir / f"{index}.pdf")}
            cache_url = options.cache_url if code is REPORT_CODE else ""
            row = measure(code, args, envs[size], root, cache_url)
            runs[label].append(row)
            print(
                f"round {n + 1}/{options.rounds} {label}: {row['seconds']:.2f} s call, "
                f"{row['wall_seconds']:.2f} s with start, {row['peak_mb']:.0f} MB, "
                f"{row['queries']} queries, load {row['load_1min']}",
                file=sys.stderr,
            )
    load_end = os.getloadavg()
    results = {label: median_row(rows) for label, rows in runs.items()}
    checks = targets(results)
    loads = [row["load_1min"] for rows in runs.values() for row in rows]
    report = {
        "started_at": started_at.isoformat(timespec="seconds"),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "load_average_start": [round(x, 2) for x in load_start],
        "load_average_end": [round(x, 2) for x in load_end],
        "load_1min_range": [min(loads), max(loads)],
        "cpus": os.cpu_count(),
        "root": str(root),
        "code": code_version(root),
        "rounds": options.rounds,
        "year": options.year,
        "network": NETWORK,
        "municipality": members[60]["first"],
        "databases": {str(size): without_password(url) for size, url in databases.items()},
        "anchor": INVOICE,
        "results": results,
        "runs": runs,
        "targets": checks,
    }
    options.output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")

    print(
        f"\n{options.rounds} rounds, medians; load average (1/5/15 min) "
        f"{' / '.join(f'{x:.2f}' for x in load_start)} at the start, "
        f"{' / '.join(f'{x:.2f}' for x in load_end)} at the end, {os.cpu_count()} cores; "
        f"code {report['code']} in {root}\n"
    )
    print(
        "| PDF | call (s) | with process start (s) | peak memory (MB) | queries | bytes | pages |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label, row in results.items():
        print(
            f"| {label} | {row['seconds']:.2f} | {row['wall_seconds']:.2f} | "
            f"{row['peak_mb']:.0f} | {row['queries']} | {row['bytes']:,} | {row['pages']} |"
        )
    print("\n| target | measured | met |")
    print("|---|---|---|")
    for check in checks:
        print(f"| {check['target']} | {check['measured']} | {'yes' if check['met'] else 'no'} |")


if __name__ == "__main__":
    main()
