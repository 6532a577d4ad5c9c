"""A local HTTP server that speaks GOV.UK Notify's API, for PANDA's real Notify client to
talk to in tests and in bench/reminders.py.

It answers ``POST /v2/notifications/sms`` and ``/v2/notifications/email`` as Notify does:
- the ``Authorization: Bearer`` JWT must be HS256-signed with the API key's secret, name the
  key's service as ``iss`` and have been issued within 30 seconds (else 403, ``AuthError``);
- a bad body is a 400 (``BadRequestError``), as is a number or address listed in ``refuse``;
- beyond ``rate`` messages in any 60 seconds it answers 429 (``RateLimitError``);
- ``fail_next`` answers that many requests 500 (``Exception``), and ``delay`` holds each answer
  (to kill a worker mid-send);
- otherwise 201 with a new notification id.
Every accepted notification is kept in ``accepted``, with its ``reference``. ``GET
/v2/notifications?reference=…`` lists those with that reference, newest first, as Notify does
(``fail_next`` applies to it too).
"""

import collections
import json
import re
import threading
import time
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
API_KEY = f"panda_test-{SERVICE_ID}-{SECRET}"
SMS_TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"
EMAIL_TEMPLATE_ID = "0f3f7b1a-6c1e-4f3e-9c2b-6b4f2b9c0e11"
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class NotifyState:
    def __init__(self, rate: int = 3000):
        self.lock = threading.Lock()
        self.rate = rate
        self.window: collections.deque[float] = collections.deque()
        self.accepted: list[dict] = []
        self.answers: collections.Counter = collections.Counter()
        self.refuse: set[str] = set()
        self.fail_next = 0
        self.delay = 0.0
        self.received = threading.Event()  # set when a request arrives (before any delay)

    def references(self) -> collections.Counter:
        with self.lock:
            return collections.Counter(n["reference"] for n in self.accepted)


def _error(status: int, kind: str, message: str) -> tuple[int, dict]:
    return status, {"status_code": status, "errors": [{"error": kind, "message": message}]}


class Handler(BaseHTTPRequestHandler):
    server_version = "NotifyStub/1"
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # quiet
        pass

    def do_GET(self):
        state: NotifyState = self.server.state
        url = urllib.parse.urlsplit(self.path)
        if url.path != "/v2/notifications":
            status, body = _error(404, "NotFound", "Not Found")
        elif refused := self.authorised():
            status, body = _error(403, "AuthError", refused)
        else:
            reference = urllib.parse.parse_qs(url.query).get("reference", [None])[0]
            with state.lock:
                if state.fail_next:
                    state.fail_next -= 1
                    status, body = _error(500, "Exception", "Internal server error")
                else:
                    found = [n for n in state.accepted if n["reference"] == reference]
                    status, body = (
                        200,
                        {
                            "notifications": [_listed(n) for n in reversed(found)],
                            "links": {"current": f"/v2/notifications?{url.query}"},
                        },
                    )
        self.reply(status, body)

    def reply(self, status: int, body: dict) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_POST(self):
        state: NotifyState = self.server.state
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        state.received.set()
        status, body = self.answer(state, raw)
        with state.lock:
            state.answers[status] += 1
        if state.delay:
            time.sleep(state.delay)
        payload = json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client was killed while waiting

    def authorised(self) -> str | None:
        """Why the token is refused, or None."""
        scheme, _, token = self.headers.get("Authorization", "").partition(" ")
        if scheme != "Bearer" or not token:
            return "Unauthorized: authentication token must be provided"
        try:
            header = jwt.get_unverified_header(token)
            claims = jwt.decode(token, SECRET, algorithms=["HS256"], options={"verify_iat": False})
        except jwt.InvalidTokenError:
            return "Invalid token: signature, api token not found"
        if header.get("alg") != "HS256":
            return "Invalid token: algorithm used is not HS256"
        if claims.get("iss") != SERVICE_ID:
            return "Invalid token: service not found"
        if abs(time.time() - int(claims.get("iat", 0))) > 30:
            return "Error: Your system clock must be accurate to within 30 seconds"
        return None

    def answer(self, state: NotifyState, raw: bytes) -> tuple[int, dict]:
        kind = {"/v2/notifications/sms": "sms", "/v2/notifications/email": "email"}.get(self.path)
        if kind is None:
            return _error(404, "NotFound", "Not Found")
        refused = self.authorised()
        if refused:
            return _error(403, "AuthError", refused)
        try:
            data = json.loads(raw)
        except ValueError:
            return _error(400, "BadRequestError", "Invalid JSON supplied in POST data")
        to_field = "phone_number" if kind == "sms" else "email_address"
        to = data.get(to_field)
        if not to or not UUID.match(str(data.get("template_id", ""))):
            return _error(400, "ValidationError", f"{to_field} and template_id are required")
        if to in state.refuse:
            reason = "Not a UK mobile number" if kind == "sms" else "Not a valid email address"
            return _error(400, "ValidationError", f"{to_field} {reason}")
        with state.lock:
            if state.fail_next:
                state.fail_next -= 1
                return _error(500, "Exception", "Internal server error")
            now = time.monotonic()
            while state.window and state.window[0] <= now - 60:
                state.window.popleft()
            if len(state.window) >= state.rate:
                return _error(
                    429,
                    "RateLimitError",
                    f"Exceeded rate limit for key type LIVE of {state.rate} requests per "
                    "60 seconds",
                )
            state.window.append(now)
            notification = {
                "id": str(uuid.uuid4()),
                "type": kind,
                "to": to,
                "reference": data.get("reference"),
                "template_id": data["template_id"],
                "personalisation": data.get("personalisation", {}),
                "received_at": time.time(),
            }
            state.accepted.append(notification)
        content = {"body": notification["personalisation"].get("body", "")}
        if kind == "email":
            content["subject"] = notification["personalisation"].get("subject", "")
        return 201, {
            "id": notification["id"],
            "reference": notification["reference"],
            "content": content,
            "uri": f"/v2/notifications/{notification['id']}",
            "template": {"id": data["template_id"], "version": 1, "uri": "/v2/template/x"},
        }


def _listed(notification: dict) -> dict:
    """A notification as Notify's list of them shows it (the fields PANDA reads, and more)."""
    received = time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime(notification["received_at"]))
    return {
        "id": notification["id"],
        "reference": notification["reference"],
        "type": notification["type"],
        "status": "sending",
        "created_at": received,
        "sent_at": received,
        "template": {"id": notification["template_id"], "version": 1, "uri": "/v2/template/x"},
        ("phone_number" if notification["type"] == "sms" else "email_address"): notification["to"],
    }


class NotifyServer:
    """``with NotifyServer() as notify:`` serves on a free loopback port; ``notify.url``."""

    def __init__(self, rate: int = 3000):
        self.state = NotifyState(rate)
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.state = self.state
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> "NotifyServer":
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
