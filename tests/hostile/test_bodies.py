"""Bodies that are not what the API reads: each is refused with its status and code, and nothing
is stored."""

import json

import pytest

from panda_project.testing import assert_error

from .conftest import URLS

pytestmark = pytest.mark.usefixtures("nothing_stored")
ENDPOINTS = sorted(URLS)
MIB = 1024 * 1024


def post_raw(client, url, body, content_type="application/json"):
    return client.generic("POST", url, body, content_type=content_type)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize(
    "body",
    ['{"name": ', "{'name': 'single quotes'}", "{,}", "[1, 2", "nul\x00l", '{"a": 1}}', "\ufeff{}"],
)
def test_malformed_json_is_400_malformed_json(client, endpoint, body):
    assert_error(post_raw(client, URLS[endpoint], body.encode()), 400, "malformed_json")


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_invalid_utf8_is_400_malformed_json(client, endpoint):
    assert_error(post_raw(client, URLS[endpoint], b'{"name": "\xff\xfe"}'), 400, "malformed_json")


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=xyz",
        "application/xml",
        "",
    ],
)
def test_a_body_that_is_not_json_is_415(client, valid, endpoint, content_type):
    body = "name=Ada&nhs_number=9434765919"
    response = post_raw(client, URLS[endpoint], body, content_type=content_type)
    assert_error(response, 415, "unsupported_media_type")


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_body_over_1_mib_is_413(client, valid, endpoint):
    body = json.dumps(valid[endpoint] | {"padding": "x" * MIB})
    assert_error(post_raw(client, URLS[endpoint], body), 413, "request_too_large")


def test_a_body_of_exactly_1_mib_is_read(client, valid):
    body = json.dumps(valid["clinicians"] | {"padding": ""})
    body = body.replace('""', '"' + "x" * (MIB - len(body)) + '"')
    assert len(body) == MIB
    assert_error(post_raw(client, URLS["clinicians"], body), 400, "unknown_field", "padding")


def test_a_content_length_that_is_not_a_number_is_400(client):
    response = client.post(URLS["clinicians"], "{}", "application/json", CONTENT_LENGTH="12abc")
    assert_error(response, 400, "bad_content_length")


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("depth", [100, 5_000, 100_000])
def test_deeply_nested_json_is_400(client, valid, endpoint, depth):
    nested = "[" * depth + "]" * depth
    body = json.dumps(valid[endpoint])[:-1] + f', "nested": {nested}}}'
    response = post_raw(client, URLS[endpoint], body)
    assert response.status_code == 400, response.content[:300]
    assert response.json()["code"] in {"malformed_json", "validation_error"}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize(
    "field", ["nhs_numbr", "Name", "__proto__", "na\x00me", "id ", "status", "ends_at"]
)
def test_unknown_fields_are_400_unknown_field(api, valid, endpoint, field):
    response = api.post(URLS[endpoint], valid[endpoint] | {field: "x"})
    assert_error(response, 400, "unknown_field", field)


def test_an_unnamed_field_is_reported_for_the_request_as_a_whole(api, valid):
    response = api.post(URLS["patients"], valid["patients"] | {"": "x"})
    assert_error(response, 400, "unknown_field", "non_field_errors")


@pytest.mark.parametrize(
    ("endpoint", "field"),
    [
        ("patients", "created_at"),
        ("patients", "url"),
        ("addresses", "id"),
        ("clinicians", "id"),
    ],
)
def test_read_only_fields_are_400_read_only_field(api, valid, endpoint, field):
    response = api.post(URLS[endpoint], valid[endpoint] | {field: "2030-01-01T00:00:00Z"})
    assert_error(response, 400, "read_only_field", field)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("body", [[], [{}], "a string", 42, None, True])
def test_a_body_that_is_not_an_object_is_400(api, endpoint, body):
    response = post_raw(api, URLS[endpoint], json.dumps(body))
    assert response.status_code == 400, response.json()
    assert response.json()["code"] in {"validation_error", "malformed_json"}


WRONG_TYPES = [
    ("patients", "name", 12345, "invalid"),
    ("patients", "name", ["Ada"], "invalid"),
    ("patients", "name", {"first": "Ada"}, "invalid"),
    ("patients", "name", None, "null"),
    ("patients", "nhs_number", 9434765919, "invalid"),
    ("patients", "nhs_number", True, "invalid"),
    ("patients", "date_of_birth", 19850314, "invalid"),
    ("patients", "date_of_birth", "14/03/1985", "invalid"),
    ("patients", "postcode", ["SW1A 1AA"], "invalid"),
    ("patients", "email", "not an email", "invalid"),
    ("appointments", "patient", 9434765919, "invalid"),
    ("appointments", "patient", {"nhs_number": "9434765919"}, "invalid"),
    ("appointments", "starts_at", 1906000000, "invalid"),
    ("appointments", "starts_at", None, "null"),
    ("appointments", "duration", 30, "duration_format"),
    ("appointments", "duration", "thirty minutes", "duration_format"),
    ("appointments", "duration", "-30m", "duration_format"),
    ("appointments", "duration", "0m", "duration_not_positive"),
    ("appointments", "duration", "25h", "duration_too_long"),
    ("appointments", "clinician", "one", "incorrect_type"),
    ("appointments", "clinician", 2**63 - 1, "does_not_exist"),
    ("appointments", "clinician", 2**63, "does_not_exist"),
    ("appointments", "clinician", -1, "does_not_exist"),
    ("appointments", "clinician", 1.5, "incorrect_type"),
    ("appointments", "department", [1], "incorrect_type"),
    ("appointments", "id", "not-a-uuid", "invalid"),
    ("addresses", "line1", 1, "invalid"),
    ("addresses", "town", False, "invalid"),
    ("clinicians", "name", {"$gt": ""}, "invalid"),
    ("departments", "name", ["Cardiology"], "invalid"),
]


@pytest.mark.parametrize(("endpoint", "field", "value", "code"), WRONG_TYPES)
def test_wrong_types_are_400_on_their_field(api, valid, endpoint, field, value, code):
    response = api.post(URLS[endpoint], valid[endpoint] | {field: value})
    assert_error(response, 400, code, field)
