"""What the command line's verbs share: options, loading with located messages,
colour on terminals, and writing results."""

from __future__ import annotations

import datetime as dt
import os
import sys

import click

from . import api
from .dsl.diagnostics import InputError, render
from .dsl.model import Period, Scheme
from .engine.problems import NotAScale, NothingToVary, SelectionProblem
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
    from .highlight import terminal_line  # Pygments' lexers: only on a terminal

    return terminal_line


def report(error) -> None:
    """Print every diagnostic of an InputError to standard error."""
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


class _Formats(click.Choice):
    """The output formats: the same names in every verb (docs/shell.md, "Formats");
    `text`, the name some verbs once used for `table`, is still accepted."""

    def convert(self, value, param, ctx):
        if value == "text" and "table" in self.choices:
            value = "table"
        return super().convert(value, param, ctx)


def format_option(choices: list[str], default: str = "table"):
    return click.option("--format", "fmt", type=_Formats(choices), default=default,
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
        from click.shell_completion import CompletionItem  # ~40 ms, only when completing

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
    from click.shell_completion import CompletionItem  # as above: only when completing

    rules = ctx.params.get("rules")
    if not rules:
        # Completing an option's value, click parses the line without its
        # arguments: find the rules file in the words the shell passed.
        from click.shell_completion import split_arg_string  # likewise

        words = split_arg_string(os.environ.get("COMP_WORDS", ""))
        rules = next((w for w in words[1:] if w.lower().endswith(".rules")), None)
    if not rules or rules == "-":
        return []
    try:
        indices = api.load_scheme(rules).indices
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
                           if f.lower().endswith(api.CATALOGUES))
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


def scheme_for(rules: str, files) -> Scheme:
    """The scheme of a verb that reads `files` beside it, or every problem printed
    and status 2; standard input is read once at most."""
    with front():
        return api.scheme_for(rules, files)


class front:
    """The front door's refusals as the command line says them: every problem in
    the files printed and status 2, a usage problem as click's, an engine that
    cannot run as `error: ...` and status 2; and while it works, its progress on
    a terminal (cli/progress.py; not with --quiet)."""

    active = None  # the progress shown, by the outermost front

    def __enter__(self):
        self._mine = None
        if front.active is None:
            from .progress import Progress

            ctx = click.get_current_context(silent=True)
            quiet = bool(ctx and ctx.find_root().meta.get("barometer.quiet"))
            self._mine = front.active = Progress(quiet=quiet)
            self._listening = api.progress_to(self._mine)
            self._listening.__enter__()
        return self

    def __exit__(self, kind, e, trace):
        if self._mine is not None:
            self._listening.__exit__(None, None, None)
            self._mine.done()
            front.active = None
        if isinstance(e, InputError):
            report(e)
            raise InputFailure() from None
        if isinstance(e, api.UsageProblem):
            raise click.UsageError(worded(e.problem or e)) from None
        if isinstance(e, api.EngineProblem):
            echo(f"error: {e}", err=True)
            raise InputFailure() from None
        return False


def worded(problem: Exception) -> str:
    """A problem the engine raised, in the command line's words: the engine says
    what cannot be done, the front adds the flag or command that asks otherwise."""
    if isinstance(problem, NothingToVary):
        return f"{problem} (e.g. --vary 'weights by 1'" + (
            ")" if problem.goal == "fit" else " or --vary 'bands by 1')")
    if isinstance(problem, NotAScale):
        return f"{problem} (run barometer check)"
    if isinstance(problem, SelectionProblem):
        return f"-k {problem}"
    return str(problem)


# A verb that shows warnings beside its figures shows this many of one code; `check`
# lists every one (70,001 repeated events of a generated catalogue were 280,000 lines).
SHOWN_PER_CODE = 20


def shown(warnings, unlisted=None) -> None:
    """Print the warnings the front door says a verb shows: at most SHOWN_PER_CODE
    of each code, then a note of how many more there are (`unlisted`: how many
    more of a code the engine counted without listing them)."""
    warnings = list(warnings)
    if not warnings:
        return
    counts: dict[str, int] = {}
    kept = []
    for d in warnings:
        counts[d.code] = counts.get(d.code, 0) + 1
        if counts[d.code] <= SHOWN_PER_CODE or d.severity == "error":
            kept.append(d)
    for code, n in (unlisted or {}).items():
        counts[code] = counts.get(code, 0) + n
    report(InputError(kept))
    for code, n in counts.items():
        if n > SHOWN_PER_CODE:
            more = n - SHOWN_PER_CODE
            echo(f"note: {more:,} more warnings {code} like these are not shown; "
                 "`barometer check` lists every one", err=True)


def load(rules: str, events: tuple[str, ...], period=None, history: tuple[str, ...] = (),
         others: frozenset[str] = frozenset()):
    """The scheme and catalogue, or every problem printed and status 2; the
    warnings `eval` shows about what it read are printed (barometer.api.load)."""
    with front():
        scheme, catalogue, warnings = api.load(rules, events, period, history, others)
    shown(warnings)
    return scheme, catalogue


def evaluation(scheme, catalogue, history: tuple[str, ...] = ()):
    """The evaluation, after the issues in `history` where given (each file one
    issue), or every problem printed and status 2."""
    with front():
        result, warnings = api.evaluation(scheme, catalogue, history)
    shown(warnings)
    return result


# --- which engine evaluates: the python interpreter, or a columnar one -----------------

ENGINE_CHOICES = list(api.ENGINES)
engine_option = click.option(
    "--engine", type=click.Choice(ENGINE_CHOICES), default="auto", show_default=True,
    help="Who computes the figures: python (the exact interpreter), duckdb (embedded, for "
         "large CSV, Parquet and JSON Lines catalogues) or spark; auto takes duckdb for such a "
         "catalogue of 1 MiB or more when it is installed, else python.")
spark_master_option = click.option(
    "--spark-master", "master", metavar="URL", default=None,
    help="With --engine spark: the cluster's master URL (spark://host:7077, yarn, ...); "
         "default local[*], Spark inside this process.")

def chosen_engine(engine: str, events) -> str:
    """The engine `auto` stands for on these catalogue files."""
    with front():
        return api.chosen_engine(engine, events)


def evaluate_with(rules: str, events, period: str | None, engine: str = "auto",
                  master: str | None = None, history: tuple[str, ...] = ()):
    """The evaluation of `events` under `rules` by the chosen engine, with its
    fallbacks (barometer.api.evaluate); every problem printed and status 2 where
    the files have mistakes or the engine cannot run, the warnings shown."""
    when = parse_period(period)
    with front():
        outcome = api.evaluate(rules, events, when, engine, master, history, progress=True)
    shown(outcome.warnings, outcome.unlisted)
    return outcome.evaluation
