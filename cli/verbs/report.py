"""barometer report: one issue as a self-contained HTML file to publish."""

from __future__ import annotations

import click

from .. import api
from ..common import FILE, catalogue_files, complete_rules, front, load, output_option, parse_period, period_option, shown, write_output


@click.command("report")
@click.argument("rules", type=FILE, shell_complete=complete_rules)
@click.argument("catalogue", type=FILE)
@click.argument("more", nargs=-1, type=FILE, metavar="")
@click.option("--history", "history", multiple=True, type=FILE, metavar="FILE|FOLDER",
              callback=catalogue_files,
              help="Other issues (event files, or files of published figures only), or a "
                   "folder of them (--history examples/history), for what changed since the "
                   "previous issue and each index across the issues. Files named after it "
                   "(--history examples/history/*.events) are issues too.")
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
      barometer report rules/minsk-barometer.rules examples/minsk-barometer-19.events --history examples/history -o no19.html
      barometer report --history examples/history -o no19.html rules/minsk-barometer.rules examples/minsk-barometer-19.events
    """
    from ..engine import evaluate
    from ..output.report import report as report_html

    rules, catalogue, more = _arguments(rules, catalogue, more, history)
    if more and not history:
        raise click.UsageError(f"unexpected file {more[0]!r}: name past issues with "
                               "--history FILE...")
    history = list(history) + list(catalogue_files(None, None, more))
    if "-" in history:
        raise click.UsageError("a past issue cannot be read from standard input (-)")
    try:
        import matplotlib  # noqa: F401  (an optional extra)
    except ImportError:
        from ..output.charts import NEEDS_MATPLOTLIB

        click.echo(f"error: {NEEDS_MATPLOTLIB}", err=True)
        raise click.exceptions.Exit(2) from None
    scheme, issue = load(rules, (catalogue,), parse_period(period), tuple(history))
    if not history:
        evaluation, series = evaluate(scheme, issue), None
    else:
        series = _series(scheme, issue, history)
        evaluation = next(i.evaluation for i in series.issues if i.period == issue.period)
    write_output(report_html(evaluation, series), out)


def _arguments(rules, catalogue, more, history):
    """RULES and CATALOGUE wherever --history stands: `--history h/*.events R C` leaves
    click the files h/2..., R and C in order (the first file was the option's). The
    rules file is the first named `.rules`, the issue the file after it; the others
    are past issues."""
    files = [rules, catalogue, *more]
    if not history or files[0].lower().endswith(".rules"):
        return rules, catalogue, tuple(more)
    at = next((k for k, f in enumerate(files) if f.lower().endswith(".rules")), None)
    if at is None or at + 1 >= len(files):
        return rules, catalogue, tuple(more)
    return files[at], files[at + 1], tuple(files[:at] + files[at + 2:])


def _series(scheme, issue, history):
    """The past issues and this one, in period order; every problem printed and
    status 2 where they do not make a series. Issues after this one are shown
    across the issues, and said so, in case --history took the wrong files."""
    with front():
        series, warnings = api.series_after(scheme, history, issue)
    shown(warnings, warnings.unlisted)
    catalogues = [i for i in series.issues if i.period != issue.period]
    later = [c for c in catalogues if c.period.start > issue.period.end]
    if later:
        click.echo(f"note: the report is of {issue.period.title}; "
                   f"{len(later)} later issue{'s' if len(later) > 1 else ''} given with "
                   f"--history ({later[0].period.title}"
                   f"{', ...' if len(later) > 1 else ''}) "
                   f"{'only appear' if len(later) > 1 else 'only appears'} across the issues",
                   err=True)
    return series
