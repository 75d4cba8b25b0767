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


