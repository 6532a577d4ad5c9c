"""The floor: a bare WSGI app that answers like PANDA for a few endpoints, with nothing between
the socket and the SQL but gunicorn, the database driver and orjson.

It runs the SQL that PANDA runs for "get one patient", "list patients" and "register a patient",
against the same database, and returns the same JSON bytes (the harness checks this). Whatever
PANDA costs beyond this is the price of Django, DRF and PANDA's own code.

Serve it with ``gunicorn bench.floor:application``; it reads ``DATABASE_URL`` (SQLite by default).
"""

import datetime as dt
import os
import re
import sqlite3
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import orjson

LONDON = ZoneInfo("Europe/London")
COLUMNS = (
    "id, nhs_number, name, date_of_birth, postcode, phone, email, reminder_channel, language, "
    "created_at, updated_at"
)
PATIENT_PATH = re.compile(r"^/api/v1/patients/([^/]+)/$")
POSTCODE = re.compile(
    r"^([A-Z][0-9]{1,2}|[A-Z][0-9][A-Z]|[A-Z]{2}[0-9]{1,2}|[A-Z]{2}[0-9][A-Z])([0-9][A-Z]{2})$"
)
JSON = [("Content-Type", "application/json")]


class Database:
    """One connection per worker, opened lazily, as a persistent Django connection would be."""

    def __init__(self, url: str):
        self.url = url
        self.connection = None
        self.postgres = url.startswith(("postgres://", "postgresql://"))
        self.mark = "%s" if self.postgres else "?"

    def connect(self):
        if self.connection is None:
            if self.postgres:
                import psycopg

                self.connection = psycopg.connect(self.url, autocommit=True)
                self.connection.execute("SET TIME ZONE 'UTC'")
            else:
                path = urlsplit(self.url).path[1:] if self.url else "db.sqlite3"
                self.connection = sqlite3.connect(path, isolation_level=None, timeout=20)
                self.connection.executescript(
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                )
        return self.connection

    def all(self, sql: str, params=()):
        return self.connect().execute(sql.replace("?", self.mark), params).fetchall()


database = Database(os.environ.get("DATABASE_URL", ""))


def timestamp(value) -> str:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)
    text = value.astimezone(LONDON).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def patient_json(row, base: str) -> dict:
    _, nhs_number, name, born, postcode, phone, email, channel, language, created, updated = row
    url = f"{base}/api/v1/patients/{nhs_number}/"
    return {
        "nhs_number": nhs_number,
        "name": name,
        "date_of_birth": born if isinstance(born, str) else born.isoformat(),
        "postcode": postcode,
        "phone": phone,
        "email": email,
        "reminder_channel": channel,
        "language": language,
        "url": url,
        "addresses_url": url + "addresses/",
        "appointments_url": url + "appointments/",
        "created_at": timestamp(created),
        "updated_at": timestamp(updated),
    }


def respond(start_response, status: str, body, headers=JSON):
    data = orjson.dumps(body)
    start_response(status, [*headers, ("Content-Length", str(len(data)))])
    return [data]


def base_url(environ) -> str:
    scheme = "https" if environ.get("HTTP_X_FORWARDED_PROTO") == "https" else "http"
    return f"{scheme}://{environ['HTTP_HOST']}"


def get_patient(environ, start_response, nhs_number: str):
    rows = database.all(
        f"SELECT {COLUMNS} FROM patients_patient WHERE nhs_number = ? ORDER BY id ASC LIMIT 1",
        (nhs_number,),
    )
    if not rows:
        return respond(start_response, "404 Not Found", {"status": 404, "code": "not_found"})
    return respond(start_response, "200 OK", patient_json(rows[0], base_url(environ)))


def list_patients(environ, start_response):
    query = parse_qs(environ.get("QUERY_STRING", ""))
    limit = min(int(query.get("limit", ["20"])[0]), 100)
    offset = int(query.get("offset", ["0"])[0])
    # Exact up to 10,000 rows, null beyond, as PANDA's pagination counts.
    (count,) = database.all(
        "SELECT COUNT(*) FROM (SELECT 1 FROM patients_patient LIMIT 10001) AS capped"
    )[0]
    count = count if count <= 10_000 else None
    rows = database.all(
        f"SELECT {COLUMNS} FROM patients_patient ORDER BY id ASC LIMIT ? OFFSET ?",
        (limit if count is not None else limit + 1, offset),
    )
    more = offset + limit < count if count is not None else len(rows) > limit
    rows = rows[:limit]
    base = base_url(environ)
    page = f"{base}/api/v1/patients/?limit={limit}"
    body = {
        "count": count,
        "next": f"{page}&offset={offset + limit}" if more else None,
        "previous": (f"{page}&offset={offset - limit}" if offset - limit > 0 else page)
        if offset
        else None,
        "results": [patient_json(row, base) for row in rows],
    }
    return respond(start_response, "200 OK", body)


def nhs_number_valid(value: str) -> bool:
    if len(value) != 10 or not value.isdigit():
        return False
    check = 11 - sum(int(d) * w for d, w in zip(value[:9], range(10, 1, -1), strict=True)) % 11
    return {11: 0}.get(check, check) == int(value[9])


def create_patient(environ, start_response):
    length = int(environ.get("CONTENT_LENGTH") or 0)
    try:
        data = orjson.loads(environ["wsgi.input"].read(length))
        nhs_number = data["nhs_number"].replace(" ", "")
        postcode = data["postcode"].replace(" ", "").upper()
        born = dt.date.fromisoformat(data["date_of_birth"])
        match = POSTCODE.match(postcode)
        if not (nhs_number_valid(nhs_number) and match and data["name"].strip()):
            raise ValueError
    except (ValueError, KeyError, TypeError, AttributeError):
        return respond(start_response, "400 Bad Request", {"status": 400, "code": "invalid"})
    now = dt.datetime.now(dt.UTC)
    stamp = now if database.postgres else now.isoformat(" ").removesuffix("+00:00")
    values = (
        nhs_number,
        data["name"].strip(),
        data["name"].casefold(),
        born.isoformat(),
        f"{match[1]} {match[2]}",
        data.get("phone", ""),
        data.get("email", ""),
        stamp,
        stamp,
    )
    connection = database.connect()
    try:
        connection.execute("BEGIN IMMEDIATE" if not database.postgres else "BEGIN")
        exists = database.all(
            "SELECT 1 FROM patients_patient WHERE nhs_number = ? LIMIT 1", (nhs_number,)
        )
        if not exists:
            rows = database.all(
                "INSERT INTO patients_patient (nhs_number, name, name_search, date_of_birth, "
                "postcode, phone, email, reminder_channel, language, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, 'auto', 'en', ?, ?) RETURNING " + COLUMNS,
                values,
            )
        connection.execute("COMMIT")
    except Exception:
        connection.execute("ROLLBACK")
        raise
    if exists:
        return respond(start_response, "409 Conflict", {"status": 409, "code": "nhs_number_exists"})
    body = patient_json(rows[0], base_url(environ))
    return respond(start_response, "201 Created", body, [*JSON, ("Location", body["url"])])


def application(environ, start_response):
    path, method = environ["PATH_INFO"], environ["REQUEST_METHOD"]
    if path == "/api/v1/patients/":
        if method == "POST":
            return create_patient(environ, start_response)
        return list_patients(environ, start_response)
    match = PATIENT_PATH.match(path)
    if match and method == "GET":
        return get_patient(environ, start_response, match[1])
    return respond(start_response, "404 Not Found", {"status": 404, "code": "not_found"})
