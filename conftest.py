"""Fixtures shared by every app's tests."""

import pytest
from django.utils import translation
from rest_framework.test import APIClient

from panda_project.commands import LOCALE_VARIABLES


@pytest.fixture
def api():
    """An API client; dicts are sent as JSON (TEST_REQUEST_DEFAULT_FORMAT in the test settings)."""
    return APIClient()


@pytest.fixture(autouse=True)
def _default_language(monkeypatch):
    """Each test starts in the default language: management commands follow the shell's locale
    (panda_project.commands), and a request in Welsh leaves Welsh active in its thread."""
    for variable in LOCALE_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    translation.deactivate()
    yield
    translation.deactivate()
