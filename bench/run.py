"""``make bench``: PANDA under load, beside the floor of its own stack.

Seeds a database (SQLite under bench/data/, or PostgreSQL when DATABASE_URL is set), serves PANDA
with the production settings and the shipped gunicorn.conf.py, and serves the floor
(bench/floor.py: a bare WSGI app running the same SQL) under plain gunicorn. Both are driven by
wrk on loopback, alternating PANDA and the floor round by round; every request carries
``X-Forwarded-Proto: https`` as it would behind the TLS-terminating proxy. The medians, the
PANDA/floor ratios, SQL queries per request, peak RSS per worker and the cold start go to
bench/results/ as JSON and Markdown, and the table is printed.

Exits with status 1 if any request got a status other than the one expected.
"""

import argparse
import datetime as dt
import http.client
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
DATA = BENCH / "data"
WORK = DATA / "work"
PYTHON_BIN = Path(sys.executable).parent
SECRET = "benchmark-only-secret-key-not-for-production-use-0123456789"
CPUS = os.cpu_count() or 1
# What the POST appointment endpoint books: far enough ahead to stay bookable for years.
TARGETS = {"get_patient": 0.5, "list_100": 0.4, "post_patient": 0.5}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--appointments", type=int, default=20_000)
    parser.add_argument("--duration", type=int, default=10, help="Seconds per measured run.")
    parser.add_argument("--warmup", type=int, default=3, help="Seconds of warm-up per run.")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads.")
    parser.add_argument("--rounds", type=int, default=3, help="PANDA/floor alternations.")
    parser.add_argument("--only", help="Comma-separated endpoint names to measure.")
    parser.add_argument(
        "--reuse", action="store_true", help="Keep an already seeded database of this size."
    )
    return parser.parse_args(argv)


def database_url(args) -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    DATA.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{DATA / f'bench-{args.patients}-{args.appointments}.sqlite3'}"


def sized_database_url(label: str, *sizes: int) -> str:
    """A database of the benchmark ``label``'s own for these sizes: DATABASE_URL's database
    name with ``_label_size...`` added, or a SQLite file ``label-size....sqlite3`` under
    bench/data."""
    url = os.environ.get("DATABASE_URL")
    if url:
        base, _, name = url.rpartition("/")
        return f"{base}/{name.split('?')[0]}_{label}_" + "_".join(map(str, sizes))
    DATA.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{DATA / (f'{label}-' + '-'.join(map(str, sizes)) + '.sqlite3')}"


def setup_django(url: str) -> None:
    os.environ.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="panda_project.settings.production",
        SECRET_KEY=SECRET,
        PANDA_ERASURE_KEY=SECRET,
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def ensure_database(url: str, args) -> None:
    """Start from an empty database (unless reusing one of the right size), migrate and seed.

    The old one is dropped rather than emptied: deleting through the ORM would load every row
    (the audit trail's signals forbid a fast delete), and the POSTs of earlier runs add many."""
    fresh = not (args.reuse and _seeded_size(url) >= args.patients)
    prepare_database(url, fresh)
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    if not fresh:
        print(f"Reusing the seeded database ({url}).")
        return
    from bench.seed import seed

    started = time.perf_counter()
    seed(args.patients, args.appointments)
    print(
        f"Seeded {args.patients:,} patients and {args.appointments:,} appointments "
        f"in {time.perf_counter() - started:.1f} s."
    )


def prepare_database(url: str, fresh: bool = True) -> None:
    """Make sure the database exists, dropping it first if ``fresh`` (SQLite: the file)."""
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        name = url.rsplit("/", 1)[1].split("?")[0]
        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
            if fresh:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            if not exists.fetchone():
                admin.execute(f'CREATE DATABASE "{name}"')
    elif fresh:
        path = Path(url.removeprefix("sqlite:///"))
        for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            stale.unlink(missing_ok=True)


def _seeded_size(url: str) -> int:
    """How many patients the database holds, 0 if it does not exist yet."""
    try:
        if url.startswith(("postgres://", "postgresql://")):
            import psycopg

            with psycopg.connect(url, connect_timeout=5) as connection:
                return connection.execute("SELECT COUNT(*) FROM patients_patient").fetchone()[0]
        import sqlite3

        path = url.removeprefix("sqlite:///")
        if not Path(path).exists():
            return 0
        with sqlite3.connect(path) as connection:
            return connection.execute("SELECT COUNT(*) FROM patients_patient").fetchone()[0]
    except Exception:  # no database or no table yet: seed it
        return 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(port: int, path: str, method: str = "GET", body: bytes | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"X-Forwarded-Proto": "https", "Content-Type": "application/json"}
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


class Server:
    """A gunicorn master we started, with its workers' memory sampled while it runs."""

    def __init__(self, name: str, command: list[str], env: dict, port: int):
        self.name, self.port = name, port
        self.log = open(WORK / f"{name}.log", "w")  # noqa: SIM115
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT
        )
        self.peak_rss: dict[int, int] = {}
        self._sampling = True
        self._sampler = threading.Thread(target=self._sample, daemon=True)

    def wait_ready(self, path: str, timeout: float = 60) -> float:
        """Seconds from launch to the first 200 for ``path``."""
        deadline = self.started + timeout
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{self.name} exited; see {self.log.name}")
            try:
                status, _ = fetch(self.port, path)
                if status == 200:
                    self._sampler.start()
                    return time.perf_counter() - self.started
            except OSError:
                pass
            time.sleep(0.01)
        raise SystemExit(f"{self.name} did not answer 200 within {timeout} s; see {self.log.name}")

    def workers(self) -> list[int]:
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def _sample(self) -> None:
        while self._sampling:
            for pid in self.workers():
                rss = _status_kib(pid, "VmHWM")
                if rss:
                    self.peak_rss[pid] = max(self.peak_rss.get(pid, 0), rss)
            time.sleep(0.25)

    def stop(self) -> None:
        self._sampling = False
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def _status_kib(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def server_env(url: str, port: int) -> dict:
    env = dict(os.environ)
    env.update(
        PATH=f"{PYTHON_BIN}:{env.get('PATH', '')}",
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="panda_project.settings.production",
        SECRET_KEY=SECRET,
        PANDA_ERASURE_KEY=SECRET,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        BIND=f"127.0.0.1:{port}",
        # Access lines cost a write per request; the floor writes none either.
        GUNICORN_ACCESS_LOG="",
        # A rate limit would turn a load test into a test of the rate limit.
        PANDA_API_THROTTLE_RATE="",
        PYTHONPATH=str(ROOT),
    )
    return env


def start_panda(url: str, probe: str) -> tuple[Server, float]:
    port = free_port()
    command = [str(PYTHON_BIN / "gunicorn"), "--config", "gunicorn.conf.py"]
    server = Server(
        "panda", [*command, "panda_project.wsgi:application"], server_env(url, port), port
    )
    return server, server.wait_ready(probe)


def start_floor(url: str, probe: str) -> Server:
    port = free_port()
    command = [
        str(PYTHON_BIN / "gunicorn"),
        # Plain gunicorn: not PANDA's gunicorn.conf.py, which gunicorn reads from the current
        # folder unless told otherwise.
        "--config=/dev/null",
        f"--workers={CPUS}",
        "--worker-class=sync",
        f"--bind=127.0.0.1:{port}",
        "bench.floor:application",
    ]
    server = Server("floor", command, server_env(url, port), port)
    server.wait_ready(probe)
    return server


def ensure_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk:
        return wrk
    print("Installing wrk from Debian's packages…")
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
    return shutil.which("wrk") or "wrk"


def run_wrk(wrk: str, port: int, script_args: list[str], seconds: int, args) -> dict:
    command = [
        wrk,
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{seconds}s",
        "--timeout=10s",
        "-s",
        str(BENCH / "wrk.lua"),
        f"http://127.0.0.1:{port}",
        "--",
        *script_args,
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("WRK_RESULT "))
    result = json.loads(line.removeprefix("WRK_RESULT "))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


class Plan:
    """What each endpoint sends, and the statuses it expects."""

    def __init__(self, args):
        from appointments.models import Appointment
        from clinicians.models import Clinician, Department
        from patients.models import Patient

        self.args = args
        numbers = list(Patient.objects.order_by("id").values_list("nhs_number", flat=True)[:1000])
        self.nhs_number = numbers[len(numbers) // 2]
        self.clinician = Clinician.objects.order_by("id").values_list("id", flat=True).first()
        self.department = Department.objects.order_by("id").values_list("id", flat=True).first()
        self.files = {
            "patients": self._write("patients.txt", [f"/api/v1/patients/{n}/" for n in numbers]),
            "numbers": self._write("numbers.txt", numbers),
        }
        for name, path in GET_PATHS.items():
            self.files[name] = self._write(f"{name}.txt", [path])
        self.stats_path = find_stats_path()
        if self.stats_path:
            self.files["stats"] = self._write("stats.txt", [self.stats_path])
        self.post_start = _next_post_body(Patient)
        self.appointment_model = Appointment
        self.cancel_seed = 0

    def _write(self, name: str, lines: list[str]) -> str:
        path = WORK / name
        path.write_text("\n".join(lines) + "\n")
        return str(path)

    def endpoints(self) -> dict:
        endpoints = {
            "get_patient": (["get", self.files["patients"]], {200}),
            "list_10": (["get", self.files["list_10"]], {200}),
            "list_100": (["get", self.files["list_100"]], {200}),
            "appointments_missed": (["get", self.files["appointments_missed"]], {200}),
            "stats_missed": (["get", self.files.get("stats", "")], {200}),
            "post_patient": (None, {201}),
            "post_appointment": (
                [
                    "post_appointment",
                    self.files["numbers"],
                    str(self.clinician),
                    str(self.department),
                ],
                {201},
            ),
            "post_cancel": (None, {200}),
            "invalid_nhs_400": (["post_invalid"], {400}),
        }
        if not self.stats_path:
            del endpoints["stats_missed"]
        if self.args.only:
            wanted = set(self.args.only.split(","))
            endpoints = {name: spec for name, spec in endpoints.items() if name in wanted}
        return endpoints

    def script_args(self, name: str, spec, seconds: int) -> list[str]:
        """Fresh arguments per wrk invocation where requests must never repeat."""
        if name == "post_appointment":
            # A block of hours of its own per run and per thread (wrk.lua): one clinician, never
            # booked twice at one time (a repeated slot is a 409 under no double bookings).
            self.booking_block = getattr(self, "booking_block", -1) + 1
            return [*spec, str(self.booking_block)]
        if name == "post_patient":
            start = self.post_start
            self.post_start += self.args.threads * 1_000_000
            return ["post_patient", str(start)]
        if name == "post_cancel":
            from django.db import connection

            from bench.seed import future_appointments

            self.cancel_seed += 1
            # Enough for 5,000 requests a second; an id cancelled twice would be a 409.
            ids = future_appointments(max(seconds, 1) * 5000, seed=self.cancel_seed)
            connection.close()
            return ["cancel", self._write("cancel.txt", ids), str(self.args.threads)]
        return spec


GET_PATHS = {
    "list_10": "/api/v1/patients/?limit=10",
    "list_100": "/api/v1/patients/?limit=100",
    "appointments_missed": "/api/v1/appointments/?status=missed",
}


def _next_post_body(patient_model) -> int:
    from bench.fakedata import POST_NHS_START

    highest = (
        patient_model.objects.filter(nhs_number__gte=str(POST_NHS_START))
        .order_by("-nhs_number")
        .values_list("nhs_number", flat=True)
        .first()
    )
    return int(highest[:9]) + 1 if highest else POST_NHS_START


def find_stats_path() -> str | None:
    """The missed-appointments statistics endpoint, if PANDA has one."""
    from django.urls import get_resolver

    for pattern in _patterns(get_resolver()):
        if (
            "stat" in pattern
            and "missed" in pattern
            and "<" not in pattern
            and "(?P" not in pattern
        ):
            return "/" + pattern.replace("^", "").replace("$", "").replace("\\", "")
    return None


def _patterns(resolver, prefix: str = ""):
    for entry in resolver.url_patterns:
        text = prefix + str(entry.pattern)
        if hasattr(entry, "url_patterns"):
            yield from _patterns(entry, text)
        else:
            yield text


def count_queries(plan: Plan) -> dict:
    """SQL queries per request for each endpoint, from one request through Django's test client."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.fakedata import nhs_numbers
    from bench.seed import future_appointments

    client = Client(HTTP_X_FORWARDED_PROTO="https")
    (cancel_id,) = future_appointments(1, seed=10_000)
    number = next(nhs_numbers(990_000_000 + int(time.time()) % 9_000_000))
    patient = {
        "nhs_number": number,
        "name": "Query Count",
        "date_of_birth": "1985-03-14",
        "postcode": "SW1A 1AA",
    }
    appointment = {
        "patient": plan.nhs_number,
        "starts_at": "2031-06-04T16:30:00+01:00",
        "duration": "45m",
        "clinician": plan.clinician,
        "department": plan.department,
        "postcode": "SW1A 1AA",
    }
    invalid = {**patient, "nhs_number": "9434765910"}
    requests = {
        "get_patient": ("get", f"/api/v1/patients/{plan.nhs_number}/", None),
        **{name: ("get", path, None) for name, path in GET_PATHS.items()},
        "stats_missed": ("get", plan.stats_path, None),
        "post_patient": ("post", "/api/v1/patients/", patient),
        "post_appointment": ("post", "/api/v1/appointments/", appointment),
        "post_cancel": ("post", f"/api/v1/appointments/{cancel_id}/cancel/", None),
        "invalid_nhs_400": ("post", "/api/v1/patients/", invalid),
    }
    counts = {}
    for name, (method, path, body) in requests.items():
        if path is None:
            continue
        with CaptureQueriesContext(connection) as queries:
            response = getattr(client, method)(
                path, data=json.dumps(body) if body else None, content_type="application/json"
            )
        counts[name] = {"queries": len(queries), "status": response.status_code}
    connection.close()
    return counts


def check_same_bytes(panda: Server, floor: Server, plan: Plan) -> list[str]:
    """The floor must answer with exactly PANDA's bytes, or the comparison means nothing."""
    problems = []
    for path in (f"/api/v1/patients/{plan.nhs_number}/", GET_PATHS["list_100"]):
        _, ours = fetch(panda.port, path)
        _, theirs = fetch(floor.port, path)
        theirs = theirs.replace(f":{floor.port}/".encode(), f":{panda.port}/".encode())
        if ours != theirs:
            problems.append(path)
    return problems


def measure(args) -> dict:
    url = database_url(args)
    setup_django(url)
    WORK.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    wrk = ensure_wrk()
    ensure_database(url, args)
    plan = Plan(args)
    queries = count_queries(plan)
    from django.db import connection

    connection.close()
    probe = f"/api/v1/patients/{plan.nhs_number}/"
    panda, cold_start = start_panda(url, probe)
    floor = start_floor(url, probe)
    runs: dict[str, dict[str, list]] = {"panda": {}, "floor": {}}
    try:
        mismatches = check_same_bytes(panda, floor, plan)
        endpoints = plan.endpoints()
        floor_endpoints = {"get_patient", "list_100", "post_patient"} & set(endpoints)
        for round_number in range(1, args.rounds + 1):
            for side, server, names in (
                ("panda", panda, list(endpoints)),
                ("floor", floor, [n for n in endpoints if n in floor_endpoints]),
            ):
                for name in names:
                    spec, _ = endpoints[name]
                    if args.warmup:
                        run_wrk(
                            wrk,
                            server.port,
                            plan.script_args(name, spec, args.warmup),
                            args.warmup,
                            args,
                        )
                    result = run_wrk(
                        wrk,
                        server.port,
                        plan.script_args(name, spec, args.duration),
                        args.duration,
                        args,
                    )
                    runs[side].setdefault(name, []).append(result)
                    print(
                        f"  round {round_number} {side:5} {name:20} {result['rps']:8.0f} req/s "
                        f"p50 {result['p50_us'] / 1000:6.2f} ms  statuses {result['statuses']}",
                        flush=True,
                    )
        rss = dict(panda.peak_rss)
        workers = panda.workers()
    finally:
        panda.stop()
        floor.stop()
    return summarise(args, url, endpoints, runs, queries, cold_start, rss, workers, mismatches)


def _median(results: list[dict], key: str) -> float:
    return statistics.median(result[key] for result in results)


def summarise(args, url, endpoints, runs, queries, cold_start, rss, workers, mismatches) -> dict:
    rows, failures = [], []
    for name, (_, expected) in endpoints.items():
        results = runs["panda"][name]
        statuses: dict[str, int] = {}
        for result in results:
            for status, count in result["statuses"].items():
                statuses[status] = statuses.get(status, 0) + count
        unexpected = {s: n for s, n in statuses.items() if int(s) not in expected}
        if unexpected:
            failures.append(f"{name}: unexpected statuses {unexpected}")
        floor = runs["floor"].get(name)
        row = {
            "endpoint": name,
            "rps": _median(results, "rps"),
            "p50_ms": _median(results, "p50_us") / 1000,
            "p99_ms": _median(results, "p99_us") / 1000,
            "statuses": statuses,
            "socket_errors": sum(sum(r["errors"].values()) for r in results),
            "queries": queries.get(name, {}).get("queries"),
            "rounds_rps": [round(r["rps"]) for r in results],
            "floor_rps": _median(floor, "rps") if floor else None,
            "floor_rounds_rps": [round(r["rps"]) for r in floor] if floor else None,
        }
        if floor:
            for result in floor:
                bad = {s: n for s, n in result["statuses"].items() if int(s) not in expected}
                if bad:
                    failures.append(f"floor {name}: unexpected statuses {bad}")
        rows.append(row)
    by_name = {row["endpoint"]: row for row in rows}
    ratios = {}
    for name in ("get_patient", "list_100"):
        if name in by_name and by_name[name]["floor_rps"]:
            ratios[name] = by_name[name]["rps"] / by_name[name]["floor_rps"]
    if "post_patient" in by_name and "list_100" in by_name and by_name["list_100"]["floor_rps"]:
        ratios["post_patient"] = by_name["post_patient"]["rps"] / by_name["list_100"]["floor_rps"]
    if "post_patient" in by_name and by_name["post_patient"]["floor_rps"]:
        ratios["post_patient_vs_write_floor"] = (
            by_name["post_patient"]["rps"] / by_name["post_patient"]["floor_rps"]
        )
    if mismatches:
        failures.append(f"the floor's bytes differ from PANDA's for {mismatches}")
    for name, count in queries.items():
        if count["status"] >= 500:
            failures.append(f"{name}: the query-count request got {count['status']}")
    return {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "database": "postgresql" if url.startswith("postgres") else "sqlite",
        "patients": args.patients,
        "appointments": args.appointments,
        "duration_s": args.duration,
        "warmup_s": args.warmup,
        "connections": args.connections,
        "rounds": args.rounds,
        "cpus": CPUS,
        "python": platform.python_version(),
        "gunicorn": gunicorn_settings(),
        "load_average": os.getloadavg(),
        "cold_start_s": cold_start,
        "peak_rss_mib_per_worker": sorted(round(kib / 1024, 1) for kib in rss.values()),
        "workers_at_end": len(workers),
        "endpoints": rows,
        "ratios": ratios,
        "targets": TARGETS,
        "failures": failures,
    }


def gunicorn_settings() -> str:
    env = server_env("", 0)
    code = (
        "import runpy; c = runpy.run_path('gunicorn.conf.py'); "
        "print(c['workers'], c['worker_class'], c.get('threads', 1))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    ).stdout.split()
    return f"{output[0]} {output[1]} workers × {output[2]} threads" if output else "?"


def markdown(summary: dict) -> str:
    lines = [
        f"PANDA on {summary['database']}, {summary['patients']:,} patients / "
        f"{summary['appointments']:,} appointments; wrk {summary['connections']} connections, "
        f"{summary['duration_s']} s runs after {summary['warmup_s']} s warm-up, median of "
        f"{summary['rounds']} rounds alternating with the floor; {summary['cpus']} CPUs, "
        f"gunicorn {summary['gunicorn']}.",
        "",
        "| Endpoint | req/s | p50 ms | p99 ms | statuses | SQL/req | floor req/s | PANDA/floor |",
        "|---|---:|---:|---:|---|---:|---:|---:|",
    ]
    for row in summary["endpoints"]:
        name = row["endpoint"]
        ratio = summary["ratios"].get(name)
        floor = f"{row['floor_rps']:.0f}" if row["floor_rps"] else ""
        if name == "post_patient" and ratio is not None:
            floor = f"{row['floor_rps']:.0f} (list 100: {_list_floor(summary):.0f})"
        target = summary["targets"].get(name)
        ratio_text = f"{ratio:.2f} (target ≥ {target})" if ratio is not None else ""
        statuses = ", ".join(f"{s}: {n}" for s, n in sorted(row["statuses"].items()))
        lines.append(
            f"| {name} | {row['rps']:.0f} | {row['p50_ms']:.2f} | {row['p99_ms']:.2f} | "
            f"{statuses} | {row['queries'] if row['queries'] is not None else ''} | {floor} | "
            f"{ratio_text} |"
        )
    rss = summary["peak_rss_mib_per_worker"]
    lines += [
        "",
        "post_patient's ratio is to the floor's list-100 figure; to the write floor it is "
        f"{summary['ratios'].get('post_patient_vs_write_floor', float('nan')):.2f}.",
        f"Cold start to the first 200: {summary['cold_start_s']:.2f} s. Peak RSS per worker: "
        f"{', '.join(f'{m} MiB' for m in rss) or 'n/a'}. Load average at the end: "
        f"{', '.join(f'{x:.1f}' for x in summary['load_average'])}.",
    ]
    if summary["failures"]:
        lines += ["", "FAILURES:", *(f"- {failure}" for failure in summary["failures"])]
    return "\n".join(lines) + "\n"


def _list_floor(summary: dict) -> float:
    for row in summary["endpoints"]:
        if row["endpoint"] == "list_100" and row["floor_rps"]:
            return row["floor_rps"]
    return float("nan")


def main(argv=None) -> int:
    args = parse_args(argv)
    summary = measure(args)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    table = markdown(summary)
    for name in (f"bench-{stamp}", "latest"):
        (RESULTS / f"{name}.json").write_text(json.dumps(summary, indent=2) + "\n")
        (RESULTS / f"{name}.md").write_text(table)
    print()
    print(table)
    print(f"Written to {RESULTS}/bench-{stamp}.json and .md")
    return 1 if summary["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
