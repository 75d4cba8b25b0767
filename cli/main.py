"""The `barometer` command: a group of verbs, one module each in `verbs/`.

Exit status: 0 success, 1 findings (for checks), 2 a usage error or a mistake in
an input file. Mistakes in files are reported as `file:line:col` with the line
and a caret, never as a Python traceback.
"""

from __future__ import annotations

from importlib import import_module

import click

VERBS = ("eval", "series", "report", "check", "explain", "compare", "sensitivity", "fmt", "lsp",
         "test", "agree")


def _quiet(ctx, param, value):
    if value:
        ctx.find_root().meta["barometer.quiet"] = True


# Every verb: long work shows its progress on a terminal's stderr (cli/progress.py).
_QUIET = click.Option(["--quiet", "-q"], is_flag=True, expose_value=False, callback=_quiet,
                      help="No progress line on standard error (shown only on a terminal, "
                           "when the work lasts more than half a second).")


class _Commands(dict):
    """The verbs' commands, each module (verbs/NAME.py) loaded when its verb is
    first asked for: a cold `eval` does not load the ten others (measured: ~5 ms
    of a plain install's start-up)."""

    def __missing__(self, name: str):
        if name not in VERBS:
            raise KeyError(name)
        command = import_module(f".verbs.{name}", __package__).command
        command.params.append(_QUIET)
        self[name] = command
        return command


class _Verbs(click.Group):
    """The verbs, with a last guard: a mistake in an input file that a verb did
    not report itself is reported as every other (located, status 2), never as
    a traceback; Ctrl-C ends any verb with status 130 and no traceback."""

    def list_commands(self, ctx):
        return sorted(VERBS)

    def get_command(self, ctx, name):
        try:
            return self.commands[name]
        except KeyError:
            return None

    def resolve_command(self, ctx, args):
        # the verbs not loaded yet are no commands to click's suggestion: name them here
        name = args[0] if args else ""
        if name not in VERBS and not name.startswith("-") and not ctx.resilient_parsing:
            from difflib import get_close_matches

            near = get_close_matches(name, VERBS)
            ctx.fail(f"No such command {name!r}."
                     + (f" Did you mean {near[0]!r}?" if len(near) == 1 else
                        f" (Did you mean one of: {', '.join(near)}?)" if near else ""))
        return super().resolve_command(ctx, args)

    def invoke(self, ctx):
        from .dsl import InputError

        try:
            return super().invoke(ctx)
        except InputError as e:
            from .common import InputFailure, report

            report(e)
            raise InputFailure() from None
        except KeyboardInterrupt:  # Ctrl-C: status 130, as cli/interrupt.py says
            from .interrupt import INTERRUPTED

            click.echo("", err=True)
            raise click.exceptions.Exit(INTERRUPTED) from None


@click.group(cls=_Verbs,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
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
      barometer series rules/minsk-barometer.rules examples/history/*.events examples/minsk-barometer-19.events
      barometer report rules/minsk-barometer.rules examples/minsk-barometer-19.events -o no19.html
      barometer check rules/*.rules examples/*
      barometer test rules/
    """


main.commands = _Commands()

if __name__ == "__main__":
    main()
