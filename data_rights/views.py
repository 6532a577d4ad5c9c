"""``GET /api/v1/patients/{nhs_number}/export/``: everything PANDA holds about a patient."""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from panda_project.api.access import APIAccess, api_auth_required
from panda_project.api.schema import Error, errors
from patients.views import patient_by_nhs_number

from .models import Channel
from .selectors import patient_data
from .serializers import PatientDataSerializer
from .services import patient_export_record

EXPORT_PERMISSION = "data_rights.export_patient"


class CanExportPatients(permissions.BasePermission):
    """With PANDA_API_AUTH=token, only users allowed to export (clinic managers); in the
    trusted-network mode, whoever may use the API."""

    # Lazy: the class is made once, at import, and each answer is in the request's language.
    message = gettext_lazy("Only clinic managers may export a patient's data.")

    def has_permission(self, request, view) -> bool:
        return not api_auth_required() or request.user.has_perm(EXPORT_PERMISSION)


class PatientExportView(APIView):
    permission_classes = [APIAccess, CanExportPatients]

    @extend_schema(
        operation_id="patients_export",
        summary="Export everything held about a patient",
        description=(
            "The patient's right of access: their details, addresses and appointments as the "
            "API shows them, the clinicians and departments of those appointments, the audit "
            "trail of every recorded change to those records (when, what, how and by whom) and "
            "every export of them, this one included: each export is recorded. With "
            "`PANDA_API_AUTH=token`, only users with the `data_rights.export_patient` "
            "permission (the Clinic manager role) may export (403 otherwise). Takes no query "
            "parameters. The response is marked not to be cached."
        ),
        responses={
            200: PatientDataSerializer,
            **errors(400, 404),
            401: OpenApiResponse(Error, description="Credentials are needed (token mode)."),
            403: OpenApiResponse(Error, description="This user may not export patients."),
        },
    )
    def get(self, request, nhs_number):
        if request.query_params:
            raise ValidationError(
                {
                    name: [_("This endpoint takes no query parameters.")]
                    for name in request.query_params
                },
                code="unknown_parameter",
            )
        patient = patient_by_nhs_number(nhs_number)
        user = request.user if request.user and request.user.is_authenticated else None
        with transaction.atomic():
            patient_export_record(patient=patient, channel=Channel.API, user=user)
            body = patient_data(patient, request)
        response = Response(body)
        response["Cache-Control"] = "no-store"
        return response
