"""Serializer fields and the base serializer that every PANDA API serializer uses."""

import copy

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


class StrictBooleanField(serializers.BooleanField):
    """A BooleanField that takes only JSON true and false: DRF's would take "yes", 1 or "on"."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


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
    """A related object by its integer id; DRF's would take 1.5 or "1" as 1."""

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
    """Refuse fields the endpoint does not accept, so that a frontend's typo surfaces as a 400."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(set(data) - writable)
            if unknown:
                read_only = set(self.fields)
                raise serializers.ValidationError(
                    {
                        name: [
                            serializers.ErrorDetail(
                                _("This field is read-only.")
                                if name in read_only
                                else _("This field is not known."),
                                code="read_only_field" if name in read_only else "unknown_field",
                            )
                        ]
                        for name in unknown
                    }
                )
        return super().to_internal_value(data)
