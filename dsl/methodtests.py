"""The methodology tests' language: what a scheme must give on a catalogue,
written in a test file beside the rules (`rules/minsk-barometer.test`).

    test "No 19, published figures"
        rules "minsk-barometer.rules"
        events "../examples/minsk-barometer-19.events"
        expect russia +20 (+22 / -2)
        expect regional_tension -7 yellow
        expect ranking relationships russia > china > eu > ukraine > us

A test file is read with the project's parser (`grammar/tests.lark`, kind
`tests` in dsl/syntax.py); its statements become `Case`s here, each checked on
its own (B606-B609), then against its scheme (B601-B604) once that is read.
Running the cases is the engine's (engine/methodtests.py).
"""

from __future__ import annotations

import os
from fractions import Fraction
from typing import Any

from . import model as m
from .diagnostics import Diagnostic, InputError, Span, did_you_mean, error
from .files import read_source
from .node import Node, node
from .numbers import plain, signed
from .syntax import parse

EXTENSION = ".test"
RULES_KINDS = (".rules",)
EVENTS_KINDS = (".events", ".csv", ".xlsx", ".xlsm", ".ods", ".jsonl", ".ndjson", ".parquet")

# --- the model ---------------------------------------------------------------------


@node
class Fact(Node):
    """One figure an expectation states: `kind` is aggregate, positive,
    negative, events, colour (None: no colour) or split (positive, negative)."""

    kind: str
    value: Any  # by `kind`: a number, a colour name or None, or a (positive, negative) pair
    span: Span


@node
class Expect(Node):
    """`expect russia +20 (+22 / -2)`: figures of one index."""

    index: m.Declared
    facts: tuple[Fact, ...]
    span: Span


@node
class Ranking(Node):
    """`expect ranking relationships russia > china`: a group's order, highest
    first; each tier holds indices with equal aggregates."""

    group: m.Declared
    tiers: tuple[tuple[m.Declared, ...], ...]
    span: Span


@node
class Case(Node):
    """One `test` block: its scheme, its catalogue and what they must give."""

    name: str
    file: str
    span: Span
    rules: tuple[str, Span] | None  # the path as written, and where
    events: tuple[tuple[str, Span], ...]
    expectations: tuple[Expect | Ranking, ...]
    history: tuple[tuple[str, Span], ...] = ()  # the issues before, as `eval --history`

    def path(self, written: str) -> str:
        """A path of the test file, relative to the test file's folder."""
        return os.path.normpath(os.path.join(os.path.dirname(self.file), written))



# --- reading and checking a test file ----------------------------------------------


def read_test_file(path: str) -> tuple[list[tuple[Case, list[Diagnostic]]], list[Diagnostic]]:
    """The cases of a test file, each with its own problems (B606-B609), and the
    problems of the file as a whole (it cannot be read, or does not parse: then
    no case runs)."""
    try:
        text = read_source(path)
    except InputError as e:
        return [], list(e.diagnostics)
    raw, problems = parse("tests", text, path)
    cases = [_case(item, path) for item in raw or ()]
    if not cases and not problems:
        problems.append(error("B607", "the test file holds no test", Span(path, 1, 1, 1, 1),
                              'start one with `test "name"`, then `rules`, `events` and '
                              "`expect` lines"))
    return cases, problems


def _case(raw, path: str) -> tuple[Case, list[Diagnostic]]:
    problems: list[Diagnostic] = []
    rules = None
    events: list[tuple[str, Span]] = []
    events_span = None
    history: list[tuple[str, Span]] = []
    expectations: list = []
    for item in raw.statements:
        if item.kind == "rules":
            if rules is not None:
                problems.append(error("B606", "the test names a second rules file", item.value[1],
                                      "a test runs one scheme: write another test for another"))
                continue
            rules = item.value
            if not rules[0].lower().endswith(RULES_KINDS):
                problems.append(error("B606", f"`{rules[0]}` is not a rules file", rules[1],
                                      "rules files end in .rules"))
        elif item.kind == "events":
            if events_span is not None:
                problems.append(error("B606", "the test has a second `events` line",
                                      item.value[0][1], "name every file of the catalogue on "
                                      "one line: events \"a.events\" \"b.events\""))
                continue
            events_span = item.value[0][1]
            events = item.value
            for written, span in events:
                if not written.lower().endswith(EVENTS_KINDS):
                    problems.append(error("B606", f"`{written}` is not a catalogue", span,
                                          "catalogues end in .events, .csv, .xlsx, .jsonl or "
                                          ".parquet"))
        elif item.kind == "history":
            if history:
                problems.append(error("B606", "the test has a second `history` line",
                                      item.value[0][1], "name every issue before on one line: "
                                      "history \"a.events\" \"b.events\""))
                continue
            history = item.value
        elif item.kind == "expect":
            expect, found = _expect(item.value)
            expectations.append(expect)
            problems += found
        else:
            r = item.value
            expectations.append(Ranking(r.group, tuple(tuple(t) for t in r.tiers), r.span))
    case = Case(raw.name, path, raw.name_span, rules, tuple(events), tuple(expectations),
                tuple(history))
    if rules is None:
        problems.append(error("B606", f"the test `{raw.name}` names no rules file",
                              raw.name_span, 'add a line: rules "my-scheme.rules"'))
    if events_span is None:
        problems.append(error("B606", f"the test `{raw.name}` names no catalogue",
                              raw.name_span, 'add a line: events "../examples/my.events"'))
    if not expectations:
        problems.append(error("B607", f"the test `{raw.name}` expects nothing, so it cannot "
                              "fail", raw.name_span, "add `expect` lines: expect russia +20"))
    problems += _contradictions(case)
    return case, sorted(problems, key=Diagnostic.sort_key)


_GIVEN = {"aggregate": "an aggregate", "positive": "positive points",
          "negative": "negative points", "events": "a number of events", "colour": "a colour"}


def _rounding(*figures):
    """How far figures written rounded to their places may miss adding up: half a
    unit of the last place for each of the three (0 for whole numbers)."""
    places = 0
    for f in figures:
        denominator = getattr(f, "denominator", 1)
        while 10 ** places % denominator and places < 15:
            places += 1
    return Fraction(3, 2) / 10 ** places if places else 0


def _expect(raw) -> tuple[Expect, list[Diagnostic]]:
    """An `expect` line as facts, and what cannot hold together on it (B608)."""
    problems: list[Diagnostic] = []
    facts: list[Fact] = []
    seen: dict[str, Fact] = {}

    def add(kind, value, span):
        if kind in seen:
            problems.append(error("B608", f"{_GIVEN[kind]} is already given on this line "
                                  f"({show(kind, seen[kind].value)})", span,
                                  "give each figure once"))
            return False
        seen[kind] = Fact(kind, value, span)
        return True

    for kind, value, span in raw.facts:
        if kind == "split":
            pos, neg = value
            if add("positive", pos.value, pos.span) & add("negative", neg.value, neg.span):
                facts.append(Fact("split", (pos.value, neg.value), span))
        elif kind == "no_colour":
            if add("colour", None, span):
                facts.append(Fact("colour", None, span))
        elif kind == "count":
            if getattr(value, "denominator", 1) != 1:
                problems.append(error("B608", f"{plain(value)} is not a number of events", span,
                                      "count events in whole numbers"))
                continue
            if add("events", int(value), span):
                facts.append(Fact("events", int(value), span))
        else:
            value = value.value if kind in ("aggregate", "positive", "negative") else value
            if add(kind, value, span):
                facts.append(Fact(kind, value, span))
    pos, neg = seen.get("positive"), seen.get("negative")
    if pos is not None and pos.value < 0:
        problems.append(error("B608", f"positive points cannot be {signed(pos.value)}",
                              pos.span, "positive points are 0 or more"))
    if neg is not None and neg.value > 0:
        problems.append(error("B608", f"negative points cannot be {signed(neg.value)}",
                              neg.span, "negative points are 0 or less: write the minus sign"))
    total = seen.get("aggregate")
    if total is not None and pos is not None and neg is not None and \
            pos.value >= 0 >= neg.value and abs(pos.value + neg.value - total.value) > \
            _rounding(pos.value, neg.value, total.value):
        problems.append(error("B608", f"the figures do not add up: {signed(pos.value)} and "
                              f"{signed(neg.value)} make {signed(pos.value + neg.value)}, "
                              f"not {signed(total.value)}",
                              total.span, "an aggregate is its positive plus its negative "
                              "points"))
    return Expect(raw.index, tuple(facts), raw.span), problems


def _contradictions(case: Case) -> list[Diagnostic]:
    """The same figure expected twice in a test (B609): a test that can never
    pass, or a line too many."""
    problems = []
    seen: dict[tuple, tuple[str, Span]] = {}
    for e in case.expectations:
        if isinstance(e, Ranking):
            facts = [(("ranking", e.group.name), f"the ranking of {e.group.name}",
                      tiers_text(e.tiers), e.span)]
        else:
            facts = []
            for f in e.facts:
                parts = ([("positive", f.value[0]), ("negative", f.value[1])]
                         if f.kind == "split" else [(f.kind, f.value)])
                facts += [((e.index.name, kind), f"{_THE[kind]} of {e.index.name}",
                           show(kind, value), f.span) for kind, value in parts]
        for key, what, shown, span in facts:
            if key not in seen:
                seen[key] = (shown, span)
                continue
            before, where = seen[key]
            problems.append(error(
                "B609", f"{what} is already expected at line {where.line} ({before})", span,
                "keep one of the two" if before == shown else
                "the two cannot both hold: keep the right one"))
    return problems


_THE = {"aggregate": "the aggregate", "positive": "the positive points",
        "negative": "the negative points", "events": "the number of events",
        "colour": "the colour"}


def show(kind: str, value) -> str:
    if value is None and kind in ("events", "positive", "negative"):
        return f"no {kind} (a derived index has none)"
    if kind == "colour":
        return "no colour" if value is None else value
    if kind == "events":
        return f"events {value}"
    if kind == "positive":
        return f"positive {signed(value)}"
    if kind == "negative":
        return f"negative {signed(value)}"
    return signed(value)


def tiers_text(tiers) -> str:
    return " > ".join(" = ".join(d.name if isinstance(d, m.Declared) else d for d in tier)
                      for tier in tiers)


# --- checking a case against its scheme --------------------------------------------


def check_against(case: Case, scheme: m.Scheme) -> list[Diagnostic]:
    """The names of the expectations against the scheme (B601-B604)."""
    problems = []
    indices = list(scheme.indices)
    for e in case.expectations:
        if isinstance(e, Ranking):
            problems += _check_ranking(e, scheme)
            continue
        name = e.index.name
        if name not in scheme.indices:
            problems.append(error("B601", f"unknown index `{name}`: {scheme.path} has no such "
                                  "index", e.index.span,
                                  did_you_mean(name, indices) or _listed("indices", indices)))
            continue
        bands = scheme.bands.get(name)
        for f in e.facts:
            if f.kind != "colour" or f.value is None:
                continue
            if bands is None:
                problems.append(error("B603", f"{name} has no colour bands in {scheme.path}",
                                      f.span, "write `no colour`, or leave the colour out"))
                continue
            names = [b.name for b in bands.bands]
            if f.value not in names:
                problems.append(error("B603", f"`{f.value}` is not a colour of {name}",
                                      f.span, did_you_mean(f.value, names)
                                      or _listed("colours", names)))
    return problems


def _check_ranking(e: Ranking, scheme: m.Scheme) -> list[Diagnostic]:
    name = e.group.name
    group = scheme.groups.get(name)
    if group is None:
        groups = list(scheme.groups)
        return [error("B602", f"unknown group `{name}`: {scheme.path} has no such group",
                      e.group.span, did_you_mean(name, groups) or _listed("groups", groups))]
    problems = []
    seen: dict[str, Span] = {}
    for d in (d for tier in e.tiers for d in tier):
        if d.name in seen:
            problems.append(error("B604", f"`{d.name}` is ranked twice (first at column "
                                  f"{seen[d.name].column})", d.span, "rank each index once"))
        elif d.name not in group.indices:
            problems.append(error("B604", f"`{d.name}` is not in the group {name}", d.span,
                                  did_you_mean(d.name, group.indices)
                                  or _listed("its indices", group.indices)))
        seen.setdefault(d.name, d.span)
    missing = [n for n in group.indices if n not in seen]
    if missing:
        problems.append(error("B604", f"the ranking of {name} leaves out "
                              f"{', '.join(missing)}", e.group.span,
                              f"rank every index of the group: {', '.join(group.indices)}"))
    return problems


def _listed(what: str, names) -> str:
    names = list(names)
    if not names:
        return f"the scheme has no {what}"
    return f"the scheme's {what}: {', '.join(names)}" if what != "its indices" else \
        f"{what}: {', '.join(names)}"
