"""Filter pieces shared by the API's filter sets."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import filters

from panda_project.timestamps import parse_aware_datetime, restore_plus
from panda_project.validators import reject_control_characters


class AwareDateTimeFormField(forms.CharField):
    """A timestamp in a query string, where an unencoded "+" in its offset arrives as a space."""

    def clean(self, value):
        value = super().clean(value)
        return parse_aware_datetime(restore_plus(value)) if value else None


class AwareDateTimeFilter(django_filters.Filter):
    """A timestamp filter that, like the rest of the API, refuses naive timestamps."""

    field_class = AwareDateTimeFormField


class IdFilter(django_filters.NumberFilter):
    """An object's id: a whole number the database's integers can hold, else a 400 (a decimal
    such as -9e160 used to reach the database and fail there)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class TextFilter(django_filters.CharFilter):
    """A text filter that refuses control characters (PostgreSQL cannot even compare NUL)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validators", [reject_control_characters])
        super().__init__(*args, **kwargs)


def normalised_or_error(normalise, value: str, field: str):
    """A normaliser's result; its ValidationError is reported against the query parameter."""
    try:
        return normalise(value)
    except ValidationError as error:
        raise ValidationError({field: error.error_list}) from None


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, leaving the filter set out when the request gives none of its
    parameters. With no value, every filter passes the queryset through unchanged, so the result
    is the same, without building and validating the filter set's form, which took longer than
    the SQL of an unfiltered page."""

    # Per filter set class: its form's (parameter name, widget) pairs.
    _parameters: dict[type, list[tuple[str, forms.Widget]]] = {}

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None or not self._given(filterset_class, request.query_params):
            return queryset
        return super().filter_queryset(request, queryset, view)

    @classmethod
    def _given(cls, filterset_class, params) -> bool:
        """Whether the request gives any of the filter set's parameters, as its form would see."""
        return any(
            not widget.value_omitted_from_data(params, {}, name)
            for name, widget in cls._parameters_of(filterset_class)
        )

    @classmethod
    def _parameters_of(cls, filterset_class) -> list[tuple[str, forms.Widget]]:
        parameters = cls._parameters.get(filterset_class)
        if parameters is None:
            model = filterset_class._meta.model
            form = filterset_class(queryset=model._default_manager.none()).form
            parameters = cls._parameters[filterset_class] = [
                (form.add_prefix(name), field.widget) for name, field in form.fields.items()
            ]
        return parameters

    def query_parameters(self, view) -> list[str]:
        """The query parameters the view's filter set reads."""
        filterset_class = self.get_filterset_class(view)
        if filterset_class is None:
            return []
        names = []
        for name, widget in self._parameters_of(filterset_class):
            if isinstance(widget, forms.MultiWidget):
                names.extend(name + suffix for suffix in widget.widgets_names)
            else:
                names.append(name)
        return names


class OrderingFilter(filters.OrderingFilter):
    """DRF's ``?ordering=``, but a field it cannot sort by is a 400 (``invalid_ordering``)
    rather than silently ignored, and the schema lists every value it takes."""

    def allowed(self, view, queryset=None) -> list[str]:
        if getattr(view, "ordering_fields", self.ordering_fields) is None and queryset is None:
            queryset = view.get_queryset()  # DRF then allows the serializer's model fields
        fields = [name for name, _label in self.get_valid_fields(queryset, view, {})]
        return [value for name in fields for value in (name, f"-{name}")]

    def get_ordering(self, request, queryset, view):
        raw = request.query_params.get(self.ordering_param)
        if not raw:
            return self.get_default_ordering(view)
        terms = [term.strip() for term in raw.split(",")]
        allowed = self.allowed(view, queryset)
        if any(term not in allowed for term in terms):
            message = _("This list cannot be sorted that way. Sort by one of: %(allowed)s.") % {
                "allowed": ", ".join(allowed)
            }
            raise ValidationError(
                {self.ordering_param: ValidationError(message, code="invalid_ordering")}
            )
        return terms

    def query_parameters(self, view) -> list[str]:
        return [self.ordering_param]

    def get_schema_operation_parameters(self, view):
        [parameter] = super().get_schema_operation_parameters(view)
        parameter["schema"] = {"type": "string", "enum": self.allowed(view)}
        return [parameter]


def refuse_unknown_parameters(request, view, own: tuple[str, ...]) -> None:
    """A 400 (``unknown_parameter``) for each query parameter that neither the view's filter
    backends nor ``own`` (the pagination's) read: a typo surfaces instead of being ignored."""
    known = set(own)
    for backend in view.filter_backends:
        reader = getattr(backend(), "query_parameters", None)
        if reader is not None:
            known.update(reader(view))
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        raise ValidationError(
            {
                name: ValidationError(
                    _("This query parameter is not known here. Known: %(known)s.")
                    % {"known": ", ".join(sorted(known))},
                    code="unknown_parameter",
                )
                for name in unknown
            }
        )
