"""The dependency audit (.ci/audit.py) fails on a known-vulnerable pin.

The audit's verdict is checked against a stand-in vulnerability service on loopback that speaks
OSV's query API and knows one real advisory: Django 3.2's MultiPartParser path traversal
(PYSEC-2021-98, CVE-2021-31542), fixed in 3.2.1.
"""

import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.conf import settings

ADVISORY = {
    "id": "PYSEC-2021-98",
    "aliases": ["CVE-2021-31542"],
    "summary": "MultiPartParser, UploadedFile and FieldFile allowed directory traversal.",
    "affected": [
        {
            "package": {"name": "django", "ecosystem": "PyPI"},
            "ranges": [
                {"type": "ECOSYSTEM", "events": [{"introduced": "3.2"}, {"fixed": "3.2.1"}]}
            ],
        }
    ],
}


class OSV(BaseHTTPRequestHandler):
    def do_POST(self):
        query = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        affected = query["package"]["name"] == "django" and query["version"] == "3.2"
        body = json.dumps({"vulns": [ADVISORY]} if affected else {}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def osv_url():
    server = ThreadingHTTPServer(("127.0.0.1", 0), OSV)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1/query"
    server.shutdown()


def audit(requirements, osv_url, tmp_path):
    path = tmp_path / "requirements.txt"
    path.write_text(requirements)
    return subprocess.run(
        [sys.executable, ".ci/audit.py", "-r", str(path)]
        + ["--vulnerability-service", "osv", "--osv-url", osv_url, "--cache-dir", str(tmp_path)],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_known_vulnerable_pin_fails_the_audit(osv_url, tmp_path):
    result = audit("Django==3.2\nwhitenoise==6.12.0\n", osv_url, tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "VULNERABLE django==3.2: PYSEC-2021-98 (CVE-2021-31542); fixed in 3.2.1" in result.stdout


def test_panda_s_own_pins_pass_the_same_audit(osv_url, tmp_path):
    requirements = (settings.BASE_DIR / "requirements.txt").read_text()
    result = audit(requirements, osv_url, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 with known vulnerabilities" in result.stdout


def test_an_unreachable_service_fails_the_audit(tmp_path):
    result = audit("Django==5.2.19\n", "http://127.0.0.1:9/v1/query", tmp_path)
    assert result.returncode != 0


@pytest.mark.slow  # it asks the real advisory service, which may take up to the 120 s timeout
def test_a_known_vulnerable_pin_fails_the_audit_with_the_default_service(tmp_path):
    # Whether PyPI's advisories answer (then pip-audit finds it) or not (then the offline
    # snapshot does), Django 3.2's path traversal fails the audit.
    path = tmp_path / "requirements.txt"
    path.write_text("Django==3.2\n")
    result = subprocess.run(
        [sys.executable, ".ci/audit.py", "-r", str(path), "--cache-dir", str(tmp_path)],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "VULNERABLE django==3.2" in result.stdout
    assert "CVE-2021-31542" in result.stdout
