"""How long a patient's record is kept: one pure function, ``retention_end``.

Following the NHS records management code's defaults for hospital records:

- an adult's record is kept ``PANDA_RETENTION_YEARS`` (8) years after their last contact, the
  end of their last appointment (for a patient with no appointments, the last change to their
  record: the last time PANDA had anything to do with them);
- a child's record (a patient under 18 at that last contact) is kept at least until their 25th
  birthday, or their 26th if they were 17 then, whichever is later.

Anniversaries and birthdays of 29 February fall on 1 March in other years (as a person born on
29 February comes of age in the UK), so a record is never let go a day early.
"""

import datetime as dt

ADULT_AGE = 18
CHILD_KEPT_UNTIL_AGE = 25
SEVENTEEN_KEPT_UNTIL_AGE = 26


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later; 29 February gives 1 March in a year without one."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February, in a common year
        return dt.date(day.year + years, 3, 1)


def age_on(date_of_birth: dt.date, day: dt.date) -> int:
    """Whole years of age on ``day`` (a 29 February birthday counts on 1 March)."""
    years = day.year - date_of_birth.year
    return years if add_years(date_of_birth, years) <= day else years - 1


def retention_end(*, date_of_birth: dt.date, last_contact: dt.date, years: int) -> dt.date:
    """The first day on which the record may be deleted: the day before it, it is kept."""
    end = add_years(last_contact, years)
    age = age_on(date_of_birth, last_contact)
    if age < ADULT_AGE:
        kept_until = SEVENTEEN_KEPT_UNTIL_AGE if age == ADULT_AGE - 1 else CHILD_KEPT_UNTIL_AGE
        end = max(end, add_years(date_of_birth, kept_until))
    return end


def retention_ended(
    *, date_of_birth: dt.date, last_contact: dt.date, years: int, today: dt.date
) -> bool:
    return today >= retention_end(
        date_of_birth=date_of_birth, last_contact=last_contact, years=years
    )
