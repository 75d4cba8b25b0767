"""A small LALR(1) driver over parse tables that Lark computes from `grammar/`.

Lark is the source of truth for the language: it reads `grammar/*.lark` and
builds the LALR tables. Importing Lark and compiling its contextual lexer costs
more than a whole `barometer eval` may take, so the tables are exported once as
plain JSON into a per-user cache (keyed by the grammar's hash and Lark's version)
and driven here. Trees are shaped exactly as Lark shapes them (`_rule` inlined,
`?rule` collapsed, anonymous tokens filtered, aliases), which
`tests/test_grammar.py` checks against Lark itself.

Nodes are built by reduction callbacks, bottom up, without recursion, so deeply
nested input cannot overflow the Python stack here.
"""

from __future__ import annotations

import marshal
import os
import re
import sys
import zlib
from typing import Any, Callable, NamedTuple

TABLE_FORMAT = 3


class Token(NamedTuple):
    type: str
    value: str
    offset: int
    line: int
    column: int  # 1-based
    end_line: int
    end_column: int  # 1-based, one past the last character


class Meta(NamedTuple):
    line: int
    column: int
    end_line: int
    end_column: int
    offset: int
    end_offset: int


class Node(NamedTuple):
    """A parse tree node for rules without a callback."""

    data: str
    children: list
    meta: Meta | None


class SyntaxProblem(NamedTuple):
    """One syntax error: where, what was found, and which terminals would do."""

    token: Token
    expected: frozenset  # terminal names
    unlexable: bool  # no terminal at all matches the text here
    previous: Token | None = None  # the last token read before it


class Terminal(NamedTuple):
    name: str
    pattern: str  # a regular expression
    is_string: bool  # a literal keyword or punctuation
    priority: int
    flags: int
    min_width: int


class Tables:
    """The exported grammar: terminals, rules and the LALR action table."""

    def __init__(self, data: dict):
        self.terminals = {row[0]: Terminal(*row) for row in data["terminals"]}
        self.literals = {t.name: t.pattern for t in self.terminals.values() if t.is_string}
        self.literal_values = {name: re.sub(r"\\(.)", r"\1", pattern)
                               for name, pattern in self.literals.items()}
        self.ignore = tuple(data["ignore"])
        self.rules = data["rules"]  # as export_tables gives them: tuples
        self.states = data["states"]
        self.start = data["start"]
        self.end = data["end"]
        self._scanners: dict = {}
        self._patterns: dict[str, re.Pattern] = {}

    def scanner(self, state: int) -> tuple:
        """The terminals `state` accepts, in the order they are tried: patterns
        first, the ones that match more text before those that match less, then
        keywords (a name that reads `category` is retyped to the keyword where the
        keyword is acceptable), ignored terminals last. The first that matches wins."""
        found = self._scanners.get(state)
        if found is None:
            accepted = [n for n in self.states[state] if n in self.terminals]
            key = frozenset(accepted)  # many states accept the same terminals
            found = self._scanners.get(key)
            if found is None:
                found = self._scanners[key] = self._scanner(accepted)
            self._scanners[state] = found
        return found

    def _scanner(self, accepted: list[str]) -> tuple:
        terminals = self.terminals
        patterns = sorted((n for n in accepted if not terminals[n].is_string),
                          key=lambda n: (-terminals[n].priority, -terminals[n].min_width, n))
        literals = sorted((n for n in accepted if terminals[n].is_string),
                          key=lambda n: (-len(self.literal_values[n]), n))
        order = patterns + literals + [n for n in self.ignore if n not in accepted]
        keywords = {self.literal_values[n]: n for n in literals}
        # Small patterns tried in turn compile far faster than one big alternation
        # per state, and a token is usually found by the first or second. A
        # literal is not compiled at all: it is looked for as a string (the
        # rules grammar's 48 literals cost a cold eval 0.6 ms of compiling).
        return tuple((self.literal_values[n] if self._plain(n) else self._compiled(n), n,
                      n in self.ignore) for n in order), keywords

    def _plain(self, name: str) -> bool:
        """A literal terminal without flags, whose text is its whole pattern."""
        t = self.terminals[name]
        return t.is_string and not t.flags and bool(self.literal_values[name])

    def _compiled(self, name: str) -> re.Pattern:
        found = self._patterns.get(name)
        if found is None:
            t = self.terminals[name]
            found = self._patterns[name] = re.compile(t.pattern, t.flags)
        return found

    def expected(self, state: int) -> frozenset:
        return frozenset(n for n in self.states[state] if n.isupper() or n == "$END")


def export_tables(grammar_text: str) -> dict:
    """Build the LALR tables with Lark and return them as plain data (lists,
    tuples, dicts, strings and numbers, which `marshal` writes and reads)."""
    from lark import Lark  # only when the cache is cold
    from lark.lexer import PatternStr

    lark = Lark(grammar_text, parser="lalr", lexer="contextual")
    table = lark.parser.parser.parser.parse_table
    rule_ids = {id(rule): i for i, rule in enumerate(lark.rules)}
    rules = []
    for rule in lark.rules:
        keep = [
            [i, (not sym.is_term) and sym.name.startswith("_")]
            for i, sym in enumerate(rule.expansion)
            if rule.options.keep_all_tokens or not (sym.is_term and sym.filter_out)
        ]
        rules.append((str(rule.origin.name), None if rule.alias is None else str(rule.alias),
                      bool(rule.options.expand1),
                      len(rule.expansion), keep))
    states = []
    for number in range(len(table.states)):
        row = {}
        for sym, (action, arg) in table.states[number].items():
            if action.name == "Shift":
                row[str(sym)] = (0, arg)
            else:
                row[str(sym)] = (1, rule_ids[id(arg)])
        states.append(row)
    terminals = [
        [str(t.name), str(t.pattern.to_regexp()), isinstance(t.pattern, PatternStr), t.priority,
         _flags(t.pattern.flags), t.pattern.min_width]
        for t in lark.terminals
    ]
    return {
        "format": TABLE_FORMAT,
        "terminals": terminals,
        "ignore": [str(name) for name in lark.ignore_tokens],
        "rules": rules,
        "states": states,
        "start": table.start_states["start"],
        "end": table.end_states["start"],
    }


def _flags(flags) -> int:
    value = 0
    for flag in flags:
        value |= {"i": re.I, "m": re.M, "s": re.S, "x": re.X, "u": re.U}[flag]
    return value


def _cache_dir() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "barometer")


def load_tables(name: str, grammar_text: str) -> Tables:
    """The tables for a grammar, from the cache when it holds this exact grammar.

    The cache is written with `marshal` (the format of Python's own bytecode
    cache, read about five times faster than the same tables as JSON, and
    without importing `json`: about 3 ms of a cold `eval`), so its name holds
    the interpreter's cache tag. It is the user's own cache, written only here;
    what is read from it is only used if it has this format and this exact
    grammar, and marshal reads data, never runs it."""
    # Any Lark version's tables drive this runtime, so the key is the grammar alone;
    # the cached file holds the grammar too, and is used only if it is the same text.
    key = f"{zlib.crc32(grammar_text.encode('utf-8')):08x}{len(grammar_text):x}"
    folder = _cache_dir()
    path = os.path.join(folder, f"{name}-{key}.{sys.implementation.cache_tag}.tables")
    try:
        with open(path, "rb") as f:
            data = marshal.loads(f.read())  # not marshal.load: it reads item by item
        if (type(data) is dict and data.get("format") == TABLE_FORMAT
                and data.get("grammar") == grammar_text):
            return Tables(data)
    except (OSError, ValueError, EOFError, TypeError, KeyError, IndexError):
        pass
    data = export_tables(grammar_text)
    data["grammar"] = grammar_text
    try:  # a read-only home only costs speed
        import tempfile

        os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "wb") as out:
            marshal.dump(data, out)
        os.replace(tmp, path)
    except OSError:
        pass
    return Tables(data)


class Lexer:
    """A contextual lexer: in each parser state only the terminals that state
    accepts are tried. Of those, the longest match wins; on equal length a
    literal keyword beats a pattern, and anything beats an ignored terminal."""

    def __init__(self, tables: Tables, text: str):
        self.tables = tables
        self.text = text
        self.pos = 0
        self.line = 1
        self.line_start = 0

    def _advance(self, value: str) -> None:
        newlines = value.count("\n")
        if newlines:
            self.line += newlines
            self.line_start = self.pos + value.rindex("\n") + 1
        self.pos += len(value)

    def next(self, state: int) -> Token | None:
        """The next token acceptable in `state`; None where nothing fits."""
        text = self.text
        while True:
            if self.pos >= len(text):
                return Token("$END", "", self.pos, self.line, self.pos - self.line_start + 1,
                             self.line, self.pos - self.line_start + 1)
            found = self.tables._scanners.get(state) or self.tables.scanner(state)
            order, keywords = found
            pos = self.pos
            for pattern, name, ignored in order:
                if type(pattern) is str:
                    if text.startswith(pattern, pos):
                        value = pattern
                        break
                    continue
                m = pattern.match(text, pos)
                if m is not None and m.end() > pos:
                    value = m.group()
                    break
            else:
                return None
            line, column = self.line, pos - self.line_start + 1
            self._advance(value)
            if not ignored:
                if value in keywords:
                    name = keywords[value]
                return Token(name, value, pos, line, column, self.line,
                             self.pos - self.line_start + 1)

    def stray(self) -> Token:
        """What stands at the current position, for an error message."""
        column = self.pos - self.line_start + 1
        if self.text.startswith(("\n", "\r\n"), self.pos):
            return Token("_NL", "", self.pos, self.line, column, self.line, column + 1)
        # a text in quotes whole, closed on its line: misplaced, not unclosed
        m = re.compile(r'"[^"\n]*"|“[^”\n]*”|\S+|\s').match(self.text, self.pos)
        value = m.group() if m else self.text[self.pos:self.pos + 1]
        return Token("?", value, self.pos, self.line, column, self.line, column + len(value))

    def skip_to_line(self, starts: re.Pattern) -> bool:
        """Move to the next line that begins with `starts`; False at end of text."""
        nl = self.text.find("\n", self.pos)
        while nl != -1:
            self.line += 1
            self.line_start = self.pos = nl + 1
            if starts.match(self.text, self.pos):
                return True
            nl = self.text.find("\n", self.pos)
        self.pos = len(self.text)
        return False


Callback = Callable[[Meta | None, list], Any]


class Parser:
    """Drives the tables, for any number of texts."""

    def __init__(self, tables: Tables, resync: re.Pattern):
        self.tables = tables
        self.resync = resync  # a line where parsing can resume after an error

    def parse(self, text: str, callbacks: dict[str, Callback] | None = None
              ) -> tuple[Any, list[SyntaxProblem]]:
        """The value of the whole text (None if it could not be built) and every
        syntax problem found on the way. `callbacks` turn reductions of the rules
        they name into values; other rules become `Node`s."""
        callbacks = callbacks or {}
        tables = self.tables
        states, rules = tables.states, tables.rules
        lexer = Lexer(tables, text)
        state_stack = [tables.start]
        value_stack: list = []
        problems: list[SyntaxProblem] = []
        token = lexer.next(tables.start)
        previous = None
        try:
            while True:
                state = state_stack[-1]
                if token is None:
                    problems.append(SyntaxProblem(lexer.stray(), self.accepts(state_stack), True,
                                                  previous))
                    token = self._recover(lexer, state_stack, value_stack)
                    continue
                action = states[state].get(token.type)
                if action is None:
                    problems.append(SyntaxProblem(token, self.accepts(state_stack), False,
                                                  previous))
                    if token.type == "$END":
                        if not self._unwind(state_stack, value_stack, "$END"):
                            raise _Abandon
                    else:
                        token = self._recover(lexer, state_stack, value_stack)
                    continue
                kind, arg = action
                if kind == 0:  # shift
                    state_stack.append(arg)
                    value_stack.append(token)
                    previous = token
                    token = lexer.next(arg)
                    continue
                origin, alias, expand1, size, keep = rules[arg]
                if size:
                    children = value_stack[-size:]
                    del value_stack[-size:]
                    del state_stack[-size:]
                else:
                    children = []
                value = self._build(origin, alias, expand1, keep, children, callbacks)
                state_stack.append(states[state_stack[-1]][origin][1])
                value_stack.append(value)
                if token.type == "$END" and state_stack[-1] == tables.end:
                    return value, problems
        except _Abandon:
            return None, problems

    def accepts(self, state_stack: list) -> frozenset:
        """The terminals the parser can really take next: those the state lists
        whose reductions end in a shift (LALR tables also list some that would
        only fail a few reductions later, like `)` where no `(` is open)."""
        states, rules, end = self.tables.states, self.tables.rules, self.tables.end
        found = set()
        for terminal in self.tables.expected(state_stack[-1]):
            stack = list(state_stack)
            while True:
                action = states[stack[-1]].get(terminal)
                if action is None:
                    break
                kind, arg = action
                if kind == 0:
                    found.add(terminal)
                    break
                origin, _, _, size, _ = rules[arg]
                if size:
                    del stack[-size:]
                goto = states[stack[-1]].get(origin)
                if goto is None:
                    break
                stack.append(goto[1])
                if terminal == "$END" and stack[-1] == end:
                    found.add(terminal)
                    break
        return frozenset(found)

    def _build(self, origin, alias, expand1, keep, children, callbacks):
        kept: list = []
        for i, inline in keep:
            child = children[i]
            if inline and isinstance(child, _Inline):
                if kept:
                    kept.extend(child.items)
                else:  # `x*` grows one item at a time: reuse its list, never copy it
                    kept = child.items
            else:
                kept.append(child)
        if origin.startswith("_") and alias is None:
            return _Inline(kept)
        if expand1 and len(kept) == 1 and alias is None:
            return kept[0]
        name = alias or origin
        meta = _meta(children)  # keywords count: `clamp` has a place too
        callback = callbacks.get(name)
        if callback is None:
            return Node(name, kept, meta)
        return callback(meta, kept)

    def _recover(self, lexer: Lexer, state_stack: list, value_stack: list) -> Token | None:
        """Panic mode: skip to the next line where a declaration can start, and pop
        the parser back to a state that takes its first token."""
        while lexer.skip_to_line(self.resync):
            token = _peek(lexer, state_stack, self.tables)
            if token is not None and self._unwind(state_stack, value_stack, token.type):
                return lexer.next(state_stack[-1])
        if not self._unwind(state_stack, value_stack, "$END"):
            raise _Abandon
        return lexer.next(state_stack[-1])

    def _unwind(self, state_stack: list, value_stack: list, terminal: str) -> bool:
        states = self.tables.states
        depth = len(state_stack)
        while depth and terminal not in states[state_stack[depth - 1]]:
            depth -= 1
        if not depth:
            return False
        del state_stack[depth:]
        del value_stack[depth - 1:]
        return True


def _peek(lexer: Lexer, state_stack: list, tables: Tables) -> Token | None:
    """The keyword opening the line at the lexer's position, read in the deepest
    state that takes it (a keyword: a name or free text would let the parser
    resume in the middle of the declaration that went wrong)."""
    saved = (lexer.pos, lexer.line, lexer.line_start)
    for state in reversed(state_stack):
        token = lexer.next(state)
        lexer.pos, lexer.line, lexer.line_start = saved
        if token is not None and token.type in tables.literals and token.type in tables.states[state]:
            return token
    return None


class _Abandon(Exception):
    """No state on the stack can go on: the rest of the text is lost."""


class _Inline:
    __slots__ = ("items",)

    def __init__(self, items):
        self.items = items


def _meta(children: list) -> Meta | None:
    """From the first child that has a place to the last that has one."""
    first = last = None
    for child in children:
        first = _position(child)
        if first is not None:
            break
    if first is None:
        return None
    for child in reversed(children):
        last = _position(child)
        if last is not None:
            break
    return Meta(first.line, first.column, last.end_line, last.end_column,
                first.offset, last.end_offset)


def _position(child) -> Meta | None:
    if isinstance(child, Token):
        if child.type == "$END":
            return None
        return Meta(child.line, child.column, child.end_line, child.end_column,
                    child.offset, child.offset + len(child.value))
    if isinstance(child, _Inline):
        return _meta(child.items)
    return getattr(child, "meta", None)
