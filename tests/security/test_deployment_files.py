"""docker-compose.yml runs PANDA on PostgreSQL through bin/start; no Docker engine runs here, so
the live start is tested in tests/reliability/test_start.py and the file's wiring here."""

import re

import yaml
from django.conf import settings


def compose() -> dict:
    return yaml.safe_load((settings.BASE_DIR / "docker-compose.yml").read_text())


def test_the_web_service_starts_through_bin_start_on_postgresql():
    web = compose()["services"]["web"]
    assert web["command"] == ["bin/start"]
    assert web["environment"]["DATABASE_URL"].startswith("postgres://")
    assert web["environment"]["DJANGO_SETTINGS_MODULE"] == "panda_project.settings.production"
    assert web["depends_on"]["db"]["condition"] == "service_healthy"


def test_the_secret_key_must_be_given_and_the_health_check_is_readyz():
    web = compose()["services"]["web"]
    assert web["environment"]["SECRET_KEY"].startswith("${SECRET_KEY:?")
    assert "http://127.0.0.1:8000/readyz" in " ".join(web["healthcheck"]["test"])


def test_the_database_service_is_postgresql_with_a_kept_volume():
    services = compose()
    assert services["services"]["db"]["image"].startswith("postgres:")
    assert "pgdata" in services["volumes"]


def test_the_image_has_the_postgresql_client_of_the_compose_servers_major_version():
    """``manage.py backup`` runs pg_dump in the web container: of the server's major version."""
    major = compose()["services"]["db"]["image"].removeprefix("postgres:").split(".")[0]
    dockerfile = (settings.BASE_DIR / "Dockerfile").read_text()
    assert re.search(r"^FROM python:[0-9.]+-slim-bookworm$", dockerfile, re.MULTILINE)
    assert f"ARG POSTGRES_MAJOR={major}\n" in dockerfile
    assert "install -y --no-install-recommends postgresql-client-${POSTGRES_MAJOR}" in dockerfile
    assert "apt.postgresql.org/pub/repos/apt bookworm-pgdg main" in dockerfile
