"""Fixtures of the reliability checks: throwaway databases and live servers.

These checks are marked ``slow`` and run by ``.ci/run`` (``pytest -m slow``), not by
``make test``. PostgreSQL is at PG_URL (default postgres://postgres@127.0.0.1:5432/test) and
MariaDB, for the checks that run on all three databases, at MARIADB_URL (default
mysql://root@127.0.0.1:3306/test); each check gets its own database named panda_reliability_*.
"""

import os
import uuid
from collections import defaultdict

import pytest
import requests

from .harness import (
    Server,
    drop_mariadb_database,
    drop_postgres_database,
    mariadb_database,
    postgres_database,
)

PG_URL = os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432/test")
MARIADB_URL = os.environ.get("MARIADB_URL", "mysql://root@127.0.0.1:3306/test")
FIGURES: dict[str, list[str]] = defaultdict(list)


def report(section: str, line: str) -> None:
    """Keep a figure for the summary printed at the end of the run."""
    FIGURES[section].append(line)


def pytest_terminal_summary(terminalreporter):
    if not FIGURES:
        return
    terminalreporter.section("reliability figures")
    for section, lines in FIGURES.items():
        terminalreporter.write_line(f"{section}:")
        for line in lines:
            terminalreporter.write_line(f"  {line}")


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'panda.sqlite3'}"
        return
    url = postgres_database(PG_URL, f"panda_reliability_{uuid.uuid4().hex[:8]}")
    yield url
    drop_postgres_database(url)


@pytest.fixture
def postgresql_url():
    url = postgres_database(PG_URL, f"panda_reliability_{uuid.uuid4().hex[:8]}")
    yield url
    drop_postgres_database(url)


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def any_database_url(request, tmp_path):
    """Each of the three databases in turn."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'panda.sqlite3'}"
        return
    make, drop, base = {
        "postgresql": (postgres_database, drop_postgres_database, PG_URL),
        "mariadb": (mariadb_database, drop_mariadb_database, MARIADB_URL),
    }[request.param]
    url = make(base, f"panda_reliability_{uuid.uuid4().hex[:8]}")
    yield url
    drop(url)


@pytest.fixture
def servers(tmp_path):
    """Make servers with ``servers(database_url, workers=4, **env)``; all are stopped afterwards."""
    started: list[Server] = []

    def make(database_url: str, workers: int = 4, **env: str) -> Server:
        server = Server(database_url, tmp_path / f"server-{len(started)}.log", workers, **env)
        started.append(server)
        return server.start()

    yield make
    for server in started:
        server.stop()


def seed(server: Server) -> dict:
    """A clinician and a department to book with."""
    session = requests.Session()
    clinician = session.post(server.url("/api/v1/clinicians/"), json={"name": "Dr Load"})
    department = session.post(
        server.url("/api/v1/departments/"), json={"name": f"Load {uuid.uuid4().hex[:6]}"}
    )
    assert clinician.status_code == department.status_code == 201, clinician.text
    return {"clinician": clinician.json()["id"], "department": department.json()["id"]}
