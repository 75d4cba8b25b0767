"""The `barometer` command: thin verbs over the library.

Exit status: 0 success, 1 findings (for checks), 2 a usage error or a mistake in
an input file. Mistakes in files are reported as `file:line:col` with the line
and a caret, never as a Python traceback.
"""

from __future__ import annotations

import os
import sys

import click

FORMATS = ["table", "markdown", "csv", "json"]


def colour_wanted(stream) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def highlighter(colour: bool):
    """Pygments colouring for quoted source lines, on a terminal only."""
    if not colour:
        return None
    from .highlight import terminal_line

    return terminal_line


def report(error) -> None:
    """Print every diagnostic of an InputError to standard error."""
    from .dsl import render

    colour = colour_wanted(sys.stderr)
    problems = error.diagnostics
    for d in problems:
        click.echo(render(d, colour=colour, highlight=highlighter(colour)), err=True)
    errors = sum(1 for d in problems if d.severity == "error")
    if errors > 1:
        click.echo(f"{errors} errors", err=True)


def write_output(text: str, output: str | None) -> None:
    """Write to the named file atomically (never half a file), or to stdout."""
    if output in (None, "-"):
        click.echo(text, nl=False)
        return
    import tempfile

    directory = os.path.dirname(os.path.abspath(output))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".barometer-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())  # on disk before it takes the old file's place
        if os.path.exists(output):
            os.chmod(tmp, os.stat(output).st_mode & 0o7777)
        os.replace(tmp, output)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def parse_period(text: str | None):
    if text is None:
        return None
    import datetime as dt

    from .dsl.model import Period

    try:
        start, end = (dt.date.fromisoformat(part.strip()) for part in text.split(":"))
    except ValueError:
        raise click.BadParameter("write the period as START:END, e.g. 2021-01-01:2021-02-28",
                                 param_hint="--period") from None
    if end < start:
        raise click.BadParameter(f"the period ends ({end}) before it starts ({start})",
                                 param_hint="--period")
    return Period(f"{start} to {end}", start, end, None)


# Options several commands share, said once.
output_option = click.option("--output", "-o", "out", metavar="FILE",
                             help="Write to FILE instead of standard output.")
period_option = click.option("--period", metavar="START:END",
                             help="The period of a CSV catalogue that does not state it, "
                                  "e.g. 2021-01-01:2021-02-28.")


def format_option(choices: list[str], default: str):
    return click.option("--format", "fmt", type=click.Choice(choices), default=default,
                        show_default=True, help="How to print the results.")


class InputFailure(click.exceptions.Exit):
    """Leave with status 2 once the diagnostics are out."""

    def __init__(self):
        super().__init__(2)


def load(rules: str, events: tuple[str, ...], period=None):
    """The scheme and catalogue, or every problem printed and status 2."""
    from .dsl import InputError, load_catalogue, load_scheme

    if list(events).count("-") > 1 or (rules == "-" and "-" in events):
        raise click.UsageError("standard input (-) can be read only once")
    try:
        scheme = load_scheme(rules)
    except InputError as e:
        report(e)
        raise InputFailure() from None
    try:
        catalogue = load_catalogue(list(events), scheme, period)
    except InputError as e:
        report(e)
        raise InputFailure() from None
    return scheme, catalogue


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="barometer")
def main():
    """barometer: evaluate event-based scoring methodologies.

    A methodology is written once as a rules file (indices, score range,
    categories and weights, rules, colour bands); each period's events are
    written as an event file (or a CSV from a spreadsheet).

    \b
    Examples:
      barometer eval rules/minsk-barometer.rules examples/minsk-barometer-19.events
      barometer eval rules/minsk-barometer.rules examples/minsk-barometer-19.csv --format json
    """


@main.command("eval")
@click.argument("rules")
@click.argument("events", nargs=-1, required=True)
@format_option(FORMATS + ["svg"], "table")
@output_option
@period_option
def eval_command(rules, events, fmt, out, period):
    """Evaluate EVENTS under the scheme in RULES.

    Several event files (or CSV catalogues) are read as one catalogue. For each
    index: the aggregate, positive and negative points, the number of events,
    and the colour where the index has bands. `-` reads a file from standard
    input.

    \b
    Examples:
      barometer eval rules/minsk-barometer.rules examples/minsk-barometer-19.events
      barometer eval rules/minsk-barometer.rules examples/*.events --format markdown
      barometer eval rules/minsk-barometer.rules - < examples/minsk-barometer-19.events
      barometer eval rules/minsk-barometer.rules data.csv --period 2021-01-01:2021-02-28 -o out.json --format json
      barometer eval rules/minsk-barometer.rules examples/minsk-barometer-19.events --format svg -o no19.svg
    """
    from . import output
    from .engine import evaluate

    scheme, catalogue = load(rules, events, parse_period(period))
    result = evaluate(scheme, catalogue)
    colour = out in (None, "-") and colour_wanted(sys.stdout)
    write_output(output.evaluation(result, fmt, colour=colour), out)


@main.command("explain")
@click.argument("rules")
@click.argument("events", nargs=-1, required=True)
@click.option("--index", "index", metavar="NAME", help="Only this index.")
@click.option("--event", "event", metavar="TEXT-OR-NUMBER",
              help="Only events whose text contains TEXT, or event number N (as in JSON).")
@click.option("--details", is_flag=True, help="Also each event's place, recorded score, "
              "category and tags.")
@format_option(["text", "json"], "text")
@output_option
@period_option
def explain_command(rules, events, index, event, details, fmt, out, period):
    """Explain every point: each index's events in date order, with their scores,
    the rules that changed them, a running total, and how far the total is from
    the next colour.

    \b
    Examples:
      barometer explain rules/minsk-barometer.rules examples/minsk-barometer-19.events --index regional_tension
      barometer explain rules/minsk-by-category.rules examples/minsk-barometer-19.events --event oil --details
    """
    from . import output
    from .engine import evaluate
    from .engine.explain import explain

    scheme, catalogue = load(rules, events, parse_period(period))
    if index is not None and index not in scheme.indices:
        from .dsl.diagnostics import did_you_mean

        hint = did_you_mean(index, scheme.indices)
        raise click.BadParameter(f"the scheme has no index {index}" + (f"; {hint}" if hint else ""),
                                 param_hint="--index")
    explained = explain(evaluate(scheme, catalogue), index, event)
    write_output(output.explanation(explained, fmt, details), out)


@main.command("compare")
@click.argument("files", nargs=-1, required=True)
@format_option(FORMATS, "table")
@output_option
@period_option
def compare_command(files, fmt, out, period):
    """Compare schemes on the same events: RULES_A RULES_B [RULES_C...] EVENTS...

    Per index the value under each scheme, the differences from the first, colour
    and ranking changes; then every event scored differently, with how each scheme
    arrived at its score.

    \b
    Examples:
      barometer compare rules/minsk-barometer.rules rules/minsk-direction-only.rules examples/minsk-barometer-19.events
      barometer compare rules/minsk-*.rules examples/minsk-barometer-19.events --format markdown
    """
    from . import output
    from .engine import evaluate
    from .engine.compare import compare

    rules = [f for f in files if f.lower().endswith(".rules")]
    events = tuple(f for f in files if not f.lower().endswith(".rules"))
    if len(rules) < 2 or not events:
        raise click.UsageError("name at least two rules files (.rules) and one event file")
    evaluations = []
    for path in rules:
        scheme, catalogue = load(path, events, parse_period(period))
        evaluations.append(evaluate(scheme, catalogue))
    colour = out in (None, "-") and colour_wanted(sys.stdout)
    write_output(output.comparison(compare(evaluations), fmt, colour), out)


@main.command("sensitivity")
@click.argument("rules")
@click.argument("events", nargs=-1, required=True)
@click.option("--samples", default=10_000, show_default=True, type=click.IntRange(1, 10_000_000))
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("--vary", "varies", multiple=True, metavar="SPEC",
              help="What to perturb, instead of the scheme's own `vary` lines: "
                   "'weights by 1', 'weights of sanctions, conflict by 2', 'bands by 1', "
                   "'bands of regional_tension by 2'. May be repeated.")
@format_option(["text", "json", "svg"], "text")
@output_option
@period_option
def sensitivity_command(rules, events, samples, seed, varies, fmt, out, period):
    """How robust the published picture is to the scheme's choices.

    Perturbs the category weights and band boundaries the scheme declares with
    `vary` (or --vary), uniformly, and reports per index the spread of values,
    the probability of each colour, and rank changes among the relationships;
    then each parameter moved alone by one point, and the smallest single change
    that flips each colour. Deterministic for a given --seed.

    \b
    Examples:
      barometer sensitivity rules/minsk-by-category.rules examples/minsk-barometer-19.events
      barometer sensitivity rules/minsk-barometer.rules examples/minsk-barometer-19.events --vary 'bands by 2' --samples 50000
      barometer sensitivity rules/minsk-by-category.rules examples/minsk-barometer-19.events --format svg -o spread.svg
    """
    from . import output
    from .engine import evaluate
    from .engine.sensitivity import SensitivityProblem, analyse

    scheme, catalogue = load(rules, events, parse_period(period))
    chosen = parse_varies(varies, scheme) if varies else list(scheme.varies)
    evaluation = evaluate(scheme, catalogue)
    show = samples >= 20_000 and sys.stderr.isatty()  # a bar only on a terminal
    try:
        if show:
            with click.progressbar(length=samples, label="sampling", file=sys.stderr) as bar:
                result = analyse(evaluation, chosen, samples, seed, progress=bar.update)
        else:
            result = analyse(evaluation, chosen, samples, seed)
    except SensitivityProblem as e:
        raise click.UsageError(str(e)) from None
    write_output(output.sensitivity(result, fmt), out)


def parse_varies(specs, scheme):
    """--vary specs, read with the rules language's own `vary` declaration."""
    from .dsl.rules import check_vary
    from .dsl.syntax import parse

    found = []
    for spec in specs:
        items, problems = parse("rules", f"vary {spec}", "--vary")
        if problems or not items or len(items) != 1 or items[0].kind != "vary":
            raise click.BadParameter(f"cannot read {spec!r}: write e.g. 'weights by 1', "
                                     "'bands of regional_tension by 2'", param_hint="--vary")
        vary = items[0].value
        unknown = check_vary(vary, scheme)
        if unknown:
            raise click.BadParameter(unknown[0].message + (f"; {unknown[0].hint}"
                                                           if unknown[0].hint else ""),
                                     param_hint="--vary")
        found.append(vary)
    return found


@main.command("fmt")
@click.argument("files", nargs=-1, required=True)
@click.option("--check", is_flag=True, help="Change nothing; list the files that would change "
              "and exit 1 if there are any.")
@click.option("--diff", is_flag=True, help="Change nothing; show the changes as a diff.")
@click.option("--kind", type=click.Choice(["rules", "events"]),
              help="What standard input (-) holds (default: told by its first line).")
def fmt_command(files, check, diff, kind):
    """Lay out rules and event files in the one canonical way.

    Only space, indentation and blank lines change (and a score's missing sign
    is written): every comment, event, text, note, source and date as printed is
    kept exactly. A file with syntax errors is left untouched and its errors
    shown. Files are rewritten safely: a crash or a full disk never leaves one
    half written. `-` reads standard input and writes standard output.

    \b
    Examples:
      barometer fmt rules/*.rules examples/*.events
      barometer fmt --check rules/*.rules examples/*.events
      barometer fmt --diff examples/minsk-barometer-19.events
      barometer fmt - < my.rules > my-formatted.rules
    """
    import difflib

    from .dsl.diagnostics import InputError
    from .dsl.files import read_source
    from .dsl.format import FormatError, format_text, kind_of_text

    failed = changed = 0
    for path in files:
        if path == "-":
            file_kind = kind
        else:
            file_kind = {".rules": "rules", ".events": "events"}.get(
                os.path.splitext(path)[1].lower())
            if file_kind is None:
                raise click.UsageError(f"fmt lays out .rules and .events files, not {path}")
        try:
            text = read_source(path)
            formatted = format_text(text, file_kind or kind_of_text(text), path)
        except (InputError, FormatError) as e:
            report(e)
            failed += 1
            continue
        if formatted == text:
            if path == "-" and not (check or diff):
                click.echo(formatted, nl=False)
            continue
        changed += 1
        if diff:
            click.echo("".join(difflib.unified_diff(
                text.splitlines(True), formatted.splitlines(True), f"{path} (as written)",
                f"{path} (formatted)")), nl=False)
        if check:
            click.echo(f"would reformat {path}", err=True)
        elif path == "-" and not diff:
            click.echo(formatted, nl=False)
        elif not diff:
            write_output(formatted, path)
            click.echo(f"reformatted {path}", err=True)
    if failed:
        raise click.exceptions.Exit(2)
    if check and changed:
        raise click.exceptions.Exit(1)


@main.command("lsp")
def lsp_command():
    """Start the language server on standard input and output, for editors.

    Diagnostics from `check` as a file is edited, hover and go to definition on
    index, category, tag and band names, and completion of names. See
    editors/README.md for VS Code and Neovim.

    \b
    Examples:
      barometer lsp
    """
    from .lsp import main as serve

    serve()


@main.command("check")
@click.argument("files", nargs=-1, required=True)
@click.option("--rules", metavar="RULES",
              help="The scheme event files are checked against (default: the rules file "
                   "named, or the one the others extend).")
@format_option(["text", "json"], "text")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@period_option
def check_command(files, rules, fmt, strict, period):
    """Find every mistake in rules files, event files and CSV catalogues.

    Rules files are checked for syntax, names, `extends`, bands that leave gaps
    or overlap, rules that can never act, and scores that can leave the range.
    Event files and CSVs are checked against a scheme: names, scores, dates,
    date order, duplicates, and the published totals they state.

    Exit status: 0 clean, 1 errors found (or warnings, with --strict), 2 usage
    errors. Every code is explained in docs/diagnostics.md.

    \b
    Examples:
      barometer check rules/minsk-barometer.rules
      barometer check rules/*.rules examples/*
      barometer check --rules rules/minsk-barometer.rules examples/minsk-barometer-19.csv
      barometer check rules/minsk-barometer.rules --format json
    """
    from .checker import UsageProblem, check_files

    try:
        report = check_files(list(files), rules, parse_period(period))
    except UsageProblem as e:
        raise click.UsageError(str(e)) from None
    for folder in report.skipped:
        click.echo(f"note: {folder} is a folder, not checked (name its files to check them)",
                   err=True)
    if fmt == "json":
        from .output import to_json

        click.echo(to_json({
            "diagnostics": [d.to_json() for d in report.diagnostics],
            "summary": {"errors": report.errors, "warnings": report.warnings,
                        "files": list(report.files)},
        }), nl=False)
    else:
        from .dsl import render

        colour = colour_wanted(sys.stdout)
        for d in report.diagnostics:
            click.echo(render(d, colour=colour, highlight=highlighter(colour)))
        click.echo(f"{report.errors} error{'s' * (report.errors != 1)}, {report.warnings} "
                   f"warning{'s' * (report.warnings != 1)} in {len(report.files)} "
                   f"file{'s' * (len(report.files) != 1)}")
    if report.errors or (strict and report.warnings):
        raise click.exceptions.Exit(1)


if __name__ == "__main__":
    main()
