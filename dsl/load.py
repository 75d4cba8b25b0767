"""The readers as check stages (dsl/checks.py): a rules file, or a catalogue's
files, to a model and every finding on the way. The table's runner
(engine/verify.py) calls them, and the check stages after them."""

from __future__ import annotations

from . import model as m
from .diagnostics import Diagnostic, InputError
from .events import read_catalogue
from .resolve import resolve_scheme


def read_rules(path: str) -> tuple[m.Scheme | None, list[Diagnostic]]:
    """The scheme, as far as it could be built, and every finding in its files. A
    scheme with unknown names is still returned, to check it further."""
    try:
        return resolve_scheme(path)
    except InputError as e:  # unreadable: a finding in that file
        return None, list(e.diagnostics)


def read_events(paths: list[str], scheme: m.Scheme, period: m.Period | None = None,
                others: frozenset[str] = frozenset()
                ) -> tuple[m.Catalogue | None, list[Diagnostic]]:
    """The events of all `paths`, read as one catalogue with every name resolved
    against `scheme`, and every finding in any file. `others`: the attributes
    other schemes read from the same catalogue (compare)."""
    return read_catalogue(paths, scheme, period, others)
