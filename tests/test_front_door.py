"""The front door (barometer.api): every verb, the language server and Python read
files the same way, so they say the same findings, word for word, and a Python
user gets the command line's figures, engines and fallbacks."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import barometer
from barometer import api
from barometer.dsl.checks import STAGES
from barometer.dsl.diagnostics import InputError
from barometer.main import main

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules" / "minsk-barometer.rules"
EVENTS = ROOT / "examples" / "minsk-barometer-19.events"
MISTAKES = ROOT / "examples" / "mistakes"
HAVE_DUCKDB = importlib.util.find_spec("duckdb") is not None
LINE = re.compile(r"^(?:(.+?):(\d+):(\d+): )?(error|warning)\[(B\d{3})\]: (.*)$", re.M)
# the warnings `eval` shows: the rows of the stage table that say so
SHOWN = {code for stage in STAGES if stage.shown for code in stage.codes}


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def said(text: str) -> set:
    """The findings a verb printed: (file, line, column, severity, code, message)."""
    return {(f or None, int(line) if line else None, int(col) if col else None, sev, code, msg)
            for f, line, col, sev, code, msg in LINE.findall(text)}


def as_said(diagnostics) -> set:
    return {(d.span.file if d.span else None, d.span.line if d.span else None,
             d.span.column if d.span else None, d.severity, d.code, d.message)
            for d in diagnostics}


def errors(found: set) -> set:
    return {f for f in found if f[3] == "error"}


def lsp_said(path: str, root: str) -> set:
    from barometer.lsp import findings

    return {(path, d.range.start.line + 1, d.range.start.character + 1,
             "error" if d.severity == 1 else "warning", d.code, d.message.split("\n")[0])
            for d in findings(path, root)[0] if d.code is not None}


def same_everywhere(rules: str, events: str, root: str, engines=("python",)) -> None:
    """`eval`, `explain`, `series`, `check`, the language server and the front door
    say the same findings on `events` under `rules` (or on `rules` itself)."""
    checked = api.check_files([events], rules=rules) if not events.endswith(".rules") else \
        api.check_files([events])
    check = as_said(checked.diagnostics)
    target = events if not events.endswith(".rules") else str(EVENTS)
    scheme_file = rules if not events.endswith(".rules") else events
    python = run("eval", scheme_file, target, "--engine", "python")
    shown = said(python.stderr)
    # eval: the errors check finds, and the warnings check finds that eval shows
    if errors(check):
        assert python.exit_code == 2
        assert errors(shown) == errors(check)
    else:
        assert python.exit_code == 0, python.output
        assert shown == {f for f in check if f[4] in SHOWN}
    explain = run("explain", scheme_file, target)
    assert (explain.exit_code, said(explain.stderr)) == (python.exit_code, shown)
    # series reads the file as an issue of its own: the same findings of reading it
    series = run("series", scheme_file, target)
    reading = {f for f in shown if f[4] not in ("B208", "B704", "B707", "B304")}
    assert {f for f in said(series.stderr) if f[4] not in ("B703", "B705", "B304")} == reading
    # the language server: everything check says in the file
    assert lsp_said(events, root) == {f for f in check if f[0] == events}
    # the front door
    try:
        outcome = api.evaluate(scheme_file, [target], engine="python")
    except InputError as e:
        assert python.exit_code == 2 and errors(as_said(e.diagnostics)) == errors(shown)
    else:
        assert as_said(outcome.warnings) == shown
        assert json.loads(run("eval", scheme_file, target, "--format", "json").stdout) == \
            json.loads(_json(outcome))
    for engine in engines[1:]:
        other = run("eval", scheme_file, target, "--engine", engine)
        if other.exit_code == 0:  # where it accepts the input: the same figures and findings
            assert other.stdout == python.stdout
            assert said(other.stderr) == shown


def _json(outcome) -> str:
    from barometer import output

    return output.evaluation(outcome.evaluation, "json")


@pytest.mark.parametrize("name", sorted(p.name for p in MISTAKES.iterdir()
                                        if p.suffix in (".rules", ".events")))
def test_every_verb_says_the_same_findings_on_the_mistakes(name):
    path = str(MISTAKES / name)
    same_everywhere(str(RULES), path, str(ROOT))


HEAD = '# period "P" from 2021-01-01 to 2021-02-28\n'
COLUMNS = ["date", "event", "russia", "eu", "category", "tags"]
ROWS = [["4 January", "A call", "+1", "", "contacts", ""],
        ["10 January", "An interview", "+1", "-1", "media", ""],
        ["3 February", "A donation", "+1", "", "aid", "covid"]]

# one slip each, as a person makes them in a spreadsheet
SLIPS = {
    "extra column": lambda cols, rows: (cols + ["coder"], [r + ["ab"] for r in rows]),
    "misspelt index": lambda cols, rows: (["rusia" if c == "russia" else c for c in cols], rows),
    "no sign": lambda cols, rows: (cols, [[("1" if v == "+1" else v) for v in r] for r in rows]),
    "bad date": lambda cols, rows: (cols, [["4 Januray"] + r[1:] if i == 0 else r
                                           for i, r in enumerate(rows)]),
    "unknown category": lambda cols, rows: (cols, [r[:4] + ["contcts"] + r[5:] for r in rows]),
    "twice": lambda cols, rows: (cols, rows + rows[:1]),
    "too strong": lambda cols, rows: (cols, [[("+5" if v == "+1" else v) for v in r]
                                             for r in rows]),
    "past the period": lambda cols, rows: (cols, [["1 March"] + r[1:] if i == 1 else r
                                                  for i, r in enumerate(rows)]),
}


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(slips=st.lists(st.sampled_from(sorted(SLIPS)), min_size=1, max_size=3, unique=True))
def test_every_verb_says_the_same_findings_on_broken_spreadsheets(tmp_path_factory, slips):
    folder = tmp_path_factory.mktemp("broken")
    cols, rows = COLUMNS, ROWS
    for slip in slips:
        cols, rows = SLIPS[slip](cols, rows)
    path = folder / "c.csv"
    path.write_text(HEAD + "\n".join(",".join(r) for r in [cols] + rows) + "\n", encoding="utf-8")
    rules = folder / "s.rules"
    rules.write_text(RULES.read_text(encoding="utf-8"), encoding="utf-8")
    same_everywhere(str(rules), str(path), str(folder),
                    ("python", "duckdb") if HAVE_DUCKDB else ("python",))


EVENT_FILE = """period "P" from 2021-01-01 to 2021-02-28

[4 January] A call
    russia +1
    category contacts

[10 January] An interview
    russia +1  us +1
    category media

[3 February] A donation
    russia +1
    category aid
    tags covid
"""

# one slip each, as a person makes them in an event file
EVENT_SLIPS = {
    "misspelt index": lambda t: t.replace("    russia +1\n    category contacts",
                                          "    rusia +1\n    category contacts"),
    "no sign": lambda t: t.replace("us +1", "us 1"),
    "bad date": lambda t: t.replace("[4 January]", "[4 Januray]"),
    "unknown category": lambda t: t.replace("category media", "category medya"),
    "twice": lambda t: t + "\n[4 January] A call\n    russia +1\n    category contacts\n",
    "out of order": lambda t: t + "\n[2 January] Late\n    russia -1\n    category contacts\n",
    "suppressed": lambda t: t.replace("    us +1", "    us 1  # barometer: ignore B505"),
    "unknown code": lambda t: "# barometer: ignore-file B599\n" + t,
    "published wrong": lambda t: t.replace("period \"P\" from 2021-01-01 to 2021-02-28\n",
                                           "period \"P\" from 2021-01-01 to 2021-02-28\n"
                                           "published russia +5\n"),
    "attribute": lambda t: t.replace("    tags covid", "    tags covid\n    level high"),
}


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(slips=st.lists(st.sampled_from(sorted(EVENT_SLIPS)), min_size=1, max_size=3, unique=True))
def test_every_verb_says_the_same_findings_on_broken_event_files(tmp_path_factory, slips):
    folder = tmp_path_factory.mktemp("broken")
    text = EVENT_FILE
    for slip in slips:
        text = EVENT_SLIPS[slip](text)
    path = folder / "e.events"
    path.write_text(text, encoding="utf-8")
    rules = folder / "s.rules"
    rules.write_text(RULES.read_text(encoding="utf-8"), encoding="utf-8")
    same_everywhere(str(rules), str(path), str(folder))


def test_eval_names_the_column_it_ignored(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(HEAD + "date,event,russia,category,coder\n4 January,A call,+1,contacts,ab\n",
                    encoding="utf-8")
    result = run("eval", RULES, path)
    assert result.exit_code == 0
    assert (f"{path}:2:28: warning[B010]: the column `coder` is ignored: it is neither an index "
            "nor an attribute of the scheme, nor a column barometer reads") in result.stderr


def python_and_duckdb(path):
    """What `eval` says of `path` with the python engine, and with DuckDB's."""
    python = run("eval", RULES, path, "--engine", "python")
    duckdb = run("eval", RULES, path, "--engine", "duckdb")
    assert (python.exit_code, duckdb.exit_code) == (0, 0), python.output + duckdb.output
    assert duckdb.stdout == python.stdout
    return said(python.stderr), said(duckdb.stderr)


@pytest.mark.skipif(not HAVE_DUCKDB, reason="needs the columnar extra")
def test_the_columnar_reader_names_an_ignored_column(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(HEAD + "date,event,russia,category,coder\n4 January,A call,+1,contacts,ab\n",
                    encoding="utf-8")
    python, duckdb = python_and_duckdb(path)
    assert duckdb == python == {(str(path), 2, 28, "warning", "B010", (
        "the column `coder` is ignored: it is neither an index nor an attribute of the scheme, "
        "nor a column barometer reads"))}
    outcome = api.evaluate(str(RULES), [str(path)], engine="duckdb")
    assert (outcome.engine, as_said(outcome.warnings)) == ("duckdb", python)


@pytest.mark.skipif(not HAVE_DUCKDB, reason="needs the columnar extra")
def test_the_columnar_reader_names_an_event_listed_twice(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(HEAD + 'date,event,russia,category,note\n'
                    '4 January,A call,+1,contacts,"two\nlines"\n'
                    '4 January,An interview,+1,media,\n'
                    '"4 january","A  Call",-1,contacts,\n'
                    '# a note\n', encoding="utf-8")
    python, duckdb = python_and_duckdb(path)
    assert duckdb == python == {(str(path), 6, 1, "warning", "B502",
                                 f"this event is already listed at {path}:3:1")}


@pytest.mark.skipif(not HAVE_DUCKDB, reason="needs the columnar extra")
def test_the_columnar_reader_warns_of_a_parquet_catalogue_as_python_does(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "c.parquet"
    pq.write_table(pa.table({"date": ["4 January", "10 January", "4 January"],
                             "event": ["A call", "An interview", "A call"],
                             "russia": [1, 1, 1], "category": ["contacts", "media", "contacts"],
                             "coder": ["ab", "cd", "ef"]}), path)
    (tmp_path / "c.parquet.period").write_text('period "P" from 2021-01-01 to 2021-02-28\n',
                                               encoding="utf-8")
    python, duckdb = python_and_duckdb(path)
    assert {f[4] for f in python} == {"B010", "B502"}
    assert duckdb == python


@pytest.mark.skipif(not HAVE_DUCKDB, reason="needs the columnar extra")
@pytest.mark.parametrize("rules, catalogue", [
    ("rules/gdelt/gdelt-style.rules", "examples/gdelt/gdelt-style-sample.jsonl"),
    ("rules/minsk-barometer.rules", "examples/minsk-barometer-19.csv"),
])
def test_the_front_door_with_duckdb_gives_the_command_lines_json(rules, catalogue):
    cli = run("eval", ROOT / rules, ROOT / catalogue, "--engine", "duckdb", "--format", "json")
    assert cli.exit_code == 0
    outcome = api.evaluate(str(ROOT / rules), [str(ROOT / catalogue)], engine="duckdb")
    assert outcome.engine == "duckdb"
    assert _json(outcome) == cli.stdout


@pytest.mark.skipif(not HAVE_DUCKDB, reason="needs the columnar extra")
def test_the_front_door_falls_back_to_python_as_the_command_line_does(tmp_path):
    rules = tmp_path / "s.rules"
    rules.write_text('scheme "S" version "1"\nrange -3 to +3\nscore sqrt(recorded * recorded)\n'
                     'index russia "R"\n', encoding="utf-8")
    path = tmp_path / "c.csv"
    path.write_text(HEAD + "date,event,russia\n4 January,A call,+2\n", encoding="utf-8")
    cli = run("eval", rules, path, "--engine", "duckdb", "--format", "json")
    assert cli.exit_code == 0
    outcome = api.evaluate(str(rules), [str(path)], engine="duckdb")
    assert outcome.engine == "python"
    assert [d.code for d in outcome.warnings] == ["B801"]
    assert as_said(outcome.warnings) == said(cli.stderr)
    assert _json(outcome) == cli.stdout


def test_the_front_door_refuses_what_the_command_line_refuses():
    with pytest.raises(api.UsageProblem, match="reads one CSV, Parquet or JSON Lines"):
        api.evaluate(str(RULES), [str(EVENTS)], engine="duckdb")
    with pytest.raises(api.UsageProblem, match="no engine 'sql'"):
        api.evaluate(str(RULES), [str(EVENTS)], engine="sql")
    with pytest.raises(InputError) as e:
        api.evaluate(str(RULES), [str(MISTAKES / "catalogue.events")])
    assert errors(as_said(e.value.diagnostics)) == errors(said(
        run("eval", RULES, MISTAKES / "catalogue.events").stderr))


@pytest.mark.parametrize("engine, extra", [("duckdb", "duckdb>=1.2"),
                                           ("spark", "barometer[spark]")])
def test_an_engine_without_its_extra_is_said_not_a_traceback(monkeypatch, engine, extra):
    """Without the columnar extra, `--engine duckdb` ended in ModuleNotFoundError
    (sqlglot), raised by the check that a scheme can become a query."""
    monkeypatch.setitem(__import__("sys").modules, "sqlglot", None)  # import sqlglot fails
    csv = ROOT / "examples" / "minsk-barometer-19.csv"
    result = run("eval", RULES, csv, "--engine", engine)
    assert result.exit_code == 2
    assert result.output.startswith(f"error: the {engine} engine needs ")
    assert f"pip install '{extra}'" in result.output
    with pytest.raises(api.EngineProblem):
        api.evaluate(str(RULES), [str(csv)], engine=engine)


def test_one_path_is_one_catalogue_not_a_sequence_of_letters():
    """api.evaluate(rules, "no19.events") read the path's letters as file names."""
    events = ROOT / "examples" / "minsk-barometer-19.events"
    for given in (str(events), events, [str(events)]):
        outcome = api.evaluate(str(RULES), given)
        assert outcome.evaluation.indices["russia"].aggregate == 20
        # and so for the notebook's names: load_catalogue and check read the letters too
        scheme = barometer.load_scheme(str(RULES))
        assert len(barometer.load_catalogue(given, scheme).events) == 121
        assert barometer.check(given, rules=str(RULES)).warnings == 1
    assert barometer.check(str(RULES)).errors == 0
    before = str(ROOT / "examples" / "history" / "minsk-barometer-18.events")
    assert api.evaluate(str(RULES), events, history=before).evaluation.indices[
        "russia"].aggregate == 20  # an issue before, named alone: not its letters
    with pytest.raises(api.UsageProblem, match=f"^{re.escape(str(events))} is named twice"):
        api.calibrate(str(ROOT / "rules" / "minsk-by-category.rules"), events, samples=2,
                      issues=str(events))


@pytest.mark.parametrize("verb", ["evaluate", "explain", "sensitivity"])
@pytest.mark.parametrize("rules", ["minsk-barometer", "minsk-cooperation-share"])
def test_one_evaluation_finds_the_figure_problems_and_gives_the_figures(monkeypatch, verb,
                                                                         rules):
    """A catalogue is evaluated once under a scheme: the evaluation that compares the
    published figures (under the root scheme, minsk-barometer) and the one that
    looks for B208 and B210 (a derived index dividing) are the one whose figures
    are shown."""
    from barometer.engine.plan import Plan

    grouped = []
    group = Plan.group
    monkeypatch.setattr(Plan, "group",
                        lambda self, c: grouped.append(self.scheme.path) or group(self, c))
    path = str(ROOT / "rules" / f"{rules}.rules")
    if verb == "evaluate":
        result = api.evaluate(path, [str(EVENTS)], engine="python").evaluation
        assert result.indices["russia"].aggregate == 20
    elif verb == "explain":
        result = api.explain(path, [str(EVENTS)])
    else:
        result = api.sensitivity(path, [str(EVENTS)], samples=10)
    assert result is not None
    assert grouped.count(path) == 1
