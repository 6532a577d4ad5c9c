"""Real parallel clients against gunicorn with several workers: one winner per race, no 5xx,
and on SQLite never "database is locked"."""

import datetime as dt
import random
import threading
import time
import uuid
from collections import Counter

import pytest
import requests

from .conftest import report, seed
from .harness import NHSNumbers, send, simultaneously

pytestmark = pytest.mark.slow
CLIENTS = 20
LOAD_SECONDS = 30
LOAD_THREADS = 8


def patient(nhs_number: str, name: str = "Race Condition") -> dict:
    return {
        "nhs_number": nhs_number,
        "name": name,
        "date_of_birth": "1970-01-01",
        "postcode": "LS1 4AP",
    }


def booking(nhs_number: str, ids: dict, **extra) -> dict:
    return {
        "patient": nhs_number,
        "starts_at": "2031-06-04T09:00:00+01:00",
        "duration": "20m",
        "clinician": ids["clinician"],
        "department": ids["department"],
        "postcode": "LS1 4AP",
    } | extra


def race_state_changes(servers: list, nhs_numbers: NHSNumbers, ids: dict) -> Counter:
    """20 clients cancel or attend one appointment at once, spread over ``servers``."""
    session = requests.Session()
    nhs_number = nhs_numbers()
    assert session.post(servers[0].url("/api/v1/patients/"), json=patient(nhs_number)).ok
    # Started a minute ago: due, so that attending it is allowed and only the race decides.
    started = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)).isoformat()
    body = booking(nhs_number, ids, starts_at=started)
    created = session.post(servers[0].url("/api/v1/appointments/"), json=body)
    assert created.status_code == 201, created.text
    appointment = created.json()["id"]

    def act(index: int):
        action = "cancel" if index % 2 else "attend"
        server = servers[index % len(servers)]
        response = send(
            requests.Session(), "POST", server.url(f"/api/v1/appointments/{appointment}/{action}/")
        )
        return (
            (response.status_code, response.json().get("code"))
            if response is not None
            else (None, None)
        )

    results = simultaneously(CLIENTS, act)
    final = session.get(servers[0].url(f"/api/v1/appointments/{appointment}/")).json()
    statuses = Counter(status for status, _ in results)
    assert statuses == {200: 1, 409: CLIENTS - 1}, results
    assert final["status"] in ("cancelled", "attended")
    losing_codes = {f"appointment_{final['status']}"}
    assert all(code in losing_codes for status, code in results if status == 409), results
    return statuses


def race_creates(servers: list, nhs_numbers: NHSNumbers) -> Counter:
    """20 clients register one NHS number at once."""
    nhs_number = nhs_numbers()

    def create(index: int):
        server = servers[index % len(servers)]
        body = patient(nhs_number, name=f"Claimant {index}")
        response = send(requests.Session(), "POST", server.url("/api/v1/patients/"), json=body)
        return (
            (response.status_code, response.json().get("code"))
            if response is not None
            else (None, None)
        )

    results = simultaneously(CLIENTS, create)
    assert Counter(status for status, _ in results) == {201: 1, 409: CLIENTS - 1}, results
    assert {code for status, code in results if status == 409} == {"nhs_number_exists"}
    listed = requests.get(servers[0].url("/api/v1/patients/"), params={"nhs_number": nhs_number})
    assert listed.json()["count"] == 1
    return Counter(status for status, _ in results)


def test_simultaneous_state_changes_and_creates_give_one_winner(database_url, servers):
    server = servers(database_url, workers=6)
    ids = seed(server)
    nhs_numbers = NHSNumbers(100_000_000)
    rounds = 5
    for _ in range(rounds):
        race_state_changes([server], nhs_numbers, ids)
        race_creates([server], nhs_numbers)
    backend = database_url.split(":")[0]
    report(
        "races",
        f"{backend}: {rounds} x {CLIENTS} cancel/attend and {rounds} x {CLIENTS} creates of one "
        "NHS number: one winner each, the rest 409",
    )
    assert "database is locked" not in server.log()


def test_two_app_servers_on_one_database_still_give_one_winner(postgresql_url, servers):
    first = servers(postgresql_url, workers=3)
    second = servers(postgresql_url, workers=3)
    ids = seed(first)
    nhs_numbers = NHSNumbers(200_000_000)
    rounds = 5
    for _ in range(rounds):
        race_state_changes([first, second], nhs_numbers, ids)
        race_creates([first, second], nhs_numbers)
    report(
        "two app servers (postgresql)",
        f"{rounds} x {CLIENTS} cancel/attend and {rounds} x {CLIENTS} creates across ports "
        f"{first.port} and {second.port}: one winner each",
    )


class MixedLoad:
    """Clients that read and write for a while, counting statuses and latencies."""

    def __init__(self, server, ids: dict, nhs_numbers: NHSNumbers, seed: int):
        self.server = server
        self.ids = ids
        self.nhs_numbers = nhs_numbers
        self.random = random.Random(seed)
        self.lock = threading.Lock()
        self.statuses: Counter = Counter()
        self.latencies: list[float] = []
        self.patients: list[str] = []
        self.appointments: list[str] = []

    def record(self, response, started: float) -> None:
        with self.lock:
            self.statuses[response.status_code if response is not None else "no answer"] += 1
            self.latencies.append(time.monotonic() - started)

    def step(self, session: requests.Session, rng: random.Random) -> None:
        url = self.server.url
        choice = rng.random()
        started = time.monotonic()
        if choice < 0.15 or not self.patients:
            nhs_number = self.nhs_numbers()
            response = send(session, "POST", url("/api/v1/patients/"), json=patient(nhs_number))
            if response is not None and response.status_code == 201:
                with self.lock:
                    self.patients.append(nhs_number)
        elif choice < 0.30:
            body = booking(rng.choice(self.patients), self.ids, id=str(uuid.uuid4()))
            response = send(session, "POST", url("/api/v1/appointments/"), json=body)
            if response is not None and response.status_code == 201:
                with self.lock:
                    self.appointments.append(body["id"])
        elif choice < 0.40 and self.appointments:
            action = rng.choice(["cancel", "attend"])
            path = f"/api/v1/appointments/{rng.choice(self.appointments)}/{action}/"
            response = send(session, "POST", url(path))
        elif choice < 0.45:
            path = f"/api/v1/patients/{rng.choice(self.patients)}/"
            response = send(session, "PATCH", url(path), json={"phone": "020 7946 0958"})
        elif choice < 0.65:
            params = {"status": rng.choice(["active", "missed", "cancelled", "attended"])}
            response = send(session, "GET", url("/api/v1/appointments/"), params=params)
        elif choice < 0.80:
            response = send(session, "GET", url(f"/api/v1/patients/{rng.choice(self.patients)}/"))
        elif choice < 0.90:
            response = send(session, "GET", url("/api/v1/patients/"), params={"name": "race"})
        else:
            nhs_number = rng.choice(self.patients)
            response = send(session, "GET", url(f"/api/v1/patients/{nhs_number}/appointments/"))
        self.record(response, started)

    def run(self, seconds: float, threads: int) -> None:
        deadline = time.monotonic() + seconds

        def client(index: int) -> None:
            session = requests.Session()
            rng = random.Random(self.random.random() + index)
            while time.monotonic() < deadline:
                self.step(session, rng)

        workers = [threading.Thread(target=client, args=(i,)) for i in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=seconds + 120)

    def summary(self) -> str:
        total = sum(self.statuses.values())
        ordered = sorted(self.latencies)
        p99 = ordered[int(len(ordered) * 0.99) - 1] if ordered else 0
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(self.statuses.items(), key=str))
        return (
            f"{total} requests ({total / LOAD_SECONDS:.0f}/s) from {LOAD_THREADS} clients; "
            f"p99 {p99 * 1000:.0f} ms, max {ordered[-1] * 1000:.0f} ms; {statuses}"
        )


def test_a_mixed_load_gives_no_server_error(database_url, servers):
    server = servers(database_url, workers=4)
    load = MixedLoad(server, seed(server), NHSNumbers(300_000_000), seed=7)
    load.run(LOAD_SECONDS, LOAD_THREADS)
    backend = database_url.split(":")[0]
    report("mixed load", f"{backend}: {load.summary()}")
    log = server.log()
    locked = log.count("database is locked")
    report("mixed load", f"{backend}: 'database is locked' in the server log {locked} times")
    assert sum(load.statuses.values()) > 0
    assert not [status for status in load.statuses if status == "no answer" or status >= 500]
    assert set(load.statuses) <= {200, 201, 409}, load.statuses
    assert "database is locked" not in log
    assert "Traceback" not in log
