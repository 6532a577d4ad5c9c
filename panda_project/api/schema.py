"""OpenAPI pieces shared by every endpoint: the error shape and its documented responses."""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, inline_serializer
from rest_framework import serializers

from panda_project.api.access import api_auth_required

ErrorItem = inline_serializer(
    "ErrorItem",
    {
        "code": serializers.CharField(help_text="Stable, machine-readable; never translated."),
        "message": serializers.CharField(help_text="For people, in the request's language."),
    },
)

Error = inline_serializer(
    "Error",
    {
        "status": serializers.IntegerField(help_text="The HTTP status, repeated."),
        "code": serializers.CharField(help_text="Stable, machine-readable; never translated."),
        "message": serializers.CharField(help_text="For people, in the request's language."),
        "errors": serializers.DictField(
            child=serializers.ListField(child=ErrorItem),
            help_text="Problems by field (`non_field_errors` for the whole request); "
            "empty unless the status is 400.",
        ),
    },
)

_EXAMPLES = {
    400: (
        "The request is not valid.",
        {
            "status": 400,
            "code": "validation_error",
            "message": "The request is not valid: see errors for each field.",
            "errors": {
                "nhs_number": [
                    {
                        "code": "nhs_number_checksum",
                        "message": "This NHS number is not valid: its check digit does not match.",
                    }
                ]
            },
        },
    ),
    404: (
        "Nothing has this id.",
        {"status": 404, "code": "not_found", "message": "Not found.", "errors": {}},
    ),
    409: (
        "Refused by the current state, or a duplicate.",
        {
            "status": 409,
            "code": "appointment_cancelled",
            "message": "This appointment is already cancelled.",
            "errors": {},
        },
    ),
    413: (
        "The body is over 1 MiB.",
        {
            "status": 413,
            "code": "request_too_large",
            "message": "The request body is larger than the limit of 1 MiB.",
            "errors": {},
        },
    ),
    415: (
        "The body is not JSON.",
        {
            "status": 415,
            "code": "unsupported_media_type",
            "message": 'Unsupported media type "text/plain" in request.',
            "errors": {},
        },
    ),
}


CREDENTIAL_ERRORS = {
    401: (
        "No credentials, or a token that is not valid (PANDA_API_AUTH=token).",
        {
            "status": 401,
            "code": "not_authenticated",
            "message": "Send an API token or sign in to use the API.",
            "errors": {},
        },
    ),
    403: (
        "The user's staff role does not allow this (PANDA_API_AUTH=token).",
        {
            "status": 403,
            "code": "permission_denied",
            "message": "You do not have permission to do this.",
            "errors": {},
        },
    ),
}


def document_credential_errors(result, generator, request, public):
    """A POSTPROCESSING_HOOK: when the API demands credentials, every operation may answer 401
    and 403, so each says so (a generated client then reads them as typed errors)."""
    if not api_auth_required():
        return result
    for operations in result["paths"].values():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            for status, (description, example) in CREDENTIAL_ERRORS.items():
                operation["responses"].setdefault(
                    str(status),
                    {
                        "description": description,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Error"},
                                "examples": {str(status): {"value": example}},
                            }
                        },
                    },
                )
    return result


def errors(*statuses: int) -> dict:
    """The documented error responses of an endpoint, each with an example."""
    responses = {}
    for status in statuses:
        description, example = _EXAMPLES[status]
        responses[status] = OpenApiResponse(
            Error,
            description=description,
            examples=[OpenApiExample(f"{status}", value=example, response_only=True)],
        )
    return responses


WRITE_ERRORS = (400, 409, 413, 415)
