"""barometer test: run the methodology tests written beside the rules."""

from __future__ import annotations

import sys

import click

from ..common import FILE, colour_wanted, format_option, highlighter


@click.command("test")
@click.argument("paths", nargs=-1, type=FILE)
@format_option(["table", "json"])
def command(paths, fmt):
    """Run the methodology tests in PATHS (default: the current folder).

    A test file (`.test`, beside the rules it tests) states what a scheme must
    give on a catalogue: figures, colours, rankings. Folders are searched for
    test files, hidden folders and Python environments aside. Each test is one
    line, `ok` or `FAIL`; under a failure, every expectation that does not hold,
    with its place, what it expected and what came out; then `N passed, M failed`.
    The format is in docs/language.md, "Methodology tests".

    Exit status: 0 every test passes, 1 a test fails, 2 a test file, scheme or
    catalogue has mistakes (shown as `check` shows them), or a usage error.

    \b
    Examples:
      barometer test rules/
      barometer test rules/minsk-barometer.test
      barometer test --format json
    """
    from ..engine.methodtests import UsageProblem, run_tests

    try:
        run = run_tests(list(paths) or ["."])
    except UsageProblem as e:
        raise click.UsageError(str(e)) from None
    if fmt == "json":
        from ..output.json import to_json

        click.echo(to_json(run_json(run)), nl=False)
    else:
        click.echo(run_text(run, colour_wanted(sys.stdout)), nl=False)
    raise click.exceptions.Exit(run.status)


def run_text(run, colour: bool = False) -> str:
    from ..dsl import render

    def paint(text, code):
        return f"\x1b[{code}m{text}\x1b[0m" if colour else text

    def show(d):
        return render(d, colour=colour, highlight=highlighter(colour))

    out = []
    shown_files = set()
    for o in run.outcomes:
        if not o.ran and o.file not in shown_files:  # the file's own mistakes, once
            shown_files.add(o.file)
            out += [show(d) for d in run.diagnostics if d.span is None or d.span.file == o.file]
        mark = paint("ok  ", "32") if o.passed else paint("FAIL", "1;31")
        name = f" {o.name}" if o.name else ""
        why = "" if o.ran else " (not run: the test file has errors)"
        out.append(f"{mark} {o.where}{name}{why}")
        out += [str(f) for f in o.failures]
        out += [show(d) for d in o.diagnostics]
    out.append(run.summary)
    return "\n".join(out) + "\n"


def run_json(run) -> dict:
    from ..output.json import number

    def values(found: dict) -> dict:
        return {k: number(v) if k in ("aggregate", "positive", "negative") else v
                for k, v in found.items()}

    return {
        "tests": [{
            "name": o.name,
            "file": o.file,
            "line": o.line,
            "status": o.status,
            "rules": o.rules,
            "events": list(o.events),
            "failures": [{
                "file": f.span.file, "line": f.span.line, "column": f.span.column,
                "subject": f.subject,
                "expected": values(f.expected_values), "got": values(f.got_values),
                "message": f"expected {f.subject} {f.expected}, got {f.got}",
            } for f in o.failures],
            "diagnostics": [d.to_json() for d in o.diagnostics],
        } for o in run.outcomes],
        "diagnostics": [d.to_json() for d in run.diagnostics],
        "summary": {"passed": run.passed, "failed": run.failed, "errors": run.errors,
                    "files": list(run.files)},
    }
