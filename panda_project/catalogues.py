"""PANDA's message catalogues (locale/<lang>/LC_MESSAGES/django.po and .mo), in pure Python.

``python -m panda_project.catalogues`` (``make messages``) finds every translatable message in
the code and templates, adds the new ones to each shipped language's .po file (untranslated),
and compiles every .po into the .mo file that Django reads. The .mo files are committed, so a
fresh machine needs no step and no GNU gettext. ``python -m panda_project.catalogues --check``
lists what is missing: a message without a translation in a shipped language, a translation
whose placeholders differ from its message, or a .mo file older than its .po.
"""

import io
import os
import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_python
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po
from django.utils.translation.template import templatize

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "locale"
DOMAIN = "django"
# Where no message for people lives: tests, tools, data and what is installed or generated.
SKIPPED_DIRS = {"tests", "bench", "data", "docs", "locale", "node_modules", "staticfiles"}
# Django's translation functions, as Django's makemessages gives them to xgettext.
KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}


def shipped_languages() -> list[str]:
    """Every language in settings.LANGUAGES but the default, English, whose messages are the
    source text."""
    from django.conf import settings

    return [code for code, _ in settings.LANGUAGES if not code.startswith("en")]


def source_files():
    for directory, dirs, files in os.walk(ROOT):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")) and d not in SKIPPED_DIRS)
        for name in sorted(files):
            if name.endswith((".py", ".html")) and not name.startswith("test_"):
                yield Path(directory, name)


def _messages_in(path: Path):
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".html":
        # The same conversion of {% translate %} and {% blocktranslate %} as makemessages makes.
        text = templatize(text, origin=str(path))
    options = {"encoding": "utf-8"}
    # Comments that start "Translators:" reach the translators, as with makemessages.
    yield from extract_python(io.BytesIO(text.encode()), KEYWORDS.keys(), ["Translators"], options)


def extract() -> Catalog:
    """Every translatable message in PANDA's code and templates, with where it is."""
    catalog = Catalog(domain=DOMAIN, project="PANDA", charset="utf-8")
    for path in source_files():
        relative = path.relative_to(ROOT).as_posix()
        for line, function, args, comments in _messages_in(path):
            spec = KEYWORDS[function] or (1,)
            args = args if isinstance(args, tuple) else (args,)
            context = None
            ids = []
            for position in spec:
                if isinstance(position, tuple):
                    context = args[position[0] - 1]
                else:
                    ids.append(args[position - 1] if position <= len(args) else None)
            if not ids or not ids[0]:
                continue  # a call with a variable, not a literal: nothing to translate
            msgid = ids[0] if len(ids) == 1 else tuple(ids)
            catalog.add(
                msgid, locations=[(relative, line)], auto_comments=comments, context=context
            )
    return catalog


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalogue(path: Path, language: str) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=language, domain=DOMAIN)


def update(template: Catalog | None = None) -> None:
    """Bring each shipped language's .po up to date with the code, then compile them all."""
    template = template or extract()
    for language in shipped_languages():
        path = po_path(language)
        if path.exists():
            catalog = read_catalogue(path, language)
        else:
            catalog = Catalog(locale=language, domain=DOMAIN, project="PANDA", charset="utf-8")
        created = catalog.creation_date
        # No fuzzy guesses: a new message stays untranslated until someone translates it.
        catalog.update(template, no_fuzzy_matching=True)
        catalog.creation_date = created  # so that a run that finds nothing new changes nothing
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(handle, catalog, width=100, sort_by_file=True, ignore_obsolete=True)
    compile_all()


def compile_all() -> None:
    for language in shipped_languages():
        catalog = read_catalogue(po_path(language), language)
        with po_path(language).with_suffix(".mo").open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)


def _translations(catalog: Catalog) -> dict:
    return {
        (message.context, message.id): message.string
        for message in catalog
        if message.id and message.string and not message.fuzzy
    }


# "%(name)s" for PANDA's messages, "{name}" for DRF's.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]|\{[^{}]*\}")


def _same_placeholders(message) -> bool:
    ids = message.id if isinstance(message.id, tuple) else (message.id,)
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    wanted = sorted(set(PLACEHOLDER.findall(ids[-1])))
    return all(sorted(set(PLACEHOLDER.findall(text))) == wanted for text in strings if text)


def problems(template: Catalog | None = None) -> list[str]:
    """What stops a shipped language from having every message of the code, or its .mo from
    matching its .po; empty when all is well."""
    template = template or extract()
    found = []
    for language in shipped_languages():
        path = po_path(language)
        if not path.exists():
            found.append(f"{language}: no catalogue at {path.relative_to(ROOT)}")
            continue
        catalog = read_catalogue(path, language)
        for message in template:
            if not message.id:
                continue
            translated = catalog.get(message.id, message.context)
            strings = translated.string if translated else None
            complete = all(strings) if isinstance(strings, tuple) else bool(strings)
            if translated is None or translated.fuzzy or not complete:
                where = ", ".join(f"{file}:{line}" for file, line in message.locations)
                found.append(f"{language}: no translation of {message.id!r} ({where})")
        for message, errors in catalog.check():
            found += [f"{language}: {message.id!r}: {error}" for error in errors]
        for message in catalog:
            if message.id and message.string and not _same_placeholders(message):
                found.append(f"{language}: {message.id!r}: the placeholders differ")
        mo = path.with_suffix(".mo")
        if not mo.exists():
            found.append(f"{language}: {mo.relative_to(ROOT)} is missing")
            continue
        with mo.open("rb") as handle:
            compiled = read_mo(handle)
        if _translations(compiled) != _translations(catalog):
            found.append(f"{language}: {mo.relative_to(ROOT)} does not match its .po")
    return found


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "panda_project.settings.local")
    import django

    django.setup()
    if argv[1:] == ["--check"]:
        found = problems()
        print("\n".join(found) or "Every message is translated in every shipped language.")
        return 1 if found else 0
    update()
    untranslated = problems()
    print("\n".join(untranslated) or "Catalogues up to date; every message is translated.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
