import os
from pathlib import Path

import pytest
from hypothesis import settings

# Hypothesis profiles: "quick" for local runs (the default) and "ci" wherever the
# environment sets CI (.ci/run runs with CI=true); HYPOTHESIS_PROFILE=ci picks it by
# hand. A test that sets max_examples keeps its own count in both; one that does not
# gets 25 examples locally and 200 in CI. No fixed seed in CI: each run tries other
# examples, and a failure prints the blob that reproduces it (@reproduce_failure).
settings.register_profile("quick", max_examples=25)
settings.register_profile("ci", max_examples=200, print_blob=True, database=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or (
    "ci" if os.environ.get("CI", "").lower() not in ("", "0", "false") else "quick"))

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


# --- Spark's JVM takes seconds to start: boot it while the other tests run --------------

SPARK_MASTER = "local[2]"
SPARK: dict = {}  # "thread", and then "session" or "error"


def spark_missing() -> str | None:
    """Why the Spark tests cannot run here, or None. They run apart from the rest
    (BAROMETER_SPARK_TESTS=1, as .ci/run does): Spark's JVM takes tens of seconds
    of CPU to start and warm up on this 2-core machine, more than the whole suite's
    budget of 45 s."""
    import importlib.util
    import os
    import shutil

    if os.environ.get("BAROMETER_SPARK_TESTS") != "1":
        return ("they run apart, with Spark's JVM: BAROMETER_SPARK_TESTS=1 python -m pytest "
                "tests/test_spark.py (.ci/run does)")
    if importlib.util.find_spec("pyspark") is None:
        return "pyspark is not installed (pip install -e '.[test,spark]'; .ci/run does)"
    if importlib.util.find_spec("duckdb") is None or importlib.util.find_spec("sqlglot") is None:
        return "duckdb or sqlglot is missing: barometer installs them (pip install -e '.[test]')"
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        return "no Java runtime (apt-get install default-jre-headless; .ci/run does)"
    return None


def pytest_collection_modifyitems(session, config, items):
    """Start Spark in a thread as soon as the Spark tests are among those to run."""
    if SPARK or spark_missing() or not any("test_spark" in item.nodeid for item in items):
        return
    import threading

    def boot():
        try:
            from barometer.engine.columnar import Spark

            SPARK["session"] = Spark.session(SPARK_MASTER)
        except Exception as e:  # Spark cannot start here: the tests say so and skip
            SPARK["error"] = f"{type(e).__name__}: {e}"
            return
        try:  # a first evaluation warms the JVM up, here rather than in the tests
            from barometer import load_scheme
            from barometer.engine.columnar import evaluate_columnar

            evaluate_columnar(load_scheme(str(RULES)), str(CSV), engine="spark",
                              master=SPARK_MASTER)
        except Exception:
            pass  # a failure of barometer's own: the tests meet it, and fail

    SPARK["thread"] = threading.Thread(target=boot, daemon=True)
    SPARK["thread"].start()
