"""barometer check: every finding in rules files and catalogues."""

from __future__ import annotations

import sys

import click

from ..common import (FILE, colour_wanted, complete_rules, format_option, highlighter,
                      history_option, output_option, parse_period, period_option, write_output)


@click.command("check")
@click.argument("files", nargs=-1, required=True, type=FILE)
@click.option("--rules", metavar="RULES", type=FILE, shell_complete=complete_rules,
              help="The scheme event files are checked against (default: the rules file "
                   "named, or the one the others extend).")
@format_option(["table", "json", "github", "sarif"])
@click.option("--statistics", is_flag=True,
              help="Count the findings per code instead of listing them (in JSON, beside them).")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option("--verbose", "-v", is_flag=True,
              help="Also list the warnings that `# barometer: ignore` comments suppress.")
@output_option
@period_option
@history_option
def command(files, rules, fmt, statistics, strict, verbose, out, period, history):
    """Find every mistake in rules files, event files and CSV catalogues.

    Rules files are checked for syntax, names, `extends`, bands that leave gaps
    or overlap, rules that can never act, and scores that can leave the range.
    Event files and CSVs are checked against a scheme: names, scores, dates,
    date order, duplicates, and the published totals they state.

    Exit status: 0 clean, 1 errors found (or warnings, with --strict), 2 usage
    errors; the same in every format. Every code is explained in
    docs/diagnostics.md. --format github prints workflow commands that GitHub
    Actions shows on the lines concerned; --format sarif a SARIF 2.1.0 log for
    code scanning.

    \b
    Examples:
      barometer check rules/minsk-barometer.rules
      barometer check rules/*.rules examples/*
      barometer check --rules rules/minsk-barometer.rules examples/minsk-barometer-19.csv
      barometer check rules/minsk-barometer.rules --format json
      barometer check rules/*.rules examples/*.events --format github
      barometer check rules/*.rules examples/*.events --format sarif -o barometer.sarif
      barometer check rules/*.rules examples/* --statistics
      barometer check rules/my-changes.rules examples/minsk-barometer-19.events --history examples/history
    """
    from ..api import UsageProblem, check_files
    from ..checker import github, sarif
    from ..checker import statistics as found_statistics

    try:
        if "-" in history:
            raise UsageProblem("--history reads files; standard input (-) is not one")
        report = check_files(list(files), rules, parse_period(period), tuple(history))
    except UsageProblem as e:
        raise click.UsageError(str(e)) from None
    if statistics and fmt in ("github", "sarif"):
        raise click.UsageError(f"--statistics counts findings for a reader: --format {fmt} "
                               "lists each one for a CI system")
    for folder in report.skipped:
        click.echo(f"note: {folder} is a folder, not checked (name its files to check them)",
                   err=True)
    counts = found_statistics(report)
    if fmt == "json":
        from ..output.json import to_json

        write_output(to_json({
            "diagnostics": [d.to_json() for d in report.diagnostics],
            "summary": {"errors": report.errors, "warnings": report.warnings,
                        "files": list(report.files)},
            **({"statistics": [{"code": c, "severity": s, "count": n} for c, s, n in counts]}
               if statistics else {}),
            **({"suppressed": [d.to_json() for d in report.suppressed]} if verbose else {}),
        }), out)
    elif fmt == "github":
        write_output(github(report), out)
    elif fmt == "sarif":
        from ..output.json import to_json

        write_output(to_json(sarif(report)), out)
    else:
        from ..dsl import render

        colour = out in (None, "-") and colour_wanted(sys.stdout)
        lines = []
        if statistics:
            width = max((len(str(n)) for _, _, n in counts), default=1)
            lines += [f"{n:>{width}}  {c}  {s}" for c, s, n in counts]
        else:
            lines += [render(d, colour=colour, highlight=highlighter(colour))
                      for d in report.diagnostics]
        if verbose:
            lines += [f"suppressed: {d.span}: {d.severity}[{d.code}]: {d.message}"
                      for d in report.suppressed]
        lines.append(f"{report.errors} error{'s' * (report.errors != 1)}, {report.warnings} "
                     f"warning{'s' * (report.warnings != 1)} in {len(report.files)} "
                     f"file{'s' * (len(report.files) != 1)}")
        write_output("".join(line + "\n" for line in lines), out)
    if report.errors or (strict and report.warnings):
        raise click.exceptions.Exit(1)
