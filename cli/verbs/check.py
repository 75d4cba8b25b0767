"""barometer check: every finding in rules files and catalogues."""

from __future__ import annotations

import sys

import click

from ..common import (FILE, colour_wanted, complete_rules, format_option, highlighter,
                      history_option, parse_period, period_option)


@click.command("check")
@click.argument("files", nargs=-1, required=True, type=FILE)
@click.option("--rules", metavar="RULES", type=FILE, shell_complete=complete_rules,
              help="The scheme event files are checked against (default: the rules file "
                   "named, or the one the others extend).")
@format_option(["text", "json"], "text")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option("--verbose", "-v", is_flag=True,
              help="Also list the warnings that `# barometer: ignore` comments suppress.")
@period_option
@history_option
def command(files, rules, fmt, strict, verbose, period, history):
    """Find every mistake in rules files, event files and CSV catalogues.

    Rules files are checked for syntax, names, `extends`, bands that leave gaps
    or overlap, rules that can never act, and scores that can leave the range.
    Event files and CSVs are checked against a scheme: names, scores, dates,
    date order, duplicates, and the published totals they state.

    Exit status: 0 clean, 1 errors found (or warnings, with --strict), 2 usage
    errors. Every code is explained in docs/diagnostics.md.

    \b
    Examples:
      barometer check rules/minsk-barometer.rules
      barometer check rules/*.rules examples/*
      barometer check --rules rules/minsk-barometer.rules examples/minsk-barometer-19.csv
      barometer check rules/minsk-barometer.rules --format json
      barometer check rules/my-changes.rules examples/minsk-barometer-19.events --history examples/history
    """
    from ..api import UsageProblem, check_files

    try:
        if "-" in history:
            raise UsageProblem("--history reads files; standard input (-) is not one")
        report = check_files(list(files), rules, parse_period(period), tuple(history))
    except UsageProblem as e:
        raise click.UsageError(str(e)) from None
    for folder in report.skipped:
        click.echo(f"note: {folder} is a folder, not checked (name its files to check them)",
                   err=True)
    if fmt == "json":
        from ..output.json import to_json

        click.echo(to_json({
            "diagnostics": [d.to_json() for d in report.diagnostics],
            "summary": {"errors": report.errors, "warnings": report.warnings,
                        "files": list(report.files)},
            **({"suppressed": [d.to_json() for d in report.suppressed]} if verbose else {}),
        }), nl=False)
    else:
        from ..dsl import render

        colour = colour_wanted(sys.stdout)
        for d in report.diagnostics:
            click.echo(render(d, colour=colour, highlight=highlighter(colour)))
        if verbose:
            for d in report.suppressed:
                click.echo(f"suppressed: {d.span}: {d.severity}[{d.code}]: {d.message}")
        click.echo(f"{report.errors} error{'s' * (report.errors != 1)}, {report.warnings} "
                   f"warning{'s' * (report.warnings != 1)} in {len(report.files)} "
                   f"file{'s' * (len(report.files) != 1)}")
    if report.errors or (strict and report.warnings):
        raise click.exceptions.Exit(1)
