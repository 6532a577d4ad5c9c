"""What name search must read, and what an index of suffixes would read instead.

    python bench/name_search.py sqlite:///bench/data/scale-1000000-10000000.sqlite3
    python bench/name_search.py postgres://postgres@127.0.0.1:5432/panda_scale_1000000_10000000

On a seeded database (bench/scale.py's), for the term "olivia smi": how many patients match, how
many entries a trigram index would read (each trigram's postings, counted as the patients whose
key holds the trigram: what the FTS5 table and pg_trgm index that PANDA used before patients
migration 0006 read), and the time of the two queries a limit/offset page runs (the capped count
and the page) through the index in use (``patients.search``), as the API runs them.
Then the same with a temporary table of every suffix of every patient's key (three characters
or more) under a B-tree, where "contains the term" is "has a suffix that starts with it": a range
of the B-tree holding exactly one entry per occurrence. The table is temporary, so the database
is left as it was. Last, a table of the suffixes of the distinct keys only, joined to the
patients through the index on ``name_search``: as small as the names are few. Medians of
--repeat runs; prints JSON.
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import setup_django  # noqa: E402

# The largest code point, which no name-search key holds: key + TOP bounds the keys' range.
TOP = "\U0010ffff"


def timed(function, repeat: int) -> tuple[float, object]:
    result = function()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--term", default="olivia smi")
    parser.add_argument("--repeat", type=int, default=31)
    args = parser.parse_args()
    setup_django(args.url)
    from django.db import connection
    from django.db.models.expressions import RawSQL

    from panda_project.api.pagination import COUNT_LIMIT
    from patients.filters import name_search_contains
    from patients.models import Patient
    from patients.names import name_search_key

    key = name_search_key(args.term)
    vendor = connection.vendor
    patients = Patient.objects.count()
    trigrams = sorted({key[i : i + 3] for i in range(len(key) - 2)})
    postings = {
        trigram: Patient.objects.filter(name_search__contains=trigram).count()
        for trigram in trigrams
    }

    def measure(queryset) -> dict:
        def count():
            return queryset.order_by().values(one=RawSQL("1", ()))[: COUNT_LIMIT + 1].count()

        def page():
            return list(queryset.order_by("id").values_list("id", flat=True)[:20])

        count_ms, matches = timed(count, args.repeat)
        page_ms, _ = timed(page, args.repeat)
        return {"matches": matches, "count_ms": count_ms, "page_ms": page_ms}

    in_use = measure(Patient.objects.filter(name_search_contains(key, vendor)))
    started = time.perf_counter()
    with connection.cursor() as cursor:
        if vendor == "sqlite":
            cursor.execute(
                "CREATE TEMP TABLE name_suffix (suffix TEXT NOT NULL, patient_id INTEGER NOT NULL,"
                " PRIMARY KEY (suffix, patient_id)) WITHOUT ROWID"
            )
            cursor.execute("CREATE TEMP TABLE position (n INTEGER PRIMARY KEY)")
            cursor.executemany("INSERT INTO position VALUES (%s)", [(n,) for n in range(1, 301)])
            cursor.execute(
                "INSERT OR IGNORE INTO name_suffix SELECT substr(name_search, n), id "
                "FROM patients_patient JOIN position ON n <= length(name_search) - 2 "
                "ORDER BY 1, 2"
            )
        else:
            cursor.execute(
                'CREATE TEMP TABLE name_suffix (suffix text COLLATE "C" NOT NULL, '
                "patient_id bigint NOT NULL)"
            )
            cursor.execute(
                "INSERT INTO name_suffix SELECT DISTINCT substr(name_search, n), id "
                "FROM patients_patient, generate_series(1, length(name_search) - 2) n"
            )
            cursor.execute("ALTER TABLE name_suffix ADD PRIMARY KEY (suffix, patient_id)")
            cursor.execute("VACUUM ANALYZE name_suffix")
        cursor.execute("SELECT COUNT(*) FROM name_suffix")
        (suffixes,) = cursor.fetchone()
        if vendor == "postgresql":
            cursor.execute(
                "SELECT pg_total_relation_size('name_suffix'), "
                "pg_total_relation_size('patient_name_suffix'), "
                "pg_total_relation_size('patients_patient')"
            )
            sizes = dict(
                zip(("suffix_table", "index_in_use", "patients"), cursor.fetchone(), strict=True)
            )
        else:
            cursor.execute(
                "SELECT name, SUM(pgsize) FROM dbstat WHERE name IN "
                "('name_suffix', 'patients_patient', 'patient_name_suffix', "
                "'patient_name_suffix_key_idx') GROUP BY name"
            )
            sizes = dict(cursor.fetchall())
            cursor.execute("SELECT SUM(pgsize) FROM dbstat('temp') WHERE name = 'name_suffix'")
            (sizes["name_suffix"],) = cursor.fetchone()
    built_s = time.perf_counter() - started
    suffix = measure(
        Patient.objects.filter(
            id__in=RawSQL(
                "SELECT patient_id FROM name_suffix WHERE suffix >= %s AND suffix < %s",
                [key, key + TOP],
            )
        )
    )
    # The same over the distinct keys: each suffix once per distinct name, then the patients
    # with those keys through the index on name_search.
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE key_suffix AS SELECT DISTINCT suffix, name_search "
            "FROM name_suffix JOIN patients_patient ON patients_patient.id = patient_id"
        )
        cursor.execute("CREATE UNIQUE INDEX key_suffix_idx ON key_suffix (suffix, name_search)")
        cursor.execute("SELECT COUNT(*) FROM key_suffix")
        (key_suffixes,) = cursor.fetchone()
        if vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE key_suffix")
            cursor.execute("SELECT pg_total_relation_size('key_suffix')")
            (sizes["key_suffix"],) = cursor.fetchone()
        else:
            cursor.execute("ANALYZE temp.key_suffix")
            cursor.execute("SELECT SUM(pgsize) FROM dbstat('temp') WHERE name LIKE 'key_suffix%%'")
            (sizes["key_suffix"],) = cursor.fetchone()
    distinct = measure(
        Patient.objects.filter(
            name_search__in=RawSQL(
                "SELECT name_search FROM key_suffix WHERE suffix >= %s AND suffix < %s",
                [key, key + TOP],
            )
        )
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM name_suffix WHERE suffix >= %s AND suffix < %s", [key, key + TOP]
        )
        (suffix_entries,) = cursor.fetchone()
    result = {
        "vendor": vendor,
        "patients": patients,
        "term": key,
        "trigram_postings": postings,
        "trigram_postings_read": sum(postings.values()),
        "index_in_use": in_use,
        "suffix_entries_read": suffix_entries,
        "suffix_index": suffix,
        "suffix_rows": suffixes,
        "suffix_build_s": built_s,
        "distinct_key_suffix_index": distinct,
        "distinct_key_suffix_rows": key_suffixes,
        "bytes": sizes,
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
