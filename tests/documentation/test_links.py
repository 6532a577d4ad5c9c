"""Every relative link in README.md, CONTRIBUTING.md and docs/ leads to a file that exists, and
every anchor (`page.md#section`, `#section`) to a heading of that page, named as GitHub names it."""

from urllib.parse import unquote

from .markdown import ROOT, anchors, github_slug, links, pages


def broken_links() -> list[str]:
    broken = []
    for page in pages():
        for line, target in links(page):
            if target.startswith(("http://", "https://", "mailto:")):
                continue
            path, _, anchor = unquote(target).partition("#")
            destination = (page.parent / path).resolve() if path else page
            where = f"{page.relative_to(ROOT)}:{line}: {target}"
            if not destination.exists():
                broken.append(f"{where} (no such file)")
            elif anchor and destination.suffix == ".md" and anchor not in anchors(destination):
                broken.append(f"{where} (no heading with the anchor #{anchor})")
    return broken


def test_every_relative_link_and_anchor_in_the_documentation_resolves():
    assert broken_links() == []


def test_the_documentation_tree_is_what_the_readme_maps():
    readme_targets = {target for _, target in links(ROOT / "README.md")}
    unmapped = [
        str(page.relative_to(ROOT))
        for page in pages()[2:]
        if str(page.relative_to(ROOT)) not in readme_targets
    ]
    assert unmapped == [], "pages under docs/ that README.md's map does not list"


def test_anchors_are_made_as_github_makes_them():
    assert github_slug("docker compose: PANDA with PostgreSQL") == (
        "docker-compose-panda-with-postgresql"
    )
    assert github_slug("The `make run` output, and [a link](x.md)") == (
        "the-make-run-output-and-a-link"
    )
    assert github_slug("Languages, time zones and markets") == "languages-time-zones-and-markets"
    assert github_slug("Ça marche — vraiment") == "ça-marche--vraiment"
