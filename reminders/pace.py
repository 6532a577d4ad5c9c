"""One pace for every worker: messages leave at most ``PANDA_REMINDER_RATE`` a minute.

GOV.UK Notify allows a service 3,000 messages a minute and answers 429 beyond. Each send first
takes the next free moment from one row in PANDA's database (locked for the instant it takes
to move it on by 60 / rate seconds), then waits until that moment: however many workers run,
on either tasks backend, sends are spaced evenly and no minute holds more than the rate.
"""

import datetime as dt
import time

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import SendingPace

PACE = "messages"


def pace_take(*, now: dt.datetime | None = None) -> dt.datetime:
    """Reserve the next moment a message may leave; it is now or later."""
    interval = dt.timedelta(minutes=1) / settings.PANDA_REMINDER_RATE
    with transaction.atomic():
        now = now or timezone.now()
        pace, _ = SendingPace.objects.select_for_update().get_or_create(
            name=PACE, defaults={"next_at": now}
        )
        moment = max(pace.next_at, now)
        SendingPace.objects.filter(name=PACE).update(next_at=moment + interval)
    return moment


def pace_wait() -> None:
    """Take the next moment and sleep until it comes."""
    delay = (pace_take() - timezone.now()).total_seconds()
    if delay > 0:
        time.sleep(delay)
