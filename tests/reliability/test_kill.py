"""kill -9 during a write load: after a restart, every write answered 201 is there and whole,
and nothing that was refused is."""

import datetime as dt
import itertools
import random
import sqlite3
import threading
import time
import uuid
from urllib.parse import urlsplit

import pytest
import requests

from .conftest import report, seed
from .harness import NHSNumbers, Outcome, send

pytestmark = pytest.mark.slow
KILLS = 3
FIRST_SLOT = dt.datetime(2032, 2, 29, 13, 45, tzinfo=dt.UTC)
SLOTS = itertools.count()
WRITERS = 6


class Writers:
    """Clients that register patients and book appointments until the server dies, keeping
    every outcome; some of their writes are meant to be refused."""

    def __init__(self, server, ids: dict, nhs_numbers: NHSNumbers, rng: random.Random):
        self.server = server
        self.ids = ids
        self.nhs_numbers = nhs_numbers
        self.rng = rng
        self.outcomes: list[Outcome] = []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.created_patients: list[str] = []
        self.created_appointments: list[str] = []

    def keep(self, kind: str, key: str, sent: dict, response) -> Outcome:
        body = response.json() if response is not None else {}
        outcome = Outcome(kind, key, sent, response.status_code if response is not None else None)
        outcome.body = body
        with self.lock:
            self.outcomes.append(outcome)
            if outcome.status == 201 and kind == "patient":
                self.created_patients.append(key)
            if outcome.status == 201 and kind == "appointment":
                self.created_appointments.append(key)
        return outcome

    def write_once(self, session: requests.Session, rng: random.Random) -> Outcome:
        choice = rng.random()
        if choice < 0.45 or not self.created_patients:
            nhs_number = self.nhs_numbers()
            body = {
                "nhs_number": nhs_number,
                "name": f"Durable Patient {nhs_number}",
                "date_of_birth": "1980-02-29",
                "postcode": "CF10 1EP",
                "phone": "029 2018 0000",
            }
            if choice < 0.05:
                body["date_of_birth"] = "2999-01-01"  # refused: 400, and must not be stored
            response = send(session, "POST", self.server.url("/api/v1/patients/"), json=body)
            return self.keep("patient", nhs_number, body, response)
        elif choice < 0.55:
            # A second registration of a stored NHS number, under another name: refused (409).
            nhs_number = rng.choice(self.created_patients)
            body = {
                "nhs_number": nhs_number,
                "name": "Impostor",
                "date_of_birth": "1999-09-09",
                "postcode": "EH1 1YZ",
            }
            response = send(session, "POST", self.server.url("/api/v1/patients/"), json=body)
            return self.keep("duplicate patient", nhs_number, body, response)
        elif choice < 0.62 and self.created_appointments:
            # A booking that reuses a stored appointment's id: refused (409).
            key = rng.choice(self.created_appointments)
            body = self.booking(rng.choice(self.created_patients), key, "G1 1XQ")
            response = send(session, "POST", self.server.url("/api/v1/appointments/"), json=body)
            return self.keep("duplicate appointment", key, body, response)
        else:
            key = str(uuid.uuid4())
            body = self.booking(rng.choice(self.created_patients), key, "BS1 4DJ")
            response = send(session, "POST", self.server.url("/api/v1/appointments/"), json=body)
            return self.keep("appointment", key, body, response)

    def booking(self, nhs_number: str, key: str, postcode: str) -> dict:
        # Each booking in a slot of its own, so that none is a double booking.
        starts_at = FIRST_SLOT + dt.timedelta(minutes=75 * next(SLOTS))
        return {
            "id": key,
            "patient": nhs_number,
            "starts_at": starts_at.isoformat(),
            "duration": "1h15m",
            "clinician": self.ids["clinician"],
            "department": self.ids["department"],
            "postcode": postcode,
        }

    def start(self) -> list[threading.Thread]:
        def client(index: int) -> None:
            session = requests.Session()
            rng = random.Random(self.rng.random() + index)
            # A client stops at its first unanswered request: the server has died.
            while not self.stop.is_set() and self.write_once(session, rng).status is not None:
                pass

        threads = [threading.Thread(target=client, args=(i,)) for i in range(WRITERS)]
        for thread in threads:
            thread.start()
        return threads


def verify(server, outcomes: list[Outcome], originals: dict) -> dict:
    """Check each outcome against the restarted server; the counts checked, by kind."""
    session = requests.Session()
    checked = {"present and whole": 0, "refused and absent": 0, "unanswered": 0}
    for outcome in outcomes:
        if outcome.status is None:
            checked["unanswered"] += 1  # lost with the server: either outcome is allowed
            continue
        if outcome.kind == "patient":
            response = session.get(server.url(f"/api/v1/patients/{outcome.key}/"))
            if outcome.status == 201:
                stored = response.json()
                assert response.status_code == 200, outcome
                for name in ("nhs_number", "name", "date_of_birth", "postcode", "phone"):
                    assert stored[name] == outcome.body[name], (name, outcome)
                checked["present and whole"] += 1
            else:
                assert outcome.status == 400, outcome
                assert response.status_code == 404, outcome
                checked["refused and absent"] += 1
        elif outcome.kind == "appointment":
            assert outcome.status == 201, outcome
            response = session.get(server.url(f"/api/v1/appointments/{outcome.key}/"))
            assert response.status_code == 200, outcome
            stored = response.json()
            for name in ("patient", "starts_at", "ends_at", "duration", "postcode", "status"):
                assert stored[name] == outcome.body[name], (name, outcome)
            checked["present and whole"] += 1
        elif outcome.kind == "duplicate patient":
            assert outcome.status == 409, outcome
            stored = session.get(server.url(f"/api/v1/patients/{outcome.key}/")).json()
            assert stored["name"] == originals[outcome.key]["name"] != "Impostor"
            checked["refused and absent"] += 1
        elif outcome.kind == "duplicate appointment":
            assert outcome.status == 409, outcome
            stored = session.get(server.url(f"/api/v1/appointments/{outcome.key}/")).json()
            assert stored["postcode"] == originals[outcome.key] != outcome.sent["postcode"]
            checked["refused and absent"] += 1
    listed = session.get(server.url("/api/v1/patients/"), params={"name": "Impostor"}).json()
    assert listed["count"] == 0
    return checked


def sqlite_integrity(database_url: str) -> str:
    path = urlsplit(database_url).path
    with sqlite3.connect(path) as connection:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]


def test_every_answered_write_survives_kill_minus_9_and_nothing_refused_is_stored(
    database_url, servers
):
    server = servers(database_url, workers=4)
    ids = seed(server)
    rng = random.Random(20261129)
    nhs_numbers = NHSNumbers(400_000_000)
    backend = database_url.split(":")[0]
    all_outcomes: list[Outcome] = []
    for kill in range(1, KILLS + 1):
        writers = Writers(server, ids, nhs_numbers, rng)
        writers.created_patients = [
            o.key for o in all_outcomes if o.kind == "patient" and o.status == 201
        ]
        writers.created_appointments = [
            o.key for o in all_outcomes if o.kind == "appointment" and o.status == 201
        ]
        threads = writers.start()
        time.sleep(rng.uniform(2.0, 4.0))
        processes = server.kill()
        writers.stop.set()
        for thread in threads:
            thread.join(timeout=60)
        if backend == "sqlite":
            assert sqlite_integrity(database_url) == "ok"
        server.start()
        all_outcomes += writers.outcomes
        originals = {o.key: o.body for o in all_outcomes if o.kind == "patient" and o.status == 201}
        originals |= {
            o.key: o.body["postcode"]
            for o in all_outcomes
            if o.kind == "appointment" and o.status == 201
        }
        checked = verify(server, all_outcomes, originals)
        new = verify(server, writers.outcomes, originals)
        report(
            "kill -9",
            f"{backend}, kill {kill} ({processes} processes, {len(writers.outcomes)} writes in "
            f"flight or answered): {new['present and whole']} answered 201 present and whole, "
            f"{new['refused and absent']} refused and absent, {new['unanswered']} unanswered; "
            f"all {checked['present and whole'] + checked['refused and absent']} answered writes "
            "so far re-verified",
        )
        assert new["present and whole"] > 0
        assert new["refused and absent"] > 0
    assert "Traceback" not in server.log()
