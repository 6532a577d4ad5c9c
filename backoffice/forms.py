"""Admin forms that write through the services, so the admin obeys exactly the API's rules."""

from django import forms
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import models, transaction

from panda_project.exceptions import Conflict


def add_service_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: by field where the form has that field."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def adopt(target: models.Model, source: models.Model) -> None:
    """Make ``target`` (the object the admin holds) the row the service saved as ``source``."""
    for field in source._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))
    target._state.adding = False
    target._state.db = source._state.db


class ServiceModelForm(forms.ModelForm):
    """A model form that saves through its service while it validates.

    The rules live in the services alone, so the form runs the service (in a savepoint) as its
    last validation step: a ValidationError shows as field errors and a Conflict as an error on
    the form, exactly what the API would answer, never a crash page. ``save()`` then has nothing
    left to write. If anything else on the page is refused, ``ServiceAdminMixin`` undoes what
    was written. Subclasses name ``service_fields`` and implement ``create`` and ``update``.
    """

    service_fields: tuple[str, ...] = ()

    def create(self, data: dict) -> models.Model:
        raise NotImplementedError

    def update(self, instance: models.Model, data: dict) -> models.Model:
        raise NotImplementedError

    def ready_to_save(self) -> bool:
        """False while what this form belongs to is not saved yet (an inline of a new patient
        whose own form was refused)."""
        return True

    def _post_clean(self):
        # The model's own validators are left to the service: they check the stored form
        # ("9434765919") and the service first normalises what was typed ("943 476 5919").
        if self._errors or self.cleaned_data.get("DELETE") or not self.ready_to_save():
            return
        adding = self.instance._state.adding
        if not adding and not self.has_changed():
            return
        fields = [name for name in self.service_fields if name in self.cleaned_data]
        data = {name: self.cleaned_data[name] for name in fields}
        try:
            with transaction.atomic():
                saved = self.create(data) if adding else self.update(self._current(), data)
        except ValidationError as error:
            add_service_error(self, error)
        except Conflict as refusal:
            self.add_error(None, refusal.message)
        except PermissionDenied as refusal:
            self.add_error(None, str(refusal))
        except ObjectDoesNotExist:
            self.add_error(None, "Someone else has deleted this record meanwhile.")
        else:
            adopt(self.instance, saved)

    def _current(self) -> models.Model:
        """The row as it is now: the service decides on the stored state, not on the page's."""
        model = type(self.instance)
        return model._default_manager.get(pk=self.instance.pk)

    def save(self, commit=True):
        if self.errors:
            raise ValueError("A form with errors cannot be saved.")
        self.save_m2m = lambda: None
        return self.instance


class ServiceInlineFormSetMixin:
    """Gives each inline form its owner and deletes through the service's ``delete``."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.owner = self.instance
        return form

    def delete_existing(self, obj, commit=True):
        if commit:
            self.delete(obj)

    def delete(self, obj) -> None:
        raise NotImplementedError


class OwnedServiceModelForm(ServiceModelForm):
    """An inline's form: it can save only once its owner is saved."""

    owner = None

    def ready_to_save(self) -> bool:
        return self.owner is not None and not self.owner._state.adding
