"""barometer eval: the published figures of a scheme on a catalogue."""

from __future__ import annotations

import sys

import click

from ..common import FILE, FORMATS, colour_wanted, complete_rules, engine_option, evaluate_with, format_option, history_option, output_option, period_option, spark_master_option, write_output


@click.command("eval")
@click.argument("rules", type=FILE, shell_complete=complete_rules)
@click.argument("events", nargs=-1, required=True, type=FILE)
@format_option(FORMATS + ["svg", "png", "xlsx"], "table")
@output_option
@period_option
@history_option
@engine_option
@spark_master_option
def command(rules, events, fmt, out, period, history, engine, master):
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
      barometer eval rules/minsk-barometer.rules examples/minsk-barometer-19.events --format png -o no19.png
      barometer eval my-scheme.rules examples/minsk-barometer-19.events --history examples/history/minsk-barometer-18.events
      barometer eval rules/gdelt/gdelt-style.rules gdelt.parquet --engine duckdb
      barometer eval rules/gdelt/gdelt-style.rules hdfs:///data/gdelt/ --engine spark --spark-master yarn --period 2015-01-01:2019-12-31

    svg and png are charts (positive and negative points per index, with values,
    the aggregate and its colour), drawn with matplotlib: pip install
    'barometer[charts]'.

    Large catalogues (CSV, Parquet, JSON Lines) are computed by DuckDB, embedded,
    from 1 MiB on, or by Spark with --engine spark; the figures are the same.
    A Parquet or JSON Lines catalogue takes its period from --period or from a
    file beside it named after it with .period added.
    """
    from .. import output

    result = evaluate_with(rules, events, period, engine, master, history)
    colour = out in (None, "-") and colour_wanted(sys.stdout)
    write_output(output.evaluation(result, fmt, colour=colour), out)
