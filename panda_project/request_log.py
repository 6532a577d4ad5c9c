"""Request logging without patient data.

Every request gets an id (the client's ``X-Request-ID`` if it is a sane token, else a new one),
returned in the ``X-Request-ID`` header and written on one log line per request. NHS numbers and
every query value that might hold a name are masked, in PANDA's own lines and in every other
record that passes the log handlers (Django's "Conflict: /api/v1/patients/9434765919/" warnings
and tracebacks included).
"""

import contextvars
import logging
import re
import time
import uuid
from urllib.parse import parse_qsl, urlencode

from gunicorn import glogging

logger = logging.getLogger("panda.request")

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

MASK = "***"
_CLIENT_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
# Ten digits, compact or spaced 3-3-4, written literally or URL-encoded ("943%20476%205919").
_SEPARATOR = r"(?:[ -]|%20|\+)?"
_NHS_LIKE = re.compile(
    rf"(?<![0-9])[0-9]{{3}}{_SEPARATOR}[0-9]{{3}}{_SEPARATOR}[0-9]{{4}}(?![0-9])"
)
# A UUID (an appointment's id) may hold ten digits in a row ("…973d-0777003770e2"): it names no
# patient, and is kept whole so that requests can be matched up.
_UUID_OR_NHS_LIKE = re.compile(
    r"(?P<uuid>(?<![0-9A-Fa-f])[0-9A-Fa-f]{8}-(?:[0-9A-Fa-f]{4}-){3}[0-9A-Fa-f]{12}"
    r"(?![0-9A-Fa-f]))|" + _NHS_LIKE.pattern
)
# Whatever stands where a patient is named in a URL, even when it is no valid NHS number.
# (The admin's "/admin/patients/patient/…" names the model, not a patient.)
# A decoded path may hold spaces ("/patients/943 476 5919/"): digit groups after one are taken too.
_PATIENT_SEGMENT = re.compile(
    r"(/patients?/)(?!patient/)[^/?#\s\"']+(?:\s+[0-9][^/?#\s\"']*)*", re.IGNORECASE
)
# Query parameters whose values never identify anyone; every other value is masked.
SAFE_QUERY_PARAMETERS = frozenset(
    {"limit", "offset", "ordering", "status", "clinician", "department", "format", "page"}
)


def mask_identifiers(text: str) -> str:
    """``text`` with NHS-number-shaped runs and patient URL segments replaced by ``***``."""
    text = _PATIENT_SEGMENT.sub(lambda match: match.group(1) + MASK, text)
    return _UUID_OR_NHS_LIKE.sub(lambda match: match.group("uuid") or MASK, text)


def mask_query(query: str) -> str:
    """A query string with the values of every parameter not known to be harmless masked."""
    if not query:
        return ""
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode(
        [(key, value if key in SAFE_QUERY_PARAMETERS else MASK) for key, value in pairs],
        safe="*",
    )


# HTTP's methods; anything else a client sends in their place is logged as "OTHER", since it
# could carry anything (a number "9434765919" is a method as far as HTTP's grammar goes).
HTTP_METHODS = frozenset(
    {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"}
)


def loggable_method(method: str) -> str:
    return method if method in HTTP_METHODS else "OTHER"


def loggable_url(path: str, query: str = "") -> str:
    masked = mask_identifiers(path)
    query = mask_query(query)
    return f"{masked}?{query}" if query else masked


class RequestLogMiddleware:
    """Give each request an id and write one masked line for it: method, path, status, time."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request.id = incoming if _CLIENT_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request.id)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request.id
            logger.info(
                "%s %s %s %.0fms",
                loggable_method(request.method),
                loggable_url(request.path, request.META.get("QUERY_STRING", "")),
                response.status_code,
                (time.monotonic() - started) * 1000,
                extra={"panda_masked": True},  # loggable_url() has masked it already
            )
            return response
        finally:
            request_id_var.reset(token)


class MaskPatientDataFilter(logging.Filter):
    """A handler filter: masks identifiers in the message and traceback of every record, and
    stamps it with the current request id (``%(request_id)s`` in the format)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        if getattr(record, "panda_masked", False):
            return True
        record.msg = mask_identifiers(record.getMessage())
        record.args = ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_identifiers(record.exc_text)
        record.panda_masked = True
        return True


class MaskingGunicornLogger(glogging.Logger):
    """gunicorn's logger (``logger_class`` in gunicorn.conf.py), with the access log's URL,
    query and referrer masked like PANDA's own request log."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        path, _, query = (environ.get("RAW_URI") or "").partition("?")
        url = loggable_url(path, query)
        method = loggable_method(environ.get("REQUEST_METHOD", ""))
        atoms["r"] = f"{method} {url} {environ['SERVER_PROTOCOL']}"
        atoms["m"] = method
        atoms["U"] = mask_identifiers(atoms.get("U") or "")
        atoms["q"] = mask_query(atoms.get("q") or "")
        for key in ("f", "{referer}i", "{http_referer}e"):
            if atoms.get(key):
                atoms[key] = mask_identifiers(atoms[key].partition("?")[0])
        # The same values as environ atoms, for a format that asks for them.
        masked_environ = {
            "{request_method}e": method,
            "{raw_uri}e": url,
            "{path_info}e": atoms["U"],
            "{query_string}e": atoms["q"],
        }
        atoms.update({key: value for key, value in masked_environ.items() if key in atoms})
        return atoms
