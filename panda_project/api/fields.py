"""Serializer fields and the base serializer that every PANDA API serializer uses."""

import copy

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import get_error_detail

from appointments.durations import format_duration, parse_duration_text
from panda_project.timestamps import parse_aware_datetime
from panda_project.validators import reject_control_characters


def _django_errors(error: DjangoValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(get_error_detail(error))


class AwareDateTimeField(serializers.DateTimeField):
    """ISO 8601 with a UTC offset in; never a naive timestamp. Out, in Europe/London with its
    offset."""

    def to_internal_value(self, value):
        if not isinstance(value, str):
            self.fail("invalid", format="ISO 8601 with a UTC offset")
        try:
            return parse_aware_datetime(value)
        except DjangoValidationError as error:
            raise _django_errors(error) from None


@extend_schema_field(
    {"type": "string", "example": "1h30m", "pattern": r"^(\d+h)?(\d+m)?$|^PT(\d+H)?(\d+M)?$"}
)
class DurationTextField(serializers.Field):
    """Accepts "1h30m", "45m" or ISO 8601 "PT1H30M"; returns "1h30m"."""

    def to_internal_value(self, data):
        try:
            return parse_duration_text(data)
        except DjangoValidationError as error:
            raise _django_errors(error) from None

    def to_representation(self, value):
        return format_duration(value)


class StrictCharField(serializers.CharField):
    """A CharField that takes only JSON strings: DRF's would store the number 12345 as "12345"."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class TextField(StrictCharField):
    """A CharField that refuses control characters (NUL included) with a 400."""

    def __init__(self, **kwargs):
        kwargs.setdefault("trim_whitespace", True)
        super().__init__(**kwargs)
        self.validators.append(reject_control_characters)


@extend_schema_field(OpenApiTypes.STR)
class NormalisedTextField(StrictCharField):
    """Text with a standard form (NHS numbers, postcodes, phone numbers), coerced by the same
    normaliser that the service applies, so that every field's error is reported at once."""

    def __init__(self, *, normaliser, **kwargs):
        kwargs.setdefault("max_length", 64)
        super().__init__(**kwargs)
        self.normaliser = normaliser
        self.validators.append(reject_control_characters)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        try:
            return self.normaliser(value) if value else value
        except DjangoValidationError as error:
            raise _django_errors(error) from None


class IdField(serializers.PrimaryKeyRelatedField):
    """A related object by its integer id; DRF's would take 1.5 or "1" as 1. ``missing`` is what
    an id that names nothing is told, in PANDA's words (code ``does_not_exist``)."""

    def __init__(self, *, missing=None, **kwargs):
        if missing is not None:
            kwargs["error_messages"] = {
                "does_not_exist": missing,
                **kwargs.get("error_messages", {}),
            }
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)


class ModelFieldsOnceMixin:
    """For a ModelSerializer: work its fields out from the model once per class and language
    (their labels come from the model's translated names), then copy them for each instance, as
    DRF copies declared fields. DRF inspects the model again for every serializer it creates,
    which took about a tenth of the time of registering a patient."""

    def get_fields(self):
        cls = type(self)
        by_language = cls.__dict__.get("_fields_by_language")
        if by_language is None:
            by_language = {}
            cls._fields_by_language = by_language
        language = translation.get_language()
        fields = by_language.get(language)
        if fields is None:
            fields = by_language[language] = super().get_fields()
        return copy.deepcopy(fields)


class StrictSerializerMixin:
    """Refuse fields the endpoint does not accept, so that a frontend's typo surfaces as a 400,
    reported beside every other field's error. A serializer of a query string sets
    ``of_query_parameters``, and its errors then say so.

    Given the instance it changes and not ``partial`` (a PUT), it replaces: an optional field
    left out is reset to its default or empty value. A PATCH changes only what is sent."""

    of_query_parameters = False

    def run_validation(self, data=serializers.empty):
        unknown = self._unknown_fields(data)
        try:
            value = super().run_validation(data)
        except serializers.ValidationError as error:
            if unknown and isinstance(error.detail, dict):
                raise serializers.ValidationError({**error.detail, **unknown}) from None
            raise
        if unknown:
            raise serializers.ValidationError(unknown)
        if self.instance is not None and not self.partial:
            value = self._left_out_values(value) | value
        return value

    def _left_out_values(self, value: dict) -> dict:
        """What a replacement sets the writable fields left out of ``value`` to."""
        reset = {}
        for field in self.fields.values():
            if field.read_only or field.source in value or "." in field.source:
                continue
            if field.default is not serializers.empty:
                reset[field.source] = field.get_default()
            elif (model_field := self._model_field(field.source)) is not None:
                reset[field.source] = model_field.get_default()
            elif field.allow_null:
                reset[field.source] = None
            elif getattr(field, "allow_blank", False):
                reset[field.source] = ""
        return reset

    def _model_field(self, name: str):
        model = getattr(getattr(self, "Meta", None), "model", None)
        try:
            return model._meta.get_field(name) if model is not None else None
        except FieldDoesNotExist:
            return None

    def _unknown_fields(self, data) -> dict:
        if not hasattr(data, "keys"):
            return {}
        writable = {name for name, field in self.fields.items() if not field.read_only}
        return {name: [self._refusal(name)] for name in sorted(set(data.keys()) - writable)}

    def _refusal(self, name: str) -> serializers.ErrorDetail:
        """Why the field or parameter ``name`` is not taken."""
        if self.of_query_parameters:
            message = _("This query parameter is not known here. Known: %(known)s.")
            known = ", ".join(sorted(self.fields))
            return serializers.ErrorDetail(message % {"known": known}, code="unknown_parameter")
        if name in self.fields:
            return serializers.ErrorDetail(_("This field is read-only."), code="read_only_field")
        return serializers.ErrorDetail(_("This field is not known."), code="unknown_field")
