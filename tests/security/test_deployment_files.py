"""docker-compose.yml runs PANDA on PostgreSQL through bin/start; no Docker engine runs here, so
the live start is tested in tests/reliability/test_start.py and the file's wiring here."""

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
