"""The orjson renderer and parser must be drop-in replacements for DRF's JSON classes."""

import datetime as dt
import decimal
import io
import uuid

import pytest
from django.utils.translation import gettext_lazy
from rest_framework import parsers, renderers
from rest_framework.exceptions import ParseError

from panda_project.api.renderers import JSONParser, JSONRenderer

SAMPLES = [
    {"name": "Siân O'Brien-McKenzie", "script": "山田太郎", "emoji": "🙂", "empty": ""},
    {"nested": [{"a": 1, "b": None, "c": True}, [], {}], "count": 12, "ratio": 0.5},
    {"lazy": gettext_lazy("Not found."), "decimal": decimal.Decimal("1.50")},
    {"id": uuid.UUID("12345678-1234-5678-1234-567812345678"), "day": dt.date(2030, 6, 4)},
    {"separators": "line\u2028paragraph\u2029end", "quote": 'say "hi"\n\t\\'},
    {1: "an integer key", "nested": {2: [{3: "deep"}]}, "name": "Siân"},
    [1, 2, 3],
]


@pytest.mark.parametrize("data", SAMPLES)
def test_renderer_writes_exactly_the_bytes_drf_would(data):
    assert JSONRenderer().render(data) == renderers.JSONRenderer().render(data)


def test_renderer_writes_nothing_for_no_data():
    assert JSONRenderer().render(None) == b""


def test_renderer_still_pretty_prints_when_asked_for_an_indent():
    rendered = JSONRenderer().render({"a": [1]}, "application/json; indent=2")
    assert rendered == renderers.JSONRenderer().render({"a": [1]}, "application/json; indent=2")


def test_renderer_leaves_integers_beyond_64_bits_to_drfs_encoder():
    assert JSONRenderer().render({"big": 2**70}) == b'{"big":1180591620717411303424}'


@pytest.mark.parametrize(
    "body",
    [b'{"name": "Si\xc3\xa2n", "n": [1, 2.5, null]}', b"[]", b'"text"', b"{}"],
)
def test_parser_reads_what_drfs_parser_reads(body):
    ours = JSONParser().parse(io.BytesIO(body), "application/json", {})
    theirs = parsers.JSONParser().parse(io.BytesIO(body), "application/json", {})
    assert ours == theirs


@pytest.mark.parametrize("body", [b'{"a": ', b"NaN", b'{"a": Infinity}', b"\xff\xfe", b""])
def test_parser_refuses_what_is_not_strict_json(body):
    with pytest.raises(ParseError, match="JSON parse error"):
        JSONParser().parse(io.BytesIO(body), "application/json", {})


def test_parser_reads_other_charsets_as_drf_does():
    body = '{"name": "Siân"}'.encode("latin-1")
    parsed = JSONParser().parse(io.BytesIO(body), "application/json", {"encoding": "latin-1"})
    assert parsed == {"name": "Siân"}


@pytest.mark.django_db
def test_a_client_that_accepts_only_xml_gets_406_in_the_error_shape(api):
    from panda_project.testing import assert_error

    response = api.get("/api/v1/patients/", HTTP_ACCEPT="application/xml")
    assert_error(response, 406, "not_acceptable")


@pytest.mark.django_db
@pytest.mark.parametrize("accept", ["*/*", "application/json", "application/*", None])
def test_clients_that_accept_json_get_json(api, accept):
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    response = api.get("/api/v1/patients/", **headers)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
