"""Whatever the input, check and eval answer with located findings and an exit
status of 0, 1 or 2: never a Python traceback."""

import re

from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from barometer.main import main

from .conftest import EVENTS, RULES

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])
RULES_TEXT = RULES.read_text(encoding="utf-8")
EVENTS_TEXT = EVENTS.read_text(encoding="utf-8")
LOCATED = re.compile(r"^\S+:\d+:\d+: (error|warning)\[B\d{3}\]: ", re.M)


def answers_properly(*args):
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{type(result.exception).__name__}: {result.exception}")
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 1, 2)
    if result.exit_code == 1 or (result.exit_code == 2 and "[B" in result.output):
        findings = re.findall(r"(error|warning)\[B\d{3}\]", result.output)
        located = LOCATED.findall(result.output)
        unlocated = [line for line in result.output.splitlines()
                     if re.match(r"^(error|warning)\[B\d{3}\]", line)]
        assert findings, result.output
        assert len(located) + len(unlocated) == len(findings)
        assert all("[B002]" in line or "[B003]" in line for line in unlocated), unlocated
    return result


def mutate(text: str, data) -> str:
    lines = text.split("\n")
    how = data.draw(st.sampled_from(["truncate", "delete", "duplicate", "swap", "replace",
                                     "cut"]))
    i = data.draw(st.integers(0, len(lines) - 1))
    if how == "truncate":
        return "\n".join(lines[:i])
    if how == "delete":
        return "\n".join(lines[:i] + lines[i + 1:])
    if how == "duplicate":
        return "\n".join(lines[:i + 1] + lines[i:])
    if how == "swap":
        j = data.draw(st.integers(0, len(lines) - 1))
        lines[i], lines[j] = lines[j], lines[i]
        return "\n".join(lines)
    if how == "cut":
        at = data.draw(st.integers(0, len(text)))
        return text[:at]
    at = data.draw(st.integers(0, max(len(text) - 1, 0)))
    char = data.draw(st.sampled_from(list('"[]{}#-+0123456789 \n\tabz,.“”<>=–')))
    return text[:at] + char + text[at + 1:]


@SETTINGS
@given(data=st.data())
def test_mutated_rules_file(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("m") / "r.rules"
    path.write_text(mutate(RULES_TEXT, data), encoding="utf-8")
    answers_properly("eval", str(path), str(EVENTS))
    answers_properly("check", str(path), str(EVENTS))


@SETTINGS
@given(data=st.data())
def test_mutated_event_file(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("m") / "e.events"
    path.write_text(mutate(EVENTS_TEXT, data), encoding="utf-8")
    answers_properly("eval", str(RULES), str(path))
    answers_properly("check", str(RULES), str(path))


@SETTINGS
@given(text=st.text(max_size=300))
@example(text='period "x" from 2021-01-01 to 2021-01-31\n[')
@example(text="scheme")
@example(text='bands x { a -1 to')
def test_random_text(tmp_path_factory, text):
    folder = tmp_path_factory.mktemp("t")
    (folder / "x.rules").write_text(text, encoding="utf-8")
    (folder / "x.events").write_text(text, encoding="utf-8")
    (folder / "x.csv").write_text(text, encoding="utf-8")
    answers_properly("check", str(folder / "x.rules"))
    answers_properly("eval", str(RULES), str(folder / "x.events"))
    answers_properly("check", "--rules", str(RULES), str(folder / "x.events"))
    answers_properly("eval", str(RULES), str(folder / "x.csv"))


@SETTINGS
@given(data=st.binary(max_size=300))
def test_random_bytes(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("b")
    (folder / "x.rules").write_bytes(data)
    (folder / "x.events").write_bytes(data)
    answers_properly("check", str(folder / "x.rules"))
    answers_properly("eval", str(RULES), str(folder / "x.events"))


def write_rule(tmp_path, condition):
    path = tmp_path / "deep.rules"
    path.write_text(f'scheme "Deep"\nextends "{RULES}"\nrule deep when {condition} then add 1\n',
                    encoding="utf-8")
    return str(path)


def test_deep_nesting_is_refused_clearly(tmp_path):
    path = write_rule(tmp_path, "not " * 3000 + "index is russia")
    result = answers_properly("eval", path, str(EVENTS))
    assert result.exit_code == 2
    assert "error[B109]: the condition of rule `deep` is nested 3001 deep" in result.output
    assert answers_properly("check", path).exit_code == 1
    nested = "(index is eu or " * 3000 + "index is russia" + ")" * 3000
    result = answers_properly("eval", write_rule(tmp_path, nested), str(EVENTS))
    assert result.exit_code == 2 and "error[B109]" in result.output


def test_parentheses_alone_do_not_nest(tmp_path):
    path = write_rule(tmp_path, "(" * 3000 + "index is russia" + ")" * 3000)
    result = answers_properly("eval", path, str(EVENTS), "--format", "json")
    assert result.exit_code == 0
    assert '"aggregate": 41' in result.output  # russia: 21 events, each +1


def test_long_chains_of_and_are_fine(tmp_path):
    condition = " and ".join(["not index is eu"] * 2000)
    path = tmp_path / "long.rules"
    path.write_text(f'scheme "Long"\nextends "{RULES}"\nrule long when {condition} then add 0\n',
                    encoding="utf-8")
    assert answers_properly("eval", str(path), str(EVENTS)).exit_code == 0
