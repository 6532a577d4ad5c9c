"""A backup taken with `manage.py backup` while clients write through the API, restored with
`manage.py restore` into an empty database, holds every write answered before the backup began,
whole, and nothing sent after it ended (SQLite: the online backup API; PostgreSQL: pg_dump)."""

import datetime as dt
import itertools
import json
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from .conftest import PG_URL, report, seed
from .harness import (
    ROOT,
    VENV_BIN,
    NHSNumbers,
    drop_postgres_database,
    postgres_database,
    send,
)

pytestmark = pytest.mark.slow
WRITERS = 4


@dataclass
class Write:
    kind: str  # "patient" or "appointment"
    key: str
    body: dict
    sent_at: float
    answered_at: float | None = None
    status: int | None = None
    answer: dict | None = None


class Writers:
    """Clients that register patients and book appointments for them until told to stop."""

    def __init__(self, server, ids: dict):
        self.server, self.ids = server, ids
        self.nhs_numbers = NHSNumbers(500_000_000)
        self.writes: list[Write] = []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        # Each booking in a half-hour of its own, so that none is a double booking.
        self.slots = itertools.count()

    def run(self) -> None:
        session = requests.Session()
        while not self.stop.is_set():
            nhs_number = self.nhs_numbers()
            patient = self.send(session, "patient", nhs_number, "/api/v1/patients/", {
                "nhs_number": nhs_number,
                "name": f"Backed Up {nhs_number}",
                "date_of_birth": "1979-12-31",
                "postcode": "LS1 4AP",
            })  # fmt: skip
            if patient.status == 201:
                key = str(uuid.uuid4())
                self.send(session, "appointment", key, "/api/v1/appointments/", {
                    "id": key,
                    "patient": nhs_number,
                    "starts_at": self.slot(),
                    "duration": "30m",
                    "clinician": self.ids["clinician"],
                    "department": self.ids["department"],
                    "postcode": "LS1 4AP",
                })  # fmt: skip

    def slot(self) -> str:
        starts_at = dt.datetime(2033, 3, 1, 9, 0, tzinfo=dt.UTC)
        return (starts_at + dt.timedelta(minutes=30 * next(self.slots))).isoformat()

    def send(self, session, kind: str, key: str, path: str, body: dict) -> Write:
        write = Write(kind, key, body, time.monotonic())
        response = send(session, "POST", self.server.url(path), json=body)
        write.answered_at = time.monotonic()
        if response is not None:
            write.status, write.answer = response.status_code, response.json()
        with self.lock:
            self.writes.append(write)
        return write


def manage(server, *arguments: str, database_url: str | None = None) -> str:
    env = server.environment() | {"DATABASE_URL": database_url or server.database_url}
    done = subprocess.run(
        [str(VENV_BIN / "python"), str(ROOT / "manage.py"), *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def as_served_by(server, original, answer: dict) -> dict:
    return json.loads(json.dumps(answer).replace(original.base, server.base))


@pytest.fixture
def empty_database(database_url, tmp_path):
    """An empty database of the same kind as ``database_url``, to restore into."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    url = postgres_database(PG_URL, f"panda_restored_{uuid.uuid4().hex[:8]}")
    yield url
    drop_postgres_database(url)


def test_a_backup_taken_during_writes_restores_every_write_answered_before_it(
    database_url, empty_database, servers, tmp_path
):
    server = servers(database_url, workers=3)
    writers = Writers(server, seed(server))
    threads = [threading.Thread(target=writers.run) for _ in range(WRITERS)]
    for thread in threads:
        thread.start()
    time.sleep(3)
    backup = tmp_path / "panda.backup"
    began = time.monotonic()
    manage(server, "backup", str(backup))
    ended = time.monotonic()
    time.sleep(1)
    writers.stop.set()
    for thread in threads:
        thread.join(timeout=60)

    manage(server, "restore", str(backup), "--no-input", database_url=empty_database)
    restored = servers(empty_database, workers=2)

    answered = [w for w in writers.writes if w.status == 201]
    before = [w for w in answered if w.answered_at < began]
    during = [w for w in answered if began <= w.answered_at and w.sent_at <= ended]
    after = [w for w in writers.writes if w.sent_at > ended]
    assert before and during and after, "the backup must be taken while writes go on"
    assert {w.status for w in writers.writes} == {201}
    session = requests.Session()
    for write in before:
        path = f"/api/v1/{write.kind}s/{write.key}/"
        response = session.get(restored.url(path))
        assert response.status_code == 200, (write, response.text)
        # Whole, exactly as answered (its links name the server that answers).
        assert response.json() == as_served_by(restored, server, write.answer), write
    for write in after:
        path = f"/api/v1/{write.kind}s/{write.key}/"
        assert session.get(restored.url(path)).status_code == 404, write
    in_backup = sum(
        session.get(restored.url(f"/api/v1/{w.kind}s/{w.key}/")).status_code == 200 for w in during
    )
    backend = database_url.split(":")[0]
    report(
        "backup during writes",
        f"{backend}: backup took {ended - began:.2f} s ({Path(backup).stat().st_size:,} bytes); "
        f"{len(before)} writes answered before it, all restored whole; {len(during)} answered "
        f"while it ran, {in_backup} of them in it; {len(after)} sent after it, none in it",
    )
