"""Names through the API, on every database: kept exactly as written, found without case or
accents, and control characters refused with a 400."""

import unicodedata

import pytest

from panda_project.testing import assert_error
from patients.fake import random_nhs_number
from patients.models import Patient
from patients.names import NAME_MAX_LENGTH
from patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/patients/"

NAMES = {
    "devanagari": "आरव कुलकर्णी",
    "chinese": "王秀英",
    "chinese_extension_b": "𠮷田 花子",  # four bytes in UTF-8: needs utf8mb4 on MariaDB
    "arabic_rtl": "محمد بن علي",
    "hebrew_rtl_with_points": "שָׁלוֹם כֹּהֵן",
    "welsh": "Siân Ffion ap Gruffydd",
    "irish": "Ó Briain",
    "apostrophe_and_hyphen": "O'Brien-McKenzie",
    "typographic_apostrophe": "D’Arcy",
    "combining_marks_without_precomposed_form": "Adébáyọ̀ Ọláṣeọ̀",
    "vietnamese": "Nguyễn Thị Minh Khai",
    "one_word": "Cher",
    "lower_case_particle": "de la Cruz",
    "all_capitals_as_written": "JOHN smith",
    "very_long": "Hubert Blaine Wolfeschlegelsteinhausenbergerdorff " * 6,
}


def register(api, name: str) -> dict:
    response = api.post(
        URL,
        {
            "nhs_number": random_nhs_number(),
            "name": name,
            "date_of_birth": "1985-03-14",
            "postcode": "CF10 1AA",
        },
    )
    assert response.status_code == 201, response.json()
    return response.json()


def found(api, query: str) -> list[str]:
    response = api.get(URL, {"name": query, "limit": 100})
    assert response.status_code == 200, response.json()
    return [patient["name"] for patient in response.json()["results"]]


@pytest.mark.parametrize("name", NAMES.values(), ids=NAMES.keys())
def test_a_name_round_trips_byte_for_byte(api, name):
    name = name.strip()[:NAME_MAX_LENGTH]
    created = register(api, name)
    stored = Patient.objects.get(nhs_number=created["nhs_number"]).name
    shown = api.get(created["url"]).json()["name"]
    listed = found(api, name)
    for value in (created["name"], stored, shown):
        assert value.encode() == name.encode()
    assert name in listed


def test_a_decomposed_name_is_stored_and_returned_in_nfc(api):
    decomposed = "Sia\u0302n Nguye\u0302\u0303n"
    created = register(api, decomposed)
    expected = unicodedata.normalize("NFC", decomposed)
    assert created["name"] == expected == "Siân Nguyễn"
    assert api.get(created["url"]).json()["name"].encode() == expected.encode()


def test_a_name_is_never_re_cased_or_ascii_folded_on_update(api):
    created = register(api, "Siân")
    response = api.patch(created["url"], {"name": "ó briain-MCKENZIE"})
    assert response.status_code == 200, response.json()
    assert response.json()["name"] == "ó briain-MCKENZIE"
    assert Patient.objects.get().name == "ó briain-MCKENZIE"


def test_outer_spaces_are_trimmed_and_inner_ones_kept(api):
    assert register(api, "  Mary  Jane  ")["name"] == "Mary  Jane"


def test_a_name_of_exactly_the_maximum_length_in_a_multibyte_script_is_kept(api):
    name = ("कुलकर्णी " * 40)[: NAME_MAX_LENGTH - 1] + "क"
    assert len(name) == NAME_MAX_LENGTH
    assert register(api, name)["name"] == name


def test_a_name_over_the_maximum_length_is_refused_not_truncated(api):
    response = api.post(
        URL,
        {
            "nhs_number": random_nhs_number(),
            "name": "王" * (NAME_MAX_LENGTH + 1),
            "date_of_birth": "1985-03-14",
            "postcode": "CF10 1AA",
        },
    )
    assert_error(response, 400, "max_length", field="name")
    assert not Patient.objects.exists()


@pytest.mark.parametrize(
    "name",
    ["Siân\x00Jones", "Siân\x07", "O\x1b[31mBrien", "Mary\x7fJane", "Ann\nJones", "\x00"],
    ids=["nul", "bell", "escape", "delete", "inner_newline", "only_nul"],
)
def test_control_characters_and_nul_bytes_are_a_clear_400(api, name):
    response = api.post(
        URL,
        {
            "nhs_number": random_nhs_number(),
            "name": name,
            "date_of_birth": "1985-03-14",
            "postcode": "CF10 1AA",
        },
    )
    body = assert_error(response, 400, "control_characters", field="name")
    messages = [error["message"] for error in body["errors"]["name"]]
    assert any("control characters" in message for message in messages), messages
    assert not Patient.objects.exists()


def test_control_characters_are_refused_on_update_too(api):
    created = register(api, "Siân")
    assert_error(api.patch(created["url"], {"name": "Si\x00ân"}), 400, "control_characters", "name")
    assert Patient.objects.get().name == "Siân"


def test_a_nul_byte_in_the_name_filter_is_a_400_not_a_database_error(api):
    assert_error(api.get(URL, {"name": "si\x00an"}), 400, "control_characters", field="name")


class TestSearch:
    @pytest.fixture(autouse=True)
    def people(self):
        for name in [
            "Siân Jones",
            "Sean Jones",
            "O'Brien-McKenzie",
            "Ó Briain",
            "Zoë Saldaña",
            "王秀英",
            "محمد بن علي",
            "आरव कुलकर्णी",
        ]:
            PatientFactory(name=name)

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("sian", {"Siân Jones"}),
            ("SIÂN", {"Siân Jones"}),
            ("Siân", {"Siân Jones"}),
            ("obrien", {"O'Brien-McKenzie"}),
            ("o'brien", {"O'Brien-McKenzie"}),
            ("O’BRIEN", {"O'Brien-McKenzie"}),
            ("mckenzie", {"O'Brien-McKenzie"}),
            ("o briain", {"Ó Briain"}),
            ("zoe saldana", {"Zoë Saldaña"}),
            ("王秀英", {"王秀英"}),
            ("علي", {"محمد بن علي"}),
            ("आरव", {"आरव कुलकर्णी"}),
            ("jones", {"Siân Jones", "Sean Jones"}),
        ],
    )
    def test_search_is_case_and_accent_insensitive(self, api, query, expected):
        assert set(found(api, query)) == expected

    def test_the_search_key_follows_a_change_of_name(self, api):
        patient = Patient.objects.get(name="Sean Jones")
        response = api.patch(f"{URL}{patient.nhs_number}/", {"name": "Seán Ó Murchú"})
        assert response.status_code == 200, response.json()
        assert found(api, "sean o murchu") == ["Seán Ó Murchú"]
        assert "Sean Jones" not in found(api, "jones")
