import pytest
from django.core.exceptions import ValidationError

from addresses.postcodes import normalise_postcode


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("M1 1AE", "M1 1AE"),  # A9
        ("B33 8TH", "B33 8TH"),  # A99
        ("W1A 0AX", "W1A 0AX"),  # A9A
        ("CR2 6XH", "CR2 6XH"),  # AA9
        ("DN55 1PT", "DN55 1PT"),  # AA99
        ("EC1A 1BB", "EC1A 1BB"),  # AA9A
    ],
)
def test_each_of_the_six_outward_shapes_is_accepted(typed, stored):
    assert normalise_postcode(typed) == stored


@pytest.mark.parametrize(
    "typed", ["sw1a1aa", "SW1A1AA", "sw1a 1aa", "  Sw1A   1aA  ", "SW1A\t1AA", "s w 1 a 1 a a"]
)
def test_any_case_and_spacing_is_coerced_to_the_standard_format(typed):
    assert normalise_postcode(typed) == "SW1A 1AA"


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "SW1A",  # outward code only
        "1AA",  # inward code only
        "SW1A 1A",  # short inward code
        "SW1A 11A",  # inward code must be 9AA
        "9W1A 1AA",  # outward code must start with a letter
        "SWAA 1AA",  # no such shape
        "SW123 1AA",  # too long
        "SW1A-1AA",
        "SW1A 1AA X",
        "ŚW1A 1AA",
        "SW1A 1AA\x00",
    ],
)
def test_anything_else_is_refused_with_a_clear_error(typed):
    with pytest.raises(ValidationError) as error:
        normalise_postcode(typed)
    assert error.value.code == "postcode_invalid"
    assert "SW1A 1AA" in error.value.messages[0]
