"""Settings come from the environment; production refuses to start unconfigured."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

from panda_project.settings.base import database_from_url

ROOT = settings.BASE_DIR


def run_production(**env):
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "PANDA_ERASURE_KEY"}
    }
    environment |= {"DJANGO_SETTINGS_MODULE": "panda_project.settings.production", **env}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); "
            "from django.conf import settings; print(settings.DEBUG)",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({"ALLOWED_HOSTS": "panda.example", "PANDA_ERASURE_KEY": "e" * 50}, "SECRET_KEY"),
        ({"SECRET_KEY": "s" * 50, "PANDA_ERASURE_KEY": "e" * 50}, "ALLOWED_HOSTS"),
        ({"SECRET_KEY": "s" * 50, "ALLOWED_HOSTS": "panda.example"}, "PANDA_ERASURE_KEY"),
    ],
)
def test_production_refuses_to_start_without_a_secret_key_allowed_hosts_or_erasure_key(
    env, missing
):
    result = run_production(**env)
    assert result.returncode != 0
    assert f"{missing} must be set" in result.stderr


def test_production_starts_with_debug_off_when_configured():
    result = run_production(
        SECRET_KEY="s" * 50, ALLOWED_HOSTS="panda.example", PANDA_ERASURE_KEY="e" * 50
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("url", "engine"),
    [
        ("sqlite:////tmp/panda.sqlite3", "django.db.backends.sqlite3"),
        ("postgres://postgres@127.0.0.1:5432/test", "django.db.backends.postgresql"),
        ("mysql://root@127.0.0.1:3306/test", "panda_project.db.mysql"),
    ],
)
def test_database_url_switches_the_database(url, engine):
    assert database_from_url(url)["ENGINE"] == engine


def test_sqlite_waits_for_the_write_lock_instead_of_failing():
    options = database_from_url("sqlite:////tmp/panda.sqlite3")["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in options["init_command"]
