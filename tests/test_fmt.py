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
from .helpers import examples

SETTINGS = settings(max_examples=examples(60), deadline=None,
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
    # `fmt - -` read the text once and the empty rest as a second file: a stray blank
    # line on standard output, and `--check - -` said a laid-out text would change
    for extra in ([], ["--check"]):
        result = CliRunner().invoke(main, ["fmt", *extra, "-", "-"],
                                    input='scheme "A"\nrange -3 to +3\n')
        assert result.exit_code == 2
        assert result.output.endswith("Error: standard input (-) can be read only once\n")


def test_a_failed_write_leaves_the_file_whole(tmp_path, monkeypatch):
    path = tmp_path / "a.rules"
    original = 'scheme "A"\nrange -3 to +3\nindex   russia\n'
    path.write_text(original, encoding="utf-8")

    def full_disk(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    result = CliRunner().invoke(main, ["fmt", str(path)])
    assert result.exit_code == 2
    assert result.output == f"Error: cannot write {path}: the disk is full ({path} is unchanged)\n"
    assert path.read_text(encoding="utf-8") == original
    assert [p.name for p in tmp_path.iterdir()] == ["a.rules"]


def test_format_refuses_what_it_cannot_read():
    with pytest.raises(FormatError) as caught:
        format_text('scheme "A\n', "rules", "x.rules")
    assert caught.value.diagnostics[0].code == "B001"


# --- line ends and the characters that only look like them ---------------------------

SEPARATORS = ["\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\x1e"]


@pytest.mark.parametrize("sep", SEPARATORS, ids=[f"U+{ord(c):04X}" for c in SEPARATORS])
def test_separators_in_comments_texts_notes_and_dates_are_kept(sep):
    """`# Source: report, see<U+2028>appendix` lost `appendix`; U+0085 added `- -`
    lines, and in a date it ended in a traceback."""
    events = ('period "P" from 2021-01-01 to 2021-02-28\n'
              f'# Source: report, see{sep}appendix\n'
              f'[4 Jan{sep}uary] Lukashenka{sep}and Medvedev\n'
              f'  russia   1   # first{sep}call\n'
              f'  note   Word{sep}pasted{sep}\n'
              f'  source  report{sep}p. 3\n')
    assert format_text(events, "events", "s.events") == (
        'period "P" from 2021-01-01 to 2021-02-28\n\n'
        f'# Source: report, see{sep}appendix\n'
        f'[4 Jan{sep}uary] Lukashenka{sep}and Medvedev\n'
        f'    russia +1  # first{sep}call\n'
        f'    note Word{sep}pasted{sep}\n'
        f'    source report{sep}p. 3\n')
    rules = f'# Source: report, see{sep}appendix\nscheme  "A{sep}B"\nrange -3 to +3  # r{sep}s\n'
    assert format_text(rules, "rules", "s.rules") == (
        f'# Source: report, see{sep}appendix\nscheme "A{sep}B"\nrange -3 to +3  # r{sep}s\n')


def test_fmt_keeps_the_words_after_a_pasted_line_separator(tmp_path):
    path = tmp_path / "a.rules"
    path.write_text('# Source: report, see\u2028appendix\nscheme "A"\nrange -3 to +3\n'
                    'index   russia "Russia"\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["fmt", str(path)])
    assert result.exit_code == 0, result.output
    assert path.read_text(encoding="utf-8") == (
        '# Source: report, see\u2028appendix\nscheme "A"\nrange -3 to +3\n'
        'index russia "Russia"\n')


@pytest.mark.parametrize("ending", ["\r\n", "\r", "\n"], ids=["CRLF", "CR", "LF"])
def test_fmt_keeps_the_files_line_ending(tmp_path, ending):
    path = tmp_path / "a.rules"
    messy = 'scheme "A"\nrange -3 to +3\n\n\nindex   russia "Russia"\n'
    path.write_bytes(messy.replace("\n", ending).encode("utf-8"))
    result = CliRunner().invoke(main, ["fmt", str(path)])
    assert result.exit_code == 0, result.output
    tidy = 'scheme "A"\nrange -3 to +3\n\nindex russia "Russia"\n'
    assert path.read_bytes() == tidy.replace("\n", ending).encode("utf-8")
    assert CliRunner().invoke(main, ["fmt", "--check", str(path)]).exit_code == 0


def test_fmt_writes_mixed_line_ends_as_most_lines_have_them(tmp_path):
    path = tmp_path / "a.rules"
    path.write_bytes(b'\xef\xbb\xbfscheme "A"\r\nrange -3 to +3\r\nindex russia "Russia"\n')
    result = CliRunner().invoke(main, ["fmt", "--check", str(path)])
    assert result.exit_code == 1  # only the line ends differ, and that is a change
    assert CliRunner().invoke(main, ["fmt", str(path)]).exit_code == 0
    assert path.read_bytes() == (
        b'\xef\xbb\xbfscheme "A"\r\nrange -3 to +3\r\nindex russia "Russia"\r\n')


def test_published_inside_an_event_and_a_sign_apart_are_scores():
    """`published -1` under an event scores an index named `published` (the parser
    reads it so): fmt ended in a traceback."""
    text = ('period "P" from 2021-01-01 to 2021-02-28\n'
            '[4 January] Call\n    published -1\n    russia + 1  eu - 2\n')
    assert format_text(text, "events", "p.events") == (
        'period "P" from 2021-01-01 to 2021-02-28\n\n'
        '[4 January] Call\n    published -1\n    russia    +1\n    eu        -2\n')


def test_a_refusal_is_located_never_a_traceback(tmp_path, monkeypatch):
    import barometer.dsl.format as fmt

    text = ('period "P" from 2021-01-01 to 2021-02-28\n\n[4 January] Call\n'
            '    russia +1\n    note two\u2028lines\n')
    honest = fmt.format_events
    monkeypatch.setattr(fmt, "format_events", lambda t: honest(t).replace("\u2028", " "))
    with pytest.raises(FormatError) as caught:
        format_text(text, "events", "r.events")
    d = caught.value.diagnostics[0]
    assert (d.code, d.span.line) == ("B006", 5)

    def broken(t):
        raise IndexError("a bug")

    monkeypatch.setattr(fmt, "format_events", broken)
    path = tmp_path / "r.events"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["fmt", str(path)])
    assert result.exit_code == 2
    assert f"{path}:1:1: error[B006]: fmt would change what this file says" in result.output
    assert path.read_text(encoding="utf-8") == text


@SETTINGS
@given(case=st.one_of(event_files(), rules_files()), data=st.data())
def test_separators_anywhere_never_break_fmt(case, data):
    """Whatever character lands wherever, fmt lays the file out or refuses it with
    a located finding: never an exception of its own."""
    text = case.text
    kind = "rules" if hasattr(case, "indices") else "events"
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(text)))
        text = text[:at] + data.draw(st.sampled_from(SEPARATORS + ["\r", "\r\n", "-1 "])) + \
            text[at:]
    try:
        once = format_text(text, kind, "g")
    except FormatError as e:
        assert all(d.span is not None for d in e.diagnostics)
        assert all(d.code != "B006" for d in e.diagnostics), e.diagnostics
        return
    assert format_text(once, kind, "g") == once


def test_a_minus_that_negates_stays_with_its_operand():
    from barometer.dsl.format import format_text

    text = ('scheme "F" version "1"\nrange -3 to 3\nindex a\n'
            "rule r when always then set - score, add -1\n"
            "rule q when always then set to - score * 2 - -(recorded - 1)\n"
            "index b = - a - 2\n")
    assert format_text(text, "rules", "f.rules").splitlines()[3:] == [
        "rule r when always then set -score, add -1",
        "rule q when always then set to -score * 2 - -(recorded - 1)",
        "index b = -a - 2"]


def test_fmt_reads_a_file_once(monkeypatch):
    # fmt parsed each file twice (and a rules file three times): 4.3 times the cost
    # of `check` on a 10 MB catalogue. A file already laid out is read once; one
    # fmt changes is read again, to check that it says what it said.
    from barometer.dsl import format as fmt_module

    calls = []
    real = fmt_module.parse
    monkeypatch.setattr(fmt_module, "parse", lambda *a, **k: calls.append(a[0]) or real(*a, **k))
    for path, kind in ((EVENTS, "events"), (RULES, "rules")):
        text = path.read_text(encoding="utf-8")
        calls.clear()
        assert format_text(text, kind, str(path)) == text
        assert calls == [kind]


def test_fmt_lays_out_a_percentile_with_decimals(tmp_path):
    # `p80.5` was split into `p80 . 5`, and fmt refused the file as its own bug (B006)
    from barometer.dsl.format import format_text

    text = ('scheme "F" version "1"\nrange -3 to +3\nindex a "A"\n'
            "bands a relative to history over 8 issues {low<p20 usual p20 to p80.5 high>p80.5}\n")
    assert format_text(text, "rules", "f.rules").splitlines()[-1] == (
        "bands a relative to history over 8 issues { low < p20 usual p20 to p80.5 high > p80.5 }")


def test_a_changed_meaning_in_one_event_among_unchanged_ones_is_refused(monkeypatch):
    # fmt reads again only the events whose lines it changed: a score changed in
    # the second event of three, its spacing changed too, is still caught there
    import barometer.dsl.format as fmt

    text = ('period "P" from 2021-01-01 to 2021-02-28\n\n[4 January] A\n    russia +1\n\n'
            '[5 January] B\n    russia  +1\n\n[6 January] C\n    russia +1\n')
    honest = fmt.format_events
    monkeypatch.setattr(fmt, "format_events",
                        lambda t: honest(t).replace("B\n    russia +1", "B\n    russia +2"))
    with pytest.raises(FormatError) as caught:
        format_text(text, "events", "c.events")
    d = caught.value.diagnostics[0]
    assert (d.code, d.span.line) == ("B006", 6)
    monkeypatch.setattr(fmt, "format_events", honest)
    assert format_text(text, "events", "c.events") == text.replace("russia  +1", "russia +1")
