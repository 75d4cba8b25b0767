"""barometer explain: every point of an index, read off the evaluation's record."""

from __future__ import annotations

import click

from ..common import FILE, chosen_engine, complete_index, complete_rules, engine_option, evaluate_with, evaluation, format_option, history_option, load, output_option, parse_period, period_option, spark_master_option, write_output


@click.command("explain")
@click.argument("rules", type=FILE, shell_complete=complete_rules)
@click.argument("events", nargs=-1, required=True, type=FILE)
@click.option("--index", "index", metavar="NAME", shell_complete=complete_index,
              help="Only this index.")
@click.option("--event", "event", metavar="TEXT-OR-NUMBER",
              help="Only events whose text contains TEXT, or event number N (as in JSON).")
@click.option("--details", is_flag=True, help="Also each event's place, recorded score, "
              "category, tags and attributes (with the built-in age and days where the "
              "scheme reads them).")
@format_option(["table", "json"])
@output_option
@period_option
@history_option
@engine_option
@spark_master_option
def command(rules, events, index, event, details, fmt, out, period, history, engine, master):
    """Explain every point: each index's events in date order, with their scores,
    the rules that changed them, a running total, and how far the total is from
    the next colour.

    \b
    Examples:
      barometer explain rules/minsk-barometer.rules examples/minsk-barometer-19.events --index regional_tension
      barometer explain rules/minsk-by-category.rules examples/minsk-barometer-19.events --event oil --details
      barometer explain rules/gdelt/gdelt-style.rules gdelt.parquet --engine duckdb --index blr_rus

    On a large catalogue (the duckdb or spark engine, see `barometer eval --help`),
    each index's figures come with what each category adds up to and what each
    rule changed, over how many scores; each event's lines (--event, --details) are
    the python engine's, which auto then takes.
    """
    from .. import output
    from ..engine.explain import explain

    each_event = event is not None or details
    if each_event and engine in ("duckdb", "spark"):  # they keep no event of their own
        raise click.UsageError(f"--event and --details show each event's lines, which the "
                               f"python engine computes: leave out --engine {engine}, or give "
                               "--engine python")
    if not history and not each_event and chosen_engine(engine, events) != "python":
        result = evaluate_with(rules, events, period, engine, master)
        if getattr(result, "engine", None) is not None:  # else B801: python computed it
            from ..engine.columnar import contributions

            if index is not None and index not in result.scheme.indices:
                from ..dsl.diagnostics import did_you_mean

                hint = did_you_mean(index, result.scheme.indices)
                raise click.BadParameter(f"the scheme has no index {index}" +
                                         (f"; {hint}" if hint else ""), param_hint="--index")
            if index is not None:
                result.indices = {index: result.indices[index]}
            write_output(output.contributions(result, contributions(result), fmt), out)
            return
    scheme, catalogue = load(rules, events, parse_period(period), history)
    if index is not None and index not in scheme.indices:
        from ..dsl.diagnostics import did_you_mean

        hint = did_you_mean(index, scheme.indices)
        raise click.BadParameter(f"the scheme has no index {index}" + (f"; {hint}" if hint else ""),
                                 param_hint="--index")
    explained = explain(evaluation(scheme, catalogue, history), index, event)
    if event is not None and not any(x.lines for x in explained):  # a mistyped filter
        on = f" scored on {index}" if index is not None else ""
        click.echo(f"note: --event {event} names no event{on}: nothing to explain", err=True)
    write_output(output.explanation(explained, fmt, details), out)
