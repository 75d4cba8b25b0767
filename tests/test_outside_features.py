"""Regressions for what testing the new features from outside found (event
attributes, `vary rule` and `vary score among`, series and history, charts):
tracebacks, silent NaNs, misleading or missing diagnostics. Each test failed
before its fix."""

import json

from click.testing import CliRunner

from barometer.main import main

from .helpers import run, write
from .conftest import ROOT




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


def test_an_attribute_cannot_take_a_word_that_a_condition_or_score_reads(tmp_path):
    # `attribute recorded ...` was accepted, and `score recorded + recorded` read the
    # recorded score twice; `attribute text ...` could not be asked in a condition
    rules = write(tmp_path, "s.rules", 'scheme "S" version "1"\nrange -3 to +3\nindex russia "R"\n'
                  'attribute recorded "Recorded by" number from 0 default 0\n'
                  'attribute text "T" one of [a, b] default a\n')
    result = run("check", rules)
    assert result.exit_code == 1
    for line, name in ((4, "recorded"), (5, "text")):
        assert (f"{rules}:{line}:11: error[B114]: `{name}` cannot name an attribute: it is already "
                "a word of rules files, which a condition or a score would read instead"
                ) in result.output


def test_one_issue_given_twice_is_one_finding_that_says_so(tmp_path):
    rules = write(tmp_path, "s.rules", 'scheme "S" version "1"\nrange -3 to +3\nindex russia "R"\n')
    one = write(tmp_path, "one.events", 'period "No 1" from 2021-01-01 to 2021-01-31\n'
                "[4 January] x\n    russia +1\n")
    result = run("series", rules, one, one)
    assert result.exit_code == 2 and "B702" not in result.output
    assert "error[B701]: the period of 'No 1' (2021-01-01 to 2021-01-31) overlaps" in result.output
    again = write(tmp_path, "again.events", 'period "No 1" from 2021-02-01 to 2021-02-28\n'
                  "[4 February] x\n    russia +1\n")
    result = run("series", rules, one, again)
    assert (f"{again}:1:1: error[B702]: 'No 1' (2021-02-01 to 2021-02-28) is numbered 1, as is "
            "'No 1' (2021-01-01 to 2021-01-31), which comes before it") in result.output


def test_a_sensitivity_chart_says_what_was_varied():
    from barometer.engine.sensitivity import Parameter
    from barometer.output.charts import _varied

    said = _varied([Parameter("score", "score", "score among [recorded, direction]", -1.0, 2.0),
                    Parameter("rule", "older#0", "rule older: 2, its number 1 of 2", 2.0, 1.0),
                    Parameter("rule", "older#1", "rule older: 30, its number 2 of 2", 30.0, 1.0),
                    Parameter("weight", "visits", "weight of visits", 2.0, 1.0)], str)
    # was: "weights (score among [...]) ±2; weights (rule older: 2, ...) ±1; ..."
    assert said == ("score among [recorded, direction], one per sample; the numbers of rule "
                    "older (2, 30) \u00b11; weights (visits) \u00b11")


def test_sensitivity_says_every_kind_of_vary_it_takes():
    result = run("sensitivity", ROOT / "rules" / "minsk-barometer.rules",
                 ROOT / "examples" / "minsk-barometer-19.events", "--vary", "rule by 1")
    assert result.exit_code == 2
    assert "'rule older by 1', 'score among [recorded, direction]'" in result.output


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


def test_a_spreadsheet_without_a_required_attributes_column_is_told_once_at_the_heading(tmp_path):
    # every row said "add a line such as: level head_of_state", as if an event file
    rules = write(tmp_path, "s.rules", 'scheme "S" version "1"\nrange -3 to +3\nindex russia "R"\n'
                  "attribute level \"L\" one of [minister, official]\n"
                  "attribute n \"N\" number from 0\n")
    sheet = write(tmp_path, "e.csv", '# period "P" from 2021-01-01 to 2021-01-31\n'
                  "date,event,russia,n\n4 January,X,+1,\n5 January,Y,+1,3\n6 January,Z,+1,2\n")
    result = run("check", rules, sheet)
    assert result.exit_code == 1
    assert result.output == (
        f"{sheet}:2:1: error[B115]: the spreadsheet has no `level` column, which the scheme's "
        "attribute asks of every event\n"
        " 2 | date,event,russia,n\n"
        "   | ^^^^^^^^^^^^^^^^^^^\n"
        "   = hint: add a column headed `level` with each event's value (minister), or give the "
        "attribute a default (attribute level ... default ...)\n"
        f"{sheet}:3:1: error[B115]: the event records no `n`, which the scheme's attribute asks "
        "of every event\n"
        " 3 | 4 January,X,+1,\n"
        "   | ^^^^^^^^^^^^^^^\n"
        "   = hint: fill in the row's `n` cell (0), or give the attribute a default "
        "(attribute n ... default ...)\n"
        "2 errors, 0 warnings in 2 files\n")


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


def test_the_editor_offers_the_score_so_far_in_actions_and_knows_the_built_ins(tmp_path):
    from barometer.api import load_scheme
    from barometer.lsp import _completion_table, _describe, completion_kind

    scheme = load_scheme(str(write(tmp_path, "s.rules", SCHEME)))
    # `score` (the score so far) stands only in an action, and was not offered there
    action = completion_kind("rules", "rule r when always then set to trunc(sc")
    assert action == "action" and "score" in _completion_table(action, scheme)[0]
    assert "score" not in _completion_table(completion_kind("rules", "score recorded + "),
                                            scheme)[0]
    # hovering `age` in `when age > 30` said nothing
    assert _describe("built-in", "age") == (
        "**built-in attribute age**: the days from the event's end to the period's end (0 if it "
        "ends on the period's last day or runs past it); every event has it")


def test_a_series_chart_draws_bands_relative_to_history_issue_by_issue(tmp_path):
    # the percentiles (p25, p75) were drawn as the values 25 and 75: one band, `low`,
    # behind every issue, though issue 4 is `mid`
    import xml.etree.ElementTree as ET

    rules = write(tmp_path, "s.rules", 'scheme "S" version "1"\nrange -3 to +3\nindex a "A"\n'
                  "bands a relative to history over 2 issues { low < p25  mid p25 to p75  "
                  "high > p75 }\n")
    issues = []
    for k, score in enumerate([0, 2, -1, 1], start=1):
        month = f"{2 * k - 1:02d}"
        issues.append(write(tmp_path, f"i{k}.events", f'period "No {k}" from 2021-{month}-01 '
                            f"to 2021-{month}-28\n[3 {['January', 'March', 'May', 'July'][k - 1]}]"
                            f" x\n    a {score:+d}\n"))
    result = run("series", rules, *issues, "--format", "svg")
    assert result.exit_code == 0, result.output
    svg = ET.fromstring(result.output[result.output.index("<?xml"):])
    drawn = {g.get("id") for g in svg.iter("{http://www.w3.org/2000/svg}g")
             if (g.get("id") or "").startswith("band-a-")}
    # issues 3 and 4 (columns 2 and 3) have two issues before them; 1 and 2 have too few
    assert drawn == {f"band-a-{band}-{x}" for band in ("low", "mid", "high") for x in (2, 3)}


def test_one_event_is_one_event(tmp_path):
    rules = write(tmp_path, "s.rules", SCHEME)
    events = write(tmp_path, "e.events", EVENTS.split("\n\n[20 January]")[0] + "\n")
    assert run("explain", rules, events).output.startswith(
        "R: +1  (+1 positive, 0 negative, 1 event)\n")
    from barometer import evaluate, load_catalogue, load_scheme, report

    scheme = load_scheme(str(rules))
    page = report(evaluate(scheme, load_catalogue([str(events)], scheme)))
    assert "&middot; 1 event\n" in page and "<p>1 event, as catalogued in" in page


def test_sensitivity_and_compare_take_the_issues_before_as_eval_does(tmp_path):
    # a scheme with previous() could not be analysed at all: B704 said to give the
    # history, which only eval and explain took; and once given, the search for the
    # smallest flip stopped with HistoryShort
    rules = write(tmp_path, "s.rules", 'scheme "S" version "1"\nrange -3 to +3\nindex a "A"\n'
                  'index ch "Change" = a - previous(a)\nbands ch { down < 0  up >= 0 }\n'
                  "rule dbl when always then multiply by 2\nvary rule dbl by 1\n")
    before = write(tmp_path, "i1.events", 'period "No 1" from 2021-01-01 to 2021-01-31\n'
                   "[3 January] x\n    a +1\n")
    now = write(tmp_path, "i2.events", 'period "No 2" from 2021-02-01 to 2021-02-28\n'
                "[3 February] x\n    a -2\n")
    assert "error[B704]" in run("sensitivity", rules, now).output
    result = run("sensitivity", rules, now, "--history", before, "--samples", 50,
                 "--format", "json")
    assert result.exit_code == 0, result.output
    flips = json.loads(result.output)["smallest_flips"]["ch"]
    # ch = -2m - 2 with the multiplier m, so up from m = -1: the 2 moved by -3
    assert (flips["parameter"], flips["delta"], flips["to"]) == ("dbl#0", -3.0, "up")
    plain = write(tmp_path, "p.rules", 'scheme "P" version "1"\nrange -3 to +3\nindex a "A"\n'
                  'index ch "Change" = a - previous(a)\n')
    result = run("compare", plain, rules, now, "--history", before, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["indices"]["ch"]["values"] == [-3, -6]


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


def test_relative_bands_mistakes_are_worded_in_percentiles(tmp_path):
    rules = write(tmp_path, "s.rules", 'scheme "S" version "1"\nrange -3 to +3\nindex a "A"\n'
                  "bands a relative to history over 2 issues { low < p20  mid p20 to p10  "
                  "high > p10 }\nbands b relative to history over 2 issues { low < p-1 }\n")
    result = run("check", rules)
    # was "write it low to high: +10 to +20", and "expected percentile, a number or ..."
    assert "= hint: write it low to high: p10 to p20\n" in result.output
    assert (f"{rules}:5:51: error[B001]: expected a number, a percentile (p0 to p100) or a sign "
            "(+ or -), found `p-1`") in result.output


def test_a_name_in_another_script_says_what_names_are(tmp_path):
    # "expected a name, found `уровень`": a name, to a Belarusian methodologist
    rules = write(tmp_path, "s.rules", 'scheme "S" version "1"\nrange -3 to +3\nindex russia "R"\n'
                  'attribute уровень "Уровень" one of [a, b] default a\n')
    assert run("check", rules).output == (
        f"{rules}:4:11: error[B001]: expected a name, found `уровень`\n"
        ' 4 | attribute уровень "Уровень" one of [a, b] default a\n'
        "   |           ^^^^^^^\n"
        "   = hint: names are written with the letters a-z, digits and _ (the title in quotes "
        "may be in any script)\n"
        "1 error, 0 warnings in 1 file\n")


def test_a_value_listed_twice_is_said(tmp_path):
    rules = write(tmp_path, "s.rules", 'scheme "S" version "1"\nrange -3 to +3\nindex russia "R"\n'
                  'attribute level "L" one of [minister, minister, official]\n')
    result = run("check", rules)
    assert result.exit_code == 1
    assert f"{rules}:4:39: error[B102]: the value `minister` is listed twice\n" in result.output


def test_fmt_lays_out_a_percentile_with_decimals(tmp_path):
    # `p80.5` was split into `p80 . 5`, and fmt refused the file as its own bug (B006)
    from barometer.dsl.format import format_text

    text = ('scheme "F" version "1"\nrange -3 to +3\nindex a "A"\n'
            "bands a relative to history over 8 issues {low<p20 usual p20 to p80.5 high>p80.5}\n")
    assert format_text(text, "rules", "f.rules").splitlines()[-1] == (
        "bands a relative to history over 8 issues { low < p20 usual p20 to p80.5 high > p80.5 }")


def test_a_series_does_not_advise_an_option_it_does_not_take(tmp_path):
    # "... or give --period 2021-01-01:2021-02-28", and series has no --period
    rules = write(tmp_path, "s.rules", SCHEME)
    sheet = write(tmp_path, "e.csv", "date,event,russia\n4 January,x,+1\n")
    result = run("series", rules, sheet)
    assert result.exit_code == 2 and "error[B304]" in result.output
    assert "--period" not in result.output


def test_dropping_a_rule_drops_the_inherited_vary_of_it(tmp_path):
    # the child got an error in its parent's file, `unknown rule r`, for a line it
    # cannot edit, for having dropped the rule
    write(tmp_path, "p.rules", 'scheme "P" version "1"\nrange -3 to +3\nindex a "A"\n'
          "rule r when always then multiply by 2\nvary rule r by 1\nvary bands by 1\n"
          "bands a { lo < 0  hi >= 0 }\n")
    child = write(tmp_path, "c.rules", 'scheme "C" version "1"\nextends "p.rules"\ndrop rule r\n')
    assert run("check", child).output == "0 errors, 0 warnings in 1 file\n"
    from barometer import load_scheme

    assert [v.kind for v in load_scheme(str(child)).varies] == ["bands"]


def test_two_indices_without_a_figure_have_none(tmp_path):
    rules = write(tmp_path, "s.rules", 'scheme "S" version "1"\nrange -3 to +3\nindex a "A"\n'
                  'index x "X" = y + 1\nindex y "Y" = previous(a)\n')
    one = write(tmp_path, "one.events", 'period "No 1" from 2021-01-01 to 2021-01-31\n'
                "[4 January] x\n    a +1\n")
    # was "y, x has no figure in No 1"
    assert "with the figure: y, x have no figure in No 1" in run("series", rules, one).output
