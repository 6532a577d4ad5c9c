"""Errors as FHIR ``OperationOutcome`` resources, with the HTTP status that fits.

The FHIR endpoints' counterpart of ``panda_project.api.errors``: every error a FHIR client gets is
an OperationOutcome whose issue ``code`` is from the FHIR IssueType value set and whose
``diagnostics`` says, for people, what was wrong.
"""

import logging

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import set_rollback

logger = logging.getLogger(__name__)

# DRF's exceptions, as FHIR IssueType codes.
ISSUE_TYPES = {
    exceptions.ParseError: "structure",
    exceptions.NotAuthenticated: "login",
    exceptions.AuthenticationFailed: "login",
    exceptions.PermissionDenied: "forbidden",
    exceptions.NotFound: "not-found",
    exceptions.MethodNotAllowed: "not-supported",
    exceptions.NotAcceptable: "not-supported",
    exceptions.UnsupportedMediaType: "not-supported",
    exceptions.Throttled: "throttled",
    exceptions.ValidationError: "invalid",
}


class FHIRError(Exception):
    """An error to answer with an OperationOutcome: HTTP status, IssueType code, message."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = str(message)


def unsupported(message: str) -> FHIRError:
    """A search parameter, modifier or prefix that PANDA does not support: never ignored."""
    return FHIRError(400, "not-supported", message)


def invalid(message: str) -> FHIRError:
    """A parameter value that cannot be understood."""
    return FHIRError(400, "value", message)


def not_found(message: str) -> FHIRError:
    return FHIRError(404, "not-found", message)


def operation_outcome(code: str, message: str, severity: str = "error") -> dict:
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": severity, "code": code, "diagnostics": str(message)}],
    }


def _messages(error: DjangoValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


def exception_handler(exc, context):
    """The FHIR views' EXCEPTION_HANDLER: every error becomes an OperationOutcome."""
    set_rollback()
    if isinstance(exc, FHIRError):
        return Response(operation_outcome(exc.code, exc.message), status=exc.status)
    if isinstance(exc, DjangoValidationError):
        return Response(operation_outcome("value", _messages(exc)), status=400)
    if isinstance(exc, Http404 | ObjectDoesNotExist):
        exc = exceptions.NotFound()
    if isinstance(exc, exceptions.APIException):
        code = next(
            (issue for kind, issue in ISSUE_TYPES.items() if isinstance(exc, kind)), "processing"
        )
        headers = {}
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if getattr(exc, "wait", None):
            headers["Retry-After"] = str(int(exc.wait))
        detail = exc.detail if isinstance(exc.detail, str) else exc.default_detail
        return Response(operation_outcome(code, detail), exc.status_code, headers=headers)
    # Anything else is a bug; the client still gets FHIR, and the log gets the traceback.
    logger.exception("FHIR request failed", exc_info=exc)
    return Response(
        operation_outcome("exception", _("Something went wrong on our side.")), status=500
    )
