"""docs/api.md's error tables against the codes the code can raise (tests/documentation/
error_codes.py says how they are found): a code raised but not tabled fails, and so does a code
tabled that nothing raises, each named with where it is raised or tabled."""

import re

from .error_codes import builtin_field_codes, scan
from .markdown import ROOT, inline_codes, tables

API_PAGE = ROOT / "docs" / "api.md"

# Raised by the services that only the import calls (appointment_record_prepare): `import_panda`
# reports them for a row; no API request can meet them.
IMPORT_ONLY = {"missed_in_future"}
# Raised by the services of reminder variants, which only the back office edits.
BACK_OFFICE_ONLY = {"variant_exists", "variant_last", "variant_in_use", "no_weight_left"}


def documented() -> tuple[set[tuple[int, str]], set[str], set[str]]:
    """(status, code) of the response table; PANDA's field codes; Django's and DRF's."""
    responses, fields, builtin = set(), set(), set()
    for header, rows in tables(API_PAGE.read_text()):
        if header[:2] == ["Status", "Code"]:
            responses |= {(int(row[0]), code) for row in rows for code in inline_codes(row[1])}
        elif header[0] == "Field code":
            fields |= {code for row in rows for code in inline_codes(row[0])}
        elif header[0] == "Field code from Django and DRF":
            builtin |= {code for row in rows for code in inline_codes(row[0])}
    return responses, fields, builtin


def test_the_api_page_has_the_three_error_tables():
    responses, fields, builtin = documented()
    assert (400, "validation_error") in responses
    assert "nhs_number_checksum" in fields
    assert "max_length" in builtin


def test_every_code_the_source_can_raise_is_readable():
    _, unreadable = scan()
    assert unreadable == [], (
        "error codes held in a variable: write them as literals, or teach "
        "tests/documentation/error_codes.py (CODES_FROM_DATA) where they come from"
    )


def test_the_error_tables_list_exactly_the_codes_the_api_can_answer():
    raised, _ = scan()
    responses, fields, builtin = documented()
    problems = []

    for found in raised:
        if found.code in IMPORT_ONLY | BACK_OFFICE_ONLY:
            continue
        if found.status is None:
            if found.pattern or found.code not in fields | builtin:
                problems.append(f"field code {found.code} ({found.where}) is not in a field table")
        elif found.pattern:
            if not any(re.fullmatch(found.code, code) for status, code in responses):
                problems.append(f"no {found.status} code matching {found.code} ({found.where})")
        elif (found.status, found.code) not in responses:
            problems.append(f"{found.status} {found.code} ({found.where}) is not in the table")

    response_codes = {
        (found.status, found.code) for found in raised if found.status and not found.pattern
    }
    patterns = [(found.status, found.code) for found in raised if found.status and found.pattern]
    for status, code in sorted(responses):
        matched = any(s == status and re.fullmatch(p, code) for s, p in patterns)
        if (status, code) not in response_codes and not matched:
            problems.append(f"{status} {code} is in the table, but nothing raises it")
    field_codes = {found.code for found in raised if found.status is None}
    problems += [
        f"field code {code} is in PANDA's field table, but nothing raises it"
        for code in sorted(fields - field_codes)
    ]
    known = builtin_field_codes()
    problems += [
        f"field code {code} is in the Django and DRF table, but neither defines it"
        for code in sorted(builtin - known)
    ]
    assert problems == [], "docs/api.md's error tables and the code disagree:\n" + "\n".join(
        problems
    )


def test_the_import_only_codes_are_still_raised():
    raised, _ = scan()
    assert {found.code for found in raised} >= IMPORT_ONLY
