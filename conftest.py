"""Fixtures shared by every app's tests."""

import pytest
from rest_framework.test import APIClient


@pytest.fixture
def api():
    """An API client; dicts are sent as JSON (TEST_REQUEST_DEFAULT_FORMAT in the test settings)."""
    return APIClient()
