"""Django's case-insensitive look-ups ignore case on every database; an exact one does not.

MariaDB's tables compare text as binary (utf8mb4_bin), where a plain LIKE is case-sensitive:
``panda_project.db.mysql`` gives the "i" look-ups a collation that ignores case."""

import pytest
from django.db import connection
from django.db.models import Value

from clinicians.models import Clinician
from clinicians.tests.factories import ClinicianFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hill():
    ClinicianFactory(name="Dr Zoë Ó Súilleabháin")
    return ClinicianFactory(name="Dr Ann Hill")


@pytest.mark.parametrize(
    "lookup",
    [
        {"name__icontains": "hill"},
        {"name__icontains": "ANN H"},
        {"name__iexact": "dr ann hill"},
        {"name__istartswith": "DR ANN"},
        {"name__iendswith": "hILL"},
        {"name__icontains": Value("hill")},  # an expression: the database escapes the pattern
        {"name__istartswith": Value("dr a")},
        {"name__iendswith": Value("HILL")},
    ],
)
def test_case_insensitive_lookups_ignore_case(hill, lookup):
    assert list(Clinician.objects.filter(**lookup)) == [hill]


@pytest.mark.skipif(
    connection.vendor == "sqlite", reason="SQLite's LIKE ignores the case of ASCII letters only"
)
def test_they_ignore_case_beyond_ascii(hill):
    zoe = Clinician.objects.exclude(pk=hill.pk).get()

    assert list(Clinician.objects.filter(name__icontains="ZOË Ó SÚILLEABHÁIN")) == [zoe]


@pytest.mark.parametrize(
    "lookup",
    [
        {"name": "dr ann hill"},
        {"name__icontains": "hil_"},  # a wildcard in the term is a character, not a wildcard
        {"name__icontains": "%hill"},
    ],
)
def test_exact_still_counts_case_and_a_term_is_taken_as_written(hill, lookup):
    assert not Clinician.objects.filter(**lookup).exists()
