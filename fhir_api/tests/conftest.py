"""The ``fhir`` client: every response it gets must be valid FHIR R4, checked by fhir.resources."""

import pytest
from fhir.resources import construct_fhir_element
from pydantic import BaseModel

FHIR_JSON = "application/fhir+json"


def assert_no_empty_values(value, path="$"):
    """FHIR JSON never holds nulls, empty strings, empty lists or empty objects."""
    assert value not in (None, "", [], {}), f"empty value at {path}"
    if isinstance(value, dict):
        for key, item in value.items():
            assert_no_empty_values(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            assert_no_empty_values(item, f"{path}[{index}]")


def assert_codes_in_value_sets(model: BaseModel, path: str = "$") -> None:
    """fhir.resources checks structure and types; this checks each code against its value set
    where the R4 definitions bind it to a fixed list (a status, a use, a severity)."""
    for name, field in model.__fields__.items():
        value = getattr(model, name)
        allowed = field.field_info.extra.get("enum_values")
        # MIME types are bound to a grammar, not to a list (the generator writes "mime").
        if allowed and "mime" in allowed:
            allowed = None
        for item in value if isinstance(value, list) else [value]:
            if allowed and item is not None:
                assert item in allowed, f"{path}.{name}: {item!r} is not one of {allowed}"
            if isinstance(item, BaseModel):
                assert_codes_in_value_sets(item, f"{path}.{name}")


def assert_valid_fhir(body: dict) -> None:
    assert_no_empty_values(body)
    model = construct_fhir_element(body["resourceType"], body)
    assert_codes_in_value_sets(model)


class FHIRClient:
    """GETs a FHIR URL, checks the status, the content type and the body's validity."""

    def __init__(self, client):
        self.client = client

    def get(self, path, data=None, *, status=200, media_type=FHIR_JSON, **headers):
        if isinstance(data, str):  # a raw query string, to repeat a parameter
            path, data = f"{path}?{data}", None
        response = self.client.get(path, data, **headers)
        body = response.json()
        assert response.status_code == status, body
        assert response["Content-Type"] == media_type
        assert_valid_fhir(body)
        return body

    def error(self, path, data=None, *, status=400, code="value", **headers) -> str:
        """An OperationOutcome with this status and issue code; its diagnostics."""
        body = self.get(path, data, status=status, **headers)
        assert body["resourceType"] == "OperationOutcome"
        [issue] = body["issue"]
        assert (issue["severity"], issue["code"]) == ("error", code), issue
        return issue["diagnostics"]

    def search(self, resource_type, data=None, **headers) -> list[str]:
        """The ids a search finds (on its first page)."""
        bundle = self.get(f"/fhir/R4/{resource_type}", data, **headers)
        assert bundle["type"] == "searchset"
        return [entry["resource"]["id"] for entry in bundle.get("entry", [])]


@pytest.fixture
def fhir(client):
    return FHIRClient(client)
