"""FHIR search parameters: what each one means in SQL, and the strict parsing of a query string.

A parameter, modifier or prefix that PANDA does not support is refused with 400 (FHIR lets a
server ignore them, but a client that thinks it filtered and did not is worse off than one told).
Repeating a parameter ANDs its values (``date=ge…&date=lt…``); commas inside one value OR them.
The CapabilityStatement is built from these same definitions, so it lists exactly what works.
"""

import datetime as dt
import re
import unicodedata
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import Q
from django.utils.translation import gettext as _

from addresses.postcodes import normalise_postcode
from panda_project.validators import reject_control_characters
from patients.filters import name_search_contains
from patients.identifiers import identifier_or_none
from patients.models import Patient
from patients.names import name_search_key

from .dates import date_condition
from .errors import invalid, unsupported
from .mapping import FHIR_APPOINTMENT_STATUSES, FHIR_TO_STATUS, patient_identifier_system

# Parameters about the result rather than the match; the views read them.
RESULT_PARAMETERS = ("_count", "_offset", "_format")
NOTHING = Q(pk__in=[])
MAX_BIGINT = 2**63 - 1
_OUTWARD_CODE_START = re.compile(r"[A-Z][A-Z0-9]{0,3}")


@dataclass(frozen=True)
class SearchParameter:
    """One search parameter: its FHIR name and type, and how it filters a queryset.

    ``filter`` takes (queryset, value, modifier, now) for one value and returns the queryset
    filtered by it; ``now`` is the request's clock, which decides "missed".
    """

    name: str
    type: str
    documentation: str
    filter: Callable
    modifiers: tuple[str, ...] = ()


def _by(condition: Callable[[str, str], Q]) -> Callable:
    """A filter from a function of (value, modifier) to a Q."""
    return lambda queryset, value, modifier, now: queryset.filter(condition(value, modifier))


def split_values(raw: str) -> list[str]:
    """``a,b`` -> ["a", "b"]; ``\\,`` is a comma inside a value."""
    parts = re.split(r"(?<!\\),", raw)
    return [part.replace("\\,", ",") for part in parts]


def identifier_condition(value: str, field: str) -> Q:
    """A token ``[system|]value`` against PANDA's one patient identifier."""
    system, bar, code = value.rpartition("|")
    if bar and system != patient_identifier_system():
        return NOTHING  # another system (or "|value", no system): PANDA has no such identifier
    if bar and not code:
        return Q()  # "system|": every patient has an identifier in PANDA's system
    compact = identifier_or_none(code)
    return Q(**{field: compact}) if compact else NOTHING


def reference_id(value: str, resource_type: str, name: str) -> str:
    """The id in ``Type/id``, a bare ``id`` or an absolute URL ending in ``Type/id``."""
    if "/" not in value:
        return value
    parts = value.rstrip("/").split("/")
    if len(parts) < 2 or parts[-2] != resource_type:
        raise invalid(
            _("%(name)s refers to a %(type)s: “%(value)s” is not one.")
            % {"name": name, "type": resource_type, "value": value[:100]}
        )
    return parts[-1]


# Patient ------------------------------------------------------------------------------------


def _patient_id(value, modifier):
    compact = identifier_or_none(value)
    return Q(nhs_number=compact) if compact else NOTHING


def _patient_identifier(value, modifier):
    return identifier_condition(value, "nhs_number")


def _patient_name(value, modifier):
    if modifier == "exact":
        return Q(name=unicodedata.normalize("NFC", value))
    key = name_search_key(value)
    if not key:
        raise invalid(_("name needs at least one letter or digit."))
    if modifier == "contains":
        return name_search_contains(key, connections[Patient.objects.db].vendor)
    # FHIR's default string match: the start of the name, or of any word in it.
    return Q(name_search__startswith=key) | Q(name_search__contains=f" {key}")


def _patient_birthdate(value, modifier):
    return date_condition("date_of_birth", value, "birthdate", with_time=False)


def _patient_postcode(value, modifier):
    try:
        return Q(postcode=normalise_postcode(value))
    except ValidationError:
        pass
    start = re.sub(r"\s+", "", value).upper()
    if not _OUTWARD_CODE_START.fullmatch(start):
        raise invalid(
            _("address-postalcode needs a UK postcode, or the start of one such as SW1A.")
        )
    return Q(postcode__startswith=start)


PATIENT_PARAMETERS = {
    parameter.name: parameter
    for parameter in (
        SearchParameter("_id", "token", "The NHS number.", _by(_patient_id)),
        SearchParameter(
            "identifier",
            "token",
            "The NHS number: https://fhir.nhs.uk/Id/nhs-number|9434765919, or the number alone.",
            _by(_patient_identifier),
        ),
        SearchParameter(
            "name",
            "string",
            "The start of the name or of any word in it, ignoring case and accents; :contains "
            "matches anywhere, :exact the whole name exactly as stored.",
            _by(_patient_name),
            modifiers=("exact", "contains"),
        ),
        SearchParameter(
            "birthdate",
            "date",
            "The date of birth, with a prefix eq, ne, lt, gt, le, ge, sa or eb; by year, month "
            "or day.",
            _by(_patient_birthdate),
        ),
        SearchParameter(
            "address-postalcode",
            "string",
            "A full UK postcode in any case and spacing, or the start of its outward code.",
            _by(_patient_postcode),
        ),
    )
}


# Appointment --------------------------------------------------------------------------------


def _appointment_id(value, modifier):
    try:
        return Q(pk=uuid.UUID(value))
    except ValueError:
        return NOTHING


def _appointment_patient(value, modifier):
    if modifier == "identifier":
        return identifier_condition(value, "patient__nhs_number")
    compact = identifier_or_none(reference_id(value, "Patient", "patient"))
    return Q(patient__nhs_number=compact) if compact else NOTHING


def _appointment_practitioner(value, modifier):
    id_ = reference_id(value, "Practitioner", "practitioner")
    if id_.isascii() and id_.isdigit() and int(id_) <= MAX_BIGINT:
        return Q(clinician_id=int(id_))
    return NOTHING


def _appointment_date(value, modifier):
    return date_condition("starts_at", value, "date", with_time=True)


def _appointment_status(queryset, value, modifier, now: dt.datetime):
    if value in FHIR_TO_STATUS:
        return queryset.with_status(FHIR_TO_STATUS[value], now)
    if value in FHIR_APPOINTMENT_STATUSES:
        return queryset.none()  # a FHIR status that PANDA never gives an appointment
    raise invalid(
        _("status must be one of %(codes)s.") % {"codes": ", ".join(FHIR_APPOINTMENT_STATUSES)}
    )


APPOINTMENT_PARAMETERS = {
    parameter.name: parameter
    for parameter in (
        SearchParameter("_id", "token", "The appointment's id (a UUID).", _by(_appointment_id)),
        SearchParameter(
            "patient",
            "reference",
            "The patient: Patient/9434765919; or patient:identifier="
            "https://fhir.nhs.uk/Id/nhs-number|9434765919.",
            _by(_appointment_patient),
            modifiers=("identifier",),
        ),
        SearchParameter(
            "practitioner",
            "reference",
            "The clinician: Practitioner/12.",
            _by(_appointment_practitioner),
        ),
        SearchParameter(
            "status",
            "token",
            "booked (active), fulfilled (attended), cancelled, or noshow (missed).",
            _appointment_status,
        ),
        SearchParameter(
            "date",
            "date",
            "The start, with a prefix eq, ne, lt, gt, le, ge, sa or eb; a date without a time "
            "is a day in Europe/London. Repeat it for a range: "
            "date=ge2025-06-01&date=lt2025-07-01.",
            _by(_appointment_date),
        ),
    )
}


def check_parameters(query, parameters: dict, resource_type: str, extra=RESULT_PARAMETERS):
    """Refuse any parameter, or modifier, that is not supported: 400, never ignored."""
    for key in query:
        if key not in extra:
            parameter_for(key, parameters, resource_type, extra)


def parameter_for(key: str, parameters: dict, resource_type: str, extra=RESULT_PARAMETERS):
    """The SearchParameter and modifier of ``key`` ("name" or "name:modifier")."""
    name, colon, modifier = key.partition(":")
    parameter = parameters.get(name)
    if parameter is None:
        supported = ", ".join([*parameters, *extra])
        raise unsupported(
            _(
                "The parameter “%(name)s” is not supported on %(type)s; the supported ones are "
                "%(names)s."
            )
            % {"name": name[:100], "type": resource_type, "names": supported}
        )
    if colon and modifier not in parameter.modifiers:
        raise unsupported(
            _("The modifier “:%(modifier)s” is not supported on %(name)s.")
            % {"modifier": modifier[:100], "name": name}
        )
    return parameter, modifier


def search(queryset, query, parameters: dict[str, SearchParameter], resource_type: str, now):
    """``queryset`` filtered by every search parameter in ``query`` (a QueryDict)."""
    for key in query:
        if key in RESULT_PARAMETERS:
            continue
        parameter, modifier = parameter_for(key, parameters, resource_type)
        for raw in query.getlist(key):
            queryset = _filter(queryset, parameter, key, raw, modifier, now)
    return queryset


def _filter(queryset, parameter: SearchParameter, key: str, raw: str, modifier: str, now):
    try:
        reject_control_characters(raw)
    except ValidationError:
        raise invalid(_("%(key)s holds a control character.") % {"key": key}) from None
    values = split_values(raw)
    if any(not value.strip() for value in values):
        raise invalid(_("%(key)s needs a value.") % {"key": key})
    filtered = [parameter.filter(queryset, value.strip(), modifier, now) for value in values]
    return reduce(or_, filtered)
