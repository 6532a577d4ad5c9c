"""Production settings pass `manage.py check --deploy`; cookies and HSTS are configurable."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "panda_project.settings.production",
    "SECRET_KEY": "k3V9-deploy-check-" + "x7Qz2" * 10,
    "ALLOWED_HOSTS": "panda.example.org",
    "PANDA_ERASURE_KEY": "deploy-check-erasure-" + "q8Wm3" * 10,
}


def manage(*args, **env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SECURE_", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "PANDA_API"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=environment | PRODUCTION | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_no_issues():
    result = manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    # Only the HSTS preload reminder is silenced, while preloading is not chosen.
    assert "System check identified no issues (1 silenced)." in result.stdout


def test_check_deploy_has_nothing_to_silence_once_hsts_preload_is_chosen():
    result = manage("check", "--deploy", "--fail-level", "WARNING", SECURE_HSTS_PRELOAD="true")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_warns_when_secure_cookies_and_hsts_are_switched_off():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECURE_COOKIES="false",
        SECURE_HSTS_SECONDS="0",
    )
    assert result.returncode != 0
    for warning in ("security.W004", "security.W012", "security.W016"):
        assert warning in result.stdout + result.stderr


@pytest.mark.parametrize("value", ["maybe", "superuser"])
def test_an_unknown_api_auth_mode_refuses_to_start(value):
    result = manage("check", PANDA_API_AUTH=value)
    assert result.returncode != 0
    assert "PANDA_API_AUTH must be none or token" in result.stderr
