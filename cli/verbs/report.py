"""barometer report: one issue as a self-contained HTML file to publish."""

from __future__ import annotations

import click

from ..common import FILE, InputFailure, complete_rules, load, output_option, parse_period, period_option, report, write_output


@click.command("report")
@click.argument("rules", type=FILE, shell_complete=complete_rules)
@click.argument("catalogue", type=FILE)
@click.argument("more", nargs=-1, type=FILE, metavar="")
@click.option("--history", "history", multiple=True, type=FILE, metavar="CATALOGUES...",
              help="Past issues (event files, or files of published figures only), for what "
                   "changed since the previous issue and each index across the issues. Put "
                   "it last: every file after it is a past issue.")
@output_option
@period_option
def command(rules, catalogue, more, history, out, period):
    """Write the report of the issue in CATALOGUE, under the scheme in RULES, as
    one HTML file that needs nothing else to be read (and prints to PDF): the
    figures, their chart, the colour scale, what changed since the previous
    issue (with --history), what each figure is made of, and the catalogue.

    Charts need matplotlib: pip install 'barometer[charts]'.

    \b
    Examples:
      barometer report rules/minsk-barometer.rules examples/minsk-barometer-19.events -o no19.html
      barometer report rules/minsk-barometer.rules examples/minsk-barometer-19.events --history examples/history/*.events -o no19.html
    """
    from ..engine import evaluate
    from ..output.report import report as report_html

    if more and not history:
        raise click.UsageError(f"unexpected file {more[0]!r}: name past issues with "
                               "--history FILE...")
    history = list(history) + list(more)
    if "-" in history:
        raise click.UsageError("a past issue cannot be read from standard input (-)")
    try:
        import matplotlib  # noqa: F401  (an optional extra)
    except ImportError:
        from ..output.charts import NEEDS_MATPLOTLIB

        click.echo(f"error: {NEEDS_MATPLOTLIB}", err=True)
        raise click.exceptions.Exit(2) from None
    scheme, issue = load(rules, (catalogue,), parse_period(period))
    evaluation = evaluate(scheme, issue)
    series = None
    if history:
        series = _series(scheme, issue, history)
    write_output(report_html(evaluation, series), out)


def _series(scheme, issue, history):
    """The past issues and this one, in period order; every problem printed and
    status 2 where they do not make a series, or where a past issue comes after
    this one."""
    from ..dsl import InputError
    from ..dsl.suppress import suppress
    from ..engine.series import build_series, order_problems
    from ..engine.verify import read_catalogue_checked

    catalogues, problems = [], []
    for path in history:
        found, found_problems = read_catalogue_checked([path], scheme, errors_only=True)
        problems += found_problems
        if found is not None:
            catalogues.append(found)
    errors = [p for p in problems if p.severity == "error"]
    later = [c for c in catalogues if c.period.start > issue.period.end]
    if later and not errors:
        c = later[0]
        raise click.UsageError(
            f"--history names past issues, and {c.files[0]} ({c.period.title}, from "
            f"{c.period.start}) comes after the reported issue ({issue.period.title}, to "
            f"{issue.period.end}): name the latest issue as CATALOGUE, or put --history last")
    if not errors:
        try:
            series = build_series(scheme, catalogues + [issue])
        except InputError as e:
            errors = list(e.diagnostics)
    if errors:
        report(InputError(errors))
        raise InputFailure()
    from .series import SHOWN

    shown = suppress([p for p in problems + list(series.warnings)
                      if p.severity == "warning" and p.code in SHOWN])[0]
    if shown:
        report(InputError(shown))
    return series
