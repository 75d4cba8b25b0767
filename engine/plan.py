"""A scheme compiled once into a plan, and the plan run on a catalogue.

`eval`, `explain`, `compare` and `sensitivity` all run the same plan:

- match: which rules apply to which entry (one event's score on one index),
  decided once. Conditions look only at what the catalogue records, never at a
  computed score, so one matching serves any number of weightings;
- score: the scheme's score expression, then the matched rules' actions in
  order, in a number domain (exact for figures, arrays for sensitivity);
- aggregate: per index the positive and negative points, the events counted,
  and the colour of the aggregate.

What `explain` reads is the same run with an observer that records each step
(as cel-go decorates its plan), not a second evaluator.
"""

from __future__ import annotations

import math
from typing import NamedTuple

from ..dsl import model as m
from ..dsl.diagnostics import InputError
from ..dsl.domains import EXACT, FigureProblem
from ..dsl.node import Node, evolve, node
from ..dsl.files import gc_paused
from ..dsl.nodes import EXCLUDED, Answers, Recorded, Reference, Tagged, compare, subexpressions
from ..dsl.resolve import derived_order
from .records import Tabular, bounded, number, short


@node
class Entry(Node):
    event: m.Event
    index: str
    recorded: int
    rules: tuple[m.Rule, ...]  # the rules whose condition holds, in scheme order
    end: object = None  # the period's last day, for the built-in attribute `age`
    ranks: dict | None = None  # the scheme's ranks (`attribute NAME rank ...`): name -> rank

    @property
    def category(self) -> str | None:
        """The name of the event's category (None without one)."""
        category = self.event.category
        return category.name if category is not None else None

    def values(self, name: str):
        """The event's value of an attribute, for score expressions."""
        if self.ranks is not None and name in self.ranks:
            return self.ranks[name]
        return self.event.value(name, self.end)


@node
class Step(Node):
    rule: m.Rule
    action: m.Action
    before: m.Number
    after: m.Number | None  # None: the event was excluded


@node
class Scored(Node):
    """An entry's score with the steps that made it: the plan's record."""

    entry: Entry
    base: m.Number  # from the score expression
    steps: tuple[Step, ...]
    score: m.Number | None  # None: excluded, counts nowhere


class EntryView(Answers):
    """What a rule's condition may ask of a real entry (see dsl/nodes.py)."""

    __slots__ = ("event", "index", "recorded", "category", "end", "ranks")

    def __init__(self, event: m.Event, end=None):
        self.event = event
        self.category = event.category.name if event.category is not None else None
        self.end = end  # the period's last day
        self.ranks = None  # the entry's ranks, where the scheme computes some

    def value_in(self, name: str, names) -> bool:
        return self.event.value(name, self.end) in names

    def value_compares(self, name: str, op: str, value) -> bool:
        if self.ranks is not None and name in self.ranks:
            return compare(op, self.ranks[name], value)
        return compare(op, self.event.value(name, self.end), value)

    def tagged(self, tag: str) -> bool:
        return self.event.has_tag(tag)

    def mentions(self, phrase: str) -> bool:
        return phrase.casefold() in self.event.text.casefold()

    def ended_before(self, date) -> bool:
        return self.event.when.end < date

    def began_after(self, date) -> bool:
        return self.event.when.start > date

    def lies_within(self, start, end) -> bool:
        return start <= self.event.when.start and self.event.when.end <= end


class Signature:
    """What a scheme reads of an entry, named once (issue 19): two entries alike in
    it get the same score and count alike in every figure, so each distinct
    signature is scored once and its score counted as often as it occurs.

    An entry's signature is its index, its recorded score, its category, and:
    - `tags`: which of the tags the conditions test it has;
    - `tests`: the outcome of each text and date condition (`text contains "x"`,
      `date before D`), which depend on the event alone;
    - `values`: its values of the attributes read by the conditions (`level is
      head`), the score expression and actions, the groupings of derived indices
      (`us by level`), and the built-ins that count days (age, days, days_in_month);
    - `ranked`: of those, the rank attributes and the scores on another index
      (`score of INDEX`), whose values are the entry's own.
    Conditions are those of the rules and of derived indices' selections (`sum(us
    where C)`, `clamp(us where C by level, ...)`). `known` is False where a
    condition is of a kind not listed in `_FACTS`: then every entry is its own
    signature (scored alone)."""

    __slots__ = ("tags", "tests", "questions", "values", "ranked", "known")

    def __init__(self, scheme: m.Scheme):
        from ..dsl.nodes import Grouping, Selection, parts

        conditions = [r.condition for r in scheme.rules]
        values: list[str] = []
        for index in scheme.indices.values():
            for e in subexpressions(index.formula) if index.formula is not None else ():
                if isinstance(e, (Selection, Grouping)) and e.condition is not None:
                    conditions.append(e.condition)
                if isinstance(e, Grouping):
                    values += [f for f in e.fields if f != "category"]
        tags: list[str] = []
        tests: dict = {}  # text -> the condition, each once
        self.known = True
        for condition in conditions:
            for c in parts(condition):
                kind = type(c).__name__
                if kind not in _FACTS or type(c).__module__ != Tagged.__module__:
                    self.known = False
                elif kind == "Tagged":
                    tags.append(c.tag)
                elif _FACTS[kind] in ("text", "dates"):
                    tests.setdefault(c.text(), c)
                elif _FACTS[kind] == "values":
                    values.append(c.name)
        values += reads(scheme)
        self.tags = frozenset(tags)
        self.tests = tuple(tests.values())
        self.questions = tuple(_question(c) for c in self.tests)  # what SignatureView is asked
        self.values = tuple(dict.fromkeys(values))
        # the entry's own values (`ranks`): its ranks, and the scores it reads on another
        # index (`attribute NAME score of INDEX`)
        self.ranked = tuple(n for n in self.values if n in scheme.ranks or n in scheme.scores_of)

    def facts(self, event: m.Event, end) -> tuple:
        """What the signature reads of the event itself (all but the index, the
        recorded score and the ranks, which are the entry's)."""
        category = event.category
        tags = self.tags
        found = (category.name if category is not None else None,
                 tuple([t.name for t in event.tags if t.name in tags])
                 if tags and event.tags else ())
        if self.tests:
            view = EntryView(event, end)
            found += (tuple([c.holds(view) for c in self.tests]),)
        if self.values:
            found += (tuple([event.value(n, end) for n in self.values]),)
        return found

    def row(self, entry: "Entry") -> tuple:
        """The entry's signature as data, as a columnar engine groups a catalogue by
        it: (index, recorded, category, the tags tested it has, the outcome of each
        of `tests`, its value of each of `values`), read by SignatureView."""
        view = EntryView(entry.event, entry.end)
        view.index, view.recorded, view.ranks = entry.index, entry.recorded, entry.ranks
        return (entry.index, entry.recorded, entry.category,
                tuple(t.name for t in entry.event.tags if t.name in self.tags),
                tuple(c.holds(view) for c in self.tests),
                tuple(entry.values(n) for n in self.values))


def _question(condition) -> tuple:
    """What a text or date condition asks of a subject, as SignatureView keys it."""
    kind = type(condition).__name__
    if kind == "TextContains":
        return ("mentions", condition.phrase)
    if kind == "DateBefore":
        return ("ended_before", condition.date)
    if kind == "DateAfter":
        return ("began_after", condition.date)
    return ("lies_within", condition.start, condition.end)


class SignatureView(Answers):
    """What a condition may ask of a signature given as data (`Signature.row`, a
    row of a catalogue grouped by a columnar engine): the answers each of its
    entries gives."""

    __slots__ = ("index", "recorded", "category", "tags", "answers", "named", "ranks")

    def __init__(self, signature: Signature, row: tuple):
        self.index, self.recorded, self.category, tags, answers, values = row
        self.tags = frozenset(tags)
        self.answers = dict(zip(signature.questions, answers))
        self.named = dict(zip(signature.values, values))
        self.ranks = None

    def value_in(self, name: str, names) -> bool:
        return self.named[name] in names

    def value_compares(self, name: str, op: str, value) -> bool:
        return compare(op, self.named[name], value)

    def tagged(self, tag: str) -> bool:
        return tag in self.tags

    def mentions(self, phrase: str) -> bool:
        return self.answers[("mentions", phrase)]

    def ended_before(self, date) -> bool:
        return self.answers[("ended_before", date)]

    def began_after(self, date) -> bool:
        return self.answers[("began_after", date)]

    def lies_within(self, start, end) -> bool:
        return self.answers[("lies_within", start, end)]


class Signed:
    """An entry standing for every entry of one signature given as data, without
    its events: what scoring and the figures read of it (as of an Entry)."""

    __slots__ = ("_view", "_row", "_signature", "_named", "index", "recorded", "category",
                 "rules", "ranks")

    def __init__(self, view: SignatureView, rules: tuple):
        self._view, self.rules, self.ranks = view, rules, None
        self.index, self.recorded, self.category = view.index, view.recorded, view.category
        self._named = view.named

    @classmethod
    def of(cls, signature: Signature, row: tuple, rules: tuple) -> "Signed":
        """The signature given as data (`Signature.row`), its view made only where a
        condition asks it (a derived index's selection): 11,200 views at 10^6 events
        were most of `Plan.signed`."""
        signed = cls.__new__(cls)
        signed.index, signed.recorded, signed.category, _, _, values = row
        signed._view, signed._row, signed._signature = None, row, signature
        signed._named = dict(zip(signature.values, values)) if values else {}
        signed.rules, signed.ranks = rules, None
        return signed

    @property
    def view(self) -> SignatureView:
        if self._view is None:
            self._view = SignatureView(self._signature, self._row)
        return self._view

    def values(self, name: str):
        return self._named[name]


class Plan:
    """A scheme, compiled once."""

    def __init__(self, scheme: m.Scheme):
        self.scheme = scheme
        self.expression = scheme.score
        self.rules = scheme.rules
        self.low, self.high = scheme.range.low, scheme.range.high
        self.weights = {name: c.weight for name, c in scheme.categories.items()}
        self.period = None  # the period of the catalogue matched last
        # the published method's shape: every score as recorded, no rules
        self.as_recorded = type(scheme.score) is Recorded and not scheme.rules
        # the attributes the score expression and the actions read, in order
        self.reads = reads(scheme)
        self.signature = Signature(scheme)
        self._matched: dict = {}  # the rules matched, by their places: one tuple each

    def match(self, catalogue: m.Catalogue) -> list[Entry]:
        """Every entry of the catalogue, in catalogue order, with the rules matched.
        Entries alike in the scheme's signature share one tuple of rules (found
        once per signature); `scores` relies on that sharing."""
        return self._entries(catalogue, True)[0]

    def group(self, catalogue: m.Catalogue) -> tuple[list[Entry], list[int]]:
        """The catalogue's entries grouped by the scheme's signature: one entry per
        distinct signature (the first of its kind in catalogue order, with the rules
        matched), and how many entries share it. Every figure counts an entry as the
        first of its signature counts, so each signature is scored once and its
        score counted that many times (`totals`' `counts`)."""
        return self._entries(catalogue, False)

    def _entries(self, catalogue: m.Catalogue, each: bool) -> tuple[list[Entry], list[int]]:
        """(every entry, or the first of each signature; the count of each signature's
        entries, in the order of their first)."""
        rules = self.rules
        end = m.period_end(catalogue.period)
        self.period = catalogue.period
        ranked = (ranks(self.scheme, catalogue) if self.scheme.ranks or self.scheme.scores_of
                  else None)
        signature = self.signature
        facts_of = signature.facts if signature.known else None
        rank_names = signature.ranked
        known: dict = {}  # signature -> its place in `firsts`
        firsts: list[Entry] = []
        counts: list[int] = []
        out: list[Entry] = []
        append = out.append
        with gc_paused():  # entries hold no cycles: nothing for the collector to find
            for event in catalogue.events:
                facts = facts_of(event, end) if facts_of is not None else None
                view = None
                for score in event.scores:
                    index, recorded = score.index, score.value
                    mine = ranked.get((event.number, index)) if ranked else None
                    at = None
                    if facts_of is not None:
                        key = (index, recorded, facts)
                        if rank_names:
                            key += tuple([mine.get(n) for n in rank_names])
                        at = known.get(key)
                    if at is None:
                        if not rules:
                            matched = ()
                        else:
                            if view is None:
                                view = EntryView(event, end)
                            view.index, view.recorded, view.ranks = index, recorded, mine
                            matched = self.matched(view)
                        entry = Entry(event, index, recorded, matched, end, mine)
                        if facts_of is not None:
                            known[key] = len(firsts)
                        firsts.append(entry)
                        counts.append(1)
                    else:
                        counts[at] += 1
                        if each:
                            entry = Entry(event, index, recorded, firsts[at].rules, end, mine)
                    if each:
                        append(entry)
        return (out if each else firsts), counts

    def weight_of(self, entry: Entry, weights: dict | None = None):
        category = entry.category
        if category is None:
            return None
        if weights is not None and category in weights:
            return weights[category]
        return self.weights.get(category)

    def score(self, entry: Entry, d=EXACT, weight=None, observe=None):
        """The entry's score in domain `d` (EXCLUDED if a rule excludes it);
        `observe(rule, action, before, after)` sees every step, if given."""
        values = entry.values if self.reads else None
        value = self.expression.evaluate(entry.recorded, weight, d, None, values)
        low, high = self.low, self.high
        for rule in entry.rules:
            for action in rule.actions:
                after = action.apply(value, d, low, high, entry.recorded, weight, values)
                if observe is not None:
                    observe(rule, action, value, after)
                if after is EXCLUDED:
                    return EXCLUDED
                value = after
        return value

    def scores(self, entries: list[Entry] | list[Signed], weights: dict | None = None) -> list:
        """Every entry's exact score."""
        if self.as_recorded:
            return [e.recorded for e in entries]
        # A score depends on the recorded score, the category's weight and the
        # rules matched, nothing else: entries alike are scored once. The rules
        # are told apart by identity (`match` shares one tuple per distinct match,
        # and every tuple outlives this call, held by its entries).
        done: dict = {}
        out = []
        append = out.append
        missing = _MISSING
        reads = self.reads
        for entry in entries:
            rules = entry.rules
            key = (entry.category, entry.recorded, id(rules))
            if reads:
                key += tuple([entry.values(n) for n in reads])
            found = done.get(key, missing)
            if found is missing:
                found = done[key] = self.scored(entry, EXACT, self.weight_of(entry, weights))
            append(found)
        return out

    def matched(self, view) -> tuple:
        """The rules whose condition holds for `view`, in scheme order: one tuple for
        each distinct set, shared (`scores` scores alike the entries alike in their
        category, recorded score and rules matched, told apart by identity)."""
        rules = self.rules
        which = tuple([n for n, r in enumerate(rules) if r.condition.holds(view)])
        found = self._matched.get(which)
        if found is None:
            found = self._matched[which] = tuple(rules[n] for n in which)
        return found

    def signed(self, rows, period=None) -> list[Signed]:
        """Signatures given as data (`Signature.row`), each with the rules matched:
        entries to score and add up (`scores`, `totals` with the counts). The rules'
        conditions are asked once for each distinct part of a signature they read
        (`_condition_key`): signatures differ mostly in what the score reads (the
        recorded score, 11,200 signatures at 10^6 events), not in what the
        conditions do."""
        self.period = period
        signature = self.signature
        keyed = self._condition_key()
        known: dict = {}
        out = []
        append = out.append
        of = Signed.of
        for row in rows:
            if keyed is None:
                view = SignatureView(signature, row)
                append(Signed(view, self.matched(view)))
                continue
            key = keyed(row)
            rules = known.get(key)
            if rules is None:
                rules = known[key] = self.matched(SignatureView(signature, row))
            append(of(signature, row, rules))
        return out

    def _condition_key(self):
        """A function of a signature's row (`Signature.row`) and its view giving what
        the rules' conditions read of it, and only that: two signatures alike in it
        match the same rules. None where a condition is of a kind `_FACTS` does not list
        (then every signature is asked)."""
        from ..dsl.nodes import parts

        reads: set = set()
        values: list[str] = []
        for rule in self.rules:
            for c in parts(rule.condition):
                kind = type(c).__name__
                if type(c).__module__ != Tagged.__module__ or kind not in _FACTS:
                    return None
                what = _FACTS[kind]
                if what == "values":
                    values.append(c.name)
                elif what is not None:
                    reads.add("tests" if what in ("text", "dates") else what)
        places = [n for n, part in enumerate(_ROW_PARTS) if part in reads and part != "tags"]
        named = tuple(dict.fromkeys(values))
        if set(named) - set(self.signature.values):
            return None  # a value the signature does not hold (SignatureView would fail too)
        at = [self.signature.values.index(n) for n in named]  # each one's place in row[5]
        tags = "tags" in reads

        def key(row) -> tuple:
            found = tuple([row[n] for n in places])
            if tags:
                found += (frozenset(row[3]),)
            if at:
                values = row[5]
                found += tuple([values[n] for n in at])
            return found

        return key

    def scored(self, entry: Entry, d=EXACT, weight=None, observe=None):
        """`score`, with a figure that cannot be computed (a division by zero in
        the score expression or an action) told which event and index it is on."""
        try:
            return self.score(entry, d, weight, observe)
        except FigureProblem as e:
            raise FigureProblem(e.message, e.span, entry) from None

    def trace(self, entries: list[Entry], weights: dict | None = None) -> tuple[Scored, ...]:
        """The same run, recorded step by step."""
        out = []
        for entry in entries:
            steps: list[Step] = []
            weight = self.weight_of(entry, weights)
            score = self.scored(entry, EXACT, weight,
                               lambda rule, action, before, after:
                               steps.append(Step(rule, action, before, after)))
            base = self.expression.evaluate(entry.recorded, weight, EXACT, None,
                                            entry.values if self.reads else None)
            out.append(Scored(entry, base, tuple(steps), score))
        return tuple(out)

    def totals(self, entries: list[Entry] | list[Signed], scores: list, history=None,
               short: dict | None = None, times: list[int] | None = None
               ) -> dict[str, "IndexResult"]:
        """Each index's figures. `history`: the issues before, oldest first (`Past`),
        for previous(); None where there is none (then a previous() raises
        HistoryShort). `short`: where given, an index whose figure needs more
        history than there is gets none, and is noted there instead of raising.
        `times`: how many entries each entry stands for (`group`), 1 each if None."""
        scheme = self.scheme
        positive = {name: 0 for name in scheme.indices}
        negative = dict(positive)
        counts = dict(positive)
        for entry, score, n in zip(entries, scores, times or _ones(len(entries))):
            if score is EXCLUDED:
                continue
            name = entry.index
            if name not in counts:
                continue  # an index another scheme of the chain declares
            counts[name] += n
            if score > 0:
                positive[name] += score * n if n != 1 else score
            else:
                negative[name] += score * n if n != 1 else score
        results = {}
        for name, index in scheme.indices.items():
            if index.derived:
                continue
            aggregate = positive[name] + negative[name]
            bands = scheme.bands.get(name)
            colour = bands.colour_of(aggregate, counts[name]) if bands else None
            results[name] = IndexResult(index, aggregate, positive[name], negative[name],
                                        counts[name], colour)
        period = self.period or (entries[0].end if entries else None)
        figures = Figures(results, entries, scores, history, short, period, times)
        if len(results) < len(scheme.indices):
            self.derive(results, figures, short)
        colour_by_figures(scheme, results, figures, counts)
        return {name: results[name] for name in scheme.indices if name in results}

    def derive(self, results: dict, figures: "Figures", short: dict | None = None) -> None:
        """The derived indices' figures, each after the ones it uses (a division by
        zero raises FigureProblem, said where the expression asks for it)."""
        scheme = self.scheme
        for name in derived_order(scheme):
            index = scheme.indices[name]
            try:
                value = index.formula.figure(figures, EXACT)
                if isinstance(value, float) and not math.isfinite(value):
                    raise FigureProblem("a number too large to compute with",
                                        index.formula.span, fatal=True)
            except HistoryShort as e:
                if short is None:
                    raise
                short[name] = e
                continue
            except FigureProblem as e:  # that index's figure, not the run's: said, then on
                if e.fatal:
                    raise
                results[name] = IndexResult(index, None, None, None, None, None,
                                            Undefined(e.message, e.span or index.span))
                continue
            bands = scheme.bands.get(name)
            results[name] = IndexResult(index, value, None, None, None,
                                        bands.colour(value) if bands else None)


def colour_by_figures(scheme: m.Scheme, results: dict, figures, counts=None) -> None:
    """The colours of indices whose bands are chosen by other figures too (`red <=
    -18 when national_security < 0`), once every figure is known; a band whose
    condition reads a figure the issue lacks does not hold."""
    for name, bandset in scheme.bands.items():
        result = results.get(name)
        if result is None or not bandset.conditional:
            continue
        try:
            if result.index.derived:
                colour = bandset.colour(result.aggregate, figures)
            else:
                colour = bandset.colour_of(result.aggregate, result.events, figures)
        except (HistoryShort, KeyError, FigureProblem):
            colour = bandset.colour(result.aggregate)  # the bands without a condition
        results[name] = evolve(result, colour=colour)


class Past(NamedTuple):
    """An earlier issue, as the history a figure may read: its label, and each
    index's aggregate (None where it is not known)."""

    label: str
    figures: dict


@node
class Undefined(Node):
    """Why an index has no figure in an issue (a division by zero, the mean of no
    events), and where the expression that asks for it is written."""

    reason: str
    span: object

    def words(self) -> str:
        where = self.span
        return (f"{self.reason} ({where.file}:{where.line}:{where.column})" if where
                else self.reason)


def calendar_figure(name: str, period):
    """period_days or period_months of the period at hand (a Period, or the
    PeriodEnd entries carry)."""
    start = getattr(period, "start", None)
    end = getattr(period, "end", period)
    return m.calendar_value(name, start, end)


class HistoryShort(Exception):
    """A figure or colour that needs more earlier issues than there are: `what`
    needs `needed` issues before, and there are `have` (or the one it reads,
    `missing`, does not know the figure)."""

    def __init__(self, what: str, needed: int, have: int, span, missing: str | None = None):
        super().__init__(what)
        self.what, self.needed, self.have, self.span, self.missing = (what, needed, have, span,
                                                                      missing)

    def words(self) -> str:
        if self.missing is not None:
            return f"{self.what} reads {self.missing}, which has no such figure"
        issues = f"{self.needed} earlier issue{'' if self.needed == 1 else 's'}"
        return f"{self.what} needs {issues}" + (
            f", and there {'is' if self.have == 1 else 'are'} {self.have}" if self.have else "")


class Figures:
    """What a derived index's expression may ask, answered from the scored entries:
    another index's figure, or its entries' scores (where a condition holds), or
    an index's figure in an earlier issue (from `history`)."""

    def __init__(self, results: dict, entries: list, scores: list, history=None,
                 short: dict | None = None, period=None, times: list[int] | None = None):
        self.results, self.history, self.short = results, history, short
        # (entry, score, how many entries it stands for), the excluded left out
        self.pairs = [(e, s, n) for e, s, n in zip(entries, scores, times or _ones(len(entries)))
                      if s is not EXCLUDED]
        self.period = period  # for period_days and period_months

    def aggregate(self, name: str, d):
        if name in m.PERIOD_NAMES and name not in self.results:
            return calendar_figure(name, self.period)
        result = self.results.get(name)
        if result is not None and result.aggregate is None:
            raise result.problem()  # an index without a figure: nor has what reads it
        if result is None and self.short and name in self.short:
            raise self.short[name]  # a derived index this issue has no history for
        return result.aggregate if result is not None else self.results[name].aggregate

    def previous(self, name: str, n: int, d, span):
        what = f"previous({name}{'' if n == 1 else f', {n}'})"
        history = self.history or ()
        if len(history) < n:
            raise HistoryShort(what, n, len(history), span)
        past = history[-n]
        value = past.figures.get(name)
        if value is None:
            raise HistoryShort(what, n, len(history), span, past.label)
        return value

    def groups(self, name: str, condition, fields, d, span) -> list:
        """The sums of the index's scores (where the condition holds) per group of
        events alike in `fields` (the category, attributes), groups in the order
        their first events come."""
        sums: dict = {}
        for entry, score, n in self.pairs:
            if entry.index != name:
                continue
            if condition is not None and not condition.holds(view_of(entry)):
                continue
            key = tuple(field_value(entry, f) for f in fields)
            sums[key] = sums.get(key, 0) + (score * n if n != 1 else score)
        return list(sums.values())

    def entries(self, function: str, name: str, condition, d, span):
        if function in ("positive", "negative", "events") and condition is None:
            result = self.results[name]
            return {"positive": result.positive, "negative": result.negative,
                    "events": result.events}[function]
        scores, total, count = [], 0, 0
        for entry, score, n in self.pairs:
            if entry.index != name:
                continue
            if condition is not None and not condition.holds(view_of(entry)):
                continue
            scores.append(score)
            total += score * n if n != 1 else score
            count += n
        if function == "count":
            return count
        if function == "sum":
            return total
        if not scores:
            what = name if condition is None else f"{name} where {condition.text()}"
            raise FigureProblem(f"{function}() of {what} with no events", span)
        if function == "mean":
            return EXACT.divide(total, count, span)
        return max(scores) if function == "max" else min(scores)


def view_of(entry: Entry) -> EntryView:
    """What a condition may ask of this entry."""
    if type(entry) is Signed:
        return entry.view
    view = EntryView(entry.event, entry.end)
    view.index, view.recorded, view.ranks = entry.index, entry.recorded, entry.ranks
    return view


def ranks(scheme: m.Scheme, catalogue: m.Catalogue) -> dict:
    """Each entry's ranks, (event number, index) -> {rank name: rank}: for each
    `attribute NAME rank by FIELDS within N days`, the entry's place among the
    entries (the events, where `index` is not a field) alike in the fields that
    began at most N days before it, itself included; ties in the start day go by
    catalogue order. With them, each `attribute NAME score of INDEX`: the score the
    same event records on INDEX, or its default (0) where it records none there."""
    from collections import deque

    end = catalogue.period.end
    out: dict = {(e.number, s.index): {} for e in catalogue.events for s in e.scores}
    ordered = sorted(catalogue.events, key=lambda e: (e.when.start, e.number))
    for rank in scheme.ranks.values():
        per_index = "index" in rank.fields
        windows: dict = {}  # what the entries are alike in -> their recent start days
        for event in ordered:
            for index in ([s.index for s in event.scores] if per_index else [None]):
                key = tuple(_alike(event, index, f, end) for f in rank.fields)
                recent = windows.setdefault(key, deque())
                while recent and (event.when.start - recent[0]).days > rank.days:
                    recent.popleft()
                recent.append(event.when.start)
                for s in event.scores:
                    if index is None or s.index == index:
                        out[(event.number, s.index)][rank.name] = len(recent)
    for reading in scheme.scores_of.values():
        for event in catalogue.events:
            value = next((s.value for s in event.scores if s.index == reading.index),
                         reading.default)
            for s in event.scores:
                out[(event.number, s.index)][reading.name] = value
    return out


def _alike(event: m.Event, index, field: str, end):
    """What events are told apart by in a rank: a field's value."""
    if field == "index":
        return index
    if field == "category":
        return event.category.name if event.category is not None else None
    if field == "text":
        return " ".join(event.text.casefold().split())
    if field == "tags":
        return frozenset(t.name for t in event.tags)
    return event.value(field, end)


def field_value(entry: Entry, field: str):
    """An entry's value of a field events are grouped by: its category's name (None
    without one), or an attribute's value."""
    if field == "category":
        return entry.category
    return entry.values(field)


_MISSING = object()  # in a dict of scores: no score yet


def _ones(n: int):
    """Each entry standing for itself alone."""
    from itertools import repeat

    return repeat(1, n)

# What each kind of condition (of a rule, or of a derived index's selection) reads
# of an entry: its index, recorded score or category (which every signature holds),
# its tags, its text, its dates, or attribute values; the combinations read what
# their parts read. A kind not listed here makes every entry its own signature.
_FACTS = {"Always": None, "Not": None, "AllOf": None, "AnyOf": None,
          "IndexIn": "index", "RecordedCompare": "recorded", "CategoryIn": "category",
          "Tagged": "tags", "TextContains": "text", "DateBefore": "dates",
          "DateAfter": "dates", "DateWithin": "dates", "ValueIn": "values",
          "ValueCompare": "values"}

# A signature's row (`Signature.row`): index, recorded, category, tags, the text
# and date tests' outcomes, values; the places of the first five
_ROW_PARTS = ("index", "recorded", "category", "tags", "tests")


def _asks(rules) -> tuple[tuple[str, ...], bool, bool, tuple[str, ...]] | None:
    """The tags the rules' conditions name, whether any asks the text or the
    dates, and the attributes they ask; None if a condition is of a kind `_FACTS`
    does not list."""
    from ..dsl.nodes import parts

    tags: list[str] = []
    values: list[str] = []
    asked = set()
    for rule in rules:
        for c in parts(rule.condition):
            kind = type(c).__name__
            if kind not in _FACTS or type(c).__module__ != Tagged.__module__:
                return None
            asked.add(_FACTS[kind])
            if kind == "Tagged" and c.tag not in tags:
                tags.append(c.tag)
            elif _FACTS[kind] == "values" and c.name not in values:
                values.append(c.name)
    return tuple(tags), "text" in asked, "dates" in asked, tuple(values)


def reads(scheme: m.Scheme) -> tuple[str, ...]:
    """The attributes a scheme's score expression and rules' actions read."""
    return expression_reads([scheme.score] + [a.value for r in scheme.rules for a in r.actions
                                              if a.kind in ("set", "add", "multiply")])


def expression_reads(exprs) -> tuple[str, ...]:
    """The attributes these score expressions read, each once, in order."""
    from ..dsl.nodes import CALENDAR_FUNCTIONS, Call

    found: list[str] = []
    for expr in exprs:
        for e in subexpressions(expr):
            if isinstance(e, Reference) and e.name not in found:
                found.append(e.name)
            elif isinstance(e, Call) and e.function in CALENDAR_FUNCTIONS \
                    and e.text() not in found:
                found.append(e.text())  # days_in_month(2), read like an attribute
    return tuple(found)


@node
class IndexResult(Node):
    index: m.Index
    aggregate: m.Number | None  # None: no figure (`missing` says why)
    positive: m.Number
    negative: m.Number
    events: int
    colour: str | None  # the band's name, where the index has bands and events
    missing: Undefined | None = None  # why a derived index has no figure in this issue

    @property
    def exact(self) -> bool:
        """Whether the figure is exact (a power, `exp`, `log` or `sqrt` makes it a
        float, shown rounded)."""
        return not isinstance(self.aggregate, float)

    def problem(self) -> FigureProblem:
        """Why it has no figure, as what reads it is told."""
        return FigureProblem(f"{self.index.name} has no figure ({self.missing.reason})", None)

    def __repr__(self):
        colour = f", {self.colour}" if self.colour else ""
        if self.aggregate is None:
            return (f"<IndexResult {short(self.index.name, 40)} {short(self.index.title, 60)!r}: "
                    f"no figure ({short(self.missing.reason, 80) if self.missing else ''})>")
        return (f"<IndexResult {short(self.index.name, 40)} {short(self.index.title, 60)!r}: "
                f"{m.signed(self.aggregate)} ({m.signed(self.positive)}/"
                f"{m.signed(self.negative) if self.negative else '0'}), "
                f"{m.counted(self.events, 'event')}{colour}>")


class Evaluation(Tabular):
    """A scheme run on a catalogue: the figures, and the record behind them.
    Evaluated in a series (engine/series.py), `history` holds the issues before
    (`Past`), the scheme's bands relative to history are made absolute for this
    issue, and `short` names the indices whose figure or colour needs more
    history than there is (they have no figure, or no colour)."""

    __slots__ = ("scheme", "catalogue", "indices", "plan", "_entries", "_scored", "history",
                 "short")

    def __init__(self, scheme, catalogue, indices, plan, entries, history=None, short=None):
        self.scheme, self.catalogue, self.indices = scheme, catalogue, indices
        self.plan, self._entries, self._scored = plan, entries, None
        self.history, self.short = history, short or {}

    @property
    def entries(self) -> list[Entry]:
        """Every entry in catalogue order, with the rules matched (matched when first
        asked: the figures are computed from the signatures, `Plan.group`)."""
        if self._entries is None:
            self._entries = self.plan.match(self.catalogue)
        return self._entries

    @property
    def scored(self) -> tuple[Scored, ...]:
        """Every entry in catalogue order, with the steps that made its score."""
        if self._scored is None:
            self._scored = self.plan.trace(self.entries)
        return self._scored

    def __eq__(self, other):
        if not isinstance(other, Evaluation):
            return NotImplemented
        return (self.scheme, self.catalogue, self.indices) == (other.scheme, other.catalogue,
                                                               other.indices)

    __hash__ = None

    def __repr__(self):
        return bounded(f"<Evaluation of {short(self.catalogue.period.title)!r} under "
                       f"{short(self.scheme.name, 40)!r}: ",
                       [f"{short(k, 30)} {m.signed(r.aggregate)}"
                        for k, r in self.indices.items()])

    columns = ("index", "name", "aggregate", "positive", "negative", "events", "colour")

    def to_records(self) -> list[dict]:
        """One record per index, in the scheme's order (the keys of `columns`)."""
        return [{"index": name, "name": r.index.title, "aggregate": number(r.aggregate),
                 "positive": number(r.positive), "negative": number(r.negative),
                 "events": r.events, "colour": r.colour} for name, r in self.indices.items()]

    def _html_table(self):
        period, scheme = self.catalogue.period, self.scheme
        caption = (f"{period.title}, {period.start} to {period.end}; scheme: {scheme.name}"
                   + (f", {scheme.version}" if scheme.version else ""))
        rows = [[r.index.title, "no figure" if r.aggregate is None else m.signed(r.aggregate),
                 m.signed(r.positive),
                 m.signed(r.negative) if r.negative else "0", r.events,
                 r.colour if r.colour else
                 "no events" if not r.events and name in scheme.bands else ""]
                for name, r in self.indices.items()]
        return (caption, ["Index", "Aggregate", "Positive", "Negative", "Events", "Colour"], rows,
                {1, 2, 3, 4})


def evaluate(scheme: m.Scheme, catalogue: m.Catalogue, history=None) -> Evaluation:
    """The scheme's figures on the catalogue; raises InputError where a derived
    index cannot be computed (B208: a division by zero, say). `history`: the
    issues before, oldest first (`Past`), as a series gives them; without it, a
    figure or colour that reads history is an error (B704)."""
    short: dict = {}
    try:
        now = bands_now(scheme, history, short)
    except HistoryShort as e:
        raise InputError([history_short(e, catalogue)]) from None
    plan = Plan(now)
    # each distinct signature scored once, its score counted as often as it occurs;
    # a score that is a float (a power, exp, log, sqrt) is added up entry by entry,
    # in catalogue order, as a float's sum depends on the order and on n * x not
    # being x + ... + x. (A figure problem is met on the same entry either way: the
    # signatures are scored in the order of their first entries.)
    firsts, times = plan.group(catalogue)
    entries = None
    try:
        scores = plan.scores(firsts)
        if any(type(score) is float for score in scores):
            entries = plan.match(catalogue)
            firsts, scores, times = entries, plan.scores(entries), None
        indices = plan.totals(firsts, scores, history, short if history is not None else None,
                              times)
    except FigureProblem as e:
        raise InputError([figure_problem(e, catalogue)]) from None
    except HistoryShort as e:
        raise InputError([history_short(e, catalogue)]) from None
    return Evaluation(now, catalogue, indices, plan, entries, history, short)


def bands_now(scheme: m.Scheme, history, short: dict) -> m.Scheme:
    """The scheme with its bands relative to history made absolute: each
    percentile the value it stands for among the index's figures in the issues
    before. Where there are too few of them, the index has no bands in this issue
    (noted in `short`); with no history at all, HistoryShort is raised."""
    if not any(b.relative for b in scheme.bands.values()):
        return scheme
    bands = {}
    for name, bandset in scheme.bands.items():
        if not bandset.relative:
            bands[name] = bandset
            continue
        n = bandset.relative
        what = f"the colour of {name} (bands relative to history over {n} issue{'' if n == 1 else 's'})"
        past = (history or ())[-n:]
        try:
            if len(past) < n:
                raise HistoryShort(what, n, len(history or ()), bandset.span)
            for p in past:
                if p.figures.get(name) is None:
                    raise HistoryShort(what, n, len(history), bandset.span, p.label)
        except HistoryShort as e:
            if history is None:
                raise
            short.setdefault(name, e)
            continue
        bands[name] = bandset.against([p.figures[name] for p in past])
    return evolve(scheme, bands=bands)


def history_short(e: HistoryShort, catalogue: m.Catalogue):
    from ..dsl.diagnostics import error

    return error("B704", f"{e.words()}; {catalogue.period.title} is evaluated alone, with no "
                 "issue before it", e.span, "evaluate it after the issues before it: barometer "
                 "series RULES EARLIER... THIS, or eval RULES THIS --history EARLIER (an earlier "
                 "issue may be its published figures alone)")


def missing_figures(results, catalogue: m.Catalogue) -> list:
    """A warning (B210) for each index without a figure in this issue, with why."""
    from ..dsl.diagnostics import error, warning

    found = []
    for name, r in results.items():
        if r.aggregate is None and r.missing is not None:
            found.append(warning("B210", f"`{name}` has no figure in {catalogue.period.title}: "
                                 f"{r.missing.reason}; the other figures stand", r.missing.span,
                                 guard_hint(r.missing.reason)))
    del error
    return found


def guard_hint(reason: str) -> str:
    """How to guard an expression against what it met."""
    import re

    found = re.match(r"(mean|max|min)\(\) of (.+) with no events", reason)
    if found:
        function, what = found.groups()
        return (f"give a figure for a period without such events: if count({what}) > 0 then "
                f"{function}({what}) else 0")
    if "division by zero" in reason:
        return "guard the divisor, e.g. max(positive(us) - negative(us), 1), or if ... then ... else"
    return "guard the expression with if ... then ... else"


def figure_problem(e: FigureProblem, catalogue: m.Catalogue):
    from ..dsl.diagnostics import error

    if e.event is not None and type(e.event) is not Signed:  # a score expression or a rule's
        # action, on one event: said at the event (where an editor shows it), naming the
        # expression's place
        where = e.span
        return error("B208", f"{e.message} ({where.file}:{where.line}:{where.column}), scoring "
                     f"this event on {e.event.index}", e.event.event.span,
                     "record what the expression needs on the event, or guard the expression so "
                     "that it gives a number on every event, e.g. recorded / max(fatalities, 1)")
    return error("B208", f"{e.message}, with the figures of {catalogue.period.title}", e.span,
                 guard_hint(e.message))
