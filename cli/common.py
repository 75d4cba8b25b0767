"""What the command line's verbs share: options, loading with located messages,
colour on terminals, and writing results."""

from __future__ import annotations

import os
import sys

import click

from .writing import echo, write_output  # noqa: F401  (the verbs write through these)

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
        echo(render(d, colour=colour, highlight=highlighter(colour)), err=True)
    errors = sum(1 for d in problems if d.severity == "error")
    if errors > 1:
        echo(f"{errors} errors", err=True)


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
class _Path(click.Path):
    """A path argument (so that shells complete file names) that leaves every
    judgement of the file to barometer's own readers, which say what is wrong
    with it in a located message: click would raise on a name holding a NUL."""

    def convert(self, value, param, ctx):
        try:
            return super().convert(value, param, ctx)
        except ValueError:
            return value


output_option = click.option("--output", "-o", "out", metavar="FILE",
                             type=_Path(readable=False, allow_dash=True),
                             help="Write to FILE instead of standard output.")
period_option = click.option("--period", metavar="START:END",
                             help="The period of a CSV catalogue that does not state it, "
                                  "e.g. 2021-01-01:2021-02-28.")


def format_option(choices: list[str], default: str):
    return click.option("--format", "fmt", type=click.Choice(choices), default=default,
                        show_default=True, help="How to print the results.")


# File arguments are paths, so that shells complete file names (docs/shell.md).
# Whether a file exists, is a folder or can be read is left to the loaders, which
# report it as error[B002] like any other mistake in the input; `-` is standard
# input.
FILE = _Path(readable=False, allow_dash=True)


def complete_files(*extensions: str):
    """Completion of the files ending in one of `extensions` (and the folders
    beside them); the shell's own file completion where none matches."""

    def complete(ctx, param, incomplete: str):
        from click.shell_completion import CompletionItem

        folder, start = os.path.split(incomplete)
        try:
            names = sorted(os.listdir(os.path.expanduser(folder) or "."))
        except OSError:
            names = []
        found, folders = [], []
        for name in names:
            if not name.startswith(start) or (name.startswith(".") and not start.startswith(".")):
                continue
            path = os.path.join(folder, name)
            real = os.path.expanduser(path)
            if name.lower().endswith(extensions) and os.path.isfile(real):
                found.append(CompletionItem(path))
            elif os.path.isdir(real):
                folders.append(CompletionItem(path + os.sep))
        return found + folders if found else [CompletionItem(incomplete, type="file")]

    return complete


complete_rules = complete_files(".rules")


def complete_index(ctx, param, incomplete: str):
    """The names of the indices of the rules file already on the command line."""
    from click.shell_completion import CompletionItem

    rules = ctx.params.get("rules")
    if not rules:
        # Completing an option's value, click parses the line without its
        # arguments: find the rules file in the words the shell passed.
        from click.shell_completion import split_arg_string

        words = split_arg_string(os.environ.get("COMP_WORDS", ""))
        rules = next((w for w in words[1:] if w.lower().endswith(".rules")), None)
    if not rules or rules == "-":
        return []
    try:
        from .dsl import load_scheme

        indices = load_scheme(rules).indices
    except Exception:  # a scheme with mistakes completes nothing: `check` tells why
        return []
    return [CompletionItem(name, help=index.title) for name, index in indices.items()
            if name.startswith(incomplete)]


class InputFailure(click.exceptions.Exit):
    """Leave with status 2 once the diagnostics are out."""

    def __init__(self):
        super().__init__(2)


def catalogue_files(ctx, param, value) -> tuple[str, ...]:
    """Catalogue paths as given: files, or folders standing for the catalogues in
    them (`--history examples/history`, `series RULES examples/history`)."""
    out: list[str] = []
    for path in value:
        if path != "-" and os.path.isdir(path):
            found = sorted(os.path.join(path, f) for f in os.listdir(path)
                           if f.lower().endswith((".events", ".csv", ".xlsx", ".xlsm")))
            if not found:
                raise click.BadParameter(f"{path} holds no catalogue (.events, .csv, .xlsx)",
                                         param_hint=param.get_error_hint(ctx) if param else None)
            out += found
        else:
            out.append(path)
    return tuple(out)


history_option = click.option(
    "--history", "history", metavar="FILE|FOLDER", multiple=True, type=FILE,
    callback=catalogue_files,
    help="An earlier issue, one file each (repeat the option; published figures are enough), "
         "or a folder of them (--history examples/history): previous() and bands relative to "
         "history read them.")


def scheme_for(rules: str, files) -> "m.Scheme":
    """The scheme of a verb that reads `files` beside it, or every problem printed
    and status 2; standard input is read once at most."""
    from .dsl import InputError, load_scheme

    if list(files).count("-") > 1 or (rules == "-" and "-" in files):
        raise click.UsageError("standard input (-) can be read only once")
    try:
        return load_scheme(rules)
    except InputError as e:
        report(e)
        raise InputFailure() from None


def load(rules: str, events: tuple[str, ...], period=None, history: tuple[str, ...] = (),
         others: frozenset[str] = frozenset()):
    """The scheme and catalogue, or every problem printed and status 2. What
    `check` calls an error stops here too; warnings that concern the figures
    (an event counted twice across files) are printed. With `history`, the
    figures are computed later, by `evaluation`, with the issues before. `others`:
    the attributes other schemes read from the same catalogue (compare)."""
    from .engine.verify import read_catalogue_checked
    from .dsl import InputError, load_scheme

    scheme = scheme_for(rules, events)
    catalogue, problems = read_catalogue_checked(list(events), scheme, period, errors_only=True,
                                                 alone=not history, others=others)
    if catalogue is not None:
        from .engine.verify import published_only

        problems += published_only(catalogue)
    errors = [p for p in problems if p.severity == "error"]
    if errors or catalogue is None:
        report(InputError(errors or problems))
        raise InputFailure()
    from .dsl.suppress import suppress

    shown = suppress([p for p in problems if p.code in FIGURE_WARNINGS])[0]
    if shown:
        report(InputError(shown))
    return scheme, catalogue


def evaluation(scheme, catalogue, history: tuple[str, ...] = ()):
    """The evaluation, after the issues in `history` where given (each file one
    issue), or every problem printed and status 2."""
    from .engine import evaluate

    if not history:
        from .dsl import InputError
        from .dsl.suppress import suppress
        from .engine.plan import missing_figures

        result = evaluate(scheme, catalogue)
        shown = suppress(missing_figures(result.indices, catalogue))[0]
        if shown:  # an index without a figure: said, and the rest goes on
            report(InputError(shown))
        return result
    from .dsl import InputError
    from .dsl.suppress import suppress
    from .engine.series import evaluate_after

    if "-" in history:
        raise click.UsageError("--history reads files; standard input (-) is not one")
    result, problems = evaluate_after(scheme, catalogue, list(history))
    errors = [p for p in problems if p.severity == "error"]
    if errors or result is None:
        report(InputError(errors or problems))
        raise InputFailure()
    from .engine.plan import missing_figures

    problems += missing_figures(result.indices, catalogue)
    shown = suppress([p for p in problems if p.code in FIGURE_WARNINGS | {"B703", "B705",
                                                                          "B210"}])[0]
    if shown:
        report(InputError(shown))
    return result


# Warnings `eval` shows: the figures it prints would mislead without them.
FIGURE_WARNINGS = {"B506"}


# --- which engine evaluates: the python interpreter, or a columnar one -----------------

ENGINE_CHOICES = ["auto", "python", "duckdb", "spark"]
engine_option = click.option(
    "--engine", type=click.Choice(ENGINE_CHOICES), default="auto", show_default=True,
    help="Who computes the figures: python (the exact interpreter), duckdb (embedded, for "
         "large CSV, Parquet and JSON Lines catalogues) or spark; auto takes duckdb for such a "
         "catalogue of 1 MiB or more when it is installed, else python.")
spark_master_option = click.option(
    "--spark-master", "master", metavar="URL", default=None,
    help="With --engine spark: the cluster's master URL (spark://host:7077, yarn, ...); "
         "default local[*], Spark inside this process.")

_TABLES = (".csv", ".parquet", ".jsonl", ".ndjson")


def chosen_engine(engine: str, events) -> str:
    """The engine `auto` stands for on these catalogue files."""
    if engine != "auto":
        return engine
    if len(events) == 1 and events[0].lower().endswith(_TABLES):
        from .engine import choice

        if choice.automatic(events) and choice.installed("duckdb"):
            return "duckdb"
    return "python"


def evaluate_with(rules: str, events, period: str | None, engine: str = "auto",
                  master: str | None = None, history: tuple[str, ...] = ()):
    """The evaluation of `events` under `rules` by the chosen engine; every problem
    printed and status 2 where the files have mistakes or the engine cannot run. A
    scheme a columnar engine cannot compute exactly is said in a located warning
    (B801), and the python engine computes it. After issues (`history`), the
    python engine computes."""
    chosen = "python" if history and engine == "auto" else chosen_engine(engine, events)
    when = parse_period(period)
    if chosen == "python":
        scheme, catalogue = load(rules, events, when, history)
        return evaluation(scheme, catalogue, history)
    if history:
        raise click.UsageError(f"--engine {chosen} evaluates one catalogue; with --history, "
                               "use --engine python")
    from .dsl import InputError
    from .engine import columnar

    if "-" in events:
        raise click.UsageError(f"--engine {chosen} reads a file, not standard input (-): save "
                               "the catalogue to a file, or use --engine python")
    if not columnar.readable(list(events)):
        raise click.UsageError(f"--engine {chosen} reads one CSV, Parquet or JSON Lines "
                               "catalogue (a file, or for spark a folder or URL); for .events "
                               "and .xlsx files, or several files, use --engine python")
    scheme = scheme_for(rules, events)
    problem = columnar.check_compiles(scheme)
    if problem is not None:
        report(InputError([problem]))
        scheme, catalogue = load(rules, events, when)
        return evaluation(scheme, catalogue)
    try:
        return columnar.evaluate_columnar(scheme, events[0], when, chosen, master,
                                          progress=True)
    except InputError as e:
        report(e)
        raise InputFailure() from None
    except columnar.Unavailable as e:
        echo(f"error: {e}", err=True)
        raise InputFailure() from None
    except columnar.Overflow as e:  # the python engine's numbers have no bound
        report(InputError([columnar.overflowed(e, chosen)]))
        scheme, catalogue = load(rules, events, when)
        return evaluation(scheme, catalogue)
    except columnar.EngineFailure as e:
        echo(f"error: the {chosen} engine could not evaluate {events[0]}: {e}", err=True)
        raise InputFailure() from None
