"""Requests are logged with an id; NHS numbers and names never reach the log handlers."""

import io
import logging
import os
import subprocess
import sys

import pytest
from django.conf import settings

from panda_project.request_log import loggable_url, mask_identifiers

pytestmark = pytest.mark.django_db
NHS_NUMBER = "9434765919"
NAME = "Zebedee Quixotic-Fairweather"


@pytest.fixture
def log_output():
    """What PANDA's configured log handlers write, as text."""
    stream = io.StringIO()
    handlers = [h for h in logging.getLogger().handlers if type(h) is logging.StreamHandler]
    assert handlers, "settings.LOGGING configures a console handler on the root logger"
    previous = [handler.setStream(stream) for handler in handlers]
    yield stream
    for handler, original in zip(handlers, previous, strict=True):
        handler.setStream(original)


def test_a_patient_journey_leaves_no_identifier_or_name_in_the_logs(api, log_output):
    patient = {
        "nhs_number": "943 476 5919",
        "name": NAME,
        "date_of_birth": "1985-03-14",
        "postcode": "SW1A 1AA",
    }
    assert api.post("/api/v1/patients/", patient).status_code == 201
    assert api.post("/api/v1/patients/", patient).status_code == 409  # Django logs "Conflict: …"
    assert api.get(f"/api/v1/patients/{NHS_NUMBER}/").status_code == 200
    assert api.get("/api/v1/patients/943%20476%205919/appointments/").status_code == 200
    assert api.get("/api/v1/patients/9434765918/").status_code == 404
    assert api.get("/api/v1/patients/", {"name": "Zebedee", "nhs_number": NHS_NUMBER}).json()
    assert api.patch(f"/api/v1/patients/{NHS_NUMBER}/", {"name": NAME + "\x00"}).status_code == 400
    logged = log_output.getvalue()
    assert "/api/v1/patients/***/" in logged
    assert "Conflict: /api/v1/patients/" in logged
    for secret in (NHS_NUMBER, "943 476 5919", "943%20476%205919", "9434765918", "Zebedee"):
        assert secret not in logged


def test_each_request_line_carries_the_id_returned_to_the_client(api, log_output):
    response = api.get("/api/v1/patients/")
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    assert f"[{request_id}] GET /api/v1/patients/ 200" in log_output.getvalue()


def test_a_well_formed_request_id_from_the_client_is_kept(api):
    response = api.get("/api/v1/patients/", HTTP_X_REQUEST_ID="lb-7f3a-0001")
    assert response["X-Request-ID"] == "lb-7f3a-0001"


def test_a_request_id_that_could_forge_log_lines_is_replaced(api, log_output):
    response = api.get("/api/v1/patients/", HTTP_X_REQUEST_ID="x\nFAKE LINE")
    assert response["X-Request-ID"] != "x\nFAKE LINE"
    assert "FAKE LINE" not in log_output.getvalue()


def test_an_exception_logged_with_its_traceback_is_masked_too(log_output):
    try:
        raise ValueError(f'Key (nhs_number)=({NHS_NUMBER}) already exists for "/patients/X1/"')
    except ValueError:
        logging.getLogger("panda.test").exception("while saving %s", NHS_NUMBER)
    logged = log_output.getvalue()
    assert "Traceback" in logged
    assert NHS_NUMBER not in logged
    assert "X1" not in logged


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("/api/v1/patients/9434765919/", "/api/v1/patients/***/"),
        ("/api/v1/patients/not-a-number/addresses/", "/api/v1/patients/***/addresses/"),
        ("Not Found: /api/v1/patients/943 476 5919/", "Not Found: /api/v1/patients/***/"),
        ("/fhir/R4/Patient/943 476 591 and more", "/fhir/R4/Patient/*** and more"),
        ("nhs 943 476 5919 and 943-476-5919", "nhs *** and ***"),
        ("at 2026-11-29 04:55:32, 12345678901 rows", "at 2026-11-29 04:55:32, 12345678901 rows"),
        (
            "/api/v1/appointments/5f0c2b1e-8a4d-4c1e-973d-0777003770e2/cancel/",
            "/api/v1/appointments/5f0c2b1e-8a4d-4c1e-973d-0777003770e2/cancel/",
        ),
        (
            "id 5F0C2B1E-8A4D-4C1E-973D-077700377012 kept",
            "id 5F0C2B1E-8A4D-4C1E-973D-077700377012 kept",
        ),
        ("not a uuid: 973d-0777003770-e2", "not a uuid: 973d-***-e2"),
    ],
)
def test_identifiers_are_masked_and_other_numbers_kept(text, masked):
    assert mask_identifiers(text) == masked


def test_query_values_are_masked_unless_known_to_be_harmless():
    assert (
        loggable_url("/api/v1/patients/", "name=Si%C3%A2n&limit=5&postcode=SW1A+1AA")
        == "/api/v1/patients/?name=***&limit=5&postcode=***"
    )


def test_a_method_that_is_no_http_method_is_not_logged(client, log_output):
    response = client.generic(NHS_NUMBER, "/api/v1/patients/")
    assert response.status_code == 405
    logged = log_output.getvalue()
    assert "OTHER /api/v1/patients/ 405" in logged
    assert NHS_NUMBER not in logged


def test_gunicorn_access_lines_are_masked_method_included():
    import datetime as dt
    import types

    from gunicorn.config import Config

    from panda_project.request_log import MaskingGunicornLogger

    environ = {
        "REQUEST_METHOD": NHS_NUMBER,
        "RAW_URI": f"/api/v1/patients/{NHS_NUMBER}/?name=Zebedee&limit=5",
        "PATH_INFO": f"/api/v1/patients/{NHS_NUMBER}/",
        "QUERY_STRING": "name=Zebedee&limit=5",
        "SERVER_PROTOCOL": "HTTP/1.1",
    }
    response = types.SimpleNamespace(status="405 Method Not Allowed", sent=0, headers=[])
    atoms = MaskingGunicornLogger(Config()).atoms(
        response, types.SimpleNamespace(headers=[]), environ, dt.timedelta(milliseconds=3)
    )
    assert atoms["r"] == "OTHER /api/v1/patients/***/?name=***&limit=5 HTTP/1.1"
    assert atoms["m"] == "OTHER"
    assert NHS_NUMBER not in repr(atoms) and "Zebedee" not in repr(atoms)


def test_commands_print_no_axes_banner():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "panda_project.settings.local"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "AXES" not in result.stderr + result.stdout
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."
