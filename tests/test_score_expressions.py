"""Score expressions that read event attributes (`score recorded + fatalities / 10`,
the built-in `age`): sampled among alternatives and moved by `vary`, computed before
sampling, explained with the values they were computed from, compared across schemes
that do and do not declare the attribute; their mistakes (a division by zero, the log
of 0, a misspelt attribute) located at the event."""

import json

from .helpers import run, write

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


def test_a_score_expression_that_divides_by_zero_is_located_at_the_event(tmp_path):
    # `score recorded / 0` passed `check` and crashed every verb with a traceback
    rules = write(tmp_path, "s.rules", SCHEME.replace("index russia", "score recorded / fatalities"
                                                      "\nindex russia"))
    events = write(tmp_path, "e.events", EVENTS)
    # said at the event, where an editor shows it, with the expression's place
    want = (f"{events}:3:1: error[B208]: division by zero ({rules}:3:16), scoring this event "
            "on russia\n"
            " 3 | [4 January] Call\n"
            "   | ^^^^^^^^^^^^^^^^\n"
            "   = hint: record what the expression needs on the event, or guard the expression "
            "so that it gives a number on every event, e.g. recorded / max(fatalities, 1)\n")
    checked = run("check", rules, events)
    assert checked.exit_code == 1 and want in checked.output
    for verb in ("eval", "explain", "sensitivity", "series", "report"):
        result = run(verb, rules, events)
        assert result.exit_code == 2 and want in result.output, verb
    # the editor checks the event file as check does, and shows what is found in it
    from barometer.checker import check_files

    [found] = check_files([str(events)], rules=str(rules)).diagnostics
    assert (found.code, found.span.file, found.span.line) == ("B208", str(events), 3)


def test_a_mistake_no_verb_reported_is_still_located_not_a_traceback(tmp_path, monkeypatch):
    import barometer.engine.verify as verify

    monkeypatch.setattr(verify, "may_fail", lambda expr: False)  # as before the fix
    rules = write(tmp_path, "s.rules", SCHEME.replace("index russia", "score log(0)\nindex russia"))
    result = run("eval", rules, write(tmp_path, "e.events", EVENTS))
    assert result.exit_code == 2
    assert (f"error[B208]: the log of 0: log takes numbers above 0 ({rules}:3:7), scoring this "
            "event on russia") in result.output


def test_score_expressions_to_sample_are_computed_before_sampling(tmp_path):
    # a RuntimeWarning from numpy and NaN figures
    rules = write(tmp_path, "s.rules", SCHEME + "vary score among [recorded, recorded / 0]\n")
    events = write(tmp_path, "e.events", EVENTS)
    result = run("check", rules, events)
    assert result.exit_code == 1
    assert (f"{events}:3:1: error[B208]: division by zero ({rules}:5:38), scoring this event "
            "on russia") in result.output
    plain = write(tmp_path, "p.rules", SCHEME)
    result = run("sensitivity", plain, events, "--vary", "score among [recorded, 1 / fatalities]")
    assert result.exit_code == 2 and "error[B208]: division by zero" in result.output


def test_vary_by_a_negative_amount_or_weights_that_are_not_there(tmp_path):
    rules = write(tmp_path, "s.rules", SCHEME + 'category contacts "C"\n'
                  "rule r when always then multiply by 2\n"
                  "vary rule r by -1\nvary weights by 1\n")
    result = run("check", rules)
    assert result.exit_code == 1
    assert (f"{rules}:7:1: error[B117]: `vary rule r by -1`: each number moves within plus or "
            "minus the amount, which cannot be negative\n") in result.output
    assert (f"{rules}:8:1: error[B117]: category contacts has no weight to vary\n"
            in result.output)
    result = run("sensitivity", write(tmp_path, "p.rules", SCHEME + "bands russia { low < 0 "
                                      "high >= 0 }\n"), write(tmp_path, "e.events", EVENTS),
                 "--vary", "bands by -2")
    assert result.exit_code == 2 and "`vary bands by -2`" in result.output


def test_explain_shows_the_attribute_values_a_score_was_computed_from(tmp_path):
    # --details gave "recorded -2, scheme's score -0.8" and nothing to tell why
    rules = write(tmp_path, "s.rules", SCHEME.replace("index russia", "score recorded + "
                                                      "fatalities / 10\nindex russia")
                  + "rule old when age > 20 then add 1\n")
    events = write(tmp_path, "e.events", EVENTS)
    result = run("explain", rules, events, "--details")
    assert result.exit_code == 0
    assert f"{events}:6:1; recorded -2, scheme's score -0.8; fatalities 12; age 11\n" in \
        result.output
    assert f"{events}:3:1; recorded +1; fatalities 0 (default); age 27\n" in result.output
    lines = json.loads(run("explain", rules, events, "--format", "json").output)[
        "indices"]["russia"]["lines"]
    assert [line["values"] for line in lines] == [{"fatalities": 0, "age": 27},
                                                  {"fatalities": 12, "age": 11}]


def test_schemes_compared_may_read_number_attributes_the_others_do_not(tmp_path):
    # the catalogue records `fatalities 3` for the scheme that reads them; the
    # published scheme refused it as a score on an unknown index, so compare and
    # check stopped, where `level minister` was only a warning (B116)
    events = write(tmp_path, "e.events", EVENTS)
    plain = write(tmp_path, "p.rules", 'scheme "P" version "1"\nrange -3 to +3\nindex russia "R"\n')
    deadly = write(tmp_path, "d.rules", 'scheme "D" version "1"\nextends "p.rules"\n'
                   'attribute fatalities "F" number from 0 default 0\n'
                   "rule deadly when fatalities > 10 then add -1\n")
    result = run("compare", plain, deadly, events, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["indices"]["russia"]["values"] == [-1, -2]
    # what the plain scheme does not read is said, as `eval` says it
    assert (f"{events}:8:5: warning[B116]: the scheme declares no attribute `fatalities`"
            in result.stderr)
    result = run("check", plain, deadly, events)
    assert result.exit_code == 0
    assert (f"{events}:8:5: warning[B116]: the scheme declares no attribute `fatalities`: the "
            "event's `fatalities 12` is not read") in result.output
    result = run("eval", plain, events)  # alone, it cannot tell: said how to go on
    assert result.exit_code == 2
    assert ("= hint: the scheme declares no index or attribute `fatalities`; if another scheme "
            "reads it as an attribute, compare or check the schemes together, or declare it "
            "here too (attribute fatalities number)") in result.output


def test_one_event_is_one_event(tmp_path):
    rules = write(tmp_path, "s.rules", SCHEME)
    events = write(tmp_path, "e.events", EVENTS.split("\n\n[20 January]")[0] + "\n")
    assert run("explain", rules, events).output.startswith(
        "R: +1  (+1 positive, 0 negative, 1 event)\n")
    from barometer import evaluate, load_catalogue, load_scheme, report

    scheme = load_scheme(str(rules))
    page = report(evaluate(scheme, load_catalogue([str(events)], scheme)))
    assert "&middot; 1 event\n" in page and "<p>1 event, as catalogued in" in page


def test_a_misspelt_number_attribute_is_named_as_one(tmp_path):
    # `fatalitis 12` was an unknown index, with no hint and no quick fix
    rules = write(tmp_path, "s.rules", SCHEME)
    events = write(tmp_path, "e.events", EVENTS.replace("fatalities 12", "fatalitis 12"))
    result = run("check", rules, events)
    assert result.exit_code == 1
    assert (f"{events}:8:5: error[B101]: unknown attribute `fatalitis`\n"
            " 8 |     fatalitis 12\n"
            "   |     ^^^^^^^^^\n"
            "   = hint: did you mean `fatalities`?\n") in result.output
