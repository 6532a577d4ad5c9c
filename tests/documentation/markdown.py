"""Just enough Markdown reading for the documentation's tests: the pages, their headings as
GitHub anchors, their links, their fenced code blocks and their tables."""

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def pages() -> list[Path]:
    """README.md, CONTRIBUTING.md and every page under docs/."""
    return [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").rglob("*.md"))]


def prose_lines(text: str) -> list[tuple[int, str]]:
    """(line number, line) outside fenced code blocks."""
    lines, fenced = [], False
    for number, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        if not fenced:
            lines.append((number, line))
    return lines


def github_slug(heading: str) -> str:
    """The anchor GitHub gives a heading: its text in lower case, without punctuation (but with
    hyphens and underscores), spaces as hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link keeps only its text
    text = re.sub(r"[^\w\- ]", "", text.strip().lower())
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """Every anchor of a page; a repeated heading gets -1, -2… as on GitHub."""
    seen: dict[str, int] = {}
    found = set()
    for _, line in prose_lines(path.read_text()):
        heading = re.match(r"#{1,6}\s+(.*?)\s*#*\s*$", line)
        if heading:
            slug = github_slug(heading.group(1))
            count = seen.get(slug, 0)
            seen[slug] = count + 1
            found.add(slug if count == 0 else f"{slug}-{count}")
    return found


def links(path: Path) -> list[tuple[int, str]]:
    """(line number, target) of each inline link and image, outside code."""
    found = []
    for number, line in prose_lines(path.read_text()):
        line = re.sub(r"`[^`]*`", "", line)  # inline code is not a link
        found += [(number, target) for target in re.findall(r"\]\(\s*<?([^)\s>]+)>?", line)]
    return found


@dataclass
class CodeBlock:
    language: str
    first_line: int  # the line number of the block's first line of content
    lines: list[str]


def code_blocks(text: str) -> list[CodeBlock]:
    blocks, current = [], None
    for number, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith("```"):
            if current is None:
                current = CodeBlock(line.strip().strip("`").strip(), number + 1, [])
            else:
                blocks.append(current)
                current = None
        elif current is not None:
            current.lines.append(line)
    return blocks


def tables(text: str) -> list[tuple[list[str], list[list[str]]]]:
    """Every pipe table as (header cells, rows of cells), outside code."""
    found, rows = [], []
    for _, line in [*prose_lines(text), (0, "")]:
        if line.startswith("|"):
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
            continue
        if len(rows) >= 2 and set("".join(rows[1])) <= set("-: "):
            found.append((rows[0], rows[2:]))
        rows = []
    return found


def inline_codes(cell: str) -> list[str]:
    """The `code` spans in a table cell."""
    return re.findall(r"`([^`]+)`", cell)
