"""A property-based fuzz run against PANDA's own OpenAPI schema, with schemathesis, on a live
gunicorn: no server error, and every response as the schema documents it."""

import os
import re
import subprocess
import uuid

import pytest
import requests

from .conftest import report, seed
from .harness import ROOT, VENV_BIN

pytestmark = pytest.mark.slow
MAX_EXAMPLES = int(os.environ.get("PANDA_FUZZ_EXAMPLES", "10"))
SEED = 20261129
CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
        "response_headers_conformance",
    ]
)


def seed_records(server) -> None:
    """Something for the generated requests to find: a patient with an address and a booking."""
    ids = seed(server)
    session = requests.Session()
    patient = {
        "nhs_number": "9434765919",
        "name": "Fuzz Target",
        "date_of_birth": "1985-03-14",
        "postcode": "SW1A 1AA",
    }
    assert session.post(server.url("/api/v1/patients/"), json=patient).status_code == 201
    address = {"line1": "1 Example Street", "town": "London", "postcode": "SW1A 1AA"}
    url = server.url("/api/v1/patients/9434765919/addresses/")
    assert session.post(url, json=address).status_code == 201
    booking = {
        "id": str(uuid.UUID(int=SEED)),
        "patient": "9434765919",
        "starts_at": "2031-06-04T16:30:00+01:00",
        "duration": "30m",
        "clinician": ids["clinician"],
        "department": ids["department"],
        "postcode": "SW1A 1AA",
    }
    assert session.post(server.url("/api/v1/appointments/"), json=booking).status_code == 201


def test_the_api_conforms_to_its_schema_under_fuzzing(database_url, servers, tmp_path):
    server = servers(database_url, workers=4)
    seed_records(server)
    result = subprocess.run(
        [
            str(VENV_BIN / "st"),
            "run",
            server.url("/api/v1/schema/"),
            "--checks",
            CHECKS,
            "--phases",
            "examples,coverage,fuzzing",
            "--max-examples",
            str(MAX_EXAMPLES),
            "--seed",
            str(SEED),
            "--workers",
            "2",
            "--request-timeout",
            "30",
            "--no-color",
            "--report",
            "junit",
            "--report-dir",
            str(tmp_path / "schemathesis"),
        ],
        cwd=ROOT,
        env=os.environ | {"SCHEMATHESIS_HOOKS": "tests.reliability.fuzz_hooks"},
        capture_output=True,
        text=True,
        timeout=900,
    )
    output = result.stdout + result.stderr
    backend = database_url.split(":")[0]
    summary = re.search(r"Test cases:\s*(.+)", output)
    operations = re.search(r"API Operations:\s*(.+)", output)
    report(
        "schemathesis",
        f"{backend}: {MAX_EXAMPLES} examples per operation, seed {SEED}; "
        f"operations {operations.group(1) if operations else '?'}; "
        f"test cases {summary.group(1) if summary else '?'}",
    )
    assert result.returncode == 0, output[-20000:]
    assert "Traceback" not in server.log()
