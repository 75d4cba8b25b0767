"""barometer eval: the published figures of a scheme on a catalogue."""

from __future__ import annotations

import sys

import click

from ..common import FILE, FORMATS, colour_wanted, complete_rules, evaluation, format_option, history_option, load, output_option, parse_period, period_option, write_output


@click.command("eval")
@click.argument("rules", type=FILE, shell_complete=complete_rules)
@click.argument("events", nargs=-1, required=True, type=FILE)
@format_option(FORMATS + ["svg", "xlsx"], "table")
@output_option
@period_option
@history_option
def command(rules, events, fmt, out, period, history):
    """Evaluate EVENTS under the scheme in RULES.

    Several event files (or CSV catalogues) are read as one catalogue. For each
    index: the aggregate, positive and negative points, the number of events,
    and the colour where the index has bands. `-` reads a file from standard
    input. With --history, EVENTS is the issue after those files (one issue
    each), which previous() and bands relative to history read.

    \b
    Examples:
      barometer eval rules/minsk-barometer.rules examples/minsk-barometer-19.events
      barometer eval rules/minsk-barometer.rules examples/*.events --format markdown
      barometer eval rules/minsk-barometer.rules - < examples/minsk-barometer-19.events
      barometer eval rules/minsk-barometer.rules data.csv --period 2021-01-01:2021-02-28 -o out.json --format json
      barometer eval rules/minsk-barometer.rules examples/minsk-barometer-19.events --format svg -o no19.svg
      barometer eval my-scheme.rules examples/minsk-barometer-19.events --history examples/history/minsk-barometer-18.events
    """
    from .. import output

    scheme, catalogue = load(rules, events, parse_period(period), history)
    result = evaluation(scheme, catalogue, history)
    colour = out in (None, "-") and colour_wanted(sys.stdout)
    write_output(output.evaluation(result, fmt, colour=colour), out)
