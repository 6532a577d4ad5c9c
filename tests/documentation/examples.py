"""The request examples of the documentation, read as a person would run them.

An example is a `curl` command in a ```sh block, followed on its own line by the answer it gets:

    curl -s -X POST $API/patients/ -H 'Content-Type: application/json' \\
      -d '{"nhs_number": "943 476 5919", …}'
    # → 201

or, for an error, with its code: ``# → 409 appointment_cancelled``. A line ``NAME=value`` sets a
variable that later commands use as ``$NAME``. Only the curl options the pages use are understood
(-s, -X, -H, -d); any other makes the test fail, so that an example never means more than it runs.
"""

import re
import shlex
from dataclasses import dataclass, field

from .markdown import code_blocks

EXPECTED = re.compile(r"#\s*→\s*(\d{3})(?:\s+([a-z_]+))?\s*$")
ASSIGNMENT = re.compile(r"([A-Z_]+)=(\S+)$")


@dataclass
class Example:
    line: int  # where the command starts in the page
    command: str
    method: str = "GET"
    url: str = ""
    headers: dict = field(default_factory=dict)
    body: str | None = None
    status: int | None = None
    code: str | None = None

    def __str__(self):
        expected = f"{self.status} {self.code or ''}".strip()
        return f"line {self.line}: {self.method} {self.url} (→ {expected})"


def _commands(lines: list[str], first_line: int):
    """(line number, text) of each shell command, its continuation lines joined, and of each
    comment line; a command whose quotes are still open continues on the next line."""
    pending, start = "", 0
    for number, line in enumerate(lines, first_line):
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            yield number, line.strip()
            continue
        if not pending:
            start = number
        pending += line.removesuffix("\\") + ("\n" if not line.endswith("\\") else "")
        try:
            shlex.split(pending, comments=True)
        except ValueError:  # an open quote: the command goes on
            continue
        if line.endswith("\\"):
            continue
        yield start, pending.strip()
        pending = ""
    assert not pending, f"line {start}: a command never ends"


def _parse_curl(example: Example, variables: dict) -> None:
    words = shlex.split(example.command, comments=True)
    words = [re.sub(r"\$\{?([A-Z_]+)\}?", lambda m: variables[m.group(1)], w) for w in words]
    assert words[0] == "curl", f"line {example.line}: not a curl command"
    options = iter(words[1:])
    for word in options:
        if word == "-s":
            continue
        elif word == "-X":
            example.method = next(options)
        elif word == "-H":
            name, _, value = next(options).partition(":")
            example.headers[name.strip()] = value.strip()
        elif word == "-d":
            example.body = next(options)
            if example.method == "GET":
                example.method = "POST"  # as curl does
        elif word.startswith("-"):
            raise AssertionError(f"line {example.line}: the curl option {word} is not understood")
        else:
            example.url = word


def examples(text: str) -> list[Example]:
    """Every curl example of a page, with the answer written under it."""
    found: list[Example] = []
    variables: dict[str, str] = {}
    for block in code_blocks(text):
        if block.language != "sh":
            continue
        for number, command in _commands(block.lines, block.first_line):
            expected = EXPECTED.match(command)
            if expected:
                assert found and found[-1].status is None, f"line {number}: an answer to nothing"
                found[-1].status, found[-1].code = int(expected.group(1)), expected.group(2)
            elif ASSIGNMENT.match(command):
                name, value = ASSIGNMENT.match(command).groups()
                variables[name] = value
            elif command.startswith("curl"):
                assert not found or found[-1].status, f"{found[-1]}: no `# → status` line after it"
                example = Example(number, command)
                _parse_curl(example, variables)
                found.append(example)
    assert not found or found[-1].status, f"{found[-1]}: no `# → status` line after it"
    return found
