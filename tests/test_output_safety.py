"""Every output of every verb goes through the one safe writer (cli/writing.py):
a device, a named pipe or a symbolic link is never replaced, a read-only file is
left alone, hard links stay one file, a new file has the mode the umask gives;
and an output never names one of the command's own inputs."""

import os
import stat
import threading

import pytest
from click.testing import CliRunner

from barometer.main import main

from .conftest import EVENTS, RULES

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX files")

HISTORY = RULES.parent.parent / "examples" / "history" / "minsk-barometer-18.events"
OTHER = RULES.parent / "minsk-direction-only.rules"


def run(*args, input=None):
    result = CliRunner().invoke(main, [str(a) for a in args], input=input)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    return result


def _needs(fmt: str):
    if fmt in ("svg", "png", "html"):
        pytest.importorskip("matplotlib")
    if fmt == "xlsx":
        pytest.importorskip("openpyxl")


# Every verb that writes a result, in every format it writes: the command line
# before `-o FILE`.
OUTPUTS = (
    [("eval", f, ["eval", RULES, EVENTS, "--format", f])
     for f in ("table", "markdown", "csv", "json", "svg", "png", "xlsx")]
    + [("compare", f, ["compare", RULES, OTHER, EVENTS, "--format", f])
       for f in ("table", "markdown", "csv", "json", "xlsx")]
    + [("series", f, ["series", RULES, HISTORY, EVENTS, "--format", f])
       for f in ("table", "markdown", "csv", "json", "svg", "png")]
    + [("report", "html", ["report", RULES, EVENTS])]
    + [("sensitivity", f, ["sensitivity", RULES, EVENTS, "--samples", "20", "--format", f])
       for f in ("text", "json", "svg", "png")]
    + [("explain", f, ["explain", RULES, EVENTS, "--index", "russia", "--format", f])
       for f in ("text", "json")]
)


def a_device(folder):
    """A character device to write to: a copy of /dev/null where we may make one
    (as root), else a symbolic link to /dev/null (which no one else can replace)."""
    path = folder / "null"
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    else:
        path.symlink_to("/dev/null")
    return path


def leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".barometer-"))


@posix_only
@pytest.mark.parametrize("verb, fmt, argv", OUTPUTS, ids=[f"{v}-{f}" for v, f, _ in OUTPUTS])
def test_every_output_writes_to_a_device_through_a_link_without_replacing_either(
        tmp_path, verb, fmt, argv):
    """`--format xlsx -o` had a writer of its own: it replaced a device node
    (a copy of /dev/null became a 6 KB file) and a symbolic link."""
    _needs(fmt)
    device = a_device(tmp_path)
    link = tmp_path / "link"
    link.symlink_to(device.name)
    result = run(*argv, "-o", link)
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and os.readlink(link) == device.name
    assert stat.S_ISCHR(os.stat(device).st_mode)
    assert leftovers(tmp_path) == []


# The kinds of file an output may name, with what must hold after writing there.


def _fifo(tmp_path, argv):
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    fifo_kept = tmp_path / "pipe-kept"
    os.link(pipe, fifo_kept)  # the pipe itself, should the output replace its name
    got = []
    reader = threading.Thread(target=lambda: got.append(pipe.read_bytes()), daemon=True)
    reader.start()
    try:
        result = run(*argv, "-o", pipe)
    finally:
        if not stat.S_ISFIFO(os.lstat(pipe).st_mode):  # replaced: the reader waits for a
            os.close(os.open(fifo_kept, os.O_WRONLY))  # writer of the pipe it opened
        reader.join(20)
    assert result.exit_code == 0, result.output
    assert stat.S_ISFIFO(pipe.stat().st_mode)
    return got[0]


def _symlink(tmp_path, argv):
    real = tmp_path / "real"
    real.write_bytes(b"old")
    link = tmp_path / "link"
    link.symlink_to(real.name)
    result = run(*argv, "-o", link)
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and os.readlink(link) == real.name
    return real.read_bytes()


def _read_only(tmp_path, argv):
    path = tmp_path / "ro"
    path.write_bytes(b"old")
    os.chmod(path, 0o444)
    result = run(*argv, "-o", path)
    assert result.exit_code == 2
    assert result.output == f"Error: cannot write {path}: the file is read-only " \
                            f"({path} is unchanged)\n"
    assert path.read_bytes() == b"old" and stat.S_IMODE(path.stat().st_mode) == 0o444
    return None


def _hard_link(tmp_path, argv):
    one, two = tmp_path / "one", tmp_path / "two"
    one.write_bytes(b"old")
    os.link(one, two)
    result = run(*argv, "-o", one)
    assert result.exit_code == 0, result.output
    assert os.path.samefile(one, two)
    return two.read_bytes()


def _umask(tmp_path, argv):
    old = os.umask(0o022)
    try:
        result = run(*argv, "-o", tmp_path / "new")
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE((tmp_path / "new").stat().st_mode) == 0o644
    return (tmp_path / "new").read_bytes()


def _existing_mode(tmp_path, argv):
    path = tmp_path / "shared"
    path.write_bytes(b"old")
    os.chmod(path, 0o664)
    result = run(*argv, "-o", path)
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(path.stat().st_mode) == 0o664
    return path.read_bytes()


KINDS = {"fifo": _fifo, "symlink": _symlink, "read-only": _read_only,
         "hard-link": _hard_link, "umask": _umask, "existing-mode": _existing_mode}
# A binary format and a text one, each with the start of its file (every other
# format is written by the same code: the test above holds them to it).
WRITTEN = {"xlsx": b"PK\x03\x04", "csv": b"index,name,aggregate"}


@posix_only
@pytest.mark.parametrize("fmt", list(WRITTEN))
@pytest.mark.parametrize("kind", list(KINDS))
def test_an_output_keeps_what_the_user_set(tmp_path, kind, fmt):
    """The workbook's own writer replaced a FIFO and a symbolic link, wrote over a
    read-only file, cut hard links and made new files 0600 under umask 022."""
    _needs(fmt)
    argv = ["eval", RULES, EVENTS, "--format", fmt]
    written = KINDS[kind](tmp_path, argv)
    if written is not None:
        assert written.startswith(WRITTEN[fmt]), written[:40]
    assert leftovers(tmp_path) == []


def test_a_workbook_still_needs_a_file(tmp_path):
    pytest.importorskip("openpyxl")
    result = run("eval", RULES, EVENTS, "--format", "xlsx")
    assert result.exit_code == 2
    assert "name the file with -o FILE.xlsx" in result.output


# --- an output is never one of the command's inputs ------------------------------------


@pytest.fixture
def inputs(tmp_path):
    """A scheme that extends another, a catalogue, and an earlier issue, as copies."""
    (tmp_path / "base.rules").write_bytes(RULES.read_bytes())
    (tmp_path / "child.rules").write_text('extends "base.rules"\nscheme "Child"\n',
                                          encoding="utf-8")
    (tmp_path / "in.events").write_bytes(EVENTS.read_bytes())
    (tmp_path / "h.events").write_bytes(HISTORY.read_bytes())
    return tmp_path


def refused(result, output, same=None):
    assert result.exit_code == 2, result.output
    also = f"the same file as {same}, " if same else ""
    assert result.output == (f"Error: cannot write {output}: it is {also}one of this "
                             f"command's inputs; name another file ({output} is unchanged)\n")


@pytest.mark.parametrize("named", ["child.rules", "base.rules", "in.events", "h.events"])
@pytest.mark.parametrize("verb", ["eval", "report", "explain"])
def test_an_output_that_is_an_input_is_refused(inputs, monkeypatch, verb, named):
    """`eval in.rules in.events -o in.events` replaced the catalogue with the
    results (exit 0); `report ... -o in.rules` replaced the rules file with HTML."""
    if verb == "report":
        pytest.importorskip("matplotlib")
    monkeypatch.chdir(inputs)
    before = {p.name: p.read_bytes() for p in inputs.iterdir()}
    extra = ["--index", "russia"] if verb == "explain" else []
    result = run(verb, "child.rules", "in.events", "--history", "h.events", *extra,
                 "-o", named)
    refused(result, named)
    assert {p.name: p.read_bytes() for p in inputs.iterdir()} == before


@pytest.mark.parametrize("verb", ["eval", "report", "explain", "series"])
def test_an_output_that_is_an_input_is_refused_before_the_work(inputs, monkeypatch, verb):
    # `report ... -o in.rules` read the catalogues and drew every chart before refusing
    from barometer.dsl.files import READING

    monkeypatch.chdir(inputs)
    read: list = []
    READING.append(read.append)
    try:
        files = (["h.events", "in.events"] if verb == "series" else
                 ["in.events", "--history", "h.events"])
        extra = ["--index", "russia"] if verb == "explain" else []
        result = run(verb, "child.rules", *files, *extra, "-o", "in.events")
    finally:
        READING.remove(read.append)
    refused(result, "in.events")
    assert not [path for path in read if path.endswith(".events")]


def test_an_output_named_for_another_format_is_refused_before_the_work(inputs, monkeypatch):
    from barometer.dsl.files import READING

    monkeypatch.chdir(inputs)
    read: list = []
    READING.append(read.append)
    try:
        result = run("eval", "child.rules", "in.events", "-o", "no19.xlsx")
    finally:
        READING.remove(read.append)
    assert result.exit_code == 2 and "add --format xlsx" in result.output
    assert read == [] and not (inputs / "no19.xlsx").exists()


@posix_only
def test_an_input_reached_through_a_link_is_refused(inputs, monkeypatch):
    monkeypatch.chdir(inputs)
    os.link("base.rules", "hard.rules")
    os.symlink("in.events", "link.csv")
    before = {p.name: p.read_bytes() for p in inputs.iterdir()}
    refused(run("eval", "child.rules", "in.events", "-o", "hard.rules"), "hard.rules",
            "base.rules")
    refused(run("compare", "child.rules", OTHER, "in.events", "--format", "csv",
                "-o", "link.csv"), "link.csv", "in.events")
    refused(run("series", "child.rules", "h.events", "in.events", "-o", "link.csv"),
            "link.csv", "in.events")
    with open("in.events", "rb") as stdin:  # `< in.events`
        refused(run("eval", "child.rules", "-", "-o", "link.csv", input=stdin), "link.csv",
                "standard input")
    assert {p.name: p.read_bytes() for p in inputs.iterdir()} == before
    assert run("eval", "child.rules", "in.events", "-o", "out.csv", "--format", "csv"
               ).exit_code == 0


def test_a_control_character_in_a_title_or_text_never_reaches_the_terminal(tmp_path):
    """An index title holding ESC [2J cleared the reader's screen when `eval` printed it,
    and an event text could set the terminal's title: they are shown as signs."""
    rules = tmp_path / "s.rules"
    rules.write_text('scheme "S" version "1"\nrange -3 to +3\nscore recorded\n'
                     'index a "A \x1b[2J x"\n', encoding="utf-8")
    events = tmp_path / "e.events"
    events.write_text('period "P \x1b[1m" from 2021-01-01 to 2021-01-31\n\n'
                      '[2 January] E \x1b]0;title\x07 x\n    a +1\n', encoding="utf-8")
    shown = run("eval", rules, events).output
    assert "\x1b" not in shown and "P ␛[1m, 2021-01-01 to 2021-01-31\n" in shown
    assert "│ A ␛[2J x │" in shown
    shown = run("explain", rules, events).output
    assert "\x1b" not in shown and "  2 January     +1     +1  E ␛]0;title␇ x\n" in shown


def test_an_output_named_for_another_format_than_the_default_is_refused(tmp_path):
    """`-o no19.xlsx` without --format wrote a box-drawn text table under the workbook's
    name, which Excel refuses; `-o no19.csv` one no CSV reader reads."""
    for verb, name, said in [("eval", "no19.xlsx", "add --format xlsx"),
                             ("eval", "no19.csv", "add --format csv"),
                             ("explain", "no19.png", "this command writes no png; name the "
                              "file for what it writes (table)")]:
        out = tmp_path / name
        result = run(verb, RULES, EVENTS, "-o", out)
        assert result.exit_code == 2 and not out.exists()
        assert result.output == (f"Error: cannot write {out}: its name says "
                                 f"{name.split('.')[1]}, but the results would be written as "
                                 f"table, the default format: {said}\n")
    assert run("eval", RULES, EVENTS, "-o", tmp_path / "no19.txt").exit_code == 0
    assert run("eval", RULES, EVENTS, "-o", tmp_path / "no19.csv", "--format", "csv"
               ).exit_code == 0


@posix_only
def test_two_outputs_named_as_one_file_are_refused(tmp_path):
    """`agree ... --adjudication out.events -o out.events` wrote the adjudication
    catalogue, then the report over it (exit 0): the catalogue was lost unsaid."""
    coders = RULES.parent.parent / "examples" / "coders"
    out = tmp_path / "out.events"
    os.symlink(out, tmp_path / "link.events")
    for named in (out, tmp_path / "link.events"):
        result = run("agree", RULES, coders / "coder-a.events", coders / "coder-b.events",
                     "--adjudication", out, "-o", named)
        assert result.exit_code == 2 and not out.exists()
        assert result.output == (f"Error: cannot write {named}: --adjudication writes "
                                 f"{out} there; name another file for one of them\n")


def test_the_period_beside_a_json_lines_catalogue_is_an_input(tmp_path, monkeypatch):
    """`eval r.rules c.jsonl -o c.jsonl.period` wrote the results over the period
    the catalogue is read with (exit 0): the next run read no period."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "c.jsonl").write_text('{"date": "2 January", "event": "e", "russia": 1}\n',
                                      encoding="utf-8")
    period = 'period "P" from 2021-01-01 to 2021-01-31\n'
    (tmp_path / "c.jsonl.period").write_text(period, encoding="utf-8")
    for verb in ("eval", "series"):
        refused(run(verb, RULES, "c.jsonl", "-o", "c.jsonl.period"), "c.jsonl.period")
    assert (tmp_path / "c.jsonl.period").read_text(encoding="utf-8") == period


def test_a_report_named_for_another_format_is_refused(tmp_path):
    # `report ... -o r.csv` wrote an HTML page under a CSV's name (exit 0)
    out = tmp_path / "r.csv"
    result = run("report", RULES, EVENTS, "-o", out)
    assert result.exit_code == 2 and not out.exists()
    assert result.output == (f"Error: cannot write {out}: its name says csv, but report writes "
                             "html: name the file for what it writes (.html)\n")
