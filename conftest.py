"""Fixtures shared by every app's tests."""

import json

import pytest
from rest_framework.test import APIClient


class JSONClient(APIClient):
    """An API client that sends JSON unless told otherwise."""

    def generic(self, method, path, data="", content_type="application/json", **extra):
        if isinstance(data, dict | list):
            data = json.dumps(data)
        return super().generic(method, path, data, content_type, **extra)


@pytest.fixture
def api():
    return JSONClient()
