"""barometer test: run the methodology tests written beside the rules."""

from __future__ import annotations

import sys

import click

from ..common import FILE, colour_wanted, format_option, highlighter, worded


@click.command("test")
@click.argument("paths", nargs=-1, type=FILE)
@click.option("-k", "select", metavar="EXPRESSION",
              help="Only the tests whose file or name matches: words and phrases, with "
                   "and, or, not and parentheses, as pytest's -k (-k 'by-category and not "
                   "recency').")
@click.option("-x", "--exitfirst", "first", is_flag=True,
              help="Stop at the first test that fails or cannot run.")
@click.option("--junit-xml", "junit", metavar="FILE", type=FILE,
              help="Also write the results as JUnit XML, for CI systems that show test "
                   "results.")
@format_option(["table", "json"])
def command(paths, select, first, junit, fmt):
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
      barometer test rules/ -k 'by-category or published' -x
      barometer test rules/ --junit-xml results.xml
    """
    from ..engine.methodtests import UsageProblem, run_tests

    if junit == "-":
        raise click.UsageError("--junit-xml writes a file: name it (standard output has the "
                               "table, or JSON)")
    try:
        run = run_tests(list(paths) or ["."], select, first)
    except UsageProblem as e:
        raise click.UsageError(worded(e)) from None
    if fmt == "json":
        from ..output.json import to_json

        click.echo(to_json(run_json(run)), nl=False)
    else:
        click.echo(run_text(run, colour_wanted(sys.stdout)), nl=False)
    if junit is not None:  # after the results, which a write that fails leaves shown
        from ..writing import refuse_inputs, write_file

        read = [*run.files, *(p for o in run.outcomes for p in (o.rules, *o.events) if p)]
        refuse_inputs(junit, read)
        write_file(junit, run_junit(run))
    raise click.exceptions.Exit(run.status)


def run_text(run, colour: bool = False) -> str:
    from ..dsl import render
    from ..dsl.diagnostics import visible

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
        name = f" {visible(o.name)}" if o.name else ""  # an ESC in a name moves no cursor
        why = "" if o.ran else " (not run: the test file has errors)"
        out.append(f"{mark} {o.where}{name}{why}")
        out += [str(f) for f in o.failures]
        out += [show(d) for d in o.diagnostics]
    if run.stopped:
        out.append("stopped at the first test that did not pass (-x)")
    out.append(run.summary)
    return "\n".join(out) + "\n"


def run_junit(run) -> str:
    """The run as JUnit XML: a test suite per test file, a test case per test, a
    failure with each expectation that does not hold, an error with the
    diagnostics of a test that could not run."""
    import re
    import xml.etree.ElementTree as ET

    from ..dsl import render

    def clean(text: str) -> str:  # XML 1.0 has no place for most control characters
        return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "\ufffd", text)

    root = ET.Element("testsuites", name="barometer test")
    suites: dict[str, ET.Element] = {}
    for o in run.outcomes:
        suite = suites.get(o.file)
        if suite is None:
            suite = suites[o.file] = ET.SubElement(root, "testsuite", name=clean(o.file))
        case = ET.SubElement(suite, "testcase", classname=clean(o.file),
                             name=clean(o.name or o.file), file=clean(o.file))
        if o.line is not None:
            case.set("line", str(o.line))
        if o.status == "failed":
            failure = ET.SubElement(case, "failure", message=clean(
                "; ".join(f"expected {f.subject} {f.expected}, got {f.got}" for f in o.failures)))
            failure.text = clean("\n".join(str(f) for f in o.failures))
        elif o.status == "error":
            found = list(o.diagnostics) or [d for d in run.diagnostics
                                              if d.span is None or d.span.file == o.file]
            error = ET.SubElement(case, "error", message=clean(
                found[0].message if found else "the test file has errors"))
            error.text = clean("\n".join(render(d) for d in found))
    for element in [*suites.values(), root]:
        cases = element.iter("testcase")
        counted = [c for c in cases]
        element.set("tests", str(len(counted)))
        element.set("failures", str(sum(1 for c in counted if c.find("failure") is not None)))
        element.set("errors", str(sum(1 for c in counted if c.find("error") is not None)))
        if element is not root:
            element.set("skipped", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, "unicode") + "\n"


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
                    "files": list(run.files),
                    **({"deselected": run.deselected} if run.deselected else {}),
                    **({"stopped": True} if run.stopped else {})},
    }
