"""barometer fmt: one canonical layout for rules and event files."""

from __future__ import annotations

import os
import re

import click

from ..common import FILE, complete_files, report
from ..writing import WriteFailure, echo, write_file

def _lines(text: str) -> list[str]:
    """The lines of a text with `\\n` line ends, each with its end (only `\\n` ends
    a line: a U+2028 in a comment does not)."""
    return re.findall(r"[^\n]*\n|[^\n]+\Z", text)


_ENDINGS = {"\n": "LF (\\n)", "\r\n": "CRLF (\\r\\n)", "\r": "CR (\\r)"}


@click.command("fmt")
@click.argument("files", nargs=-1, required=True, type=FILE,
                shell_complete=complete_files(".rules", ".events"))
@click.option("--check", is_flag=True, help="Change nothing; list the files that would change "
              "and exit 1 if there are any.")
@click.option("--diff", is_flag=True, help="Change nothing; show the changes as a diff.")
@click.option("--kind", type=click.Choice(["rules", "events"]),
              help="What standard input (-) holds (default: told by its first line).")
def command(files, check, diff, kind):
    """Lay out rules and event files in the one canonical way.

    Only space, indentation and blank lines change (and a score's missing sign
    is written): every comment, event, text, note, source and date as printed is
    kept exactly. A file with syntax errors is left untouched and its errors
    shown. `-` reads standard input and writes standard output.

    Line ends are written as most lines of the file have them (a CRLF file
    stays CRLF), and a UTF-8 byte-order mark is kept. Files are rewritten
    safely: a crash, Ctrl-C or a full disk never leaves one half written. A
    symbolic link is followed and the file it points to rewritten; mode, owner
    and group stay; a file with other hard links is rewritten in place, so the
    links stay one file. A read-only file is left alone, with a message.

    \b
    Examples:
      barometer fmt rules/*.rules examples/*.events
      barometer fmt --check rules/*.rules examples/*.events
      barometer fmt --diff examples/minsk-barometer-19.events
      barometer fmt - < my.rules > my-formatted.rules
    """
    import difflib

    from ..dsl.diagnostics import InputError
    from ..dsl.files import dominant_ending, normalise, read_source_text
    from ..dsl.format import FormatError, format_text, kind_of_text

    if list(files).count("-") > 1:
        raise click.UsageError("standard input (-) can be read only once")
    failed = changed = 0
    for path in files:
        if path == "-":
            file_kind = kind
        else:
            file_kind = {".rules": "rules", ".events": "events"}.get(
                os.path.splitext(path)[1].lower())
            if file_kind is None:
                raise click.UsageError(f"fmt lays out .rules and .events files, not {path}")
        try:
            source = read_source_text(path)
            bom = "\ufeff" if source.raw.startswith("\ufeff") else ""
            formatted = bom + format_text(source.raw[len(bom):],
                                          file_kind or kind_of_text(source.text), path)
        except (InputError, FormatError) as e:
            report(e)
            failed += 1
            continue
        if formatted == source.raw:
            if path == "-" and not (check or diff):
                echo(formatted, nl=False)
            continue
        changed += 1
        if diff:
            plain = normalise(formatted[len(bom):])
            if plain == source.text:
                echo(f"{path}: line ends become {_ENDINGS[dominant_ending(formatted)]} "
                     "throughout")
            echo("".join(difflib.unified_diff(
                _lines(source.text), _lines(plain),
                f"{path} (as written)", f"{path} (formatted)")), nl=False)
        if check:
            echo(f"would reformat {path}", err=True)
        elif path == "-" and not diff:
            echo(formatted, nl=False)
        elif not diff:
            try:
                write_file(path, formatted)
            except WriteFailure as e:
                echo(f"Error: {e.message}", err=True)
                failed += 1
                continue
            echo(f"reformatted {path}", err=True)
    if failed:
        raise click.exceptions.Exit(2)
    if check and changed:
        raise click.exceptions.Exit(1)
