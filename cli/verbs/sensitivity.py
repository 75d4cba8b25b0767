"""barometer sensitivity: how robust the picture is to the scheme's choices."""

from __future__ import annotations

import sys

import click

from ..common import (FILE, complete_rules, evaluation, format_option, history_option, load,
                      output_option, parse_period, period_option, worded, write_output)


@click.command("sensitivity")
@click.argument("rules", type=FILE, shell_complete=complete_rules)
@click.argument("events", nargs=-1, required=True, type=FILE)
@click.option("--samples", default=10_000, show_default=True, type=click.IntRange(1, 10_000_000),
              help="How many perturbed schemes to draw.")
@click.option("--seed", default=0, show_default=True, type=click.IntRange(min=0),
              help="Where the random draws start: the same seed gives the same results.")
@click.option("--vary", "varies", multiple=True, metavar="SPEC",
              help="What to perturb, instead of the scheme's own `vary` lines: "
                   "'weights by 1', 'weights of sanctions, conflict by 2', 'weights by 20%', "
                   "'bands by 1', 'bands of regional_tension by 2', 'rule older by 1', "
                   "'score among [recorded, direction]'. May be repeated.")
@click.option("--save-samples", "save", metavar="FILE",
              help="Write every sample (each parameter's value, each index's aggregate and "
                   "colour) to FILE: CSV, or Parquet for a name ending in .parquet (pyarrow).")
@click.option("--fit", is_flag=True,
              help="Instead of the spread, search the values of what is varied that best "
                   "reproduce the published figures and colours of the catalogue (and of each "
                   "--fit-issue), and say how firmly they are determined.")
@click.option("--fit-issue", "fit_issues", metavar="FILE", multiple=True, type=FILE,
              help="With --fit: another issue (a catalogue with `published` lines) whose "
                   "figures the fit reproduces too. May be repeated.")
@format_option(["table", "json", "svg", "png"])
@output_option
@period_option
@history_option
def command(rules, events, samples, seed, varies, save, fit, fit_issues, fmt, out, period,
            history):
    """How robust the published picture is to the scheme's choices.

    Perturbs what the scheme declares with `vary` (or --vary): category weights,
    band boundaries and the numbers of a rule, uniformly, and the score
    expression, one of several per sample; and reports per index the spread of values,
    the probability of each colour, and rank changes among the relationships;
    then each parameter moved alone by one point, and the smallest single change
    that flips each colour. Deterministic for a given --seed.

    \b
    Examples:
      barometer sensitivity rules/minsk-by-category.rules examples/minsk-barometer-19.events
      barometer sensitivity rules/minsk-barometer.rules examples/minsk-barometer-19.events --vary 'bands by 2' --samples 50000
      barometer sensitivity rules/minsk-recency.rules examples/minsk-barometer-19.events --vary 'rule older by 1' --vary 'score among [recorded, direction]'
      barometer sensitivity rules/minsk-by-category.rules examples/minsk-barometer-19.events --format svg -o spread.svg
      barometer sensitivity rules/minsk-by-category.rules examples/minsk-barometer-19.events --format png -o spread.png

    svg and png are charts, drawn with matplotlib: pip install 'barometer[charts]'.
    """
    from .. import output
    from ..engine.sensitivity import SensitivityProblem, analyse

    scheme, catalogue = load(rules, events, parse_period(period), history)
    chosen = parse_varies(varies, scheme) if varies else list(scheme.varies)
    if varies:
        from ..dsl import InputError
        from ..api import option_problems

        problems = option_problems(scheme, catalogue, chosen)
        if problems:
            raise InputError(problems)
    evaluated = evaluation(scheme, catalogue, history)
    if fit or fit_issues:
        _fit(scheme, evaluated, fit_issues, chosen, samples, seed, fmt, out, period, history)
        return
    show = samples >= 20_000 and sys.stderr.isatty()  # a bar only on a terminal
    kept: dict | None = {} if save else None
    try:
        if show:
            with click.progressbar(length=samples, label="sampling", file=sys.stderr) as bar:
                result = analyse(evaluated, chosen, samples, seed, progress=bar.update, keep=kept)
        else:
            result = analyse(evaluated, chosen, samples, seed, keep=kept)
    except SensitivityProblem as e:
        raise click.UsageError(worded(e)) from None
    if save and kept is not None:
        _save_samples(save, kept)
    write_output(output.sensitivity(result, fmt, evaluated), out)


def _save_samples(path: str, kept: dict) -> None:
    """Every sample to `path`: Parquet (with pyarrow) for a .parquet name, else CSV."""
    from ..engine.sensitivity import sample_rows

    headings, rows = sample_rows(kept)
    if path.lower().endswith(".parquet"):
        try:
            import io

            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError:
            raise click.UsageError("writing Parquet needs pyarrow: pip install "
                                   "'barometer[columnar]', or name a .csv file") from None
        table = pa.table({h: [r[k] for r in rows] for k, h in enumerate(headings)})
        buffer = io.BytesIO()
        pq.write_table(table, buffer)
        write_output(buffer.getvalue(), path)
        return
    import csv
    import io

    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(headings)
    writer.writerows([["" if v is None else repr(v) if isinstance(v, float) else v for v in r]
                      for r in rows])
    write_output(text.getvalue(), path)


def _fit(scheme, evaluated, fit_issues, chosen, samples, seed, fmt, out, period, history):
    """--fit: the calibration against the published figures, as a table or JSON."""
    from .. import api
    from ..common import front
    from ..output.calibration import as_json, as_text

    if fmt not in ("table", "text", "json"):
        raise click.UsageError("--fit reports as a table or json")
    with front():
        result = api.calibrate(scheme, evaluated.catalogue.files, chosen, samples, seed,
                               parse_period(period), history, fit_issues)
    write_output(as_json(result) if fmt == "json" else as_text(result), out)


def parse_varies(specs, scheme):
    """--vary specs, read with the rules language's own `vary` declaration."""
    from ..dsl.resolve import vary_names
    from ..dsl.syntax import parse

    found = []
    for spec in specs:
        items, problems = parse("rules", f"vary {spec}", "--vary")
        if problems or not items or len(items) != 1 or items[0].kind != "vary":
            raise click.BadParameter(f"cannot read {spec!r}: write e.g. 'weights by 1', "
                                     "'bands of regional_tension by 2', 'rule older by 1', "
                                     "'score among [recorded, direction]'", param_hint="--vary")
        vary = items[0].value
        unknown = vary_names(vary, scheme)
        if unknown:
            raise click.BadParameter(unknown[0].message + (f"; {unknown[0].hint}"
                                                           if unknown[0].hint else ""),
                                     param_hint="--vary")
        found.append(vary)
    return found
