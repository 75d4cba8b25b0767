"""Reading and writing files: line ends, what counts as a file, and writes that
are safe, keep what the user set, and fail with one located line."""

import os
import stat
import sys

import pytest
from click.testing import CliRunner

from barometer import load_scheme
from barometer.dsl.diagnostics import SOURCES, InputError, Sources, render
from barometer.dsl.files import dominant_ending, normalise, read_source
from barometer.dsl.format import shape
from barometer.main import main

from .conftest import EVENTS, RULES

RULES_TEXT = RULES.read_text(encoding="utf-8")

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX files and signals")


def run(*args, input=None):
    result = CliRunner().invoke(main, [str(a) for a in args], input=input)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    return result


# --- line ends ---------------------------------------------------------------------


@pytest.mark.parametrize("ending", ["\r\n", "\r"])
def test_every_line_end_reads_the_same_scheme(tmp_path, ending):
    """A rules file saved with CR-only line ends (old Mac editors) used to be one
    long comment: its first line swallowed the rest, silently."""
    path = tmp_path / "m.rules"
    path.write_bytes(RULES_TEXT.replace("\n", ending).encode("utf-8"))
    scheme = load_scheme(str(path))
    expected = load_scheme(str(RULES))
    assert [i for i in scheme.indices] == [i for i in expected.indices]
    assert shape(scheme.rules) == shape(expected.rules)
    assert shape(scheme.bands) == shape(expected.bands)
    assert read_source(str(path)) == RULES_TEXT


def test_unicode_separators_are_ordinary_characters():
    text = "a\u2028b\u2029c\x85d\x0be\x0cf\x1cg\x1dh\x1ei\rj\r\nk\nl"
    assert normalise(text) == "a\u2028b\u2029c\x85d\x0be\x0cf\x1cg\x1dh\x1ei\nj\nk\nl"
    sources = Sources()
    sources.add("f", text)
    assert [sources.line("f", n) for n in (1, 2, 3, 4, 5)] == [
        "a\u2028b\u2029c\x85d\x0be\x0cf\x1cg\x1dh\x1ei", "j", "k", "l", None]


def test_a_message_after_a_pasted_line_separator_quotes_its_own_line(tmp_path):
    path = tmp_path / "s.rules"
    path.write_text('# Source: report, see\u2028appendix\x85B\nscheme "A"\nrange -3 to +3\n'
                    'index russia "Russia"\nindex eu foo\n', encoding="utf-8")
    result = run("check", path)
    assert f"{path}:5:10: error[B001]" in result.output
    assert " 5 | index eu foo\n" in result.output


def test_a_quoted_line_shows_separators_without_breaking_it(tmp_path):
    SOURCES.add("v.rules", 'index eu "E\u2028U" foo\n')
    from barometer.dsl.diagnostics import Span, error

    text = render(error("B001", "found `foo`", Span("v.rules", 1, 16, 1, 19)))
    assert text.splitlines() == ["v.rules:1:16: error[B001]: found `foo`",
                                 ' 1 | index eu "E\u2424U" foo', "   |                ^^^"]


def test_dominant_ending():
    assert dominant_ending("a\r\nb\r\nc\n") == "\r\n"
    assert dominant_ending("a\rb\rc\n") == "\r"
    assert dominant_ending("a\nb\r\n") == "\n"
    assert dominant_ending("no line end") == "\n"


def test_not_utf8_is_located_by_real_lines(tmp_path):
    path = tmp_path / "l.events"
    path.write_bytes(b'period "P" from 2021-01-01 to 2021-01-31\r[1 January] caf\xe9\r')
    with pytest.raises(InputError) as caught:
        read_source(str(path))
    d = caught.value.diagnostics[0]
    assert (d.code, d.span.line, d.span.column) == ("B003", 2, 16)


# --- only ordinary files are read --------------------------------------------------


@posix_only
def test_extends_of_a_named_pipe_is_refused_not_waited_for(tmp_path):
    pipe = tmp_path / "parent.rules"
    os.mkfifo(pipe)
    child = tmp_path / "child.rules"
    child.write_text('scheme "c"\nextends "parent.rules"\nrange -3 to +3\n', encoding="utf-8")
    result = run("check", child)  # used to block for ever
    assert result.exit_code in (1, 2)
    assert f"error[B004]: {pipe} is a named pipe, not a file" in result.output


@posix_only
@pytest.mark.parametrize("path", ["/dev/null", "/dev/zero"])
def test_devices_are_refused(path):
    if not os.path.exists(path):
        pytest.skip(f"no {path}")
    with pytest.raises(InputError) as caught:
        read_source(path)
    assert caught.value.diagnostics[0].code == "B004"
    assert caught.value.diagnostics[0].message.startswith(f"{path} is a device, not a file")


def test_a_folder_is_refused(tmp_path):
    result = run("eval", tmp_path, EVENTS)
    assert result.exit_code == 2
    assert result.output == f"error[B002]: {tmp_path} is a folder, not a file\n"


@pytest.mark.parametrize("name, reason", [
    ("a\x00b.rules", "cannot read a\\x00b.rules: a file name cannot hold a NUL character"),
    ("x" * 5000 + ".rules", "the name is too long"),
])
def test_impossible_names_are_one_line(name, reason):
    result = run("eval", RULES, name)
    assert result.exit_code == 2
    assert result.output.startswith("error[B002]: cannot read ")
    assert reason in result.output and result.output.count("\n") == 1
    assert len(result.output) < 300


def test_standard_input_is_still_read():
    result = run("eval", "-", EVENTS, input=RULES_TEXT.replace("\n", "\r\n"))
    assert result.exit_code == 0, result.output
    assert "Relationship with Russia" in result.output
