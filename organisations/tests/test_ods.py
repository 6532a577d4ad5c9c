import pytest
from django.core.exceptions import ValidationError

from organisations.ods import normalise_ods_code, validate_ods_code


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("RJ1", "RJ1"),
        (" rrk02 ", "RRK02"),
        ("Y01234", "Y01234"),
        ("e84 001", "E84001"),
        ("8J834", "8J834"),
        ("ABCDE12345", "ABCDE12345"),
    ],
)
def test_ods_codes_are_stored_upper_case_without_spaces(given, stored):
    assert normalise_ods_code(given) == stored
    validate_ods_code(stored)


@pytest.mark.parametrize("given", ["", "R1", "ABCDE123456", "RJ-1", "RJ_1", "RJ١", "RJ1ß"])
def test_anything_else_is_refused(given):
    with pytest.raises(ValidationError) as refused:
        normalise_ods_code(given)
    assert refused.value.code == "ods_code_invalid"


def test_the_model_validator_refuses_unnormalised_codes():
    with pytest.raises(ValidationError):
        validate_ods_code("rj1")
