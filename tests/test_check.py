"""barometer check: the shipped files are clean, findings are complete and
documented, and the command follows the exit-status contract."""

import json
import re

from click.testing import CliRunner

from barometer.checker import check_files
from barometer.main import main

from .conftest import CSV, EVENTS, ROOT, RULES


def run(*args):
    result = CliRunner().invoke(main, ["check", *map(str, args)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def test_shipped_files_are_clean():
    rules = sorted((ROOT / "rules").glob("*.rules"))
    examples = sorted((ROOT / "examples").iterdir())
    result = run(*rules, *examples)
    assert result.exit_code == 0, result.output
    assert "error[" not in result.output
    # the No 19 U.S. table's own quirk, and nothing else
    warnings = re.findall(r"warning\[(B\d+)\]", result.output)
    assert warnings == ["B501", "B501"]  # once in the event file, once in the CSV
    assert "`14 January` is listed after `15 January`" in result.output
    assert "examples/mistakes is a folder, not checked" in result.output


def test_strict_fails_on_warnings():
    assert run(RULES, EVENTS).exit_code == 0
    assert run("--strict", RULES, EVENTS).exit_code == 1
    assert run("--strict", RULES).exit_code == 0


def test_literal_reading_of_appendix_3_leaves_minus_one_uncoloured():
    report = check_files([str(ROOT / "examples" / "mistakes" / "literal-bands.rules")])
    [gap] = [d for d in report.diagnostics if d.code == "B201"]
    assert gap.message == ("regional_tension: the value -1 falls in no band "
                           "(white is > -1, green is -6 to -2)")
    assert gap.severity == "error"


def test_json_findings():
    path = ROOT / "examples" / "mistakes" / "catalogue.events"
    result = run("--rules", RULES, "--format", "json", path)
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert list(data) == ["diagnostics", "summary"]
    first = data["diagnostics"][0]
    assert list(first) == ["code", "severity", "message", "file", "line", "column", "end_line",
                           "end_column", "hint"]
    assert (first["code"], first["line"], first["column"], first["hint"]) == (
        "B101", 6, 5, "did you mean `russia`?")
    lines = [(d["line"], d["column"]) for d in data["diagnostics"]]
    assert lines == sorted(lines)
    assert data["summary"]["errors"] == sum(d["severity"] == "error" for d in data["diagnostics"])


def test_usage_errors_exit_2(tmp_path):
    assert run(EVENTS).exit_code == 2  # an event file needs a scheme
    assert run(tmp_path / "missing.rules").exit_code == 2
    other = tmp_path / "notes.txt"
    other.write_text("hello")
    result = run(other)
    assert result.exit_code == 2 and "cannot tell what" in result.output


def test_csv_checked_against_the_rules_given():
    assert run("--rules", RULES, CSV).exit_code == 0


def test_every_code_is_documented():
    from barometer.dsl.checks import all_codes

    used = set()
    for folder in ("dsl", "engine", "cli"):
        for path in (ROOT / folder).rglob("*.py"):
            used |= set(re.findall(r'"(B\d{3})"', path.read_text(encoding="utf-8")))
    documented = set(re.findall(r"^### (B\d{3}) ", (ROOT / "docs" / "diagnostics.md").read_text(
        encoding="utf-8"), re.M))
    assert used == documented
    assert all_codes() == documented  # the stage table names every code


def test_a_suppression_with_an_unknown_code_is_said(tmp_path):
    from barometer.checker import check_files

    from .conftest import EVENTS, RULES

    text = EVENTS.read_text(encoding="utf-8").replace(
        "[4 January] Lukashenka and Medvedev", "# barometer: ignore B599 B501\n"
        "[4 January] Lukashenka and Medvedev", 1)
    path = tmp_path / "e.events"
    path.write_text(text, encoding="utf-8")
    report = check_files([str(path)], rules=str(RULES))
    found = [(d.code, d.span.line, d.span.column, d.message) for d in report.diagnostics
             if d.code == "B007"]
    line = text.splitlines().index("# barometer: ignore B599 B501") + 1
    assert found == [("B007", line, 21, "`B599` is not a barometer code: this comment "
                      "suppresses nothing")]


def test_every_stage_names_the_function_it_runs():
    from barometer.dsl.checks import STAGES
    from barometer.engine.verify import function

    assert all(callable(function(stage)) for stage in STAGES)
    # eval shows the warnings about what it read, never the reasoning about rules
    shown = {s.name for s in STAGES if s.shown}
    assert {"events", "duplicates", "files", "figures", "columnar", "history", "series"} == shown


def test_an_event_whose_only_score_cannot_be_read_is_checked_without_a_traceback(tmp_path):
    """A cell `#-1` in a score column left the event with no score: checking the
    order of events then failed with an IndexError instead of reporting the cell."""
    csv = (ROOT / "examples" / "minsk-barometer-19.csv").read_text(encoding="utf-8")
    line = next(x for x in csv.splitlines() if x.startswith("1 January,\"Poroshenko"))
    path = tmp_path / "c.csv"
    path.write_text(csv.replace(line, line.replace(",-1,", ",#-1,", 1)), encoding="utf-8")
    result = run("--rules", ROOT / "rules" / "minsk-barometer.rules", path)
    assert result.exit_code == 1, result.output
    assert "error[B001]" in result.output and "Traceback" not in result.output


def test_an_event_file_checked_with_its_scheme_read_already_finds_the_same(tmp_path, minsk):
    # the language server keeps the scheme while its files do not change
    text = EVENTS.read_text(encoding="utf-8").replace(
        "[4 January] Lukashenka and Medvedev", "# barometer: ignore B501\n"
        "[4 January] Lukashenka and Medvedev", 1).replace("russia +", "rusia +", 1)
    path = tmp_path / "e.events"
    path.write_text(text, encoding="utf-8")
    alone = check_files([str(path)], rules=str(RULES))
    given = check_files([str(path)], rules=str(RULES), scheme=minsk)
    assert [d.code for d in given.diagnostics] == ["B101", "B501"]
    assert given == alone
