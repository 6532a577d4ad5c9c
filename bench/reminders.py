"""10,000 reminders due at once, sent by real workers through a local server speaking GOV.UK
Notify's API, at Notify's limit of 3,000 messages a minute.

    python bench/reminders.py [--reminders 10000] [--workers 3]     (or: make bench-reminders)

Books the appointments through PANDA's import service on a fresh SQLite database under
bench/data/ (their reminders planned by reminders.services, a day ahead), then makes every
reminder and its task due now and starts ``--workers`` workers (bin/worker: django-tasks-db's
db_worker). The local Notify answers 429 beyond 3,000 messages in any 60 seconds, as Notify
does. Reports the time to send them all, the most accepted in any 60 seconds, the 429s, any
reminder lost or sent twice, and each worker's peak memory (VmHWM); writes
bench/results/reminders.json.
"""

import argparse
import collections
import datetime as dt
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import DATA, RESULTS, SECRET  # noqa: E402
from reminders.tests.notify_server import (  # noqa: E402
    API_KEY,
    EMAIL_TEMPLATE_ID,
    SMS_TEMPLATE_ID,
    NotifyServer,
)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reminders", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--timeout", type=int, default=900, help="Seconds to wait at most.")
    return parser.parse_args()


def environment(url: str, notify: NotifyServer) -> dict:
    return {
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "panda_project.settings.production",
        "SECRET_KEY": SECRET,
        "PANDA_ERASURE_KEY": SECRET,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PANDA_REMINDER_SENDER": "notify",
        "PANDA_NOTIFY_API_KEY": API_KEY,
        "PANDA_NOTIFY_BASE_URL": notify.url,
        "PANDA_NOTIFY_SMS_TEMPLATE_ID": SMS_TEMPLATE_ID,
        "PANDA_NOTIFY_EMAIL_TEMPLATE_ID": EMAIL_TEMPLATE_ID,
        "PANDA_REMINDER_OFFSETS": "1d",
        "PANDA_REMINDER_QUIET_HOURS": "",
        "PANDA_TASKS_BACKEND": "db",
        "LOG_LEVEL": "WARNING",
    }


def book(count: int) -> float:
    """``count`` patients with mobile numbers, each with an appointment in two days; the
    seconds that planning their reminders took."""
    from django.utils import timezone

    from appointments.services import appointment_record_many, appointment_record_prepare
    from clinicians.models import Clinician, Department
    from patients.fake import random_nhs_number
    from patients.models import Patient
    from patients.services import patient_create_many

    clinician = Clinician.objects.create(name="Dr Bench")
    department = Department.objects.create(name="Bench")
    numbers = set()
    while len(numbers) < count:
        numbers.add(random_nhs_number())
    patients = [
        Patient(
            nhs_number=number,
            name=f"Patient {i}",
            date_of_birth=dt.date(1970, 1, 1),
            postcode="CF10 1EP",
            phone=f"+447911{i:06d}",
        )
        for i, number in enumerate(sorted(numbers))
    ]
    patient_create_many(patients)
    starts = timezone.now() + dt.timedelta(days=2)
    appointments = [
        appointment_record_prepare(
            id=uuid.uuid4(),
            patient=patient,
            status="active",
            starts_at=starts + dt.timedelta(minutes=i % 480),
            duration=dt.timedelta(minutes=15),
            clinician=clinician,
            department=department,
            postcode="CF10 1EP",
        )
        for i, patient in enumerate(Patient.objects.all())
    ]
    started = time.monotonic()
    appointment_record_many(appointments)
    return time.monotonic() - started


def make_due_now() -> None:
    """Every reminder, and its task, due at this moment."""
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from reminders.models import Reminder

    now = timezone.now()
    Reminder.objects.update(due_at=now)
    DBTaskResult.objects.update(run_after=now)


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def most_in_a_minute(times: list[float]) -> int:
    times = sorted(times)
    best, start = 0, 0
    for end, moment in enumerate(times):
        while times[start] <= moment - 60:
            start += 1
        best = max(best, end - start + 1)
    return best


def main():
    args = parse_args()
    DATA.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    database = DATA / "reminders.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{database}"
    with NotifyServer(rate=3000) as notify:
        env = environment(url, notify)
        os.environ.update(env)
        python = str(Path(sys.executable))
        subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, check=True)
        import django

        django.setup()
        from reminders.models import Reminder

        planning = book(args.reminders)
        assert Reminder.objects.count() == args.reminders, Reminder.objects.count()
        print(
            f"booked {args.reminders} appointments; planning their reminders took {planning:.1f} s"
        )
        make_due_now()
        due = time.time()
        workers = [
            subprocess.Popen(
                [
                    str(ROOT / "bin" / "worker"),
                    "--interval",
                    "0.2",
                    "--no-startup-delay",
                    "--verbosity",
                    "0",
                ],
                cwd=ROOT,
                env=os.environ | {"PYTHON": python},
            )
            for _ in range(args.workers)
        ]
        finished = None
        peaks = [0.0] * len(workers)
        while time.time() - due < args.timeout:
            for index, worker in enumerate(workers):
                peaks[index] = max(peaks[index], peak_rss_mib(worker.pid))
            left = Reminder.objects.filter(state__in=["scheduled", "sending"]).count()
            if not left:
                finished = time.time()
                break
            time.sleep(1)
        time.sleep(2)  # a second send of anything would have arrived
        for worker in workers:
            worker.terminate()
            worker.wait(timeout=30)
        states = collections.Counter(Reminder.objects.values_list("state", flat=True))
        references = notify.state.references()
        accepted = [n["received_at"] for n in notify.state.accepted]
        wanted = {str(pk) for pk in Reminder.objects.values_list("pk", flat=True)}
    result = {
        "reminders": args.reminders,
        "workers": args.workers,
        "rate_limit_per_minute": 3000,
        "planning_seconds": round(planning, 1),
        "all_sent_seconds": round(finished - due, 1) if finished else None,
        "first_to_last_accepted_seconds": round(max(accepted) - min(accepted), 1)
        if accepted
        else None,
        "sent_per_minute": round(len(accepted) / ((max(accepted) - min(accepted)) / 60), 0)
        if len(accepted) > 1
        else None,
        "most_accepted_in_any_60_seconds": most_in_a_minute(accepted),
        "notify_answers": dict(notify.state.answers),
        "states": dict(states),
        "lost": len(wanted - set(references)),
        "sent_twice": sum(1 for count in references.values() if count > 1),
        "unknown_references": len(set(references) - wanted),
        "worker_peak_rss_mib": [round(peak, 1) for peak in peaks],
    }
    (RESULTS / "reminders.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    ok = result["lost"] == 0 and result["sent_twice"] == 0 and finished is not None
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
