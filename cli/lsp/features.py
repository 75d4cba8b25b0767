"""What the editor asks of the server: hover, definition, completion,
formatting and quick fixes."""

from __future__ import annotations

import os
import re

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path

from ..dsl import model as m
from .documents import Doc, _docs, _text_of, scheme_of, scheme_path_for
from .positions import _counter, _lines, from_client, to_client


_WORD = re.compile(r"[A-Za-z_]\w*")
_DID_YOU_MEAN = re.compile(r"did you mean `([^`]+)`\?")


# --- hover, definition, completion ------------------------------------------------

def _where(ls: LanguageServer, uri: str, position: lsp.Position):
    """The document, its lines and the cursor as a code-point column."""
    doc = _docs(ls).get(uri)
    if doc is None:
        return None
    document = ls.workspace.get_text_document(uri)
    lines = _lines(uri, document.source, document.version)
    line, column = from_client(_counter(ls), lines, position)
    if line >= len(lines):
        return None
    return doc, lines, line, column


def _scheme_for(ls: LanguageServer, doc: Doc) -> m.Scheme | None:
    rules = doc.path if doc.kind == "rules" else scheme_path_for(doc.path,
                                                                 ls.workspace.root_path)
    return None if rules is None else scheme_of(rules)


def declaration_at(ls: LanguageServer, uri: str, position: lsp.Position):
    """The declaration the word under the cursor names, with what it is."""
    where = _where(ls, uri, position)
    if where is None:
        return None
    doc, lines, row, column = where
    word = None
    for found in _WORD.finditer(lines[row]):
        if found.start() <= column <= found.end():
            word = found.group()
    if word is None:
        return None
    scheme = _scheme_for(ls, doc)
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
    for attribute in scheme.attributes.values():
        if word == attribute.name or word in (attribute.choices or ()):
            return "attribute", attribute
    if word in m.BUILTIN_ATTRIBUTES and doc.kind == "rules":
        return "built-in", word
    return None


# What the built-in attributes are, for hover and completion.
BUILTINS = {"age": "the days from the event's end to the period's end (0 if it ends on the "
                   "period's last day or runs past it)",
            "days": "the days the event lasts (1 for one day)"}


def _describe(kind: str, thing) -> str:
    if kind == "built-in":
        return f"**built-in attribute {thing}**: {BUILTINS[thing]}; every event has it"
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
    if kind == "attribute":
        default = "" if thing.default is None else (
            f", default {thing.default if isinstance(thing.default, str) else m.plain(thing.default)}")
        return f"**attribute {thing.name}**: {thing.title}\n\n{thing.describe()}{default}"
    if kind == "index" and thing.formula is not None:  # a derived index: what it computes
        return f"**index {thing.name}**: {thing.title}\n\n= `{thing.formula.text()}`"
    return f"**{kind} {thing.name}**: {thing.title}"


def _span_of(kind: str, thing):
    return thing[1].span if kind == "band" else thing.span


def hover(ls: LanguageServer, params: lsp.HoverParams):
    found = declaration_at(ls, params.text_document.uri, params.position)
    if found is None:
        return None
    kind, thing = found
    if kind == "built-in":  # declared nowhere
        return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown,
                                                    value=_describe(kind, thing)))
    span = _span_of(kind, thing)
    where = f"\n\n{os.path.relpath(span.file, ls.workspace.root_path or '.')}:{span.line}"
    return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown,
                                                value=_describe(kind, thing) + where))


def definition(ls: LanguageServer, params: lsp.DefinitionParams):
    found = declaration_at(ls, params.text_document.uri, params.position)
    if found is None or found[0] == "built-in":
        return None
    span = _span_of(*found)
    path = os.path.abspath(span.file)
    lines = (_text_of(path) or "").split("\n")
    counter = _counter(ls)
    target = next((d.uri for d in _docs(ls).values() if path in (d.path, *d.aliases)),
                  None) or from_fs_path(path)
    return lsp.Location(uri=target, range=lsp.Range(
        to_client(counter, lines, span.line - 1, span.column - 1),
        to_client(counter, lines, span.end_line - 1, span.end_column - 1)))


_NOTHING = re.compile(r"^[ \t]*(\[|note\b|source\b)")
_EVENT_CONTEXTS = (
    (re.compile(r"^[ \t]*category[ \t]+\w*$"), "category"),
    (re.compile(r"^[ \t]*tags[ \t]+(\w+[ \t]*,[ \t]*)*\w*$"), "tag"),
    (re.compile(r"^[ \t]*published[ \t]+\w*$"), "index"),
    # an attribute's value: `level min|`
    (re.compile(r"^[ \t]+(?P<attribute>\w+)[ \t]+\w*$"), "value"),
    # a score line: `index score` pairs, indented under an event (or an attribute's name)
    (re.compile(r"^[ \t]+(\w+[ \t]+[+\-−–]?\d+(\.\d+)?[ \t]+)*\w*$"), "index or attribute"),
)
_NAMES = r"(\w+[ \t]*,[ \t]*)*\w*"
_RULES_CONTEXTS = (
    (re.compile(r"\bindex[ \t]+is[ \t]+\w*$"), "index"),
    (re.compile(r"\bindex[ \t]+in[ \t]*\[[ \t]*" + _NAMES + "$"), "index"),
    (re.compile(r"\bcategory[ \t]+is[ \t]+\w*$"), "category"),
    (re.compile(r"\bcategory[ \t]+in[ \t]*\[[ \t]*" + _NAMES + "$"), "category"),
    (re.compile(r"\btagged[ \t]+\w*$"), "tag"),
    (re.compile(r"^[ \t]*bands[ \t]+\w*$"), "index"),
    (re.compile(r"^[ \t]*group[ \t]+\w+[ \t]*(\"[^\"\n]*\"|“[^”\n]*”)?[ \t]*\[[ \t]*"
                + _NAMES + "$"), "index"),
    (re.compile(r"^[ \t]*vary[ \t]+weights[ \t]+of[ \t]+" + _NAMES + "$"), "category"),
    (re.compile(r"^[ \t]*vary[ \t]+bands[ \t]+of[ \t]+" + _NAMES + "$"), "bands"),
    (re.compile(r"^[ \t]*drop[ \t]+rule[ \t]+\w*$"), "rule"),
    (re.compile(r"^[ \t]*drop[ \t]+bands[ \t]+\w*$"), "bands"),
    (re.compile(r"^[ \t]*bands[ \t]*\[[ \t]*" + _NAMES + "$"), "index"),
    (re.compile(r"^[ \t]*bands[ \t]+(\w+|\[[^\]\n]*\])[ \t]+scale[ \t]+\w*$"), "scale"),
    (re.compile(r"\b(?P<attribute>\w+)[ \t]+is[ \t]+\w*$"), "value"),
    (re.compile(r"\b(?P<attribute>\w+)[ \t]+in[ \t]*\[[ \t]*" + _NAMES + "$"), "value"),
    # where a condition begins: the attributes it may ask
    (re.compile(r"(\bwhen|\band|\bor|\bnot|\bwhere|\()[ \t]+\w*$"), "attribute"),
    # in a derived index's expression: indices and functions
    (re.compile(r"^[ \t]*(index[ \t]+\w+[^=\n]*)?=([^\"\n]*[+\-*/(,])?[ \t]*\w*$"), "formula"),
    # in an action's expression: number attributes, functions and the score so far
    (re.compile(r"(\bset([ \t]+to)?|\badd|\bmultiply([ \t]+by)?)[ \t]+"
                r"([^\n]*[+\-*/(,][ \t]*)?\w*$"), "action"),
    # in a score expression: number attributes and functions
    (re.compile(r"^[ \t]*score[ \t]+([^\n]*[+\-*/(,][ \t]*)?\w*$"), "expression"),
)


def _no_items() -> lsp.CompletionList:
    return lsp.CompletionList(is_incomplete=False, items=[])


def completion_kind(kind: str, before: str) -> str | None:
    """What names fit after `before` (the line up to the cursor), if any."""
    if kind == "events":
        if _NOTHING.match(before) or "#" in before:
            return None
        contexts = _EVENT_CONTEXTS
    else:
        if "#" in re.sub(r'"[^"\n]*"|“[^”\n]*”', "", before) or before.count('"') % 2:
            return None
        contexts = _RULES_CONTEXTS
    for pattern, what in contexts:
        found = pattern.search(before)
        if found:
            attribute = found.groupdict().get("attribute")
            if what == "value":
                if attribute in _KEYWORDS_BEFORE_NAMES:
                    continue
                return f"value:{attribute}"
            return what
    return None


# Words that take names after them, whose names are not an attribute's values.
_KEYWORDS_BEFORE_NAMES = {"index", "category", "tagged", "tags", "published", "bands", "group",
                          "rule", "drop", "of", "weights", "vary"}


def _completion_table(what: str, scheme: m.Scheme) -> tuple[dict, str, object] | None:
    """The names that fit, what to call them, and their kind of item."""
    from barometer.dsl.nodes import INDEX_FUNCTIONS, NUMBER_FUNCTIONS

    kinds = lsp.CompletionItemKind
    functions = {f: None for f in sorted(set(NUMBER_FUNCTIONS) | set(INDEX_FUNCTIONS))}
    numbers = {n: a for n, a in scheme.attributes.items() if a.numeric}
    builtins = dict(BUILTINS)
    if what.startswith("value:"):
        attribute = scheme.attributes.get(what[6:])
        if attribute is None or attribute.numeric:
            return None
        return {c: None for c in attribute.choices}, f"value of {attribute.name}", kinds.EnumMember
    if what == "rule":
        return {r.name: r for r in scheme.rules}, "rule", kinds.Function
    if what == "scale":
        return (dict(scheme.scales), "scale",
                kinds.Enum)
    if what == "bands":
        return ({name: scheme.indices.get(name) for name in scheme.bands}, "index with bands",
                kinds.Variable)
    if what == "attribute":
        return {**scheme.attributes, **builtins}, "attribute", kinds.Field
    if what == "index or attribute":
        return ({**{n: i for n, i in scheme.indices.items() if not i.derived},
                 **scheme.attributes}, "index or attribute", kinds.Variable)
    if what == "formula":
        return {**scheme.indices, **functions}, "index or function", kinds.Variable
    if what in ("expression", "action"):
        words = ("recorded", "direction", "weight") + (("score",) if what == "action" else ())
        return {**numbers, **builtins, **{w: None for w in words},
                **{f: None for f in NUMBER_FUNCTIONS}}, "attribute, word or function", kinds.Field
    return ({"index": scheme.indices, "category": scheme.categories, "tag": scheme.tags}[what],
            what, {"index": kinds.Variable, "category": kinds.Enum, "tag": kinds.Constant}[what])


def completion(ls: LanguageServer, params: lsp.CompletionParams):
    empty = lsp.CompletionList(is_incomplete=False, items=[])
    where = _where(ls, params.text_document.uri, params.position)
    if where is None:
        return empty
    doc, lines, row, column = where
    what = completion_kind(doc.kind, lines[row][:column])
    scheme = None if what is None else _scheme_for(ls, doc)
    if scheme is None:
        return empty
    found = _completion_table(what, scheme)
    if found is None:
        return empty
    table, label, item_kind = found
    items = [lsp.CompletionItem(label=name, kind=item_kind,
                                detail=f"{label}: " + (thing if isinstance(thing, str) else
                                                       getattr(thing, 'title', '') or name))
             for name, thing in table.items()]
    return lsp.CompletionList(is_incomplete=False, items=items)


# --- formatting and quick fixes ------------------------------------------------------

def formatting(ls: LanguageServer, params: lsp.DocumentFormattingParams):
    from ..dsl.format import FormatError, format_text

    doc = _docs(ls).get(params.text_document.uri)
    if doc is None:
        return []
    text = ls.workspace.get_text_document(doc.uri).source
    try:
        formatted = format_text(text, doc.kind, doc.path)
    except FormatError:
        return []  # the diagnostics say what is wrong; nothing is changed
    except Exception:
        return []
    if formatted == text:
        return []
    lines = text.split("\n")
    end = to_client(_counter(ls), lines, len(lines) - 1, len(lines[-1]))
    return [lsp.TextEdit(range=lsp.Range(lsp.Position(0, 0), end), new_text=formatted)]


def code_action(ls: LanguageServer, params: lsp.CodeActionParams):
    """For every "did you mean `x`?": replace the misspelled name with `x`."""
    actions = []
    uri = params.text_document.uri
    for d in params.context.diagnostics:
        found = _DID_YOU_MEAN.search(d.message or "")
        if found is None or d.source not in (None, "barometer"):
            continue
        name = found.group(1)
        where = _misspelled(ls, uri, d, name)
        if where is None:
            continue
        actions.append(lsp.CodeAction(
            title=f"Change to `{name}`", kind=lsp.CodeActionKind.QuickFix, diagnostics=[d],
            is_preferred=True, edit=lsp.WorkspaceEdit(changes={
                uri: [lsp.TextEdit(range=where, new_text=name)]})))
    return actions


def _misspelled(ls: LanguageServer, uri: str, d: lsp.Diagnostic, name: str) -> lsp.Range | None:
    """The misspelled name inside a diagnostic's range: the range itself when it
    holds just that word, else the word the message quotes (`unknown index
    `rusia``) where it stands in the range."""
    document = ls.workspace.get_text_document(uri)
    lines = _lines(uri, document.source, document.version)
    counter = _counter(ls)
    line, start = from_client(counter, lines, d.range.start)
    end_line, end = from_client(counter, lines, d.range.end)
    if line >= len(lines):
        return None
    if end_line != line:
        end = len(lines[line])
    text = lines[line][start:end]
    if _WORD.fullmatch(text):
        return d.range
    quoted = [q for q in re.findall(r"`([A-Za-z_]\w*)`", d.message.split("\n")[0]) if q != name]
    for wrong in quoted:
        for found in re.finditer(rf"(?<!\w){re.escape(wrong)}(?!\w)", text):
            return lsp.Range(to_client(counter, lines, line, start + found.start()),
                             to_client(counter, lines, line, start + found.end()))
    return None
