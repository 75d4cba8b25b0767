"""barometer series: many issues under one scheme, with the change since the last."""

from __future__ import annotations

import sys

import click

from .. import api
from ..common import (FILE, FORMATS, catalogue_files, colour_wanted, complete_rules, format_option,
                      front, output_option, shown, write_output)


@click.command("series")
@click.argument("rules", type=FILE, shell_complete=complete_rules)
@click.argument("catalogues", nargs=-1, required=True, type=FILE, callback=catalogue_files)
@format_option(FORMATS + ["svg", "png"], "table")
@output_option
def command(rules, catalogues, fmt, out):
    """Evaluate each of CATALOGUES as its own issue under the scheme in RULES.

    Unlike `eval`, which reads several files as one catalogue, each file here is
    one issue, with its own period. The issues are put in period order (the order
    the files are named in does not matter). For each issue and index: the
    aggregate, positive and negative points, events and colour, the change since
    the previous issue, and where the colour changed. A file that holds only a
    period and `published` lines is an issue known by its published figures,
    marked as such. Periods that overlap are an error; days between two periods
    that belong to no issue, a warning.

    \b
    Examples:
      barometer series rules/minsk-barometer.rules examples/history/*.events examples/minsk-barometer-19.events
      barometer series rules/minsk-barometer.rules examples/history examples/minsk-barometer-19.events
      barometer series rules/minsk-barometer.rules examples/history/*.events examples/minsk-barometer-19.events --format csv -o series.csv
      barometer series rules/minsk-barometer.rules examples/history/*.events examples/minsk-barometer-19.events --format svg -o series.svg

    svg and png draw each index across the issues, its colour bands behind
    (matplotlib: pip install 'barometer[charts]').
    """
    from .. import output

    with front():
        series, warnings = api.series(rules, catalogues)
    shown(warnings, warnings.unlisted)
    colour = out in (None, "-") and colour_wanted(sys.stdout)
    from ..output.table import terminal_width

    fit = terminal_width(sys.stdout) if out in (None, "-") else None
    write_output(output.series(series, fmt, colour=colour, fit=fit), out)

