"""barometer fmt: idempotent, and what a file says survives it: the same model,
the same results, every comment."""

import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from barometer import evaluate, load_catalogue, load_scheme
from barometer.main import main
from barometer.dsl.format import FormatError, comments_of, format_text, shape

from .conftest import EVENTS, ROOT, RULES
from .strategies import event_files, rules_files

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])
SHIPPED = sorted(ROOT.glob("rules/*.rules")) + sorted(ROOT.glob("examples/*.events")) + [
    p for p in sorted(ROOT.glob("examples/mistakes/*")) if p.name in (
        "bands.rules", "literal-bands.rules", "catalogue.events", "published.events",
        "self-extends.rules")]


def kind(path: Path) -> str:
    return "rules" if path.suffix == ".rules" else "events"


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_shipped_files_format_safely(path):
    text = path.read_text(encoding="utf-8")
    once = format_text(text, kind(path), str(path))
    assert format_text(once, kind(path), str(path)) == once
    assert comments_of(once, kind(path)) == comments_of(text, kind(path))


def test_shipped_methodologies_and_catalogues_are_already_formatted():
    files = [str(p) for p in SHIPPED if "mistakes" not in str(p)]
    result = CliRunner().invoke(main, ["fmt", "--check", *files])
    assert result.exit_code == 0, result.output


def test_formatting_the_catalogue_changes_no_figure(tmp_path):
    scheme = load_scheme(str(RULES))
    messy = tmp_path / "messy.events"
    text = EVENTS.read_text(encoding="utf-8")
    messy.write_text(re.sub(r"^    ", "  ", text, flags=re.M).replace("\n\n", "\n\n\n"),
                     encoding="utf-8")
    before = evaluate(scheme, load_catalogue([str(messy)], scheme))
    assert CliRunner().invoke(main, ["fmt", str(messy)]).exit_code == 0
    assert messy.read_text(encoding="utf-8") == text
    after = evaluate(scheme, load_catalogue([str(messy)], scheme))
    assert before.indices == after.indices


def spaced(text: str, draw, events: bool) -> str:
    """The same file, written untidily: indentation, spacing, blank lines."""
    out = []
    for line in text.splitlines():
        s = line.strip()
        free = events and (s.startswith(("[", "note", "source")) or not s)
        if not free and '"' not in s and "“" not in s and not s.startswith("#"):
            s = re.sub(r" +", lambda _: " " * draw(st.integers(1, 3)), s)
            s = re.sub(r"([\[(,])", lambda m: m.group(1) + " " * draw(st.integers(0, 1)), s)
        out.append(" " * draw(st.integers(0, 5)) + s)
        if draw(st.integers(0, 5)) == 0:
            out.append("")
    return "\n".join(out) + "\n"


@SETTINGS
@given(rules=rules_files(), data=st.data())
def test_generated_rules_files(tmp_path_factory, rules, data):
    untidy = spaced(rules.text, data.draw, events=False)
    once = format_text(untidy, "rules", "g.rules")
    assert format_text(once, "rules", "g.rules") == once
    folder = tmp_path_factory.mktemp("f")
    a, b = folder / "a.rules", folder / "b.rules"
    a.write_text(untidy, encoding="utf-8")
    b.write_text(once, encoding="utf-8")
    before, after = load_scheme(str(a)), load_scheme(str(b))
    for part in ("rules", "bands", "indices", "categories", "tags", "range", "score", "name",
                 "version"):
        assert shape(getattr(before, part)) == shape(getattr(after, part)), part
    assert comments_of(once, "rules") == comments_of(untidy, "rules")


@SETTINGS
@given(case=event_files(), data=st.data())
def test_generated_event_files(tmp_path_factory, case, data):
    untidy = spaced(case.text, data.draw, events=True)
    once = format_text(untidy, "events", "g.events")
    assert format_text(once, "events", "g.events") == once
    assert comments_of(once, "events") == comments_of(untidy, "events")


def test_syntax_errors_leave_the_file_alone(tmp_path):
    path = tmp_path / "broken.events"
    original = 'period "P" from 2021-01-01 to 2021-02-28\n[4 January Call\n    russia  +1\n'
    path.write_text(original, encoding="utf-8")
    result = CliRunner().invoke(main, ["fmt", str(path)])
    assert result.exit_code == 2
    assert "error[B001]: expected `]`" in result.output
    assert path.read_text(encoding="utf-8") == original


def test_check_diff_and_stdin(tmp_path):
    path = tmp_path / "a.rules"
    path.write_text('scheme "A"\nrange -3 to +3\nindex   russia   "Russia"\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["fmt", "--check", str(path)])
    assert result.exit_code == 1 and f"would reformat {path}" in result.output
    result = CliRunner().invoke(main, ["fmt", "--diff", str(path)])
    assert result.exit_code == 0
    assert '-index   russia   "Russia"\n+index russia "Russia"\n' in result.output
    assert "index   russia" in path.read_text(encoding="utf-8")  # --diff changes nothing
    result = CliRunner().invoke(main, ["fmt", "-"], input=path.read_text(encoding="utf-8"))
    assert result.output == 'scheme "A"\nrange -3 to +3\nindex russia "Russia"\n'


def test_a_failed_write_leaves_the_file_whole(tmp_path, monkeypatch):
    path = tmp_path / "a.rules"
    original = 'scheme "A"\nrange -3 to +3\nindex   russia\n'
    path.write_text(original, encoding="utf-8")

    def full_disk(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    result = CliRunner().invoke(main, ["fmt", str(path)])
    assert result.exit_code != 0
    assert path.read_text(encoding="utf-8") == original
    assert [p.name for p in tmp_path.iterdir()] == ["a.rules"]


def test_format_refuses_what_it_cannot_read():
    with pytest.raises(FormatError) as caught:
        format_text('scheme "A\n', "rules", "x.rules")
    assert caught.value.diagnostics[0].code == "B001"
