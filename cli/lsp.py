"""A language server for rules and event files (`barometer lsp`, over stdio).

- diagnostics: what `barometer check` finds, as the file is edited;
- hover on an index, category, tag or band name: its declaration;
- go to definition: where it is declared, in a parent scheme too;
- completion: the index, category and tag names of the scheme.

An event file is checked against the scheme named in a comment near its top
(`# check with: ../rules/minsk-barometer.rules`, or `# rules: ...`), else the
rules files beside it or in a `rules/` folder next to it or at the workspace's
root (the one the others extend). Open documents are read from the editor, not
from disk, so findings follow every keystroke.
"""

from __future__ import annotations

import glob
import os
import re

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from .dsl import files as dsl_files
from .dsl import model as m

server = LanguageServer("barometer", "0.1.0", text_document_sync_kind=lsp.TextDocumentSyncKind.Full)

_DIRECTIVE = re.compile(r"#\s*(?:check with|rules)\s*:\s*(\S+)")
_WORD = re.compile(r"[A-Za-z_]\w*")


def scheme_path_for(path: str, root: str | None) -> str | None:
    """The rules file an event file is checked against."""
    if path.endswith(".rules"):
        return path
    text = dsl_files.OVERLAY.get(path)
    if text is None and os.path.exists(path):
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
    for line in (text or "").splitlines()[:20]:
        found = _DIRECTIVE.search(line)
        if found:
            return os.path.normpath(os.path.join(os.path.dirname(path), found.group(1)))
    folder = os.path.dirname(path)
    for place in (folder, os.path.join(folder, "..", "rules"), os.path.join(folder, "rules"),
                  os.path.join(root or folder, "rules")):
        candidates = sorted(glob.glob(os.path.join(place, "*.rules")))
        if candidates:
            return _root_of(candidates)
    return None


def _root_of(paths: list[str]) -> str:
    from .dsl.resolve import resolve_scheme

    schemes = {}
    for p in paths:
        try:
            scheme, _ = resolve_scheme(p)
        except Exception:  # an unreadable candidate is not the one
            scheme = None
        if scheme is not None:
            schemes[p] = scheme
    from .checker import root_scheme

    return root_scheme(schemes) or paths[0]


def load_scheme_for(path: str, root: str | None) -> m.Scheme | None:
    from .dsl.diagnostics import InputError
    from .dsl.resolve import resolve_scheme

    rules = scheme_path_for(path, root)
    if rules is None:
        return None
    try:
        scheme, _ = resolve_scheme(rules)
    except InputError:
        return None
    return scheme


def findings(path: str, root: str | None) -> list[lsp.Diagnostic]:
    from .checker import UsageProblem, check_files

    rules = scheme_path_for(path, root)
    try:
        if path.endswith(".rules"):
            report = check_files([path])
        elif rules is not None:
            report = check_files([path], rules=rules)
        else:
            return [lsp.Diagnostic(
                range=lsp.Range(lsp.Position(0, 0), lsp.Position(0, 1)),
                message="no scheme found to check this catalogue against: add a comment "
                        "`# check with: path/to/scheme.rules` near the top",
                severity=lsp.DiagnosticSeverity.Information, source="barometer")]
    except UsageProblem as e:
        return [lsp.Diagnostic(range=lsp.Range(lsp.Position(0, 0), lsp.Position(0, 1)),
                               message=str(e), severity=lsp.DiagnosticSeverity.Error,
                               source="barometer")]
    out = []
    for d in report.diagnostics:
        if d.span is None or os.path.realpath(d.span.file) != os.path.realpath(path):
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
    return out


def _publish(ls: LanguageServer, uri: str) -> None:
    doc = ls.workspace.get_text_document(uri)
    path = to_fs_path(uri)
    dsl_files.OVERLAY[path] = doc.source
    ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(
        uri=uri, version=doc.version, diagnostics=findings(path, ls.workspace.root_path)))


@server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: LanguageServer, params: lsp.DidOpenTextDocumentParams):
    _publish(ls, params.text_document.uri)


@server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: LanguageServer, params: lsp.DidChangeTextDocumentParams):
    _publish(ls, params.text_document.uri)


@server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: LanguageServer, params: lsp.DidSaveTextDocumentParams):
    _publish(ls, params.text_document.uri)


@server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: LanguageServer, params: lsp.DidCloseTextDocumentParams):
    dsl_files.OVERLAY.pop(to_fs_path(params.text_document.uri), None)


def declaration_at(ls: LanguageServer, uri: str, position: lsp.Position):
    """The declaration the word under the cursor names, with what it is."""
    doc = ls.workspace.get_text_document(uri)
    lines = doc.lines
    if position.line >= len(lines):
        return None
    line = lines[position.line]
    word = None
    for found in _WORD.finditer(line):
        if found.start() <= position.character <= found.end():
            word = found.group()
    if word is None:
        return None
    scheme = load_scheme_for(to_fs_path(uri), ls.workspace.root_path)
    if scheme is None:
        return None
    for kind, table in (("index", scheme.indices), ("category", scheme.categories),
                        ("tag", scheme.tags), ("group", scheme.groups)):
        if word in table:
            return kind, table[word]
    for bandset in scheme.bands.values():
        for band in bandset.bands:
            if band.name == word:
                return "band", (bandset, band)
    for rule in scheme.rules:
        if rule.name == word:
            return "rule", rule
    return None


def _describe(kind: str, thing) -> str:
    if kind == "band":
        bandset, band = thing
        text = f"**band {band.name}** of `{bandset.index}`: {band.describe()}"
        return text + (f"\n\n{band.interpretation}" if band.interpretation else "")
    if kind == "category":
        weight = "" if thing.weight is None else f", weight {m.plain(thing.weight)}"
        return f"**category {thing.name}**: {thing.title}{weight}"
    if kind == "rule":
        return f"**rule {thing.name}**: {thing.title}"
    if kind == "group":
        return f"**group {thing.name}**: {thing.title} ({', '.join(thing.indices)})"
    return f"**{kind} {thing.name}**: {thing.title}"


def _span_of(kind: str, thing):
    return thing[1].span if kind == "band" else thing.span


@server.feature(lsp.TEXT_DOCUMENT_HOVER)
def hover(ls: LanguageServer, params: lsp.HoverParams):
    found = declaration_at(ls, params.text_document.uri, params.position)
    if found is None:
        return None
    kind, thing = found
    span = _span_of(kind, thing)
    where = f"\n\n{os.path.relpath(span.file, ls.workspace.root_path or '.')}:{span.line}"
    return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown,
                                                value=_describe(kind, thing) + where))


@server.feature(lsp.TEXT_DOCUMENT_DEFINITION)
def definition(ls: LanguageServer, params: lsp.DefinitionParams):
    found = declaration_at(ls, params.text_document.uri, params.position)
    if found is None:
        return None
    span = _span_of(*found)
    return lsp.Location(uri=from_fs_path(os.path.abspath(span.file)), range=lsp.Range(
        lsp.Position(span.line - 1, span.column - 1),
        lsp.Position(span.end_line - 1, span.end_column - 1)))


@server.feature(lsp.TEXT_DOCUMENT_COMPLETION,
                lsp.CompletionOptions(trigger_characters=[" ", "[", ","]))
def completion(ls: LanguageServer, params: lsp.CompletionParams):
    scheme = load_scheme_for(to_fs_path(params.text_document.uri), ls.workspace.root_path)
    if scheme is None:
        return lsp.CompletionList(is_incomplete=False, items=[])
    items = []
    for kind, table, item_kind in (("index", scheme.indices, lsp.CompletionItemKind.Variable),
                                   ("category", scheme.categories, lsp.CompletionItemKind.Enum),
                                   ("tag", scheme.tags, lsp.CompletionItemKind.Constant)):
        for name, thing in table.items():
            items.append(lsp.CompletionItem(label=name, kind=item_kind,
                                            detail=f"{kind}: {thing.title}"))
    return lsp.CompletionList(is_incomplete=False, items=items)


def main(stdin=None, stdout=None) -> None:
    server.start_io(stdin, stdout)
