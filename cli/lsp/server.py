"""The server: the document lifecycle and every feature, registered."""

from __future__ import annotations

import functools

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer

from ..dsl import fast_events
from ..dsl import files as dsl_files
from .documents import _docs, _open, _sync, _users_of
from .features import code_action, completion, definition, formatting, hover, _no_items
from .positions import _lines_cache
from .worker import schedule


# --- the document lifecycle -----------------------------------------------------

def initialize(ls: LanguageServer, params: lsp.InitializeParams):
    for doc in _docs(ls).values():
        if doc.timer is not None:
            doc.timer.cancel()
    _docs(ls).clear()


def did_open(ls: LanguageServer, params: lsp.DidOpenTextDocumentParams):
    doc = _open(ls, params.text_document.uri)
    _sync(ls, doc)
    schedule(ls, doc, 0)
    if doc.kind == "rules":
        for user in _users_of(doc):
            schedule(ls, user, scheme_changed=True)


def did_change(ls: LanguageServer, params: lsp.DidChangeTextDocumentParams):
    doc = _docs(ls).get(params.text_document.uri) or _open(ls, params.text_document.uri)
    _sync(ls, doc)
    schedule(ls, doc)
    if doc.kind == "rules":
        for user in _users_of(doc):
            schedule(ls, user, scheme_changed=True)


def did_save(ls: LanguageServer, params: lsp.DidSaveTextDocumentParams):
    doc = _docs(ls).get(params.text_document.uri)
    if doc is not None:
        schedule(ls, doc)
        for user in _users_of(doc):
            schedule(ls, user, scheme_changed=True)


def did_close(ls: LanguageServer, params: lsp.DidCloseTextDocumentParams):
    doc = _docs(ls).pop(params.text_document.uri, None)
    _lines_cache.pop(params.text_document.uri, None)
    if doc is None:
        return
    if doc.timer is not None:
        doc.timer.cancel()
    for p in (doc.path, *doc.aliases):
        dsl_files.OVERLAY.pop(p, None)
    fast_events.remember(doc.path, on=False)
    ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(
        uri=doc.uri, diagnostics=[]))
    for user in _users_of(doc):  # they now read the file from disk
        schedule(ls, user, scheme_changed=True)


def _quietly(handler, default=None):
    """A request that trips on something unexpected answers with nothing (and a
    line in the editor's log), never with a Python traceback."""

    @functools.wraps(handler)
    def guarded(ls: LanguageServer, params):
        try:
            return handler(ls, params)
        except Exception as e:
            try:
                ls.window_log_message(lsp.LogMessageParams(
                    type=lsp.MessageType.Log,
                    message=f"barometer: {handler.__name__} stopped on {type(e).__name__}: {e}"))
            except Exception:
                pass
            return default() if callable(default) else default

    return guarded


def create_server() -> LanguageServer:
    """A language server with every feature; each has its own open documents."""
    ls = LanguageServer("barometer", "0.1.0",
                        text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental)
    ls.barometer_docs = {}
    ls.feature(lsp.INITIALIZE)(initialize)
    for method, handler in ((lsp.TEXT_DOCUMENT_DID_OPEN, did_open),
                            (lsp.TEXT_DOCUMENT_DID_CHANGE, did_change),
                            (lsp.TEXT_DOCUMENT_DID_SAVE, did_save),
                            (lsp.TEXT_DOCUMENT_DID_CLOSE, did_close),
                            (lsp.TEXT_DOCUMENT_HOVER, hover),
                            (lsp.TEXT_DOCUMENT_DEFINITION, definition)):
        ls.feature(method)(_quietly(handler))
    ls.feature(lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(
        trigger_characters=[" ", "[", ","]))(_quietly(completion, _no_items))
    ls.feature(lsp.TEXT_DOCUMENT_FORMATTING)(_quietly(formatting, list))
    ls.feature(lsp.TEXT_DOCUMENT_CODE_ACTION, lsp.CodeActionOptions(
        code_action_kinds=[lsp.CodeActionKind.QuickFix]))(_quietly(code_action, list))
    return ls


server = create_server()


def main(stdin=None, stdout=None) -> None:
    server.start_io(stdin, stdout)
