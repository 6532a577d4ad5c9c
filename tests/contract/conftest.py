"""Fixtures of the API contract's tests."""

import pytest


@pytest.fixture(params=[False, True], ids=["debug-off", "debug-on"])
def debug(request, settings):
    """Each test twice: as the production and test settings run (DEBUG off), and as `make run`'s
    local settings do (DEBUG on), where Django's own error pages are its HTML debug pages."""
    settings.DEBUG = request.param
    return request.param
