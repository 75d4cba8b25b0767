"""barometer compare: several schemes on the same events."""

from __future__ import annotations

import sys

import click

from ..api import attributes
from ..common import FILE, FORMATS, colour_wanted, evaluation, format_option, history_option, load, output_option, parse_period, period_option, write_output


@click.command("compare")
@click.argument("files", nargs=-1, required=True, type=FILE)
@format_option(FORMATS + ["xlsx"], "table")
@output_option
@period_option
@history_option
def command(files, fmt, out, period, history):
    """Compare schemes on the same events: RULES_A RULES_B [RULES_C...] EVENTS...

    Per index the value under each scheme, the differences from the first, colour
    and ranking changes; then every event scored differently, with how each scheme
    arrived at its score.

    \b
    Examples:
      barometer compare rules/minsk-barometer.rules rules/minsk-direction-only.rules examples/minsk-barometer-19.events
      barometer compare rules/minsk-*.rules examples/minsk-barometer-19.events --format markdown
    """
    from .. import output
    from ..engine.compare import compare

    rules = [f for f in files if f.lower().endswith(".rules")]
    events = tuple(f for f in files if not f.lower().endswith(".rules"))
    if len(rules) < 2 or not events:
        raise click.UsageError("name at least two rules files (.rules) and one event file; to "
                               "follow one scheme over several issues, use barometer series "
                               "RULES ISSUE1 ISSUE2 ...")
    evaluations = []
    others = attributes(rules)
    for path in rules:
        scheme, catalogue = load(path, events, parse_period(period), history, others=others)
        evaluations.append(evaluation(scheme, catalogue, history))
    colour = out in (None, "-") and colour_wanted(sys.stdout)
    write_output(output.comparison(compare(evaluations), fmt, colour), out)
