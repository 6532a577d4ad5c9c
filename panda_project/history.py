"""The audit trail (django-simple-history) with PANDA's two additions.

- A change that came through the API is marked "api" in its change reason, beside the acting
  user where there is one, and one made by the import "import", so the History page says where
  every change came from (the back office records its user).
- State changes are conditional ``QuerySet.update()`` calls (race-free, see
  ``appointments.services``) which send no signals; ``history_record_change`` writes their rows.
"""

import contextlib
import threading

from django.db import models
from django.utils.functional import cached_property
from simple_history.manager import HistoryDescriptor
from simple_history.models import HistoricalRecords

API_PREFIX = "/api/"
_RECORDS: dict[type[models.Model], "PandaHistoricalRecords"] = {}
_channel = threading.local()


class _HistoryDescriptor(HistoryDescriptor):
    """simple_history's ``Model.history`` descriptor, building its manager class once: the
    original builds a new class (inspecting every queryset method) on each access, and every
    saved change reads it once."""

    @cached_property
    def _manager_class(self):
        return self.manager_class.from_queryset(self.queryset_class)

    def __get__(self, instance, owner):
        return self._manager_class(self.model, instance)


class PandaHistoricalRecords(HistoricalRecords):
    """``HistoricalRecords`` that notes the channel (the API) a change came through."""

    def contribute_to_class(self, cls, name):
        super().contribute_to_class(cls, name)
        _RECORDS[cls] = self

    def finalize(self, sender, **kwargs):
        super().finalize(sender, **kwargs)
        descriptor = sender.__dict__.get(self.manager_name)
        if type(descriptor) is HistoryDescriptor:
            setattr(
                sender,
                self.manager_name,
                _HistoryDescriptor(
                    descriptor.model, descriptor.manager_class, descriptor.queryset_class
                ),
            )

    def post_delete(self, instance, using=None, **kwargs):
        if not getattr(_channel, "erasing", False):
            super().post_delete(instance, using=using, **kwargs)

    def get_change_reason_for_object(self, instance, history_type, using):
        reason = super().get_change_reason_for_object(instance, history_type, using)
        return reason or current_channel()


def current_channel() -> str:
    """ "api" while handling an API request, "import" inside ``history_channel("import")``, else
    "" (the admin records its user)."""
    request = getattr(HistoricalRecords.context, "request", None)
    if request is not None and request.path.startswith(API_PREFIX):
        return "api"
    return getattr(_channel, "name", "")


@contextlib.contextmanager
def history_channel(name: str):
    """Within this block, changes made outside a request are marked ``name`` (the import)."""
    previous = getattr(_channel, "name", "")
    _channel.name = name
    try:
        yield
    finally:
        _channel.name = previous


@contextlib.contextmanager
def history_of_deletions_skipped():
    """Within this block deletions write no "deleted" rows: an erasure removes the trail's rows
    of what it deletes, and writing one row per deleted object first cost most of its time."""
    _channel.erasing = True
    try:
        yield
    finally:
        _channel.erasing = False


def history_request():
    """The request being handled (set by simple_history's middleware), or None."""
    return getattr(HistoricalRecords.context, "request", None)


def history_record_change(instance: models.Model) -> None:
    """Record ``instance`` as it now is, after a change made without ``save()``."""
    _RECORDS[type(instance)].create_historical_record(instance, "~")
