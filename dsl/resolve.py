"""The one resolver: every name a scheme or a catalogue uses, in one pass each,
for `eval` and `check` alike (so that they cannot disagree about what is an
error).

A scheme: the `extends` chain is read and merged, the parent first, then every
name is resolved: the indices of bands, groups and `vary`, the indices,
categories and tags of rule conditions, and the words an index may not be named.

How a child overrides its parent:
- `scheme`, `description`, `range` and `score`: the child's, where it writes one;
- an index, category or tag the child declares again: the child's declaration,
  keeping what it does not say again (a title, a category's weight);
- `bands INDEX { ... }`: the child's set replaces the parent's for that index;
- `rule NAME`: a rule named like a parent's takes its place in the order, a new
  one comes after all inherited rules; `drop rule NAME` removes an inherited one;
- `scale NAME { ... }`: the child's replaces the parent's of that name, and
  `bands x scale NAME` takes the scale the whole chain ends with; `drop bands x`
  removes an inherited index's bands; `drop index x` removes an inherited index,
  with its bands and its place in groups (a rule or a derived index still naming
  it is an unknown index).

A catalogue: each event's indices, category and tags, and the published totals.
"""

from __future__ import annotations

import os

from . import model as m
from .diagnostics import Diagnostic, InputError, Span, closest, did_you_mean, error
from .node import evolve
from .nodes import (CALENDAR_FUNCTIONS, HISTORY_FUNCTIONS, INDEX_FUNCTIONS, NUMBER_FUNCTIONS,
                    SELECTING, expression_depth, parts, subexpressions)
from .nodes import ACROSS_FUNCTIONS, GROUPING_FUNCTIONS, condition_expressions
from .rules import read_rules_file

# Words that open a line of an event file: an index so named could not be scored
# there (`note +2` is read as a note).
EVENT_WORDS = ("period", "published", "category", "tags", "source", "note", "ongoing")

MAX_DEPTH = 64


# --- schemes -----------------------------------------------------------------------


def resolve_scheme(path: str) -> tuple[m.Scheme | None, list[Diagnostic]]:
    """The scheme, as far as it could be built, and every problem found on the way
    (a scheme with unknown names is still returned, for further checks)."""
    chain: list[m.RulesFile] = []
    problems: list[Diagnostic] = []
    seen = []
    current, via = path, None
    while current is not None:
        try:
            real = os.path.realpath(current) if current != "-" else "-"
        except ValueError:  # a NUL in the name: reading it says so
            real = current
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
            if via is not None and e.diagnostics[0].span is None:
                first = e.diagnostics[0]  # said where the chain names the file
                missing = first.code == "B002" and first.message.startswith("no such file")
                problems.append(error("B105", f"the scheme this extends is missing: {current}",
                                      via.span, "the path is relative to the extending file")
                                if missing else error(first.code, first.message, via.span,
                                                      first.hint))
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


def _inherit(item, parent):
    """A declaration written again in a child keeps what it does not say again."""
    if parent is None:
        return item
    if item.title == item.name:
        item = evolve(item, title=parent.title)
    if isinstance(item, m.Category) and item.weight is None and parent.weight is not None:
        item = evolve(item, weight=parent.weight)
    if isinstance(item, m.Index) and item.formula is None and parent.formula is not None:
        item = evolve(item, formula=parent.formula)
    return item


def _merge(chain: list[m.RulesFile], problems: list[Diagnostic]) -> m.Scheme | None:
    indices: dict[str, m.Index] = {}
    categories: dict[str, m.Category] = {}
    tags: dict[str, m.Tag] = {}
    bands: dict[str, m.BandSet] = {}
    rules: dict[str, m.Rule] = {}
    groups: dict[str, m.Group] = {}
    attributes: dict[str, m.Attribute] = {}
    scales: dict[str, m.BandSet] = {}
    ranks: dict[str, m.Rank] = {}
    scores_of: dict[str, m.ScoreOf] = {}  # a declaration of a name replaces the parent's, any kind
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
                table[item.name] = _inherit(item, table.get(item.name))
        for attribute in f.attributes:  # a child's declaration replaces its parent's
            attributes[attribute.name] = _inherit(attribute, attributes.get(attribute.name))
            ranks.pop(attribute.name, None)
            scores_of.pop(attribute.name, None)
        for rank in f.ranks:  # a rank replaces an attribute of its name, and the reverse
            ranks[rank.name] = rank
            attributes.pop(rank.name, None)
            scores_of.pop(rank.name, None)
        for reading in f.scores_of:
            scores_of[reading.name] = reading
            attributes.pop(reading.name, None)
            ranks.pop(reading.name, None)
        for drop in f.dropped_bands:
            if drop.name in bands:
                del bands[drop.name]
            else:
                problems.append(error("B101", f"there are no inherited bands of `{drop.name}` to "
                                      "drop", drop.span, did_you_mean(drop.name, bands)))
        for drop in f.dropped_indices:  # the index goes, with its bands and group places
            if drop.name in indices:
                del indices[drop.name]
                bands.pop(drop.name, None)
                for g in [g for g in groups.values() if drop.name in g.indices]:
                    kept = tuple(n for n in g.indices if n != drop.name)
                    if kept:
                        groups[g.name] = evolve(g, indices=kept)
                    else:
                        del groups[g.name]
            else:
                problems.append(error("B101", f"there is no inherited index `{drop.name}` to "
                                      "drop", drop.span, did_you_mean(drop.name, indices)))
        scales.update((s.index, s) for s in f.scales)  # a child's scale of a name replaces it
        bands.update((b.index, b) for b in f.bands)
        groups.update((g.name, g) for g in f.groups)
        varies = f.varies or varies  # a child's `vary` lines replace its parent's
        for drop in f.drops:
            if drop.name in rules:
                del rules[drop.name]
                if not f.varies:  # an inherited `vary rule` of it goes with it
                    varies = tuple(v for v in varies if v.kind != "rule" or v.names[0] != drop.name)
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
    for index, bandset in list(bands.items()):  # `bands x scale s`: the scale's bands, as x's
        used = bandset.scale
        if used is None:
            continue
        shared = scales.get(used.name)
        if shared is None:
            problems.append(error("B101", f"unknown scale `{used.name}`", used.span,
                                  did_you_mean(used.name, scales)
                                  or f"declare it: scale {used.name} {{ ... }}"))
            del bands[index]  # said; no colour rather than a colour from nothing
        else:
            bands[index] = evolve(bandset, bands=shared.bands, empty=shared.empty)
    scheme = m.Scheme(
        name=name, version=version, description=description, path=leaf.path,
        files=tuple(f.path for f in chain), range=score_range, score=score,
        indices=indices, categories=categories, tags=tags, bands=bands,
        rules=tuple(rules.values()), groups=groups, varies=varies, attributes=attributes,
        scales=scales, ranks=ranks, scores_of=scores_of,
    )
    problems.extend(scheme_names(scheme))
    return scheme


def _known(name: str, table: dict, kind: str, span: Span, problems: list) -> None:
    if name not in table:
        problems.append(error("B101", f"unknown {kind} `{name}`", span,
                              did_you_mean(name, table) or f"declare it: {kind} {name}"))


def scheme_names(scheme: m.Scheme) -> list[Diagnostic]:
    """Every name a scheme uses is declared, and none is a word of the event language."""
    problems: list[Diagnostic] = []
    for index in scheme.indices.values():
        if index.name in EVENT_WORDS:
            problems.append(error(
                "B110", f"`{index.name}` cannot name an index: in an event file, a line "
                f"`{index.name} +1` is read as {'an' if index.name[0] in 'aeiou' else 'a'} "
                f"`{index.name}` line, not as a score", index.span,
                f"choose another name, e.g. {index.name}_index; the title may say anything"))
    problems += attribute_names(scheme)
    problems += rank_names(scheme)
    problems += score_of_names(scheme)
    deep = too_deep(scheme.score, "the score expression", scheme.score.span,
                    "write it shorter: a weight per category, or a rule")
    problems += [deep] if deep else expression_names(scheme.score, scheme, None)
    for index in scheme.indices.values():
        if index.formula is not None:
            deep = too_deep(index.formula, f"the expression of derived index `{index.name}`",
                            index.span, "split it: derived indices each adding up a "
                            "part, and one adding those")
            problems += [deep] if deep else expression_names(index.formula, scheme, index)
    problems += cycles(scheme)
    for bandset in scheme.bands.values():
        _known(bandset.index, scheme.indices, "index", bandset.span, problems)
        if bandset.empty is not None and bandset.empty.name not in {b.name for b in bandset.bands}:
            problems.append(error("B101", f"unknown band `{bandset.empty.name}`",
                                  bandset.empty.span,
                                  did_you_mean(bandset.empty.name, [b.name for b in bandset.bands])))
    for bandset in scheme.bands.values():  # `red <= -18 when national_security < 0`
        for band in bandset.bands:
            if band.condition is not None:
                problems += band_condition_names(band, bandset, scheme)
    for group in scheme.groups.values():
        for name in group.indices:
            _known(name, scheme.indices, "index", group.span, problems)
    for vary in scheme.varies:
        problems += vary_names(vary, scheme)
    for rule in scheme.rules:
        _condition_names(rule.condition, scheme, problems)
        for n, action in enumerate(rule.actions):
            if action.kind in ("set", "add", "multiply"):
                which = f"action {n + 1} of rule `{rule.name}`" if len(rule.actions) > 1 \
                    else f"the action of rule `{rule.name}`"
                deep = too_deep(action.value, f"{which} (`{action.kind}`)", action.span,
                                "split it over several actions (add 1, add 2) or rules")
                problems += [deep] if deep else expression_names(action.value, scheme, None,
                                                                 in_action=True)
        deep = too_deep(rule.condition, f"the condition of rule `{rule.name}`", rule.span,
                        "split it into several rules, or use `in [...]` instead of many `or`s")
        problems += [deep] if deep else []
    if weighs(scheme):
        for category in scheme.categories.values():
            if category.weight is None:
                problems.append(error(
                    "B107", f"category `{category.name}` has no weight, but the scheme scores "
                    "events by their category's weight", category.span,
                    f"add one: category {category.name} weight 1"))
    return problems


_SCORE_WORDS = (m.Recorded, m.Direction, m.Weight)
FUNCTIONS = sorted(set(NUMBER_FUNCTIONS) | set(INDEX_FUNCTIONS) | set(HISTORY_FUNCTIONS)
                   | set(ACROSS_FUNCTIONS) | set(CALENDAR_FUNCTIONS))


# Words that open a condition or stand in a score expression: an attribute of that
# name could be declared, but `recorded > 2` or `score weight` would read the word.
RULE_WORDS = ("always", "date", "direction", "index", "not", "recorded", "score", "tagged",
              "text", "weight")


def attribute_names(scheme: m.Scheme) -> list[Diagnostic]:
    """An attribute's name says one thing on an event's line and in a condition:
    not an index, not a built-in, not a word of the event language."""
    problems = []
    for attribute in scheme.attributes.values():
        name = attribute.name
        clash = ("an index" if name in scheme.indices else
                 "a built-in attribute" if name in m.BUILTIN_ATTRIBUTES else
                 "a word of event files" if name in EVENT_WORDS else
                 "a word of rules files, which a condition or a score would read instead"
                 if name in RULE_WORDS else None)
        if clash is not None:
            problems.append(error(
                "B114", f"`{name}` cannot name an attribute: it is already {clash}",
                attribute.span, f"choose another name, e.g. {name}_value; the title may say "
                "anything"))
    return problems


def _numbers(scheme: m.Scheme) -> list[str]:
    """The names that stand for an event's number in a score or a comparison."""
    return ([n for n, a in scheme.attributes.items() if a.numeric] + list(scheme.ranks)
            + list(scheme.scores_of)
            + list(m.BUILTIN_ATTRIBUTES))


def _taken(scheme: m.Scheme, name: str, span, suffix: str) -> list[Diagnostic]:
    """B114 where a computed attribute's name (a rank, a score of another index) is
    already an index's, a built-in's, or a word of either language."""
    clash = ("an index" if name in scheme.indices else
             "a built-in attribute" if name in m.BUILTIN_ATTRIBUTES else
             "a word of event files" if name in EVENT_WORDS else
             "a word of rules files" if name in RULE_WORDS else None)
    if clash is None:
        return []
    return [error("B114", f"`{name}` cannot name an attribute: it is already {clash}", span,
                  f"choose another name, e.g. {name}_{suffix}")]


def rank_names(scheme: m.Scheme) -> list[Diagnostic]:
    """A rank's name is free like an attribute's, and its fields are known."""
    problems = []
    fields = list(m.RANK_FIELDS) + list(scheme.attributes)
    for rank in scheme.ranks.values():
        problems += _taken(scheme, rank.name, rank.span, "rank")
        for field in rank.fields:
            if field not in fields:
                problems.append(error("B101", f"unknown field `{field}` for events to be alike "
                                      "in", rank.span, did_you_mean(field, fields)
                                      or "the fields are " + ", ".join(fields)))
    return problems


def score_of_names(scheme: m.Scheme) -> list[Diagnostic]:
    """`attribute NAME score of INDEX`: the name is free like an attribute's, and
    INDEX is one whose events record scores (not a derived one). An index may read
    its own score: on its entries that is `recorded`, on others' the same event's."""
    problems = []
    for reading in scheme.scores_of.values():
        name = reading.name
        problems += _taken(scheme, name, reading.span, "score")
        index = scheme.indices.get(reading.index)
        where = reading.index_span or reading.span
        if index is None:
            recorded = [n for n, i in scheme.indices.items() if not i.derived]
            problems.append(error("B101", f"unknown index `{reading.index}`", where,
                                  did_you_mean(reading.index, recorded)
                                  or "the indices events record scores on are "
                                  + ", ".join(recorded)))
        elif index.derived:
            problems.append(error("B114", f"`{reading.index}` is a derived index: it has a "
                                  "figure per issue, not a score per event", where,
                                  "read an index events record scores on, or select events "
                                  f"in the derived index: sum(INDEX where {name} ...)"))
    return problems


def _attribute_use(name: str, span: Span, scheme: m.Scheme, numeric: bool,
                   problems: list, index_words: str | None = None) -> m.Attribute | None:
    """The attribute `name` stands for, where a number (or a choice) is wanted; a
    finding where it is not declared, or is of the other kind."""
    if numeric and name in m.BUILTIN_ATTRIBUTES and name not in scheme.attributes:
        return None
    if name in scheme.ranks:
        if not numeric:
            problems.append(error("B114", f"`{name}` is a rank (a number from 1), not one of "
                                  "names", span, f"compare it: {name} > 1"))
        return None
    if name in scheme.scores_of:
        if not numeric:
            problems.append(error("B114", f"`{name}` is a score ({scheme.scores_of[name].describe()}"
                                  "), not one of names", span, f"compare it: {name} > 0"))
        return None
    attribute = scheme.attributes.get(name)
    if attribute is None:
        if index_words is None and name in scheme.indices:  # `russia > 0` in a rule
            problems.append(error(
                "B101", f"`{name}` is an index, not an attribute: a rule's condition reads the "
                "score of the event on the index being scored, as `recorded`", span,
                f"write: index is {name} and recorded "
                + ("> 0" if numeric else "> 0 (an index has a score, not names)")
                + f"; to read the same event's score on {name} whatever index is scored, "
                f"declare: attribute {name}_score score of {name}, and write {name}_score > 0"))
            return None
        word = closest(name, ["category", "index"]) if index_words is None and not numeric \
            else None
        choices = [n for n, a in scheme.attributes.items() if not a.numeric]
        if word is not None and did_you_mean(name, choices) is None:  # `categry is sanctions`
            problems.append(error("B101", f"unknown attribute `{name}`", span,
                                  f"did you mean `{word}`?"))
            return None
        if index_words is not None and name in scheme.indices:
            problems.append(error("B113", f"`{name}` cannot stand in a score: a score is "
                                  f"computed for one event {index_words}", span,
                                  f"to read the same event's score on {name}, declare: "
                                  f"attribute {name}_score score of {name}; to compute from "
                                  "indices' figures, declare a derived index: "
                                  "index NAME = EXPRESSION"))
            return None
        wanted = _numbers(scheme) if numeric else [
            n for n, a in scheme.attributes.items() if not a.numeric]
        if index_words is not None:  # in a score: its own words too
            wanted += ["recorded", "direction", "weight", "score"]
        problems.append(error("B101", f"unknown attribute `{name}`", span, did_you_mean(
            name, wanted) or (f"declare it: attribute {name} " +
                              ("number from 0" if numeric else "one of [...]"))))
        return None
    if attribute.numeric != numeric:
        if attribute.numeric:
            problems.append(error("B114", f"`{name}` is a number ({attribute.describe()}), not one "
                                  "of names", span, f"compare it: {name} > 2"))
        else:
            problems.append(error("B114", f"`{name}` is {attribute.describe()}, not a number",
                                  span, f"ask which in a condition: {name} is "
                                  f"{attribute.choices[0]}"))
        return None
    return attribute


def _condition_names(condition, scheme: m.Scheme, problems: list) -> None:
    for c in parts(condition):
        if isinstance(c, m.IndexIn):
            for name in c.names:
                _known(name, scheme.indices, "index", c.span, problems)
        elif isinstance(c, m.CategoryIn):
            for name in c.names:
                _known(name, scheme.categories, "category", c.span, problems)
        elif isinstance(c, m.Tagged):
            _known(c.tag, scheme.tags, "tag", c.span, problems)
        elif isinstance(c, m.ValueIn):
            attribute = _attribute_use(c.name, c.span, scheme, False, problems)
            for name in c.names if attribute is not None else ():
                if name not in attribute.choices:
                    problems.append(error(
                        "B101", f"`{name}` is not a value of `{c.name}`", c.span,
                        did_you_mean(name, attribute.choices)
                        or f"its values are {', '.join(attribute.choices)}"))
        elif isinstance(c, m.ValueCompare):
            _attribute_use(c.name, c.span, scheme, True, problems)
        elif isinstance(c, m.Compare):
            problems.append(error(
                "B113", f"`{c.text()}`: a rule's condition compares what the catalogue records "
                "with a number (recorded >= 2, fatalities = 0), not computed values", c.span,
                "compute in the action instead: then set to if ... then ... else ..."))


# What a condition inside an expression (`if C then A else B`) may be made of.
_NUMBER_CONDITIONS = (m.Compare, m.AllOf, m.AnyOf, m.Not, m.Always)


def _choice_names(choose, problems: list, where: str = "the condition of `if`") -> None:
    """An `if` inside an expression compares numbers; what the catalogue records
    about an event (its category, tags, ...) is a rule's to ask."""
    for c in parts(choose.condition):
        if not isinstance(c, _NUMBER_CONDITIONS):
            problems.append(error(
                "B113", f"`{c.text()}` cannot stand in {where}: it compares "
                "numbers (age > 30, recorded = 0, positive(us) > 2 * events(us))", c.span,
                "ask it in a rule: rule NAME when " + c.text() + " then set to ..."))


def expression_names(expr, scheme: m.Scheme, index: m.Index | None,
                     in_action: bool = False) -> list[Diagnostic]:
    """Every word of an expression means something where it stands: in a score,
    the event's recorded score, direction and weight (and in an action, the
    `score` so far); in a derived index (`index`), other indices and the functions
    of their entries."""
    problems: list[Diagnostic] = []
    for e in subexpressions(expr):
        if isinstance(e, (m.Across, m.Grouping)) and index is None:
            problems.append(error(
                "B113", f"`{e.text()}` cannot stand in a score: a score is computed for one "
                "event from its recorded score, direction and weight", e.span,
                "to compute from indices' figures, declare a derived index: "
                "index NAME = EXPRESSION"))
            continue
        if isinstance(e, m.Choose):
            _choice_names(e, problems)
            continue
        if isinstance(e, m.Reference) and e.name in m.PERIOD_NAMES and (
                e.name not in scheme.indices and e.name not in scheme.attributes):
            continue  # the period's days and months: the same for every event and figure
        if isinstance(e, m.Call) and e.function in CALENDAR_FUNCTIONS:
            if index is not None:
                problems.append(error(
                    "B113", f"`{e.text()}` cannot stand in a derived index: it counts an "
                    "event's days", e.span, f"use it in the score: score recorded * {e.text()} "
                    "/ days"))
            problems += _calendar(e)
            continue
        if isinstance(e, m.Current) and not in_action:
            problems.append(error(
                "B113", "`score` cannot stand here: it is the score so far, which only a "
                "rule's action can use (set to trunc(score / 2))", e.span,
                "use recorded, direction or weight" if index is None else
                "name indices, or use positive(x), sum(x where ...), mean(x), ..."))
            continue
        if index is None and isinstance(e, m.Reference):
            _attribute_use(e.name, e.span, scheme, True, problems,
                           "from its recorded score, direction, weight and attributes")
        elif index is None and isinstance(e, m.Selection) or (
                index is None and isinstance(e, m.Call) and e.function in INDEX_FUNCTIONS
                + HISTORY_FUNCTIONS and e.function not in NUMBER_FUNCTIONS):
            word = e.name if isinstance(e, m.Reference) else e.text()
            problems.append(error(
                "B113", f"`{word}` cannot stand in a score: a score is computed for one event "
                "from its recorded score, direction and weight", e.span,
                "to compute from indices' figures, declare a derived index: "
                "index NAME = EXPRESSION"))
        elif index is not None and isinstance(e, _SCORE_WORDS):
            problems.append(error(
                "B113", f"`{e.text()}` cannot stand in a derived index: it is computed from "
                "other indices' figures, after every event is scored", e.span,
                "name indices, or use positive(x), sum(x where ...), mean(x), ..."))
        elif isinstance(e, m.Reference):
            if e.name in scheme.attributes or e.name in scheme.ranks or (
                    e.name in scheme.scores_of) or (e.name in m.BUILTIN_ATTRIBUTES
                                                    and e.name not in scheme.indices):
                problems.append(error(
                    "B113", f"`{e.name}` cannot stand in a derived index: it is an event's "
                    "attribute, and a derived index is computed from indices' figures", e.span,
                    f"select events by it: sum(INDEX where {e.name} ...)"))
            else:
                _known(e.name, scheme.indices, "index", e.span, problems)
        elif isinstance(e, m.Call):
            problems += _call(e, scheme)
    return problems


def band_condition_names(band: m.Band, bandset: m.BandSet, scheme: m.Scheme
                         ) -> list[Diagnostic]:
    """A band's condition compares indices' figures, as a derived index reads them."""
    problems: list[Diagnostic] = []
    probe = m.Choose(band.condition, m.Constant(0, band.span), m.Constant(0, band.span),
                     band.span)
    _choice_names(probe, problems, "a band's condition")
    reader = scheme.indices.get(bandset.index) or m.Index(bandset.index, "", band.span)
    for e in condition_expressions(band.condition):
        problems += expression_names(e, scheme, reader)
    return problems


def _calendar(call: m.Call) -> list[Diagnostic]:
    """days_in_month(k): k a whole number, 1 or more (the period's k-th month)."""
    arguments = call.arguments
    if len(arguments) != 1 or not (isinstance(arguments[0], m.Constant)
                                   and arguments[0].value == int(arguments[0].value)
                                   and arguments[0].value >= 1):
        return [error("B111", f"{call.function}() takes the month of the period, counted from "
                      "1: days_in_month(1) is the days of the event in the period's first month",
                      call.span)]
    return []


def _call(call: m.Call, scheme: m.Scheme) -> list[Diagnostic]:
    name, arguments = call.function, call.arguments
    for arg in arguments[1:]:
        if isinstance(arg, (m.Across, m.Grouping)):
            return [error("B111", f"`{arg.text()}` stands only as the first argument, e.g. "
                          "mean(russia over 8 issues), clamp(us by category, -4, 4)", arg.span)]
    if arguments and isinstance(arguments[0], m.Across):
        return _across(call, scheme)
    if arguments and isinstance(arguments[0], m.Grouping):
        return _grouping(call, scheme)
    if name == "sd":
        return [error("B111", "sd() takes an index's figures over issues: sd(russia over 8 "
                      "issues)", call.span)]
    if name in HISTORY_FUNCTIONS:
        return _previous(call, scheme)
    if name not in NUMBER_FUNCTIONS and name not in INDEX_FUNCTIONS:
        return [error("B111", f"unknown function `{name}`", call.span,
                      did_you_mean(name, FUNCTIONS) or "the functions are " + ", ".join(FUNCTIONS))]
    problems = []
    if call.over_index():
        arg = arguments[0]
        target = arg.index if isinstance(arg, m.Selection) else arg.name
        if isinstance(arg, m.Selection):
            if name not in SELECTING:
                problems.append(error("B111", f"{name}() takes an index, not a selection with "
                                      "`where`", arg.span,
                                      "`where` selects for sum, count, mean, max and min"))
            _condition_names(arg.condition, scheme, problems)
            _known(target, scheme.indices, "index", arg.span, problems)
        if target in scheme.indices and scheme.indices[target].derived:
            problems.append(error("B111", f"{name}() looks at an index's events, and "
                                  f"`{target}` is derived from other indices: it has none",
                                  arg.span, "name an index whose events are scored"))
        return problems
    if name in INDEX_FUNCTIONS and name not in NUMBER_FUNCTIONS:
        return [error("B111", f"{name}() takes one index, e.g. {name}(us)", call.span)]
    fewest, most = NUMBER_FUNCTIONS[name]
    if len(arguments) < fewest or (most is not None and len(arguments) > most):
        wanted = (f"{fewest}" if fewest == most else f"at least {fewest}")
        if name in ("min", "max"):
            wanted += f" numbers (or one index: {name}(us), its highest or lowest event score)"
        problems.append(error("B111", f"{name}() takes {wanted}, not {len(arguments)}",
                              call.span))
    for arg in arguments:
        if isinstance(arg, m.Selection):
            problems.append(error("B111", f"`where` selects an index's events for sum, count, "
                                  f"mean, max or min, not for {name}()", arg.span))
    return problems


def _across(call: m.Call, scheme: m.Scheme) -> list[Diagnostic]:
    """mean, min, max or sd of `x over N issues`: an index, and a whole number of
    issues (2 or more for sd)."""
    across, name = call.arguments[0], call.function
    problems: list[Diagnostic] = []
    if name not in ACROSS_FUNCTIONS or len(call.arguments) > 1:
        problems.append(error("B111", f"`{across.text()}` is read by mean, min, max or sd "
                              f"alone, not by {name}()" if name not in ACROSS_FUNCTIONS else
                              f"{name}() of `{across.text()}` takes nothing more", call.span,
                              f"e.g. mean({across.text()})"))
    _known(across.index, scheme.indices, "index", across.span, problems)
    fewest = ACROSS_FUNCTIONS.get(name, 1)
    if across.issues != int(across.issues) or across.issues < fewest:
        problems.append(error("B111", f"{name}() counts issues back with a whole number, "
                              f"{fewest} or more, not {m.plain(across.issues)}", across.span,
                              f"e.g. {name}({across.index} over 8 issues)"))
    return problems


def _grouping(call: m.Call, scheme: m.Scheme) -> list[Diagnostic]:
    """clamp(x by F, low, high), count(x by F), max(...), min(...): an index whose
    events are scored, and fields that are the category or attributes."""
    grouping, name = call.arguments[0], call.function
    problems: list[Diagnostic] = []
    wanted = GROUPING_FUNCTIONS.get(name)
    if wanted is None or len(call.arguments) != wanted:
        problems.append(error(
            "B111", f"`{grouping.text()}` is read by clamp(..., low, high), count, max or min"
            + (f", and {name}() takes {wanted - 1} more number{'s' if wanted > 2 else ''}"
               if wanted else f", not by {name}()"), call.span,
            f"e.g. clamp({grouping.text()}, -4, 4): each group's sum within -4..4, added up"))
    _known(grouping.index, scheme.indices, "index", grouping.span, problems)
    if grouping.index in scheme.indices and scheme.indices[grouping.index].derived:
        problems.append(error("B111", f"{name}() groups an index's events, and "
                              f"`{grouping.index}` is derived from other indices: it has none",
                              grouping.span, "name an index whose events are scored"))
    if grouping.condition is not None:
        _condition_names(grouping.condition, scheme, problems)
    fields = ["category"] + list(scheme.attributes)
    for field in grouping.fields:
        if field not in fields:
            problems.append(error("B101", f"unknown field `{field}` to group by", grouping.span,
                                  did_you_mean(field, fields)
                                  or "group by category or by an attribute the scheme declares"))
    return problems


def _previous(call: m.Call, scheme: m.Scheme) -> list[Diagnostic]:
    """previous(x) or previous(x, n): an index, and how many issues back (whole, 1 or more)."""
    arguments = call.arguments
    if not arguments or len(arguments) > 2 or not isinstance(arguments[0], m.Reference):
        return [error("B111", "previous() takes an index and, if more than one issue back, how "
                      "many: previous(russia), previous(russia, 2)", call.span)]
    problems: list[Diagnostic] = []
    if len(arguments) == 2:
        n = arguments[1]
        if not (isinstance(n, m.Constant) and n.value == int(n.value) and n.value >= 1):
            problems.append(error("B111", f"previous() counts issues back with a whole number, "
                                  f"1 or more, not {n.text()}", n.span,
                                  "e.g. previous(russia, 2): the figure two issues before"))
    return problems


def current_references(expr):
    """The indices an expression reads in the issue at hand: every name, except
    inside previous(), which reads an earlier issue."""
    stack = [expr]
    while stack:
        e = stack.pop()
        if isinstance(e, m.Reference):
            yield e
        elif isinstance(e, m.Binary):
            stack += [e.right, e.left]
        elif isinstance(e, m.Negate):
            stack.append(e.operand)
        elif isinstance(e, m.Call) and e.function not in HISTORY_FUNCTIONS:
            stack.extend(reversed(e.arguments))
        elif isinstance(e, m.Choose):
            stack += [e.otherwise, e.then, *condition_expressions(e.condition)]


def _needs(scheme: m.Scheme) -> dict[str, list[str]]:
    """Each derived index's derived indices read in the issue at hand, in order."""
    return {name: [e.name for e in current_references(index.formula)
                   if e.name in scheme.indices and scheme.indices[e.name].derived]
            for name, index in scheme.indices.items() if index.derived}


def _components(needs: dict[str, list[str]]) -> dict[str, int]:
    """Each name's strongly connected component (Tarjan's, without recursion): two
    names share one where each reads the other, directly or through others."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    component: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    count = 0
    for root in needs:
        if root in index:
            continue
        work = [(root, iter(needs[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            name, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(needs.get(child, ()))))
                elif child in on_stack:
                    low[name] = min(low[name], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[name])
            if low[name] == index[name]:
                count += 1
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component[member] = count
                    if member == name:
                        break
    return component


def cycles(scheme: m.Scheme) -> list[Diagnostic]:
    """Derived indices that depend on themselves, directly or through others. Each
    is found once, with a path back to itself, in time that grows as the scheme."""
    needs = _needs(scheme)
    component = _components(needs)
    sizes: dict[int, int] = {}
    for number in component.values():
        sizes[number] = sizes.get(number, 0) + 1
    problems, reported = [], set()
    for start in needs:
        if start in reported or (sizes[component[start]] == 1 and start not in needs[start]):
            continue
        # a walk back to `start` within its component, each name visited once
        came_from: dict[str, str | None] = {start: None}
        path = None
        stack = [(start, iter(needs[start]))]
        while stack and path is None:
            name, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
            elif child == start:
                path = [n for n, _ in stack]
            elif child not in came_from and component.get(child) == component[start]:
                came_from[child] = name
                stack.append((child, iter(needs.get(child, ()))))
        reported |= set(path)
        problems.append(error(
            "B112", f"`{start}` depends on itself: {' -> '.join(path + [start])}",
            scheme.indices[start].span,
            "a derived index can only use indices computed before it"))
    return problems


def derived_order(scheme: m.Scheme) -> list[str]:
    """The derived indices, each after the ones it uses: at each step the first
    declared of those whose inputs are computed (one reading itself, or one on a
    cycle, which `cycles` reports, is left out with what reads it)."""
    import heapq  # here: its C module costs every cold start ~0.7 ms, and few schemes derive

    needs = _needs(scheme)
    position = {name: n for n, name in enumerate(needs)}
    waiting = {name: len(set(uses) - {name}) for name, uses in needs.items()}
    readers: dict[str, list[str]] = {}
    for name, uses in needs.items():
        for used in set(uses) - {name}:
            readers.setdefault(used, []).append(name)
    ready = [position[name] for name, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    names = list(needs)
    done: list[str] = []
    while ready:
        name = names[heapq.heappop(ready)]
        done.append(name)
        for reader in readers.get(name, ()):
            waiting[reader] -= 1
            if waiting[reader] == 0:
                heapq.heappush(ready, position[reader])
    return done


def vary_names(vary: m.Vary, scheme: m.Scheme) -> list[Diagnostic]:
    """The names a `vary` declaration gives are categories, indices with bands or
    a rule with numbers to move; the score expressions it offers are scores."""
    if vary.kind == "score":
        problems = []
        for n, option in enumerate(vary.options):
            deep = too_deep(option, f"score expression {n + 1} of `vary score among`",
                            vary.span, "write it shorter: a weight per category, or a rule")
            problems += [deep] if deep else expression_names(option, scheme, None)
        if len(vary.options) < 2:
            problems.append(error("B117", "`vary score among` needs two expressions or more to "
                                  "choose between", vary.span,
                                  "e.g. vary score among [recorded, direction]"))
        return problems
    if vary.by < 0:
        what = f"{vary.kind} {vary.names[0]}" if vary.kind == "rule" else vary.kind
        return [error("B117", f"`vary {what} by {m.plain(vary.by)}{'%' if vary.relative else ''}`"
                      ": each number moves within plus or minus the amount, which cannot be "
                      "negative",
                      vary.span, f"vary by a positive amount: vary {what} by 1")]
    if vary.kind == "rule":
        rules = {r.name: r for r in scheme.rules}
        name = vary.names[0]
        if name not in rules:
            return [error("B101", f"unknown rule `{name}`", vary.span,
                          did_you_mean(name, rules) or "the scheme has no rule of that name")]
        if not rule_numbers(rules[name]):
            return [error("B117", f"rule `{name}` has no number to vary", vary.span,
                          "vary a rule whose actions write numbers: add 1, multiply by 2, "
                          "set to trunc(score / 2)")]
        return []
    table, kind = ((scheme.categories, "category") if vary.kind == "weights"
                   else (scheme.bands, "index with bands"))
    problems = [error("B101", f"unknown {kind} `{name}`", vary.span,
                      did_you_mean(name, table) or f"the scheme declares no {kind} of that name")
                for name in vary.names or () if name not in table]
    if vary.kind == "weights" and not problems:
        unweighted = [n for n in vary.names or table if table[n].weight is None]
        if unweighted:
            problems.append(error(
                "B117", f"{'category' if len(unweighted) == 1 else 'categories'} "
                f"{', '.join(unweighted[:5])}"
                f"{f' and {len(unweighted) - 5} more' if len(unweighted) > 5 else ''} "
                f"{'has' if len(unweighted) == 1 else 'have'} no weight to vary", vary.span,
                f"give each a weight (category {unweighted[0]} weight 1), or name the "
                "categories whose weights vary: vary weights of a, b by 1"))
    return problems


def rule_numbers(rule: m.Rule) -> list:
    """The numbers written in a rule's actions (`add 1`, `multiply by 2`, the 2 of
    `trunc(score / 2)`), as their Constant nodes, in order."""
    return [e for a in rule.actions if a.kind in ("set", "add", "multiply")
            for e in subexpressions(a.value) if isinstance(e, m.Constant)]


def depth(condition) -> int:
    """How deeply `condition` nests (the measure every expression's is)."""
    return expression_depth(condition)


def too_deep(node, what: str, span: Span, hint: str) -> Diagnostic | None:
    """B109, the one depth limit of every expression and condition, wherever it
    stands: deeper than MAX_DEPTH, it is not computed (nor written back), so that
    no nesting a file can write exhausts the interpreter's stack."""
    nesting = expression_depth(node)
    if nesting <= MAX_DEPTH:
        return None
    return error("B109", f"{what} is nested {nesting} deep; barometer takes at most {MAX_DEPTH}",
                 span, hint)


def uses_weight(expr) -> bool:
    return any(isinstance(e, m.Weight) for e in subexpressions(expr))


def weighs(scheme: m.Scheme) -> bool:
    """Whether the scheme reads a category's weight: in its score expression, or in
    the value of an action (`then set to recorded * weight`). Then every event
    needs a category and every category a weight (B107), whichever rule applies."""
    return uses_weight(scheme.score) or any(
        uses_weight(a.value) for r in scheme.rules for a in r.actions
        if a.kind in ("set", "add", "multiply"))


# --- catalogues --------------------------------------------------------------------


def unknown(kind: str, declared: m.Declared, table: dict) -> Diagnostic:
    return error("B101", f"unknown {kind} `{declared.name}`", declared.span,
                 did_you_mean(declared.name, table) or f"the scheme declares no {kind} of that name")


def index_name(name: str, span: Span, scheme: m.Scheme, problems: list) -> bool:
    """Whether an index named in a catalogue is the scheme's (else a finding)."""
    if name in scheme.indices:
        return True
    problems.append(unknown("index", m.Declared(name, span), scheme.indices))
    return False


def published_names(period: m.Period, scheme: m.Scheme) -> list[Diagnostic]:
    """The published totals a catalogue states name the scheme's indices, once each."""
    problems: list[Diagnostic] = []
    seen: set[str] = set()
    for stated in period.published:
        if not index_name(stated.index, stated.span, scheme, problems):
            continue
        if stated.index in seen:
            problems.append(error("B102", f"the published total of `{stated.index}` is stated "
                                  "twice", stated.span, "keep one"))
        seen.add(stated.index)
        colour = stated.colour
        # A colour is the report's, as its totals are: it names a band of the scheme that
        # extends no other (a variant's bands may differ; `published_totals` compares it).
        if colour is not None and len(scheme.files) == 1:
            bands = scheme.bands.get(stated.index)
            names = [b.name for b in bands.bands] if bands is not None else []
            if colour.name not in names:
                problems.append(error(
                    "B101", f"unknown band `{colour.name}` of {stated.index}" if names else
                    f"{stated.index} has no bands: no colour can be published for it",
                    colour.span, did_you_mean(colour.name, names) if names else
                    "publish its total alone"))
    return problems
