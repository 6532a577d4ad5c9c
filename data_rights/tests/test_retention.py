"""The retention rule at its edges: the day before and the day of each anniversary and
birthday, 29 February included."""

import datetime as dt

import pytest

from data_rights.retention import add_years, age_on, retention_end, retention_ended

D = dt.date


@pytest.mark.parametrize(
    ("day", "years", "expected"),
    [
        (D(2020, 3, 10), 8, D(2028, 3, 10)),
        (D(2020, 2, 29), 8, D(2028, 2, 29)),  # a leap year to a leap year
        (D(2020, 2, 29), 5, D(2025, 3, 1)),  # to a common year: 1 March
        (D(2021, 2, 28), 3, D(2024, 2, 28)),
        (D(2028, 3, 1), -8, D(2020, 3, 1)),
    ],
)
def test_add_years(day, years, expected):
    assert add_years(day, years) == expected


@pytest.mark.parametrize(
    ("born", "day", "age"),
    [
        (D(2000, 6, 15), D(2018, 6, 14), 17),
        (D(2000, 6, 15), D(2018, 6, 15), 18),
        (D(2004, 2, 29), D(2022, 2, 28), 17),  # a 29 February birthday comes on 1 March
        (D(2004, 2, 29), D(2022, 3, 1), 18),
        (D(2004, 2, 29), D(2024, 2, 29), 20),
    ],
)
def test_age_on(born, day, age):
    assert age_on(born, day) == age


def end(born, last, years=8):
    return retention_end(date_of_birth=born, last_contact=last, years=years)


def test_an_adults_record_goes_on_the_eighth_anniversary_of_the_last_contact():
    born, last = D(1970, 5, 1), D(2020, 3, 10)
    assert end(born, last) == D(2028, 3, 10)
    assert not retention_ended(date_of_birth=born, last_contact=last, years=8, today=D(2028, 3, 9))
    assert retention_ended(date_of_birth=born, last_contact=last, years=8, today=D(2028, 3, 10))


def test_the_years_are_configurable():
    assert end(D(1970, 5, 1), D(2020, 3, 10), years=10) == D(2030, 3, 10)


def test_a_last_contact_on_29_february_ends_on_1_march_of_a_common_year():
    born = D(1970, 5, 1)
    assert end(born, D(2020, 2, 29), years=5) == D(2025, 3, 1)
    assert not retention_ended(
        date_of_birth=born, last_contact=D(2020, 2, 29), years=5, today=D(2025, 2, 28)
    )
    assert retention_ended(
        date_of_birth=born, last_contact=D(2020, 2, 29), years=5, today=D(2025, 3, 1)
    )


def test_the_day_a_patient_turns_18_at_their_last_contact_they_count_as_an_adult():
    born = D(2000, 6, 15)
    assert end(born, D(2018, 6, 15)) == D(2026, 6, 15)  # 18 that day: 8 years
    assert end(born, D(2018, 6, 14)) == D(2026, 6, 15)  # 17 the day before: the 26th birthday


def test_a_child_under_17_is_kept_until_their_25th_birthday():
    born = D(2010, 4, 20)
    last = D(2015, 1, 5)  # aged 4: 8 years gives 2023, the 25th birthday is later
    assert end(born, last) == D(2035, 4, 20)
    assert not retention_ended(date_of_birth=born, last_contact=last, years=8, today=D(2035, 4, 19))
    assert retention_ended(date_of_birth=born, last_contact=last, years=8, today=D(2035, 4, 20))


def test_a_child_aged_16_the_day_before_their_17th_birthday_is_kept_until_25():
    born = D(2000, 6, 15)
    assert end(born, D(2017, 6, 14)) == D(2025, 6, 15)  # 16: the 25th birthday (and 8 years)
    assert end(born, D(2017, 6, 15), years=1) == D(2026, 6, 15)  # 17 that day: the 26th


def test_a_17_year_old_is_kept_until_their_26th_birthday():
    born = D(2000, 6, 15)
    assert end(born, D(2017, 6, 15)) == D(2026, 6, 15)  # 8 years is 2025-06-15; the 26th later
    assert end(born, D(2018, 1, 1)) == D(2026, 6, 15)


def test_whichever_is_later_the_anniversary_or_the_birthday():
    born = D(2000, 6, 15)
    # Aged 17 on 2018-06-14: eight years on is 2026-06-14, the 26th birthday a day later.
    assert end(born, D(2018, 6, 14)) == D(2026, 6, 15)
    # With ten years, the anniversary is the later.
    assert end(born, D(2018, 6, 14), years=10) == D(2028, 6, 14)


def test_a_child_born_on_29_february_is_kept_until_1_march_in_a_common_year():
    born = D(2004, 2, 29)
    last = D(2010, 7, 1)  # aged 6: the 25th birthday, 2029 (common), is 1 March
    assert end(born, last) == D(2029, 3, 1)
    assert not retention_ended(date_of_birth=born, last_contact=last, years=8, today=D(2029, 2, 28))
    assert retention_ended(date_of_birth=born, last_contact=last, years=8, today=D(2029, 3, 1))


def test_a_child_born_on_29_february_aged_17_is_kept_until_1_march_of_their_26th_year():
    born = D(2004, 2, 29)
    last = D(2022, 2, 28)  # still 17: the 18th birthday is 1 March 2022
    assert end(born, last) == D(2030, 3, 1)  # 26th birthday (2030, common) = 1 March 2030
    assert end(born, D(2022, 3, 1)) == D(2030, 3, 1)  # 18 that day: 8 years, the same day
    # 25 and 26 years after a leap year are never leap years: always 1 March.


def test_a_last_contact_on_29_february_ends_on_29_february_eight_years_on():
    born = D(1970, 5, 1)
    assert end(born, D(2020, 2, 29)) == D(2028, 2, 29)
    assert not retention_ended(
        date_of_birth=born, last_contact=D(2020, 2, 29), years=8, today=D(2028, 2, 28)
    )
    assert retention_ended(
        date_of_birth=born, last_contact=D(2020, 2, 29), years=8, today=D(2028, 2, 29)
    )
