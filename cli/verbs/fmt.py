"""barometer fmt: one canonical layout for rules and event files."""

from __future__ import annotations

import os

import click

from ..common import FILE, complete_files, report, write_output


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
    shown. Files are rewritten safely: a crash or a full disk never leaves one
    half written. `-` reads standard input and writes standard render.

    \b
    Examples:
      barometer fmt rules/*.rules examples/*.events
      barometer fmt --check rules/*.rules examples/*.events
      barometer fmt --diff examples/minsk-barometer-19.events
      barometer fmt - < my.rules > my-formatted.rules
    """
    import difflib

    from ..dsl.diagnostics import InputError
    from ..dsl.files import read_source
    from ..dsl.format import FormatError, format_text, kind_of_text

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
            text = read_source(path)
            formatted = format_text(text, file_kind or kind_of_text(text), path)
        except (InputError, FormatError) as e:
            report(e)
            failed += 1
            continue
        if formatted == text:
            if path == "-" and not (check or diff):
                click.echo(formatted, nl=False)
            continue
        changed += 1
        if diff:
            click.echo("".join(difflib.unified_diff(
                text.splitlines(True), formatted.splitlines(True), f"{path} (as written)",
                f"{path} (formatted)")), nl=False)
        if check:
            click.echo(f"would reformat {path}", err=True)
        elif path == "-" and not diff:
            click.echo(formatted, nl=False)
        elif not diff:
            write_output(formatted, path)
            click.echo(f"reformatted {path}", err=True)
    if failed:
        raise click.exceptions.Exit(2)
    if check and changed:
        raise click.exceptions.Exit(1)
