import pytest
from django.core.exceptions import ValidationError

from patients.identifiers import identifier_key, identifier_or_none, normalise_identifier


@pytest.mark.parametrize("typed", ["9434765919", "943 476 5919", "943-476-5919", " 943 476 5919 "])
def test_nhs_numbers_are_accepted_spaced_or_hyphenated_and_stored_as_ten_digits(typed):
    assert normalise_identifier(typed) == "9434765919"


def test_a_check_digit_of_zero_is_valid():
    assert normalise_identifier("2425895140") == "2425895140"


@pytest.mark.parametrize("last", "0123456789")
def test_a_number_whose_check_digit_would_be_ten_is_always_refused(last):
    # 612700568 weighs to a remainder of 1, so its check digit would be 10: no such NHS number.
    with pytest.raises(ValidationError) as error:
        normalise_identifier("612700568" + last)
    assert error.value.code == "nhs_number_checksum"


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("9434765918", "nhs_number_checksum"),
        ("943476591", "nhs_number_length"),
        ("94347659199", "nhs_number_length"),
        ("94347659AB", "nhs_number_format"),
        ("943/476/5919", "nhs_number_format"),
        ("", "nhs_number_format"),
    ],
)
def test_invalid_nhs_numbers_are_refused_with_a_code_for_the_reason(typed, code):
    with pytest.raises(ValidationError) as error:
        normalise_identifier(typed)
    assert error.value.code == code


def test_identifier_or_none_gives_none_for_what_cannot_be_an_nhs_number():
    assert identifier_or_none("943 476 5919") == "9434765919"
    assert identifier_or_none("not-a-number") is None


def test_identifier_key_compacts_without_checking():
    # A key finds a stored (so checked) number or nothing: it need not be checked itself.
    assert identifier_key("943 476 5919") == "9434765919"
    assert identifier_key("943-476-5919") == "9434765919"
    assert identifier_key("9434765918") == "9434765918"
    assert identifier_key("94347") == "94347"
