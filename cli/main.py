"""The `barometer` command: a group of verbs, one module each in `verbs/`.

Exit status: 0 success, 1 findings (for checks), 2 a usage error or a mistake in
an input file. Mistakes in files are reported as `file:line:col` with the line
and a caret, never as a Python traceback.
"""

from __future__ import annotations

from importlib import import_module

import click

# The verbs, each the `command` of its module in verbs/, loaded when it is asked
# for (click's documented lazy group): the eleven modules and their options cost
# a cold `eval` about 4 ms of its start.
VERBS = ("eval", "series", "report", "check", "explain", "compare", "sensitivity", "fmt", "lsp",
         "test", "agree")


class _Verbs(click.Group):
    """The verbs, with a last guard: a mistake in an input file that a verb did
    not report itself is reported as every other (located, status 2), never as
    a traceback; Ctrl-C ends any verb with status 130 and no traceback."""

    def list_commands(self, ctx):
        return sorted(VERBS)  # as click lists the commands it holds

    def get_command(self, ctx, name):
        if name in VERBS and name not in self.commands:
            command = import_module(f".verbs.{name}", __package__).command
            command.params.append(_QUIET)
            if any(param.name == "out" for param in command.params):
                from .writing import refusing_bad_outputs

                command.callback = refusing_bad_outputs(command.callback)
            self.add_command(command)
        return self.commands.get(name)

    def resolve_command(self, ctx, args):
        if args and args[0] not in VERBS:  # not a verb: click suggests among all of them
            for name in VERBS:
                self.get_command(ctx, name)
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

    def main(self, *args, **kwargs):
        """As click's, but the `barometer` command itself leaves without tearing
        the interpreter down (interrupt.py `leave`)."""
        from .interrupt import is_the_command, leave, started

        started()
        if not (kwargs.get("standalone_mode", True) and is_the_command()):
            return super().main(*args, **kwargs)
        try:
            super().main(*args, **kwargs)
        except SystemExit as e:
            leave(e.code)
            raise
        leave(0)


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


def _quiet(ctx, param, value):
    if value:
        ctx.find_root().meta["barometer.quiet"] = True


# Every verb: long work shows its progress on a terminal's stderr (cli/progress.py).
_QUIET = click.Option(["--quiet", "-q"], is_flag=True, expose_value=False, callback=_quiet,
                      help="No progress line on standard error (shown only on a terminal, "
                           "when the work lasts more than half a second).")


if __name__ == "__main__":
    main()
