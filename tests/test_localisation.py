"""Localised errors: English (the default), Welsh and French, chosen per request from
Accept-Language; the machine-readable codes never change; every message has a translation."""

import io
import shutil

import pytest
from babel.messages.catalog import Catalog
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from appointments.tests.factories import AppointmentFactory
from panda_project import catalogues
from panda_project.commands import operator_language
from patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db
PATIENTS = "/api/v1/patients/"
LANGUAGES = ["en-gb", "cy", "fr"]
VALID = {
    "nhs_number": "943 476 5919",
    "name": "Siân Jones",
    "date_of_birth": "1985-03-14",
    "postcode": "CF10 1AA",
}


def bad_fields(api, language):
    body = VALID | {"nhs_number": "9434765918", "postcode": "NOWHERE", "name": "a\x00b"}
    return api.post(PATIENTS, body, HTTP_ACCEPT_LANGUAGE=language)


def duplicate(api, language):
    PatientFactory(nhs_number="9434765919")
    return api.post(PATIENTS, VALID, HTTP_ACCEPT_LANGUAGE=language)


def refused_state_change(api, language):
    appointment = AppointmentFactory(cancelled=True)
    return api.post(f"/api/v1/appointments/{appointment.pk}/attend/", HTTP_ACCEPT_LANGUAGE=language)


ERRORS = {
    "validation_400": bad_fields,
    "missing_fields_400": lambda api, language: api.post(
        PATIENTS, {}, HTTP_ACCEPT_LANGUAGE=language
    ),
    "naive_timestamp_400": lambda api, language: api.get(
        "/api/v1/appointments/",
        {"starts_after": "2031-06-04T16:30:00"},
        HTTP_ACCEPT_LANGUAGE=language,
    ),
    "unknown_patient_404": lambda api, language: api.get(
        f"{PATIENTS}9434765919/", HTTP_ACCEPT_LANGUAGE=language
    ),
    "unknown_url_404": lambda api, language: api.get(
        "/api/v1/nothing-here/", HTTP_ACCEPT_LANGUAGE=language
    ),
    "duplicate_409": duplicate,
    "state_change_409": refused_state_change,
    "too_large_413": lambda api, language: api.post(
        PATIENTS, VALID | {"name": "x" * (1024 * 1024)}, HTTP_ACCEPT_LANGUAGE=language
    ),
    "not_json_415": lambda api, language: api.post(
        PATIENTS, "name=x", content_type="text/plain", HTTP_ACCEPT_LANGUAGE=language
    ),
    "malformed_json_400": lambda api, language: api.post(
        PATIENTS, '{"name": ', content_type="application/json", HTTP_ACCEPT_LANGUAGE=language
    ),
}


def codes(body: dict) -> dict:
    fields = {name: [item["code"] for item in items] for name, items in body["errors"].items()}
    return {"status": body["status"], "code": body["code"], "errors": fields}


def messages(body: dict) -> list[str]:
    fields = [item["message"] for items in body["errors"].values() for item in items]
    return [body["message"], *fields]


@pytest.mark.parametrize("error", ERRORS.values(), ids=ERRORS.keys())
def test_each_error_is_in_the_language_asked_for_with_the_same_codes(api, error, db):
    bodies = {}
    for language in LANGUAGES:
        response = error(api, language)
        assert response["Content-Language"] == language
        assert response.status_code == response.json()["status"]
        bodies[language] = response.json()
        # Each request starts afresh: what one made must not change the next one's answer.
        translation.deactivate()
        for model in (AppointmentFactory._meta.model, PatientFactory._meta.model):
            model.objects.all().delete()
    english = bodies["en-gb"]
    for language in ("cy", "fr"):
        assert codes(bodies[language]) == codes(english)
        for translated, original in zip(messages(bodies[language]), messages(english), strict=True):
            assert translated and translated != original, (language, original)


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("cy", "cy"),
        ("cy-GB", "cy"),
        ("fr-CA, fr;q=0.9, en;q=0.5", "fr"),
        ("de-DE, cy;q=0.7", "cy"),
        ("de-DE", "en-gb"),
        ("en-US", "en-gb"),
        ("", "en-gb"),
    ],
)
def test_the_language_is_negotiated_with_a_fallback_to_english(api, header, language):
    response = api.get(f"{PATIENTS}9434765919/", HTTP_ACCEPT_LANGUAGE=header)
    assert response.status_code == 404
    assert response["Content-Language"] == language
    assert "Accept-Language" in response["Vary"]


def test_the_welsh_and_french_texts_are_the_catalogues(api):
    welsh = bad_fields(api, "cy").json()
    assert welsh["message"] == "Nid yw’r cais yn ddilys: gweler errors am bob maes."
    assert welsh["errors"]["nhs_number"][0]["message"] == (
        "Nid yw’r rhif GIG hwn yn ddilys: nid yw ei ddigid gwirio’n cyfateb."
    )
    french = api.get("/api/v1/nothing-here/", HTTP_ACCEPT_LANGUAGE="fr").json()
    assert french == {
        "status": 404,
        "code": "not_found",
        "message": "L’API n’a pas cette URL ; GET /api/v1/ liste ce qu’elle propose.",
        "errors": {},
    }


def test_drf_messages_are_welsh_too_where_drf_ships_no_welsh(api):
    body = api.post(PATIENTS, {}, HTTP_ACCEPT_LANGUAGE="cy").json()
    assert body["errors"]["name"] == [{"code": "required", "message": "Mae angen y maes hwn."}]
    too_long = api.post(PATIENTS, VALID | {"name": "n" * 301}, HTTP_ACCEPT_LANGUAGE="cy").json()
    assert (
        too_long["errors"]["name"][0]["message"]
        == "Sicrhewch nad oes mwy na 300 nod yn y maes hwn."
    )


def test_successful_responses_say_their_language_too(api):
    response = api.post(PATIENTS, VALID, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 201
    assert response["Content-Language"] == "fr"
    assert response.json()["name"] == "Siân Jones"


class TestCatalogues:
    def test_every_message_in_the_code_is_translated_in_every_shipped_language(self):
        assert catalogues.shipped_languages() == ["cy", "fr"]
        problems = catalogues.problems()
        assert not problems, "Run `make messages` and translate:\n" + "\n".join(problems)

    def test_the_extraction_finds_messages_in_code_and_templates(self, tmp_path, monkeypatch):
        found = {message.id for message in catalogues.extract() if message.id}
        assert {"Not found.", "This field may not contain control characters."} <= found
        (tmp_path / "page.html").write_text(
            "{% load i18n %}<p>{% translate 'Today at the clinic' %}</p>", encoding="utf-8"
        )
        assert [m[2] for m in catalogues._messages_in(tmp_path / "page.html")] == [
            "Today at the clinic"
        ]

    def test_the_check_fails_for_a_message_without_a_translation(self):
        template = catalogues.extract()
        template.add("A message nobody has translated yet.", locations=[("new.py", 1)])
        problems = catalogues.problems(template)
        assert "cy: no translation of 'A message nobody has translated yet.' (new.py:1)" in problems
        assert any(p.startswith("fr: no translation of 'A message nobody") for p in problems)

    def test_the_check_fails_for_a_stale_compiled_catalogue(self, tmp_path, monkeypatch):
        shutil.copytree(catalogues.LOCALE_DIR, tmp_path / "locale")
        monkeypatch.setattr(catalogues, "LOCALE_DIR", tmp_path / "locale")
        monkeypatch.setattr(catalogues, "ROOT", tmp_path)
        path = catalogues.po_path("fr")
        catalog = catalogues.read_catalogue(path, "fr")
        catalog.get("Not found.").string = "Pas trouvé."
        from babel.messages.pofile import write_po

        with path.open("wb") as handle:
            write_po(handle, catalog)
        assert catalogues.problems() == [
            "fr: locale/fr/LC_MESSAGES/django.mo does not match its .po"
        ]
        catalogues.compile_all()
        assert catalogues.problems() == []

    def test_the_check_fails_when_a_placeholder_is_lost_in_translation(self):
        catalog = Catalog(locale="fr")
        catalog.add("Missing fields: %(fields)s.", "Champs manquants.")
        catalog.add("At most {max_length} characters.", "Au plus {max} caractères.")
        assert [catalogues._same_placeholders(message) for message in catalog if message.id] == [
            False,
            False,
        ]


class TestCommands:
    @pytest.mark.parametrize(
        ("variables", "language"),
        [
            ({"LANG": "cy_GB.UTF-8"}, "cy"),
            ({"LANG": "en_GB.UTF-8", "LC_ALL": "fr_FR.UTF-8"}, "fr"),
            ({"LANGUAGE": "de:cy", "LANG": "de_DE.UTF-8"}, "cy"),
            ({"LANG": "C.UTF-8"}, "en-gb"),
            ({"LANG": "de_DE.UTF-8"}, "en-gb"),
            ({}, "en-gb"),
        ],
    )
    def test_commands_speak_the_language_of_the_shell(self, monkeypatch, variables, language):
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        assert operator_language() == language

    def test_the_import_reports_in_welsh_to_a_welsh_shell(self, monkeypatch, tmp_path):
        monkeypatch.setenv("LANG", "cy_GB.UTF-8")
        rows = tmp_path / "patients.json"
        rows.write_text(
            '[{"nhs_number": "9434765919", "name": "Siân", "date_of_birth": "1985-03-14",'
            ' "postcode": "CF10 1AA"}, {"nhs_number": "9434765918", "name": "Ann",'
            ' "date_of_birth": "1985-03-14", "postcode": "CF10 1AA"}]',
            encoding="utf-8",
        )
        out, err = io.StringIO(), io.StringIO()
        call_command("import_panda", patients=str(rows), stdout=out, stderr=err)
        assert "cleifion: 1 wedi’u creu, 0 wedi’u diweddaru, 0 heb newid, 1 wedi’u gwrthod" in (
            out.getvalue()
        )
        assert "cleifion, rhes 2 (9434765918): gwrthodwyd:" in err.getvalue()
        assert "digid gwirio" in err.getvalue()

    def test_the_import_reports_in_english_by_default(self, tmp_path):
        rows = tmp_path / "patients.json"
        rows.write_text("[]", encoding="utf-8")
        out = io.StringIO()
        call_command("import_panda", patients=str(rows), stdout=out)
        assert "patients: 0 created, 0 updated, 0 unchanged, 0 rejected" in out.getvalue()


class TestAdminInWelsh:
    @pytest.fixture
    def staff(self, client):
        user = get_user_model().objects.create_superuser("gweinyddwr", password="cyfrinair-hir-1")
        client.force_login(user)
        return client

    def test_the_admin_index_is_in_welsh(self, staff):
        response = staff.get("/admin/", HTTP_ACCEPT_LANGUAGE="cy")
        assert response.status_code == 200
        assert response["Content-Language"] == "cy"
        assert 'lang="cy"' in response.content.decode()
        page = response.content.decode()
        assert "Allgofnodi" in page  # Django's Welsh for "Log out"
        assert "Heddiw yn y clinig" in page and "Dod o hyd i glaf" in page  # and PANDA's

    def test_every_admin_list_and_add_page_loads_in_welsh(self, staff):
        PatientFactory()
        AppointmentFactory()
        loaded = 0
        for model in admin.site._registry:
            opts = model._meta
            for page in ("changelist", "add"):
                try:
                    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_{page}")
                except NoReverseMatch:
                    continue
                response = staff.get(url, HTTP_ACCEPT_LANGUAGE="cy")
                assert response.status_code in (200, 403), (url, response.status_code)
                loaded += response.status_code == 200
        assert loaded >= 2

    @pytest.mark.parametrize(
        ("language", "labels"),
        [
            ("cy", ["Dyddiad geni", "Cod post", "Rhif GIG"]),
            ("fr", ["Date de naissance", "Code postal"]),
        ],
    )
    def test_the_patient_form_labels_its_fields_in_the_page_language(self, staff, language, labels):
        page = staff.get("/admin/patients/patient/add/", HTTP_ACCEPT_LANGUAGE=language)
        assert page.status_code == 200
        html = page.content.decode()
        for label in labels:
            assert label in html, label
        assert "Date of birth" not in html
