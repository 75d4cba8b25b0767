"""Names: what may name an index, an attribute or a value, and what is said where a
name cannot be one (a word of event files or of the rules language, another script,
a value listed twice)."""

from .helpers import run, write

SCHEME = 'scheme "S" version "1"\nrange -3 to +3\n'


def test_an_index_named_like_an_event_word_is_refused_where_declared(tmp_path):
    rules = write(tmp_path, "s.rules", SCHEME + 'index note "North-East"\nindex source "S"\n')
    result = run("check", rules)
    assert result.exit_code == 1
    assert f"{rules}:3:7: error[B110]: `note` cannot name an index: in an event file, a line " \
           "`note +1` is read as a `note` line, not as a score" in result.output
    assert f"{rules}:4:7: error[B110]: `source` cannot name an index" in result.output
    events = write(tmp_path, "e.events", 'period "P" from 2021-01-01 to 2021-01-31\n'
                   "[4 January] x\n    note +2\n")
    assert run("eval", rules, events).exit_code == 2


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
