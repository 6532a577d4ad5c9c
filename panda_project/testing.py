"""Helpers for the test suite."""


def assert_error(response, status: int, code: str, field: str | None = None) -> dict:
    """Assert the one error shape: status, code and, for validation errors, the field's code."""
    body = response.json()
    assert response.status_code == status, body
    assert set(body) == {"status", "code", "message", "errors"}, body
    assert body["status"] == status
    if field is None:
        assert body["code"] == code, body
    else:
        assert body["code"] == "validation_error", body
        assert code in [item["code"] for item in body["errors"][field]], body
    assert body["message"]
    return body
