"""What PANDA builds once per class instead of once per use behaves as the original would."""

import pytest
from django.utils import translation
from rest_framework import serializers

from patients.models import Patient
from patients.serializers import PatientSerializer
from patients.services import patient_create, patient_update

pytestmark = pytest.mark.django_db


class _DRFPatientSerializer(PatientSerializer):
    """The same serializer, with DRF building its fields anew each time."""

    def get_fields(self):
        return serializers.ModelSerializer.get_fields(self)


def _describe(serializer) -> dict:
    return {name: repr(field) for name, field in serializer.fields.items()}


@pytest.mark.parametrize("first", ["en-gb", "cy", "fr"])
def test_a_model_serializer_gets_the_fields_drf_would_build_in_each_language(first):
    PatientSerializer.__dict__.get("_fields_by_language", {}).clear()
    with translation.override(first):  # whichever language comes first
        PatientSerializer().fields  # noqa: B018
    for language in ("en-gb", "cy", "fr"):
        with translation.override(language):
            assert _describe(PatientSerializer()) == _describe(_DRFPatientSerializer())


def test_each_serializer_gets_its_own_bound_fields():
    first, second = PatientSerializer(), PatientSerializer()

    assert first.fields["name"] is not second.fields["name"]
    assert first.fields["name"].parent is first
    assert second.fields["name"].parent is second


def test_validation_is_unchanged_after_many_uses():
    data = {"nhs_number": "9434765919", "name": "Ada", "date_of_birth": "1985-03-14"}
    for _ in range(3):
        serializer = PatientSerializer(data={**data, "postcode": "nowhere"})
        assert not serializer.is_valid()
        assert set(serializer.errors) == {"postcode"}
    assert PatientSerializer(data={**data, "postcode": "sw1a1aa"}).is_valid()


def test_the_history_manager_is_one_class_and_still_per_instance():
    ada = patient_create(
        nhs_number="9434765919", name="Ada", date_of_birth="1985-03-14", postcode="SW1A 1AA"
    )
    patient_update(patient=ada, name="Ada King")
    patient_create(
        nhs_number="4010232137", name="Mary", date_of_birth="1985-03-14", postcode="SW1A 1AA"
    )

    assert type(Patient.history) is type(ada.history)
    assert [row.name for row in ada.history.order_by("history_id")] == ["Ada", "Ada King"]
    assert Patient.history.count() == 3
