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


def test_not_utf8_after_a_byte_order_mark_quotes_the_line_without_it(tmp_path):
    path = tmp_path / "b.events"
    path.write_bytes(b"\xef\xbb\xbfcaf\xe9\n")
    result = run("eval", RULES, path)
    assert f"{path}:1:4: error[B003]" in result.output
    assert " 1 | caf\ufffd\n   |    ^\n" in result.output


@pytest.mark.parametrize("encoding,name", [
    ("utf-16", "UTF-16"), ("utf-16-le", "UTF-16"), ("utf-16-be", "UTF-16"),
    ("utf-32", "UTF-32"), ("utf-32-le", "UTF-32"), ("utf-32-be", "UTF-32")])
def test_a_utf16_or_utf32_file_is_said_to_look_like_it(tmp_path, encoding, name):
    # was "not UTF-8 text" (with a byte-order mark) or "a NUL byte: is it a binary
    # file?" (without), not saying what the file is: Excel's "Unicode text" is UTF-16
    path = tmp_path / "u.csv"
    path.write_bytes('# period "P" from 2021-01-01 to 2021-01-31\ndate,event,russia\n'
                     "1 January,Caf\u00e9 talks,+1\n".encode(encoding))
    result = run("eval", RULES, path)
    assert result.exit_code == 2 and result.output == (
        f"{path}:1:1: error[B003]: the file is not UTF-8 text: it looks like {name}\n"
        ' 1 | # period "P" from 2021-01-01 to 2021-01-31\n'
        "   | ^\n"
        f"   = hint: save it as UTF-8 (Excel: 'CSV UTF-8'; most editors offer it under "
        "'Save as')\n"), result.output
    if encoding == "utf-16-le":  # the columnar engines read it first as python does
        assert run("eval", RULES, path, "--engine", "duckdb").output == result.output


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


# --- writing -----------------------------------------------------------------------

MESSY = 'scheme "A"\nrange -3 to +3\nindex   russia "Russia"\n'
TIDY = 'scheme "A"\nrange -3 to +3\nindex russia "Russia"\n'


def leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".barometer-"))


def eval_to(target):
    return run("eval", RULES, EVENTS, "--format", "csv", "-o", target)


@posix_only
@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o027, 0o640)])
def test_a_new_output_file_has_the_mode_the_umask_gives(tmp_path, umask, mode):
    """mkstemp made every -o file 0600: unreadable to the group the user shares with."""
    old = os.umask(umask)
    try:
        assert eval_to(tmp_path / "out.csv").exit_code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "out.csv").stat().st_mode) == mode
    assert leftovers(tmp_path) == []


@posix_only
def test_an_existing_file_keeps_its_mode_owner_and_group(tmp_path):
    path = tmp_path / "a.rules"
    path.write_text(MESSY, encoding="utf-8")
    os.chmod(path, 0o664)
    if os.geteuid() == 0:
        os.chown(path, 65534, 65534)  # as another user's file, which root may rewrite
    before = path.stat()
    assert run("fmt", path).exit_code == 0
    after = path.stat()
    assert path.read_text(encoding="utf-8") == TIDY
    assert (stat.S_IMODE(after.st_mode), after.st_uid, after.st_gid) == (
        0o664, before.st_uid, before.st_gid)


@posix_only
def test_fmt_follows_a_symbolic_link(tmp_path):
    """fmt replaced the link by a plain file and left the real file unformatted."""
    real = tmp_path / "real.rules"
    real.write_text(MESSY, encoding="utf-8")
    link = tmp_path / "link.rules"
    link.symlink_to(real.name)
    assert run("fmt", link).exit_code == 0
    assert link.is_symlink() and os.readlink(link) == real.name
    assert real.read_text(encoding="utf-8") == TIDY


@posix_only
def test_fmt_keeps_hard_links_one_file(tmp_path):
    one = tmp_path / "one.rules"
    one.write_text(MESSY, encoding="utf-8")
    two = tmp_path / "two.rules"
    os.link(one, two)
    assert run("fmt", one).exit_code == 0
    assert os.path.samefile(one, two)
    assert two.read_text(encoding="utf-8") == TIDY
    assert leftovers(tmp_path) == []


@posix_only
def test_fmt_leaves_a_read_only_file_alone(tmp_path):
    path = tmp_path / "a.rules"
    path.write_text(MESSY, encoding="utf-8")
    os.chmod(path, 0o444)
    result = run("fmt", path)
    assert result.exit_code == 2
    assert result.output == f"Error: cannot write {path}: the file is read-only " \
                            f"({path} is unchanged)\n"
    assert path.read_text(encoding="utf-8") == MESSY
    assert stat.S_IMODE(path.stat().st_mode) == 0o444
    assert run("fmt", "--check", path).exit_code == 1  # looking is still allowed


@posix_only
def test_special_files_are_written_to_not_replaced(tmp_path):
    assert eval_to("/dev/null").exit_code == 0
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    import threading

    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    got = []
    reader = threading.Thread(target=lambda: got.append(pipe.read_bytes()))
    reader.start()
    assert eval_to(pipe).exit_code == 0
    reader.join(10)
    assert got and got[0].startswith(b"index,name,aggregate")
    assert stat.S_ISFIFO(pipe.stat().st_mode)


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="no /proc")
def test_output_to_a_proc_fd_link_writes_the_file_behind_it(tmp_path):
    target = tmp_path / "behind.csv"
    fd = os.open(target, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        assert eval_to(f"/proc/self/fd/{fd}").exit_code == 0
    finally:
        os.close(fd)
    assert target.read_bytes().startswith(b"index,name,aggregate")
    assert leftovers(tmp_path) == []


def one_line_error(result, path, reason):
    assert result.exit_code == 2, result.output
    assert result.output == f"Error: cannot write {path}: {reason}\n"


def test_output_errors_are_one_line(tmp_path):
    one_line_error(eval_to(tmp_path / "no" / "out.csv"), tmp_path / "no" / "out.csv",
                   f"there is no folder {tmp_path / 'no'}")
    one_line_error(eval_to(tmp_path), tmp_path, "it is a folder")
    (tmp_path / "f").write_text("x")
    one_line_error(eval_to(tmp_path / "f" / "out.csv"), tmp_path / "f" / "out.csv",
                   "a part of the path is a file, not a folder")
    ro = tmp_path / "ro.csv"
    ro.write_text("old")
    os.chmod(ro, 0o444)
    one_line_error(eval_to(ro), ro, f"the file is read-only ({ro} is unchanged)")
    assert ro.read_text() == "old"


def test_a_read_only_folder_is_one_line(tmp_path, monkeypatch):
    real_open = os.open

    def refused(path, flags, *args):
        if os.path.basename(path).startswith(".barometer-"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", refused)
    one_line_error(eval_to(tmp_path / "out.csv"), tmp_path / "out.csv",
                   f"no permission to write in the folder {tmp_path}")


@pytest.mark.parametrize("where", ["write", "fsync"])
def test_a_full_disk_is_one_line_and_changes_nothing(tmp_path, monkeypatch, where):
    path = tmp_path / "a.rules"
    path.write_text(MESSY, encoding="utf-8")

    def full(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, where, full)
    result = run("fmt", path)
    one_line_error(result, path, f"the disk is full ({path} is unchanged)")
    assert path.read_text(encoding="utf-8") == MESSY
    assert leftovers(tmp_path) == []


def test_ctrl_c_while_writing_leaves_no_temporary_file(tmp_path, monkeypatch):
    path = tmp_path / "a.rules"
    path.write_text(MESSY, encoding="utf-8")

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    result = CliRunner().invoke(main, ["fmt", str(path)])
    assert result.exit_code != 0
    assert path.read_text(encoding="utf-8") == MESSY
    assert leftovers(tmp_path) == []


KILLED_WHILE_WRITING = """
import os, signal, sys
from barometer.writing import write_file
real_write = os.write
def write(fd, data):
    os.kill(os.getpid(), signal.SIGTERM)  # as `kill` would, in the middle of it
    return real_write(fd, data)
os.write = write
write_file(sys.argv[1], "new text\\n" * 1000)
print("not reached")
"""


@pytest.mark.skipif(not hasattr(__import__("signal"), "pthread_sigmask"), reason="POSIX")
def test_a_kill_while_writing_waits_until_the_file_is_whole(tmp_path):
    """46 of 260 interrupted runs left a temporary file."""
    import signal
    import subprocess

    path = tmp_path / "out.txt"
    path.write_text("old\n")
    done = subprocess.run([sys.executable, "-c", KILLED_WHILE_WRITING, str(path)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == -signal.SIGTERM, done.stderr
    assert "not reached" not in done.stdout
    assert path.read_text() == "new text\n" * 1000
    assert leftovers(tmp_path) == []


def test_a_narrow_console_gets_plain_characters():
    """A cp1252 console (Windows) ended in UnicodeEncodeError on the table's lines."""
    result = CliRunner(charset="cp1252").invoke(main, ["eval", str(RULES), str(EVENTS)])
    assert result.exception is None, repr(result.exception)
    assert "+----------------------------+-----------+" in result.output
    assert "| Relationship with Russia   |       +20 |" in result.output
    from barometer.writing import plain

    assert plain("−3 “x” ┌─┬┐│ é ✓ 中", "cp1252") == '-3 “x” +-++| é v ?'
    assert plain("−3 “x” ┌─┐│ é", "ascii") == '-3 "x" +-+| e'


def test_output_names_that_are_no_file_are_one_line(tmp_path):
    one_line_error(eval_to(""), "", "no file is named")
    one_line_error(eval_to(f"{tmp_path}/new/"), f"{tmp_path}/new/", "there is no such folder")
    one_line_error(eval_to("a\x00b"), "a\\x00b", "a file name cannot hold a NUL character")
    assert sorted(os.listdir(tmp_path)) == []


@posix_only
def test_a_pipe_the_shell_passes_is_read(tmp_path):
    """`barometer eval <(convert rules) events` passes /dev/fd/63, a pipe with its writer."""
    if not os.path.isdir("/dev/fd"):
        pytest.skip("no /dev/fd")
    r, w = os.pipe()
    os.write(w, RULES_TEXT.encode("utf-8"))
    os.close(w)
    try:
        assert read_source(f"/dev/fd/{r}") == RULES_TEXT
    finally:
        os.close(r)
