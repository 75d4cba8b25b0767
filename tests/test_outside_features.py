"""Regressions for what testing the new features from outside found (event
attributes, `vary rule` and `vary score among`, series and history, charts):
tracebacks, silent NaNs, misleading or missing diagnostics. Each test failed
before its fix."""

import json

from click.testing import CliRunner

from barometer.main import main

from .conftest import ROOT


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        repr(result.exception))
    return result


def write(folder, name, text):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


SCHEME = ('scheme "S" version "1"\nrange -3 to +3\nindex russia "R"\n'
          'attribute fatalities "F" number from 0 default 0\n')
EVENTS = ('period "P" from 2021-01-01 to 2021-01-31\n\n'
          "[4 January] Call\n    russia +1\n\n"
          "[20 January] Clash\n    russia -2\n    fatalities 12\n")


def test_a_score_expression_sampled_may_read_an_attribute_the_scheme_does_not(tmp_path):
    # KeyError: 'age' (and 'fatalities'): only the attributes the scheme's own
    # score and actions read were made into arrays
    rules, events = write(tmp_path, "s.rules", SCHEME), write(tmp_path, "e.events", EVENTS)
    result = run("sensitivity", rules, events, "--samples", 20, "--format", "json",
                 "--vary", "score among [recorded, age, recorded + fatalities]")
    assert result.exit_code == 0, result.output
    effects = {e["parameter"]: e["changes"] for e in json.loads(result.output)["one_at_a_time"]}
    # ages 27 and 11 instead of +1 and -2; -2 + 12 fatalities instead of -2
    assert effects == {"score:0": {}, "score:1": {"russia": 39.0}, "score:2": {"russia": 12.0}}
