"""The one error shape of the API, produced here and nowhere else.

Every 4xx response body is::

    {"status": 400, "code": "validation_error", "message": "…",
     "errors": {"nhs_number": [{"code": "nhs_number_checksum", "message": "…"}]}}

``code`` is stable and never translated; ``message`` is for people; ``errors`` holds the problems
of each field (``non_field_errors`` for the request as a whole) and is empty for other errors.
"""

import logging

from django.core.exceptions import (
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
)
from django.core.exceptions import (
    ValidationError as DjangoValidationError,
)
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions
from rest_framework import status as http
from rest_framework.fields import get_error_detail
from rest_framework.response import Response
from rest_framework.views import set_rollback

from panda_project.exceptions import Conflict

logger = logging.getLogger(__name__)

CODES = {
    exceptions.ParseError: "malformed_json",
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
}

# PANDA's own words for DRF's errors: DRF ships no Welsh, and its texts for these carry English
# details (a JSON parser's complaint, a media type). Replaced always for the first group, and for
# the second only while the text is DRF's default, so that a view's own explanation stays.
ALWAYS_REPLACED = {
    exceptions.ParseError: gettext_lazy("The request body is not valid JSON."),
    exceptions.UnsupportedMediaType: gettext_lazy(
        "The request body must be JSON, sent with Content-Type: application/json."
    ),
    exceptions.MethodNotAllowed: gettext_lazy("This method is not allowed here."),
    exceptions.NotAcceptable: gettext_lazy("PANDA answers in JSON only."),
    exceptions.Throttled: gettext_lazy("Too many requests: try again later (see Retry-After)."),
}
DEFAULTS_REPLACED = {
    exceptions.NotFound: gettext_lazy("Not found."),
    exceptions.NotAuthenticated: gettext_lazy("Send an API token or sign in to use the API."),
    exceptions.AuthenticationFailed: gettext_lazy("This API token or sign-in is not valid."),
    exceptions.PermissionDenied: gettext_lazy("You do not have permission to do this."),
}


def _message(exc: exceptions.APIException) -> str:
    kind = type(exc)
    if kind in ALWAYS_REPLACED:
        return ALWAYS_REPLACED[kind]
    if kind in DEFAULTS_REPLACED and str(exc.detail) == str(exc.default_detail):
        return DEFAULTS_REPLACED[kind]
    return exc.detail


def error_body(status: int, code: str, message: str, errors: dict | None = None) -> dict:
    return {"status": status, "code": code, "message": str(message), "errors": errors or {}}


def field_errors(detail, prefix: str = "") -> dict:
    """Flatten DRF's error detail into ``{"field" or "field.0.sub": [{"code", "message"}]}``."""
    if isinstance(detail, dict):
        flat = {}
        for key, value in detail.items():
            flat.update(field_errors(value, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    if isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        flat = {}
        for index, value in enumerate(detail):
            flat.update(field_errors(value, f"{prefix}.{index}"))
        return flat
    items = detail if isinstance(detail, list) else [detail]
    return {
        prefix or "non_field_errors": [{"code": item.code, "message": str(item)} for item in items]
    }


def exception_handler(exc, context):
    """DRF's EXCEPTION_HANDLER: map every expected error to the one shape, and roll back."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=get_error_detail(exc))
    elif isinstance(exc, Http404 | ObjectDoesNotExist):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    if isinstance(exc, Conflict):
        set_rollback()
        return Response(error_body(http.HTTP_409_CONFLICT, exc.code, exc.message), status=409)
    if isinstance(exc, RequestDataTooBig):
        set_rollback()
        return Response(too_large_body(), status=413)
    if isinstance(exc, exceptions.ValidationError):
        set_rollback()
        body = error_body(
            400,
            "validation_error",
            _("The request is not valid: see errors for each field."),
            field_errors(exc.detail),
        )
        return Response(body, status=400)
    if isinstance(exc, exceptions.APIException):
        set_rollback()
        code = CODES.get(type(exc)) or exc.default_code
        headers = {}
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if getattr(exc, "wait", None):
            headers["Retry-After"] = str(int(exc.wait))
        return Response(
            error_body(exc.status_code, code, _message(exc)), exc.status_code, headers=headers
        )
    # Anything else is a bug. The client still gets the error shape, whatever DEBUG is (Django's
    # debug page is HTML), and the log gets the traceback.
    set_rollback()
    logger.error("API request failed", exc_info=exc)
    body = error_body(500, "server_error", _("Something went wrong on our side."))
    return Response(body, status=500)


def too_large_body() -> dict:
    return error_body(
        413, "request_too_large", _("The request body is larger than the limit of 1 MiB.")
    )


def json_error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse(error_body(status, code, message), status=status)
