"""bin/start, as docker-compose and `make run` use it, with the production settings."""

import pytest
import requests

from .harness import Server

pytestmark = pytest.mark.slow
HTTPS = {"X-Forwarded-Proto": "https"}


def test_bin_start_migrates_and_serves_with_the_production_settings(servers, tmp_path):
    # The production defaults: HTTPS redirect, secure cookies and HSTS on.
    server = servers(f"sqlite:///{tmp_path / 'fresh.sqlite3'}", workers=3, SECURE_SSL_REDIRECT="")
    assert len(server.pids()) == 1 + 3  # the master and WEB_CONCURRENCY workers
    assert requests.get(server.url("/healthz")).json() == {"status": "ok"}
    assert requests.get(server.url("/readyz")).json() == {"status": "ok", "database": "ok"}

    plain = requests.get(server.url("/api/v1/patients/"), allow_redirects=False)
    assert plain.status_code == 301
    assert plain.headers["Location"].startswith("https://")

    patient = {
        "nhs_number": "9434765919",
        "name": "Startup Check",
        "date_of_birth": "1985-03-14",
        "postcode": "SW1A 1AA",
    }
    created = requests.post(server.url("/api/v1/patients/"), json=patient, headers=HTTPS)
    assert created.status_code == 201, created.text  # so the migrations ran
    got = requests.get(server.url("/api/v1/patients/943 476 5919/"), headers=HTTPS)
    assert got.status_code == 200
    assert got.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert got.headers["X-Request-ID"]
    assert requests.get(server.url("/static/admin/css/base.css"), headers=HTTPS).ok

    log = server.log()
    assert '"GET /api/v1/patients/***/ HTTP/1.1" 200' in log  # gunicorn's access log, masked
    assert f"[{got.headers['X-Request-ID']}]" in log
    for secret in ("9434765919", "943 476 5919", "943%20476%205919", "Startup Check"):
        assert secret not in log


def test_bin_start_refuses_to_start_without_a_secret_key(tmp_path):
    server = Server(f"sqlite:///{tmp_path / 'x.sqlite3'}", tmp_path / "server.log", SECRET_KEY="")
    with pytest.raises(RuntimeError, match="SECRET_KEY must be set in production"):
        server.start(timeout=60)
