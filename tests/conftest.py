from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules" / "minsk-barometer.rules"
EVENTS = ROOT / "examples" / "minsk-barometer-19.events"
CSV = ROOT / "examples" / "minsk-barometer-19.csv"

# The figures Minsk Barometer No 19 publishes: (aggregate, positive, negative).
PUBLISHED = {
    "russia": (20, 22, -2),
    "eu": (-1, 11, -12),
    "china": (8, 8, 0),
    "us": (-18, 4, -22),
    "ukraine": (-13, 12, -25),
    "national_security": (4, 11, -7),
    "regional_tension": (-7, 6, -13),
}


@pytest.fixture(scope="session")
def minsk():
    from barometer import load_scheme

    return load_scheme(str(RULES))
