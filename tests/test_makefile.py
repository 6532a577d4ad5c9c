"""`make run` installs what serving needs, and only that; `make test` adds the tools."""

import subprocess

from django.conf import settings


def planned(target: str) -> str:
    """The commands ``make`` would run for ``target`` from scratch, without running them."""
    result = subprocess.run(
        ["make", "--dry-run", "--always-make", target],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def test_make_run_installs_only_the_runtime_requirements():
    commands = planned("run")
    assert "-r requirements.txt" in commands
    assert "requirements-dev.txt" not in commands


def test_make_test_installs_the_development_requirements_too():
    commands = planned("test")
    assert "-r requirements.txt" in commands
    assert "-r requirements-dev.txt" in commands
