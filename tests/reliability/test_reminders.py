"""Reminders sent by real workers: django-tasks-db's ``db_worker`` and RQ's worker on Redis, as
subprocesses beside a live PANDA, through a local server speaking GOV.UK Notify's API.

- one reminder an offset of a minute before its appointment arrives at Notify, once;
- two workers race over reminders that each have two tasks: each goes exactly once;
- a worker killed (SIGKILL) while Notify holds its request, then restarted: the reminder is
  not sent a second time, and the restarted worker asks Notify and records it sent;
- the same booking, sent by RQ's worker (PANDA_TASKS_BACKEND=rq) on Redis.
"""

import contextlib
import datetime as dt
import os
import signal
import sqlite3
import subprocess
import time

import pytest
import requests

from reminders.tests.notify_server import (
    API_KEY,
    EMAIL_TEMPLATE_ID,
    SMS_TEMPLATE_ID,
    NotifyServer,
)

from .conftest import report, seed
from .harness import ROOT, NHSNumbers

pytestmark = pytest.mark.slow
MOBILE = "07911 123456"
# A database number of Redis of its own, so that other users of the server are untouched.
REDIS_URL = os.environ.get("PANDA_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


@pytest.fixture
def notify():
    with NotifyServer() as server:
        yield server


def reminder_env(notify: NotifyServer, **extra: str) -> dict:
    return {
        "PANDA_REMINDER_SENDER": "notify",
        "PANDA_NOTIFY_API_KEY": API_KEY,
        "PANDA_NOTIFY_BASE_URL": notify.url,
        "PANDA_NOTIFY_SMS_TEMPLATE_ID": SMS_TEMPLATE_ID,
        "PANDA_NOTIFY_EMAIL_TEMPLATE_ID": EMAIL_TEMPLATE_ID,
        "PANDA_REMINDER_OFFSETS": "1m",
        "PANDA_REMINDER_QUIET_HOURS": "",
        **extra,
    }


class Worker:
    """bin/worker as a subprocess, with the server's environment."""

    def __init__(self, server, log_path, *args: str):
        self.log_path = log_path
        with log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [str(ROOT / "bin" / "worker"), *args],
                cwd=ROOT,
                env=server.environment(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def workers(tmp_path):
    started: list[Worker] = []

    def start(server, *args: str) -> Worker:
        worker = Worker(server, tmp_path / f"worker-{len(started)}.log", *args)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def book(server, ids: dict, starts_in: dt.timedelta, nhs_numbers: NHSNumbers) -> str:
    session = requests.Session()
    nhs_number = nhs_numbers()
    patient = session.post(
        server.url("/api/v1/patients/"),
        json={
            "nhs_number": nhs_number,
            "name": "Reminded Patient",
            "date_of_birth": "1970-01-01",
            "postcode": "CF10 1EP",
            "phone": MOBILE,
        },
    )
    assert patient.status_code == 201, patient.text
    starts_at = (dt.datetime.now(dt.UTC) + starts_in).isoformat()
    appointment = session.post(
        server.url("/api/v1/appointments/"),
        json={
            "patient": nhs_number,
            "starts_at": starts_at,
            "duration": "30m",
            "postcode": "CF10 1EP",
            **ids,
        },
    )
    assert appointment.status_code == 201, appointment.text
    return appointment.json()["id"]


def reminders(server, appointment_id: str) -> list[dict]:
    response = requests.get(server.url(f"/api/v1/appointments/{appointment_id}/reminders/"))
    assert response.status_code == 200
    return response.json()["results"]


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_reminder_a_minute_ahead_is_sent_by_a_real_worker(servers, workers, notify, tmp_path):
    server = servers(f"sqlite:///{tmp_path / 'panda.sqlite3'}", 1, **reminder_env(notify))
    ids = seed(server)
    started = time.monotonic()
    appointment = book(server, ids, dt.timedelta(seconds=68), NHSNumbers(100_000_000))
    (planned,) = reminders(server, appointment)
    assert planned["state"] == "scheduled" and planned["offset"] == "1m"
    workers(server, "--interval", "0.2")
    wait_for(lambda: notify.state.accepted, 60, "Notify to accept the reminder")
    (sent,) = wait_for(
        lambda: [r for r in reminders(server, appointment) if r["state"] == "sent"], 20, "sent"
    )
    (accepted,) = notify.state.accepted
    assert accepted["reference"] == sent["id"]
    assert sent["provider_id"] == accepted["id"]
    assert accepted["to"] == "+447911123456"
    assert accepted["received_at"] >= dt.datetime.fromisoformat(planned["due_at"]).timestamp()
    report(
        "reminders",
        f"a reminder due 8 s after booking went after {time.monotonic() - started:.1f} s",
    )


def move(server, appointment_id: str, starts_at: str) -> None:
    response = requests.patch(
        server.url(f"/api/v1/appointments/{appointment_id}/"), json={"starts_at": starts_at}
    )
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_two_workers_racing_send_each_reminder_once(
    servers, workers, notify, tmp_path, backend, request
):
    database = (
        f"sqlite:///{tmp_path / 'panda.sqlite3'}"
        if backend == "sqlite"
        else request.getfixturevalue("postgresql_url")
    )
    server = servers(database, 2, **reminder_env(notify))
    numbers = NHSNumbers(200_000_000)
    # Each with a clinician of its own: one clinician's appointments at one time would clash.
    appointments = [
        book(server, seed(server), dt.timedelta(seconds=90), numbers) for _ in range(12)
    ]
    for appointment in appointments:
        # Away and back: the reminder for the first time is scheduled again, with a second task.
        starts_at = reminders(server, appointment)[0]["appointment_starts_at"]
        moved = (dt.datetime.fromisoformat(starts_at) + dt.timedelta(hours=2)).isoformat()
        move(server, appointment, moved)
        move(server, appointment, starts_at)
    for _ in range(2):
        workers(server, "--interval", "0.1", "--no-startup-delay")
    wanted = {
        r["id"] for a in appointments for r in reminders(server, a) if r["state"] == "scheduled"
    }
    assert len(wanted) == 12
    wait_for(lambda: set(notify.state.references()) >= wanted, 90, "every reminder at Notify")
    time.sleep(2)  # any second send would have arrived by now
    assert notify.state.references() == dict.fromkeys(wanted, 1)
    states = [r["state"] for a in appointments for r in reminders(server, a)]
    assert sorted(states) == ["cancelled"] * 12 + ["sent"] * 12


def test_a_worker_killed_mid_send_never_sends_twice(servers, workers, notify, tmp_path):
    database = tmp_path / "panda.sqlite3"
    env = reminder_env(notify, PANDA_REMINDER_RECOVER_AFTER="3")
    server = servers(f"sqlite:///{database}", 1, **env)
    ids = seed(server)
    appointment = book(server, ids, dt.timedelta(seconds=65), NHSNumbers(300_000_000))
    notify.state.delay = 30  # Notify takes the message, then holds its answer
    worker = workers(server, "--interval", "0.2")
    assert notify.state.received.wait(60), "the worker never called Notify"
    worker.kill()
    (reminder,) = reminders(server, appointment)
    assert reminder["state"] == "sending"
    notify.state.delay = 0
    # The killed task is also run again, as an operator's requeue would.
    with sqlite3.connect(database) as connection:
        requeued = connection.execute(
            "UPDATE django_tasks_database_dbtaskresult SET status = 'READY' "
            "WHERE status = 'RUNNING'"
        ).rowcount
    assert requeued == 1
    workers(server, "--interval", "0.2")  # bin/worker settles what was left sending first
    wait_for(
        lambda: reminders(server, appointment)[0]["state"] == "sent",
        30,
        "the restarted worker to ask Notify and record the reminder sent",
    )
    (accepted,) = notify.state.accepted
    (reminder,) = reminders(server, appointment)
    assert reminder["provider_id"] == accepted["id"]
    assert list(notify.state.references().values()) == [1]  # never sent a second time


def test_the_rq_backend_sends_a_reminder_through_a_real_rq_worker(
    servers, workers, notify, tmp_path
):
    import redis

    connection = redis.Redis.from_url(REDIS_URL)
    connection.flushdb()
    env = reminder_env(notify, PANDA_TASKS_BACKEND="rq", REDIS_URL=REDIS_URL)
    server = servers(f"sqlite:///{tmp_path / 'panda.sqlite3'}", 1, **env)
    ids = seed(server)
    appointment = book(server, ids, dt.timedelta(seconds=66), NHSNumbers(400_000_000))
    (planned,) = reminders(server, appointment)
    assert connection.zcard("rq:scheduled:default") == 1  # held by RQ until its run_after
    workers(server)
    wait_for(lambda: notify.state.accepted, 60, "Notify to accept the reminder")
    (sent,) = wait_for(
        lambda: [r for r in reminders(server, appointment) if r["state"] == "sent"], 20, "sent"
    )
    assert notify.state.references() == {planned["id"]: 1}
    # RQ's scheduler keeps whole seconds: a task may run up to a second before its run_after.
    due = dt.datetime.fromisoformat(planned["due_at"]).timestamp()
    assert notify.state.accepted[0]["received_at"] >= due - 1
    connection.flushdb()
