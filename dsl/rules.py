"""Rules files to a `Scheme`: parse each file of the `extends` chain, check its
names, and merge the chain, the parent first, into one methodology.

How a child overrides its parent:
- `scheme`, `description`, `range` and `score`: the child's, where it writes one;
- an index, category or tag the child declares again: the child's declaration;
- `bands INDEX { ... }`: the child's set replaces the parent's for that index;
- `rule NAME`: a rule named like a parent's takes its place in the order, a new
  one comes after all inherited rules; `drop rule NAME` removes an inherited one.
"""

from __future__ import annotations

import os

import attrs

from . import model as m
from .diagnostics import Diagnostic, InputError, Span, did_you_mean, error
from .files import read_source
from .syntax import parse

DEFAULT_SCORE = "recorded"


def read_rules_file(path: str) -> tuple[m.RulesFile | None, list[Diagnostic]]:
    """One rules file as written; duplicates within it are reported here."""
    text = read_source(path)
    items, problems = parse("rules", text, path)
    if items is None:
        return None, problems
    found: dict[str, list] = {}
    for kind, value in items:
        found.setdefault(kind, []).append(value)

    def single(kind: str):
        values = found.get(kind, [])
        for extra in values[1:]:
            problems.append(error("B102", f"`{kind}` is given twice in this file",
                                  _span_of(extra, path), "keep one"))
        return values[0] if values else None

    scheme = single("scheme")
    low_high = single("range")
    score = single("score")
    score_range = None
    if low_high is not None:
        low, high, span = low_high
        for num in (low, high):
            if getattr(num.value, "denominator", 1) != 1:
                problems.append(error("B205", "the score range is in whole points",
                                      num.span, f"write {round(num.value)}"))
        if low.value > high.value:
            problems.append(error("B203", f"the range runs from {low.text} down to {high.text}",
                                  span, f"write range {high.text} to {low.text}"))
        score_range = m.ScoreRange(int(low.value), int(high.value), span)
    for kind in ("index", "category", "tag", "bands", "rule", "group"):
        _no_duplicates(found.get(kind, []), kind, problems)
    rules_file = m.RulesFile(
        path=path,
        name=scheme[0] if scheme else None,
        version=scheme[1] if scheme else "",
        description=single("description") or "",
        extends=single("extends"),
        range=score_range,
        score=score[0] if score else None,
        score_span=score[1] if score else None,
        indices=tuple(found.get("index", [])),
        categories=tuple(found.get("category", [])),
        tags=tuple(found.get("tag", [])),
        bands=tuple(found.get("bands", [])),
        rules=tuple(found.get("rule", [])),
        drops=tuple(found.get("drop", [])),
        groups=tuple(found.get("group", [])),
        varies=tuple(found.get("vary", [])),
    )
    for bandset in rules_file.bands:
        problems.extend(_check_bands_written(bandset))
    if scheme is None and not any(p.code == "B001" for p in problems):
        problems.append(error("B104", "the file does not name its scheme", Span(path, 1, 1, 1, 2),
                              'begin it with: scheme "Name of the scheme" version "1"'))
    return rules_file, problems


def _span_of(value, path: str) -> Span:
    if isinstance(value, tuple):
        value = value[-1] if isinstance(value[-1], Span) else value[0]
    span = getattr(value, "span", value)
    return span if isinstance(span, Span) else Span(path, 1, 1, 1, 2)


def _key(value) -> str:
    return value.index if isinstance(value, m.BandSet) else value.name


def _no_duplicates(values: list, kind: str, problems: list) -> None:
    seen: dict[str, object] = {}
    for value in values:
        key = _key(value)
        if key in seen:
            first = seen[key].span
            problems.append(error(
                "B102", f"{'bands for ' if kind == 'bands' else kind + ' '}`{key}` is declared "
                f"twice in this file (first at line {first.line})", value.span,
                "remove one, or give it another name"))
        else:
            seen[key] = value


def _check_bands_written(bandset: m.BandSet) -> list[Diagnostic]:
    problems = []
    seen: dict[str, m.Band] = {}
    for band in bandset.bands:
        if band.name in seen:
            problems.append(error("B102", f"band `{band.name}` appears twice in the bands of "
                                  f"`{bandset.index}`", band.span, "give each band its own name"))
        seen[band.name] = band
        lo, hi = band.lower, band.upper
        if lo is not None and hi is not None and (
            lo.value > hi.value or (lo.value == hi.value and not (lo.inclusive and hi.inclusive))
        ):
            hint = None
            if lo.inclusive and hi.inclusive:
                hint = f"write it low to high: {m.signed(hi.value)} to {m.signed(lo.value)}"
            problems.append(error("B203", f"band `{band.name}` holds no value: it is written "
                                  f"{band.describe()}", band.span, hint))
    return problems


def load_scheme(path: str) -> m.Scheme:
    """The methodology in `path`, its `extends` chain resolved; raises InputError
    with every problem found in any file of the chain."""
    scheme, problems = resolve_scheme(path)
    errors = [p for p in problems if p.severity == "error"]
    if errors or scheme is None:
        raise InputError(errors or problems)
    return scheme


def resolve_scheme(path: str) -> tuple[m.Scheme | None, list[Diagnostic]]:
    """The scheme, as far as it could be built, and every problem found on the way
    (a scheme with unknown names is still returned, for further checks)."""
    chain: list[m.RulesFile] = []
    problems: list[Diagnostic] = []
    seen = []
    current, via = path, None
    while current is not None:
        real = os.path.realpath(current) if current != "-" else "-"
        if real in seen:
            problems.append(error("B106", f"`extends` goes round in a circle: "
                                  f"{' -> '.join(f.path for f in chain)} -> {current}",
                                  via.span if via else None,
                                  "a scheme cannot extend itself, directly or through others"))
            break
        seen.append(real)
        try:
            rules_file, found = read_rules_file(current)
        except InputError as e:
            if via is not None and e.diagnostics[0].code == "B002":
                problems.append(error("B105", f"the scheme this extends is missing: {current}",
                                      via.span, "the path is relative to the extending file"))
            else:
                problems.extend(e.diagnostics)
            break
        problems.extend(found)
        if rules_file is None:
            break
        chain.append(rules_file)
        via = rules_file.extends
        if via is not None:
            base = os.path.dirname(current) if current != "-" else "."
            current = os.path.normpath(os.path.join(base, via.name))
        else:
            current = None
    scheme = _merge(chain, problems) if chain and chain[0].path == path else None
    return scheme, problems


def _merge(chain: list[m.RulesFile], problems: list[Diagnostic]) -> m.Scheme | None:
    indices: dict[str, m.Index] = {}
    categories: dict[str, m.Category] = {}
    tags: dict[str, m.Tag] = {}
    bands: dict[str, m.BandSet] = {}
    rules: dict[str, m.Rule] = {}
    groups: dict[str, m.Group] = {}
    varies: tuple[m.Vary, ...] = ()
    name = version = description = ""
    score_range = score = None
    for f in reversed(chain):  # the root first
        if f.name is not None:
            name, version = f.name.name, f.version
        description = f.description or description
        score_range = f.range or score_range
        score = f.score or score
        for table, items in ((indices, f.indices), (categories, f.categories), (tags, f.tags)):
            for item in items:
                if item.title == item.name and item.name in table:  # no title: keep the parent's
                    item = attrs.evolve(item, title=table[item.name].title)
                table[item.name] = item
        bands.update((b.index, b) for b in f.bands)
        groups.update((g.name, g) for g in f.groups)
        varies = f.varies or varies  # a child's `vary` lines replace its parent's
        for drop in f.drops:
            if drop.name in rules:
                del rules[drop.name]
            else:
                problems.append(error("B101", f"there is no inherited rule `{drop.name}` to drop",
                                      drop.span, did_you_mean(drop.name, rules)))
        for rule in f.rules:
            rules[rule.name] = rule  # a redefined rule keeps its place
    leaf = chain[0]
    if score_range is None:
        if any(p.code == "B001" for p in problems):
            return None  # the range may be in the part that could not be read
        problems.append(error("B104", "the scheme does not say which scores an event may carry",
                              Span(leaf.path, 1, 1, 1, 2), "add a line such as: range -3 to +3"))
        return None
    if score is None:
        score = m.Recorded(Span(leaf.path, 1, 1, 1, 2))
    scheme = m.Scheme(
        name=name, version=version, description=description, path=leaf.path,
        files=tuple(f.path for f in chain), range=score_range, score=score,
        indices=indices, categories=categories, tags=tags, bands=bands,
        rules=tuple(rules.values()), groups=groups, varies=varies,
    )
    problems.extend(check_names(scheme))
    return scheme


def check_names(scheme: m.Scheme) -> list[Diagnostic]:
    """Every name a scheme uses is declared."""
    problems = []

    def known(name: str, table: dict, kind: str, span: Span) -> None:
        if name not in table:
            problems.append(error("B101", f"unknown {kind} `{name}`", span,
                                  did_you_mean(name, table) or f"declare it: {kind} {name}"))

    for bandset in scheme.bands.values():
        known(bandset.index, scheme.indices, "index", bandset.span)
    for group in scheme.groups.values():
        for name in group.indices:
            known(name, scheme.indices, "index", group.span)
    for vary in scheme.varies:
        problems += check_vary(vary, scheme)
    for rule in scheme.rules:
        for condition in walk(rule.condition):
            if isinstance(condition, m.IndexIn):
                for name in condition.names:
                    known(name, scheme.indices, "index", condition.span)
            elif isinstance(condition, m.CategoryIn):
                for name in condition.names:
                    known(name, scheme.categories, "category", condition.span)
            elif isinstance(condition, m.Tagged):
                known(condition.tag, scheme.tags, "tag", condition.span)
    for rule in scheme.rules:
        nesting = depth(rule.condition)
        if nesting > MAX_DEPTH:
            problems.append(error(
                "B109", f"the condition of rule `{rule.name}` is nested {nesting} deep; "
                f"barometer takes at most {MAX_DEPTH}", rule.span,
                "split it into several rules, or use `in [...]` instead of many `or`s"))
    if uses_weight(scheme.score):
        for category in scheme.categories.values():
            if category.weight is None:
                problems.append(error(
                    "B107", f"category `{category.name}` has no weight, but the scheme scores "
                    "events by their category's weight", category.span,
                    f"add one: category {category.name} weight 1"))
    return problems


def check_vary(vary: m.Vary, scheme: m.Scheme) -> list[Diagnostic]:
    """The names a `vary` declaration gives are categories, or indices with bands."""
    table, kind = ((scheme.categories, "category") if vary.kind == "weights"
                   else (scheme.bands, "index with bands"))
    return [error("B101", f"unknown {kind} `{name}`", vary.span,
                  did_you_mean(name, table) or f"the scheme declares no {kind} of that name")
            for name in vary.names or () if name not in table]


MAX_DEPTH = 64


def depth(condition) -> int:
    """How deeply `condition` nests, counted without recursion."""
    deepest, stack = 0, [(condition, 1)]
    while stack:
        c, d = stack.pop()
        deepest = max(deepest, d)
        if isinstance(c, m.Not):
            stack.append((c.operand, d + 1))
        elif isinstance(c, (m.AllOf, m.AnyOf)):
            stack.extend((o, d + 1) for o in c.operands)
    return deepest


def walk(condition):
    """Every condition inside `condition`, itself included, without recursion."""
    stack = [condition]
    while stack:
        c = stack.pop()
        yield c
        if isinstance(c, m.Not):
            stack.append(c.operand)
        elif isinstance(c, (m.AllOf, m.AnyOf)):
            stack.extend(reversed(c.operands))


def uses_weight(expr) -> bool:
    stack = [expr]
    while stack:
        e = stack.pop()
        if isinstance(e, m.Recorded):  # the common case, without loading dsl/nodes.py
            continue
        if isinstance(e, m.Weight):
            return True
        if isinstance(e, m.Binary):
            stack.extend((e.left, e.right))
        elif isinstance(e, m.Negate):
            stack.append(e.operand)
    return False
