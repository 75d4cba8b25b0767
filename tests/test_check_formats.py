"""`barometer check` for CI systems: GitHub workflow annotations, a SARIF 2.1.0 log
validated against the schema OASIS publishes, counts per code, and the same exit
status in every format."""

import json
import re
from pathlib import Path

import pytest

from .conftest import EVENTS, ROOT, RULES
from .helpers import run, write

SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"
BROKEN = ROOT / "examples" / "mistakes" / "literal-bands.rules"


def test_github_annotations_place_each_finding(monkeypatch):
    monkeypatch.chdir(ROOT)
    result = run("check", "rules/minsk-barometer.rules", "examples/minsk-barometer-19.events",
                 "--format", "github")
    assert result.exit_code == 0
    assert result.stdout == (
        "::warning file=examples/minsk-barometer-19.events,line=263,col=2,endLine=263,"
        "endColumn=12,title=B501::`14 January` is listed after `15 January` (line 258) under us"
        "%0Ahint: list events in date order, or ignore this if the source does so\n")


def test_github_annotations_escape_what_would_end_a_field(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "a,b.rules", "range -3 to +3\nindex x \"X\"\ncategory c \"C\"\nweight c 1%\n")
    result = run("check", "a,b.rules", "--format", "github")
    assert result.exit_code == 1
    first = result.stdout.splitlines()[0]
    assert first.startswith("::error file=a%2Cb.rules,line=4,"), first
    assert "\n" not in first and first.count("::") == 2


def test_sarif_is_valid_against_the_schema(tmp_path):
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    out = tmp_path / "barometer.sarif"
    result = run("check", BROKEN, EVENTS, "--rules", RULES, "--format", "sarif", "-o", out)
    assert result.exit_code == 1  # the same status as --format table
    log = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(log), key=str)
    assert not errors, errors[0]
    assert log["version"] == "2.1.0"
    run_ = log["runs"][0]
    assert [r["id"] for r in run_["tool"]["driver"]["rules"]] == ["B201", "B501"]
    found = [(r["ruleId"], r["level"], r["locations"][0]["physicalLocation"]["region"]["startLine"])
             for r in run_["results"]]
    assert sorted(found) == [("B201", "error", 6), ("B501", "warning", 263)]
    b201 = next(r for r in run_["results"] if r["ruleId"] == "B201")
    assert b201["message"]["text"].startswith("regional_tension: the value -1 falls in no band")
    assert b201["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == BROKEN.as_uri()


def test_sarif_of_a_clean_run_is_valid_too(tmp_path, monkeypatch):
    jsonschema = pytest.importorskip("jsonschema")
    monkeypatch.chdir(ROOT)
    result = run("check", "rules/minsk-barometer.rules", "--format", "sarif")
    assert result.exit_code == 0
    log = json.loads(result.stdout)
    jsonschema.validate(log, json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert log["runs"][0]["results"] == []


def test_statistics_count_per_code():
    result = run("check", BROKEN, EVENTS, "--rules", RULES, "--statistics")
    assert result.exit_code == 1
    assert result.stdout == "1  B201  error\n1  B501  warning\n1 error, 1 warning in 2 files\n"
    data = json.loads(run("check", BROKEN, EVENTS, "--rules", RULES, "--statistics",
                          "--format", "json").stdout)
    assert data["statistics"] == [{"code": "B201", "severity": "error", "count": 1},
                                  {"code": "B501", "severity": "warning", "count": 1}]
    assert len(data["diagnostics"]) == 2


def test_statistics_is_not_for_ci_formats():
    result = run("check", RULES, "--statistics", "--format", "sarif")
    assert result.exit_code == 2 and "--statistics" in result.output


@pytest.mark.parametrize("fmt", ["table", "text", "json", "github", "sarif"])
def test_the_exit_status_is_the_same_in_every_format(fmt):
    assert run("check", BROKEN, "--format", fmt).exit_code == 1
    assert run("check", RULES, EVENTS, "--format", fmt).exit_code == 0
    assert run("check", RULES, EVENTS, "--format", fmt, "--strict").exit_code == 1
    assert run("check", ROOT / "nothing.rules", "--format", fmt).exit_code == 2


def test_pre_commit_hooks_run_the_verbs():
    """Each hook of .pre-commit-hooks.yaml runs a verb of barometer, on the files it
    is meant for (read without a YAML library: the file is a flat list)."""
    text = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    hooks = {}
    for block in re.split(r"^- ", text, flags=re.M)[1:]:
        fields = dict(line.strip().split(": ", 1) for line in block.splitlines() if ": " in line)
        hooks[fields["id"]] = fields
    assert {k: (v["entry"], v["language"]) for k, v in hooks.items()} == {
        "barometer-fmt": ("barometer fmt", "python"),
        "barometer-check": ("barometer check", "python"),
        "barometer-test": ("barometer test", "python")}
    assert re.search(hooks["barometer-check"]["files"], "rules/minsk-barometer.rules")
    assert re.search(hooks["barometer-fmt"]["files"], "examples/minsk-barometer-19.events")
    assert hooks["barometer-test"]["pass_filenames"] == "false"
    # what each hook runs, on the shipped files, passes
    assert run("fmt", "--check", RULES).exit_code == 0
    assert run("check", RULES).exit_code == 0
