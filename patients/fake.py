"""Fake but valid patient data, for seed_demo, the benchmarks and the tests."""

import random


def random_nhs_number(rng: random.Random = random) -> str:
    """A random NHS number with a valid check digit."""
    while True:
        digits = [rng.randrange(10) for _ in range(9)]
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        if check == 11:
            check = 0
        if check != 10:
            return "".join(map(str, digits)) + str(check)
