"""The error codes PANDA's code can answer through its REST API, found by reading the source.

A static scan of every first-party module (not tests, migrations, the benchmark, or the FHIR API,
whose OperationOutcome codes are tabled in docs/fhir.md) finds:

- ``Conflict(message, code="…")``: a 409 with that code;
- ``json_error(status, "…", …)`` and ``error_body(status, "…", …)``: that status and code;
- any other call with ``code="…"`` (Django's and DRF's ``ValidationError``, DRF's
  ``ErrorDetail``…): a field code, answered inside a 400 ``validation_error``;

plus the exception handler's own table (``panda_project.api.errors.CODES``), whose statuses come
from DRF's exception classes. A code written as an f-string (``f"{noun}_in_use"``) is read as a
pattern that the documented codes must match. A code held in a variable cannot be read: the
places that do so are listed in ``CODES_FROM_DATA`` with the data they read it from, and any
other such place fails the test, naming itself.
"""

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from .markdown import ROOT

SKIPPED_PARTS = {".venv", "tests", "migrations", "bench", "fhir_api", "node_modules", "staticfiles"}


def _identifier_codes() -> set[str]:
    from patients.identifiers import ERRORS_BY_MODULE, GENERIC_ERRORS

    tables = [GENERIC_ERRORS, *ERRORS_BY_MODULE.values()]
    return {code for table in tables for code, _ in table.values()}


# (path, function) of each call whose code is a variable, and where its codes come from.
CODES_FROM_DATA = {
    ("patients/identifiers.py", "identifier_error"): _identifier_codes,
}
# The handler's general cases: a Conflict's own code, and the table of DRF's exceptions.
HANDLER = "panda_project/api/errors.py"


@dataclass(frozen=True)
class Found:
    code: str  # a code, or a regular expression when ``pattern``
    status: int | None  # None for a field code (inside a 400 validation_error)
    where: str
    pattern: bool = False


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _strings(node: ast.AST) -> list[str] | None:
    """The string constants an expression can be (both sides of ``a if c else b``)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        body, orelse = _strings(node.body), _strings(node.orelse)
        return body + orelse if body is not None and orelse is not None else None
    return None


def _pattern(node: ast.JoinedStr) -> str:
    parts = [
        re.escape(part.value) if isinstance(part, ast.Constant) else "[a-z_]+"
        for part in node.values
    ]
    return "".join(parts)


class _Scanner(ast.NodeVisitor):
    def __init__(self, path: str):
        self.path, self.function = path, ""
        self.found: list[Found] = []
        self.unreadable: list[str] = []

    def visit_FunctionDef(self, node):
        outer, self.function = self.function, node.name
        self.generic_visit(node)
        self.function = outer

    def visit_Call(self, node: ast.Call):
        self.generic_visit(node)
        where = f"{self.path}:{node.lineno}"
        name = _name(node.func)
        if name in ("json_error", "error_body") and len(node.args) >= 2:
            status, code = node.args[0], _strings(node.args[1])
            if isinstance(status, ast.Constant) and code:
                self.found += [Found(c, status.value, where) for c in code]
            elif self.path != HANDLER:
                self.unreadable.append(where)
            return
        for keyword in node.keywords:
            if keyword.arg != "code":
                continue
            status = 409 if name == "Conflict" else None
            if isinstance(keyword.value, ast.JoinedStr):
                self.found.append(Found(_pattern(keyword.value), status, where, pattern=True))
            elif (codes := _strings(keyword.value)) is not None:
                self.found += [Found(code, status, where) for code in codes]
            elif (self.path, self.function) in CODES_FROM_DATA:
                codes = CODES_FROM_DATA[(self.path, self.function)]()
                self.found += [Found(code, status, where) for code in codes]
            else:
                self.unreadable.append(f"{where} (in {self.function or 'the module'})")


def _modules() -> list[Path]:
    return [
        path
        for path in sorted(ROOT.rglob("*.py"))
        if not SKIPPED_PARTS & set(path.relative_to(ROOT).parts)
        # hidden folders: the virtualenvs (.venv, .venv-client) and tools' caches
        and not any(part.startswith(".") for part in path.relative_to(ROOT).parts)
        and path.parent != ROOT  # manage.py, conftest.py, gunicorn.conf.py
    ]


def scan() -> tuple[list[Found], list[str]]:
    """Every code the source raises, and the places whose code cannot be read."""
    found, unreadable = [], []
    for path in _modules():
        scanner = _Scanner(str(path.relative_to(ROOT)))
        scanner.visit(ast.parse(path.read_text(), str(path)))
        found += scanner.found
        unreadable += scanner.unreadable
    return found + _handler_codes(), unreadable


def _handler_codes() -> list[Found]:
    from panda_project.api.errors import CODES

    return [Found(code, kind.status_code, HANDLER) for kind, code in CODES.items()]


def builtin_field_codes() -> set[str]:
    """Every field error code Django and DRF define (their fields' messages and validators):
    PANDA's API answers some of them as they are (``required``, ``max_length``…)."""
    import django.core.validators as django_validators
    import django.db.models
    import django.forms
    import rest_framework.fields
    import rest_framework.relations  # noqa: F401 - defines Field subclasses
    import rest_framework.serializers  # noqa: F401 - defines Field subclasses

    def subclasses(base):
        for kind in base.__subclasses__():
            yield kind
            yield from subclasses(kind)

    codes = set()
    for base in (rest_framework.fields.Field, django.forms.Field, django.db.models.Field):
        for kind in [base, *subclasses(base)]:
            for klass in kind.__mro__:
                codes |= set(getattr(klass, "default_error_messages", {}))
    for value in vars(django_validators).values():
        if isinstance(getattr(value, "code", None), str):
            codes.add(value.code)
    return codes
