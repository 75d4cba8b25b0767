"""`barometer check` as a library call: every finding in rules files, event files
and spreadsheets, in one list sorted by file and position.

Rules files are checked on their own (syntax, names, `extends`, bands, rules).
Each event file or CSV is checked on its own against one scheme: the one given
as `rules`, else the only rules file named, else the one every other named rules
file extends (so `check rules/*.rules examples/*` checks the catalogues against
the published method that the alternatives build on).
"""

from __future__ import annotations

import os

from .dsl.node import Node, node

from .dsl import model as m
from .dsl.diagnostics import Diagnostic
from .dsl.files import OVERLAY
from .dsl.load import read_scheme
from .dsl.suppress import suppress

KINDS = {".rules": "rules", ".events": "events", ".csv": "events", ".xlsx": "events",
         ".xlsm": "events", ".ods": "events", ".jsonl": "events", ".ndjson": "events",
         ".parquet": "events"}


class UsageProblem(Exception):
    """The command was given something it cannot work with (not a finding)."""


@node
class Report(Node):
    diagnostics: tuple[Diagnostic, ...]
    files: tuple[str, ...]
    skipped: tuple[str, ...]  # folders, named but not checked
    suppressed: tuple[Diagnostic, ...] = ()  # warnings a comment in the file ignores

    @property
    def errors(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity == "warning")

    def __repr__(self):  # short, for notebooks; equality and hash stay Node's
        from .engine.records import bounded

        def count(n, word):
            return f"{n} {word}{'' if n == 1 else 's'}"

        codes: dict[str, int] = {}
        for d in self.diagnostics:
            codes[d.code] = codes.get(d.code, 0) + 1
        head = (f"<Report on {count(len(self.files), 'file')}: {count(self.errors, 'error')}, "
                f"{count(self.warnings, 'warning')}"
                + (f", {len(self.suppressed)} suppressed" if self.suppressed else "")
                + (f", {count(len(self.skipped), 'folder')} skipped" if self.skipped else ""))
        if not codes:
            return head + ">"
        return bounded(head + " (", [f"{c} x{n}" if n > 1 else c for c, n in codes.items()],
                       ")>")


def kind_of(path: str) -> str:
    kind = KINDS.get(os.path.splitext(path)[1].lower())
    if kind is None:
        raise UsageProblem(f"cannot tell what {path} is: rules files end in .rules, "
                           "event files in .events, spreadsheets in .csv")
    return kind


def _errors(problems) -> bool:
    return any(p.severity == "error" for p in problems)


def root_scheme(schemes: dict[str, m.Scheme]) -> str | None:
    """The named rules file that every other named one extends, if any."""
    if len(schemes) == 1:
        return next(iter(schemes))
    chains = {path: {os.path.realpath(f) for f in s.files} for path, s in schemes.items()}
    for path in schemes:
        if all(os.path.realpath(path) in chain for chain in chains.values()):
            return path
    return None


def check_files(paths: list[str], rules: str | None = None,
                period: m.Period | None = None, history: tuple[str, ...] = ()) -> Report:
    """Every finding in the files; `history`: earlier issues (one file each) that
    previous() and bands relative to history read, as `eval --history` does."""
    diagnostics: list[Diagnostic] = []
    skipped = tuple(p for p in paths if os.path.isdir(p))
    files = [p for p in paths if p not in skipped]
    kinds = {p: kind_of(p) for p in files if p != "-"}
    if "-" in files:
        kinds["-"] = "events"
    for path in files:
        if path != "-" and not os.path.exists(path) and path not in OVERLAY:
            raise UsageProblem(f"no such file: {path}")
    schemes: dict[str, m.Scheme] = {}
    for path in [p for p in files if kinds[p] == "rules"]:
        scheme, problems = read_scheme(path)  # checked even with errors, all in one run
        diagnostics += problems
        if scheme is not None and not _errors(problems):
            schemes[path] = scheme
    catalogues = [p for p in files if kinds[p] == "events"]
    if catalogues:
        scheme = _scheme_for_catalogues(rules, schemes, files, kinds, diagnostics)
        # the attributes the other schemes named read are theirs, not unknown indices
        others = frozenset(name for s in schemes.values() for name in s.attributes)
        for path in catalogues:
            diagnostics += _check_catalogue(path, scheme, period, others, history)
    from .dsl.suppress import unknown_codes

    for path in files:
        if path != "-":
            diagnostics += unknown_codes(path)
    unique = sorted(dict.fromkeys(diagnostics), key=Diagnostic.sort_key)
    kept, suppressed = suppress(unique)
    return Report(tuple(kept), tuple(files), skipped, tuple(suppressed))


def _scheme_for_catalogues(rules, schemes, files, kinds, diagnostics) -> m.Scheme | None:
    if rules is not None:
        if rules in schemes:
            return schemes[rules]
        if not os.path.exists(rules) and rules not in OVERLAY:
            raise UsageProblem(f"no such file: {rules}")
        scheme, problems = read_scheme(rules)
        if rules not in files:
            diagnostics += problems
        return None if _errors(problems) else scheme
    named = [p for p in files if kinds[p] == "rules"]
    if not named:
        raise UsageProblem("event files are checked against a scheme: name a rules file too, "
                           "or give --rules FILE")
    root = root_scheme(schemes) if len(schemes) == len(named) else None
    if root is None and len(named) > 1:
        if len(schemes) < len(named):
            return None  # a rules file has errors; they are reported
        raise UsageProblem("several rules files are named and none is the one the others "
                           "extend: say which scheme the event files follow with --rules FILE")
    return schemes.get(root or named[0])


def _check_catalogue(path: str, scheme: m.Scheme | None, period,
                     others: frozenset[str] = frozenset(),
                     history: tuple[str, ...] = ()) -> list[Diagnostic]:
    if scheme is None:
        return []  # the scheme's own errors are reported; names cannot be checked without it
    from .engine.verify import read_catalogue_checked

    catalogue, found = read_catalogue_checked([path], scheme, period, others=others,
                                              alone=not history)
    if history and catalogue is not None and not any(p.severity == "error" for p in found):
        from .engine.series import evaluate_after

        found += evaluate_after(scheme, catalogue, list(history))[1]
    return found


# --- the report in the formats CI systems read (`check --format github|sarif`) ---------

def statistics(report: Report) -> list[tuple[str, str, int]]:
    """(code, severity, count) for each code found, the most frequent first."""
    counts: dict[tuple[str, str], int] = {}
    for d in report.diagnostics:
        counts[d.code, d.severity] = counts.get((d.code, d.severity), 0) + 1
    return sorted(((c, s, n) for (c, s), n in counts.items()), key=lambda t: (-t[2], t[0]))


def _escape(text: str, property: bool = False) -> str:
    """A value in a GitHub workflow command: `%`, line ends (and in a property `:`
    and `,`) percent-encoded, as the Actions toolkit does."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if property else text


def github(report: Report) -> str:
    """One workflow command per finding (`::error file=F,line=L,col=C,...::message`):
    GitHub Actions shows each on the line it concerns in a pull request."""
    out = []
    for d in report.diagnostics:
        where = []
        if d.span is not None:
            s = d.span
            where = [f"file={_escape(s.file.replace(os.sep, '/'), True)}", f"line={s.line}",
                     f"col={s.column}", f"endLine={s.end_line}"]
            if s.end_line == s.line:
                where.append(f"endColumn={s.end_column}")
        text = d.message + (f"\nhint: {d.hint}" if d.hint else "")
        title = f"title={_escape(d.code, True)}"
        out.append(f"::{d.severity} {','.join(where + [title])}::{_escape(text)}")
    return "".join(line + "\n" for line in out)


SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _uri(path: str) -> str:
    """A file's place as SARIF wants it: a relative path as a relative URI (GitHub
    resolves it against the repository's root), an absolute one as file://."""
    from pathlib import Path
    from urllib.parse import quote

    if os.path.isabs(path):
        return Path(path).as_uri()
    return quote(path.replace(os.sep, "/"))


def sarif(report: Report) -> dict:
    """The findings as a SARIF 2.1.0 log, for code scanning: one run, a rule per
    code found, a result per finding, columns counted in Unicode code points as
    barometer counts them."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        tool_version = version("barometer")
    except PackageNotFoundError:  # pragma: no cover  (run from a checkout)
        tool_version = "0"
    codes = sorted({d.code for d in report.diagnostics})
    rules = [{"id": c, "help": {"text": f"See docs/diagnostics.md, {c}."}} for c in codes]
    results = []
    for d in report.diagnostics:
        result = {"ruleId": d.code, "ruleIndex": codes.index(d.code), "level": d.severity,
                  "message": {"text": d.message + (f" (hint: {d.hint})" if d.hint else "")}}
        if d.span is not None:
            s = d.span
            result["locations"] = [{"physicalLocation": {
                "artifactLocation": {"uri": _uri(s.file)},
                "region": {"startLine": max(s.line, 1), "startColumn": max(s.column, 1),
                           "endLine": max(s.end_line, s.line, 1),
                           "endColumn": max(s.end_column, 1)}}}]
        results.append(result)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "barometer", "version": tool_version,
                                "rules": rules}},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }
