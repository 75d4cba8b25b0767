"""barometer agree: how far coders agree, each catalogue one coder's reading."""

from __future__ import annotations

import click

from ..common import FILE, complete_rules, format_option, output_option, scheme_for, write_output


@click.command("agree")
@click.argument("rules", type=FILE, shell_complete=complete_rules)
@click.argument("coders", nargs=-1, required=True, type=FILE)
@click.option("--by", "by", metavar="ATTRIBUTE",
              help="Pair the coders' events by this attribute (an event id the scheme "
                   "declares, e.g. `attribute id number from 1`) instead of by days and text.")
@click.option("--adjudication", metavar="FILE",
              help="Also write a catalogue for an adjudicator to complete by hand: every event, "
                   "its scores where the coders agree, and `?` where they do not.")
@format_option(["text", "json"], "text")
@output_option
def command(rules, coders, by, adjudication, fmt, out):
    """How far coders agree: RULES A.events B.events [C.events...].

    Each catalogue is one coder's reading of the same period. Events are paired by
    their days and text (or --by an id attribute); those some coder does not list
    are named with their place. Per index and overall: Krippendorff's alpha for
    interval and ordinal data, the share of events scored alike, the confusion of
    scores, and every disagreement with each coder's file:line.

    \b
    Examples:
      barometer agree rules/minsk-security.rules examples/coders/coder-a.events examples/coders/coder-b.events
      barometer agree rules/minsk-security.rules examples/coders/*.events --format json
      barometer agree rules/minsk-security.rules examples/coders/*.events --adjudication decided.events
    """
    from .. import api, output
    from ..common import front
    from ..engine.agreement import adjudication as adjudicated

    scheme = scheme_for(rules, coders)  # the files `extends` pulls in are inputs too
    with front():
        scheme, catalogues, result = api.agree(scheme, coders, by)
    if adjudication:
        write_output(adjudicated(scheme, catalogues, result), adjudication)
    write_output(output.agreement(result, fmt), out)
