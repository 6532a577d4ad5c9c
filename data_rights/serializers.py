"""The export's shape, for the OpenAPI schema; ``selectors.patient_data`` builds the body."""

from rest_framework import serializers

from addresses.serializers import AddressSerializer
from appointments.serializers import AppointmentSerializer
from clinicians.serializers import ClinicianSerializer, DepartmentSerializer
from patients.serializers import PatientSerializer

from .models import Channel
from .selectors import HISTORY_TYPES

RECORDS = ["patient", "address", "appointment"]


class AuditEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField(help_text="When the change was recorded.")
    record = serializers.ChoiceField(choices=RECORDS, help_text="What kind of record changed.")
    record_id = serializers.CharField(help_text="That record's id.")
    action = serializers.ChoiceField(choices=list(HISTORY_TYPES.values()))
    how = serializers.ChoiceField(
        choices=Channel.choices,
        help_text="api, backoffice (a staff user), import, or command (another management "
        "command, or the import before it was marked).",
    )
    by = serializers.CharField(allow_null=True, help_text="The staff user's name, if any.")
    values = serializers.DictField(help_text="The record's stored fields after the change.")


class ExportEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    how = serializers.ChoiceField(choices=Channel.choices)
    by = serializers.CharField(allow_null=True)


class PatientDataSerializer(serializers.Serializer):
    exported_at = serializers.DateTimeField()
    patient = PatientSerializer()
    addresses = AddressSerializer(many=True)
    appointments = AppointmentSerializer(many=True)
    clinicians = ClinicianSerializer(many=True, help_text="Those the appointments are with.")
    departments = DepartmentSerializer(many=True, help_text="Those the appointments are in.")
    audit_trail = AuditEntrySerializer(many=True, help_text="Oldest first.")
    exports = ExportEntrySerializer(many=True, help_text="Every export, this one included.")
    reminders = serializers.ListField(
        child=serializers.DictField(),
        required=False,
        help_text="Where PANDA sends reminders: those of the patient's appointments, as the "
        "reminders API shows them, each with its `appointment` id.",
    )
