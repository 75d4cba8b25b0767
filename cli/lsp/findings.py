"""What the checker finds in a file, as the editor's diagnostics."""

from __future__ import annotations

import os

from lsprotocol import types as lsp

from .. import api
from .documents import (_EXTENDS, _exists, _is_regular, _key, _stamp, _text_of, directive_of,
                        irregular_in_chain, scheme_of, scheme_path_for)


# --- what the checker finds -----------------------------------------------------

def _note(line: int, start: int, end: int, message: str,
          severity=lsp.DiagnosticSeverity.Warning, code: str | None = None) -> lsp.Diagnostic:
    return lsp.Diagnostic(range=lsp.Range(lsp.Position(line, start), lsp.Position(line, end)),
                          message=message, severity=severity, code=code, source="barometer")


def _shown(path: str, near: str) -> str:
    """A path as the user would write it, relative to the file that names it."""
    try:
        return os.path.relpath(path, os.path.dirname(near))
    except ValueError:
        return path


def _chain(rules: str) -> frozenset:
    """The rules files a check with `rules` reads: a change to any of them re-checks."""
    scheme = scheme_of(rules, last_good=False)
    files = scheme.files if scheme is not None else (rules,)
    return frozenset(_key(f) for f in files) | _chain_files(rules)


def findings(path: str, root: str | None, kind: str | None = None
             ) -> tuple[list[lsp.Diagnostic], frozenset]:
    """What the checker finds in the file at `path` (0-based lines, code-point
    columns), and the rules files the finding depends on."""
    kind = kind or ("rules" if path.endswith(".rules") else "events")
    directive = None
    if kind == "rules":
        rules = path
        irregular = irregular_in_chain(path)
        if irregular is not None:
            what, via, line, written = irregular
            if _key(via) != _key(path):
                line, written = 0, _shown(what, path)
            return [_note(line, 0, 1, f"{written} is not a regular file (it is a "
                          "folder, a device or a pipe): a scheme can extend only a rules file",
                          lsp.DiagnosticSeverity.Error, "B004")], _chain_files(path)
    else:
        directive = directive_of(path)
        rules = directive.path if directive else scheme_path_for(path, root)
        where = (directive.line, directive.start, directive.end) if directive else (0, 0, 1)
        if rules is None:
            return [_note(0, 0, 1, "no scheme found to check this catalogue against: add a "
                          "comment `# check with: path/to/scheme.rules` near the top",
                          lsp.DiagnosticSeverity.Information)], frozenset()
        shown = directive.written if directive else _shown(rules, path)
        if not _exists(rules):
            return [_note(*where, f"no such rules file: {shown}", lsp.DiagnosticSeverity.Error,
                          "B002")], frozenset({rules})
        irregular = irregular_in_chain(rules)
        if irregular is not None:
            what = shown if irregular[0] == rules else irregular[3]
            return [_note(*where, f"{what} is not a regular file (it is a folder, "
                          "a device or a pipe): a scheme is read from a rules file",
                          lsp.DiagnosticSeverity.Error, "B004")], _chain_files(rules)
        uses = _chain(rules)
        if _scheme_has_errors(rules):
            return [_note(*where, f"the scheme {shown} has errors; fix them to check this file",
                          lsp.DiagnosticSeverity.Warning)], uses
    try:
        # an event file: with the scheme kept while its files do not change (the
        # findings in them are not this file's), and the same object at every
        # keystroke, which lets the reader keep each unchanged event's check
        report = (api.check_files([path]) if kind == "rules" else
                  api.check_files([path], rules=rules,
                                  scheme=scheme_of(rules, last_good=False)))
    except api.UsageProblem as e:
        return [_note(0, 0, 1, str(e), lsp.DiagnosticSeverity.Error)], frozenset({rules})
    mine = _key(path)
    out = []
    elsewhere = sorted({d.span.file for d in report.diagnostics if d.severity == "error"
                        and d.span is not None and _key(d.span.file) != mine})
    if kind == "rules" and elsewhere:  # a scheme it extends: say so where it says `extends`
        text = _text_of(path) or ""
        found = _EXTENDS.search(text)
        line, start, end = 0, 0, 1
        if found:
            line_start = text.rfind("\n", 0, found.start()) + 1
            indent = len(found.group()) - len(found.group().lstrip())
            line = text.count("\n", 0, found.start())
            start, end = found.start() + indent - line_start, found.end() - line_start
        shown = ", ".join(_shown(f, path) for f in elsewhere)
        out.append(_note(line, start, end, f"the scheme this extends ({shown}) has errors; "
                         "fix them to check this file completely",
                         lsp.DiagnosticSeverity.Warning))
    for d in report.diagnostics:
        if d.span is None or _key(d.span.file) != mine:
            continue
        s = d.span
        end_line, end_col = (s.end_line, s.end_column) if s.end_line == s.line else (
            s.line, s.column + 1)
        out.append(lsp.Diagnostic(
            range=lsp.Range(lsp.Position(s.line - 1, s.column - 1),
                            lsp.Position(end_line - 1, max(end_col - 1, s.column))),
            message=d.message + (f"\n{d.hint}" if d.hint else ""),
            severity=(lsp.DiagnosticSeverity.Error if d.severity == "error"
                      else lsp.DiagnosticSeverity.Warning),
            code=d.code, source="barometer"))
    return out, (_chain(path) if kind == "rules" else uses)


def _chain_files(rules: str) -> frozenset:
    """The files of an `extends` chain, read without the checker."""
    files, current = {rules}, rules
    while True:
        text = _text_of(current) if _is_regular(current) else None
        found = _EXTENDS.search(text or "")
        if found is None:
            return frozenset(files)
        current = _key(os.path.join(os.path.dirname(current),
                                    found.group(1) or found.group(2) or ""))
        if current in files:
            return frozenset(files)
        files.add(current)


_errors_cache: dict[str, tuple[tuple, bool]] = {}


def _scheme_has_errors(rules: str) -> bool:
    """Whether the scheme has errors, as the front door reads it for `eval`;
    asked at every keystroke in an event file, worked out again only when one
    of the scheme's files changed."""
    stamps = tuple((f, _stamp(f)) for f in sorted(_chain(rules)))
    cached = _errors_cache.get(rules)
    if cached is not None and cached[0] == stamps:
        return cached[1]
    scheme, problems = api.read_scheme(rules, mode="eval")
    errors = scheme is None or bool(problems.errors)
    _errors_cache[rules] = (stamps, errors)
    return errors
