"""The schema says what each query parameter takes, so that a generated client types it."""

import pytest
import yaml
from django.core.management import call_command


@pytest.fixture(scope="module")
def schema(tmp_path_factory):
    path = tmp_path_factory.mktemp("schema") / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    return yaml.safe_load(path.read_text())


def parameter(schema, path: str, name: str) -> dict:
    [found] = [p for p in schema["paths"][path]["get"]["parameters"] if p["name"] == name]
    return found


def test_ordering_is_an_enumeration_of_what_the_list_sorts_by(schema):
    assert parameter(schema, "/api/v1/appointments/", "ordering")["schema"] == {
        "type": "string",
        "enum": [
            "starts_at",
            "-starts_at",
            "ends_at",
            "-ends_at",
            "created_at",
            "-created_at",
            "updated_at",
            "-updated_at",
        ],
    }
    assert parameter(schema, "/api/v1/patients/", "ordering")["schema"]["enum"] == [
        "name",
        "-name",
        "date_of_birth",
        "-date_of_birth",
        "nhs_number",
        "-nhs_number",
        "created_at",
        "-created_at",
        "updated_at",
        "-updated_at",
    ]


def test_every_list_says_how_large_a_page_may_be(schema):
    for path, operations in schema["paths"].items():
        names = [p["name"] for p in operations.get("get", {}).get("parameters", [])]
        if "limit" in names:
            assert parameter(schema, path, "limit")["schema"] == {
                "type": "integer",
                "minimum": 1,
                "maximum": 100,
                "default": 20,
            }, path
            assert parameter(schema, path, "offset")["schema"] == {
                "type": "integer",
                "minimum": 0,
                "default": 0,
            }, path


def test_the_statistics_from_and_to_are_dates(schema):
    path = "/api/v1/stats/missed-appointments/"
    assert parameter(schema, path, "from")["schema"] == {"type": "string", "format": "date"}
    assert parameter(schema, path, "to")["schema"] == {"type": "string", "format": "date"}
