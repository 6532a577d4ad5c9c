"""Helpers for the test suite."""

import threading


def assert_error(response, status: int, code: str, field: str | None = None) -> dict:
    """Assert the one error shape: status, code and, for validation errors, the field's code."""
    body = response.json()
    assert response.status_code == status, body
    keys = {"status", "code", "message", "errors"}
    if code.endswith("_double_booked"):  # these name the appointment in the way
        keys.add("conflicting_appointment")
    assert set(body) == keys, body
    assert body["status"] == status
    if field is None:
        assert body["code"] == code, body
    else:
        assert body["code"] == "validation_error", body
        assert code in [item["code"] for item in body["errors"][field]], body
    assert body["message"]
    return body


def run_in_threads(*targets) -> None:
    """Run each target in a thread of its own, all at once, and wait for them all: sessions
    that race on a server database (each thread has its own connection)."""
    threads = [threading.Thread(target=target) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
