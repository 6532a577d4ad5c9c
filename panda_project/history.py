"""The audit trail (django-simple-history) with PANDA's two additions.

- A change that came through the API is marked "api" in its change reason, beside the acting
  user where there is one, so the History page says where every change came from.
- State changes are conditional ``QuerySet.update()`` calls (race-free, see
  ``appointments.services``) which send no signals; ``history_record_change`` writes their rows.
"""

from django.db import models
from django.utils.functional import cached_property
from simple_history.manager import HistoryDescriptor
from simple_history.models import HistoricalRecords

API_PREFIX = "/api/"
_RECORDS: dict[type[models.Model], "PandaHistoricalRecords"] = {}


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

    def get_change_reason_for_object(self, instance, history_type, using):
        reason = super().get_change_reason_for_object(instance, history_type, using)
        return reason or current_channel()


def current_channel() -> str:
    """ "api" while handling an API request, else "" (the admin records its user)."""
    request = getattr(HistoricalRecords.context, "request", None)
    if request is not None and request.path.startswith(API_PREFIX):
        return "api"
    return ""


def history_record_change(instance: models.Model) -> None:
    """Record ``instance`` as it now is, after a change made without ``save()``."""
    _RECORDS[type(instance)].create_historical_record(instance, "~")
