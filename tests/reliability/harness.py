"""Live PANDA servers for the reliability checks: started with bin/start (migrations, then
gunicorn with gunicorn.conf.py), probed on /readyz, killed with SIGKILL, restarted.

Every server listens on loopback only; every database is PANDA's own throwaway one.
"""

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import requests
from stdnum.gb import nhs

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (gunicorn's workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


class Server:
    """One PANDA instance: bin/start with production settings on a free loopback port."""

    def __init__(self, database_url: str, log_path: Path, workers: int = 4, **env: str):
        self.database_url = database_url
        self.log_path = log_path
        self.workers = workers
        self.extra_env = env
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def environment(self) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PANDA_", "SECURE_"))}
        return (
            env
            | {
                "PATH": f"{VENV_BIN}:{env.get('PATH', '')}",
                "PYTHON": str(VENV_BIN / "python"),
                "DJANGO_SETTINGS_MODULE": "panda_project.settings.production",
                "SECRET_KEY": secrets.token_urlsafe(50),
                "PANDA_ERASURE_KEY": secrets.token_urlsafe(50),
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
                # Plain HTTP on loopback: there is no TLS-terminating proxy in front here.
                "SECURE_SSL_REDIRECT": "false",
                "DATABASE_URL": self.database_url,
                "BIND": f"127.0.0.1:{self.port}",
                "WEB_CONCURRENCY": str(self.workers),
                "PANDA_API_AUTH": "none",
                "DEBUG": "false",
            }
            | self.extra_env
        )

    def start(self, timeout: float = 120) -> "Server":
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [str(ROOT / "bin" / "start")],
            cwd=ROOT,
            env=self.environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"bin/start exited {self.process.returncode}:\n{self.log()}")
            try:
                if requests.get(self.url("/readyz"), timeout=2).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"PANDA did not become ready in {timeout}s:\n{self.log()}")

    def pids(self) -> list[int]:
        if self.process is None or self.process.poll() is not None:
            return []
        return [self.process.pid, *children(self.process.pid)]

    def kill(self) -> int:
        """SIGKILL the gunicorn master and every worker at once; the number of processes."""
        pids = self.pids()
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        if self.process is not None:
            self.process.wait(timeout=30)
        deadline = time.monotonic() + 30
        while any(Path(f"/proc/{pid}").exists() for pid in pids[1:]):
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn workers outlived SIGKILL")
            time.sleep(0.05)
        return len(pids)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def postgres_database(base_url: str, name: str) -> str:
    """A fresh, empty database ``name`` on the server of ``base_url``; its URL."""
    import psycopg

    parts = urlsplit(base_url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def drop_postgres_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')


def mariadb_database(base_url: str, name: str) -> str:
    """A fresh, empty database ``name`` (utf8mb4, binary collation, as PANDA's tests make) on
    the MariaDB server of ``base_url``; its URL."""
    parts = urlsplit(base_url)
    with _mariadb(parts) as connection, connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
        cursor.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
    return urlunsplit(parts._replace(path=f"/{name}"))


def drop_mariadb_database(url: str) -> None:
    parts = urlsplit(url)
    with _mariadb(parts) as connection, connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS `{parts.path.lstrip('/')}`")


def _mariadb(parts):
    import pymysql

    return pymysql.connect(
        host=parts.hostname,
        port=parts.port or 3306,
        user=parts.username or "root",
        password=parts.password or "",
        autocommit=True,
    )


class NHSNumbers:
    """Valid, distinct NHS numbers from a starting point, safe to share between threads."""

    def __init__(self, start: int):
        self._next = start
        self._lock = threading.Lock()

    def __call__(self) -> str:
        with self._lock:
            while True:
                base = f"{self._next:09d}"
                self._next += 1
                for digit in "0123456789":
                    if nhs.is_valid(base + digit):
                        return base + digit


@dataclass
class Outcome:
    """What one request got: a status, or None when no answer came."""

    kind: str
    key: str
    sent: dict
    status: int | None
    body: dict = field(default_factory=dict)


def send(session: requests.Session, method: str, url: str, **kwargs) -> requests.Response | None:
    """The response, or None when the connection failed (the server died mid-request)."""
    try:
        return session.request(method, url, timeout=30, **kwargs)
    except requests.RequestException:
        return None


def simultaneously(count: int, action) -> list:
    """Run ``action(i)`` on ``count`` threads released together; their results, in order."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(index: int) -> None:
        barrier.wait()
        results[index] = action(index)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results
