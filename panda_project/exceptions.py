"""Domain errors raised by services; the API turns them into responses, the admin into messages."""


class Conflict(Exception):
    """A valid request that the current state refuses (HTTP 409): a refused state change or a
    duplicate identifier. ``code`` is stable and machine-readable; ``message`` is for people;
    ``extra`` holds further keys of the API's error body, such as the appointment that clashes."""

    def __init__(self, message: str, code: str, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.extra = extra or {}

    def __str__(self) -> str:
        return str(self.message)
