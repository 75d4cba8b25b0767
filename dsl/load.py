"""Text to a checked model, as every verb reads it: a scheme or a catalogue is
read, resolved (dsl/resolve.py) and put through the check stages that can find
errors (dsl/checks.py). `eval` and `check` both come through here, so they agree
on what is an error; `check` then runs the stages that only warn as well."""

from __future__ import annotations

from . import model as m
from .checks import check_scheme
from .diagnostics import Diagnostic, InputError
from .events import read_catalogue
from .resolve import resolve_scheme


def _errors(problems: list[Diagnostic]) -> list[Diagnostic]:
    return [p for p in problems if p.severity == "error"]


def read_scheme(path: str, errors_only: bool = False) -> tuple[m.Scheme | None,
                                                                list[Diagnostic]]:
    """The scheme and every finding in it. A scheme with unknown names is still
    returned, and checked, to report everything in one run; with `errors_only`
    (for `eval`), only the stages that can find errors run, and only on a scheme
    that was read and resolved without error."""
    try:
        scheme, problems = resolve_scheme(path)
    except InputError as e:  # unreadable: a finding in that file
        return None, list(e.diagnostics)
    if scheme is not None and not (errors_only and _errors(problems)):
        problems = problems + check_scheme(scheme, errors_only)
    return scheme, problems


def load_scheme(path: str) -> m.Scheme:
    """The methodology in `path`, its `extends` chain resolved and checked; raises
    InputError with every error found in any file of the chain."""
    scheme, problems = read_scheme(path, errors_only=True)
    errors = _errors(problems)
    if errors or scheme is None:
        raise InputError(errors or problems)
    return scheme


def load_catalogue(paths: list[str], scheme: m.Scheme,
                   period: m.Period | None = None) -> m.Catalogue:
    """The events of all `paths`, read as one catalogue with every name resolved
    against `scheme`; raises InputError with every problem in every file. (The
    stages that need the evaluation, such as published totals, are run by
    `barometer.engine.verify.read_catalogue_checked`, as `eval` and `check` do.)"""
    catalogue, problems = read_catalogue(paths, scheme, period)
    errors = _errors(problems)
    if errors or catalogue is None:
        raise InputError(errors or problems)
    return catalogue
