"""The OpenAPI schema generates without warnings and documents every endpoint's errors."""

import pytest
import yaml
from django.core.management import call_command


@pytest.fixture(scope="module")
def schema(tmp_path_factory):
    path = tmp_path_factory.mktemp("schema") / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    return yaml.safe_load(path.read_text())


def test_the_schema_validates_without_warnings(schema):
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/patients/{nhs_number}/addresses/" in schema["paths"]


def test_every_operation_has_a_description_and_documents_its_errors(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            assert operation.get("summary") or operation.get("description"), (method, path)
            statuses = set(operation["responses"])
            assert statuses & {"400", "404", "409"}, (method, path, statuses)
            for status in statuses - {"200", "201", "204"}:
                ref = operation["responses"][status]["content"]["application/json"]["schema"][
                    "$ref"
                ]
                assert ref.endswith("/Error"), (method, path, status)


def test_write_operations_have_valid_and_invalid_examples(schema):
    for path in ("/api/v1/patients/", "/api/v1/appointments/"):
        examples = schema["paths"][path]["post"]["requestBody"]["content"]["application/json"][
            "examples"
        ]
        assert len(examples) >= 2
        assert any(
            "Invalid" in name or "invalid" in e.get("summary", "") for name, e in examples.items()
        )


def test_the_status_enumeration_is_explained(schema):
    description = str(schema["components"]["schemas"]["AppointmentStatusEnum"])
    assert "missed" in description and "Missed" in description


@pytest.mark.django_db
def test_the_docs_pages_are_served(client):
    for path in ("/api/v1/schema/", "/api/docs/", "/api/redoc/"):
        assert client.get(path).status_code == 200, path
