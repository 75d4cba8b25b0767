"""The README is true to what it shows: every `barometer` command in its code
blocks is run from the repository's layout, and where the README shows the output
(a block that starts `$ barometer`, or the table right after it), the output is
compared with it line by line. A line `...` stands for any lines; a line ending in
` ...` for any text after what it shows. The files a command reads that the
README has the reader make (a workbook saved from the CSV, generated GDELT-style
Parquet) are made first."""

import glob
import importlib.util
import re
import shlex
import sys

import pytest

from .conftest import CSV, ROOT
from .helpers import run

README = ROOT / "README.md"


def commands():
    """(line, command words, expected output lines or None, whole) for every
    `barometer` command in a code block of the README."""
    text = README.read_text(encoding="utf-8")
    found = []
    for block in re.finditer(r"^```[^\n]*\n(.*?)^```\n", text, re.S | re.M):
        lines = block.group(1).splitlines()
        start = text[:block.start()].count("\n") + 2
        k = 0
        while k < len(lines):
            line = lines[k]
            shown = line.startswith("$ barometer ")
            if not (shown or line.startswith("barometer ")):
                k += 1
                continue
            at = start + k
            command = line.removeprefix("$ ")
            while command.endswith("\\"):
                k += 1
                command = command[:-1] + " " + lines[k].strip()
            k += 1
            expected, whole = None, True
            if shown:
                expected = []
                while k < len(lines) and not lines[k].startswith(("$ ", "barometer ")):
                    expected.append(lines[k])
                    k += 1
                if not expected:  # the output shown right after the block: a table
                    after = text[block.end():].lstrip("\n").splitlines()
                    expected = [t for t in after[:next((n for n, t in enumerate(after)
                                                        if not t.startswith("|")), 0)]]
                    whole = False
            found.append((at, shlex.split(command, comments=True)[1:], expected or None, whole))
    return found


def matches(expected: list[str], got: list[str], whole: bool) -> bool:
    pattern = ""
    for line in expected:
        if line.strip() == "...":
            pattern += r"(?:[^\n]*\n)*?"
        elif line.endswith(" ..."):
            pattern += re.escape(line[:-4]) + r"[^\n]*\n"
        else:
            pattern += re.escape(line) + r"\n"
    if not whole:
        pattern += r"(?:[^\n]*\n)*"
    return re.fullmatch(pattern, "".join(t + "\n" for t in got)) is not None


COMMANDS = commands()


@pytest.fixture(scope="module")
def layout(tmp_path_factory):
    """A folder laid out as the repository (rules/, examples/ and benchmarks/ as
    links), holding the files the README has its reader make."""
    folder = tmp_path_factory.mktemp("readme")
    for name in ("rules", "examples", "benchmarks", "docs"):
        (folder / name).symlink_to(ROOT / name, target_is_directory=True)
    if importlib.util.find_spec("openpyxl"):
        import csv

        import openpyxl

        book = openpyxl.Workbook()
        for row in csv.reader(CSV.read_text(encoding="utf-8-sig").splitlines()):
            book.active.append(row)
        book.save(folder / "no19.xlsx")
    if importlib.util.find_spec("pyarrow") and importlib.util.find_spec("duckdb"):
        # `python benchmarks/gdelt.py ...` as the README has it, run in this process
        # (the same bytes; two interpreters started cost 0.5 s of CPU)
        for argv in (["--events", "3000", "gdelt.parquet"],
                     ["--sample", "300", "--of", "gdelt.parquet", "sample.parquet"]):
            script_in(folder, ROOT / "benchmarks" / "gdelt.py", argv)
    return folder


def script_in(folder, script, argv):
    """`python SCRIPT ARGV...` run from `folder`, in-process; it must succeed."""
    import contextlib
    import io
    import os
    import runpy

    saved = os.getcwd(), sys.argv
    os.chdir(folder)
    sys.argv = [str(script), *argv]
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            runpy.run_path(str(script), run_name="__main__")
    except SystemExit as e:
        assert e.code in (0, None), (argv, e.code)
    finally:
        os.chdir(saved[0])
        sys.argv = saved[1]


def test_the_readme_shows_commands():
    shown = [c for c in COMMANDS if c[2] is not None]
    assert len(COMMANDS) >= 12 and len(shown) >= 7, COMMANDS


@pytest.mark.parametrize("line, words, expected, whole", COMMANDS,
                         ids=[f"README.md:{c[0]}" for c in COMMANDS])
def test_a_readme_command(layout, monkeypatch, line, words, expected, whole):
    monkeypatch.chdir(layout)
    monkeypatch.delenv("COLUMNS", raising=False)
    args = []
    for word in words:
        expanded = sorted(glob.glob(word)) if any(c in word for c in "*?[") else []
        args += expanded or [word]
    missing = [a for a in args if re.fullmatch(r"[\w./-]+\.(parquet|xlsx)", a)
               and not (layout / a).exists() and "-o" not in args[args.index(a) - 1:args.index(a)]]
    if missing:
        pytest.skip(f"README.md:{line} reads {missing[0]}, which needs "
                    f"{'openpyxl' if missing[0].endswith('xlsx') else 'the columnar extra'}")
    result = run(*args)
    if expected is None:
        assert result.exit_code == 0, f"README.md:{line}: {result.output}"
        return
    got = result.output.splitlines()
    assert matches(expected, got, whole), (
        f"README.md:{line}: `barometer {' '.join(words)}` prints\n{result.output}")
