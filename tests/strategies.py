"""Hypothesis strategies: random schemes and catalogues, written as real files,
with the values the writer meant so that a test can compare what is read back."""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from fractions import Fraction

import attrs
from hypothesis import strategies as st

INDICES = ["alpha", "beta", "gamma", "delta_x", "eps2"]
CATEGORIES = ["contacts", "visits", "sanctions", "exercises"]
TAGS = ["energy", "covid", "nuclear"]
TEXT_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCXYZ0123456789 ,.;:'\"()-–—[]’“”!?%&#/"


@attrs.frozen
class RulesCase:
    text: str
    indices: tuple[str, ...]
    low: int
    high: int
    categories: dict  # name -> weight
    tags: tuple[str, ...]
    bands: dict  # index -> list of (name, lower, upper) with None for open, both inclusive
    band_order: str  # "up" (low values first) or "down"


@attrs.frozen
class EventCase:
    when: str
    start: dt.date
    end: dt.date
    text: str
    scores: tuple  # ((index, value), ...)
    category: str | None
    tags: tuple[str, ...]
    ongoing: bool = False


@attrs.frozen
class EventsCase:
    text: str
    title: str
    start: dt.date
    end: dt.date
    events: tuple[EventCase, ...]


def signed(value: int, always: bool = True) -> str:
    if value < 0:
        return str(value)
    return f"+{value}" if always or value else "0"


@st.composite
def band_sets(draw, low: int, high: int):
    """A partition of all whole values into bands, as (name, lower, upper)."""
    n = draw(st.integers(1, 4))
    cuts = sorted(draw(st.sets(st.integers(low * 4 - 5, high * 4 + 5), min_size=n, max_size=n)))
    names = draw(st.permutations(["white", "green", "yellow", "orange", "red"]))
    bands, lower = [], None
    for i, cut in enumerate(cuts):
        bands.append((names[i], lower, cut - 1))
        lower = cut
    bands.append((names[len(cuts)], lower, None))
    return bands


def band_line(draw, name, lower, upper, whole: bool = True) -> str:
    """A band as a rules file may write it; where totals may fall between whole
    numbers, only in forms that leave no gap between the bands."""
    if not whole:
        if lower is None and upper is None:
            return f"{name} >= -1000000"
        if lower is None:
            return f"{name} < {signed(upper + 1)}"
        if upper is None:
            return f"{name} >= {signed(lower)}"
        return f"{name} >= {signed(lower)} and < {signed(upper + 1)}"
    if lower is not None and upper is not None:
        form = draw(st.sampled_from(["to", "cmp", "strict"]))
        if form == "to":
            return f"{name} {signed(lower)} to {signed(upper)}"
        if form == "cmp":
            return f"{name} >= {signed(lower)} and <= {signed(upper)}"
        return f"{name} > {signed(lower - 1)} and < {signed(upper + 1)}"
    if lower is None and upper is None:
        return f"{name} >= -1000000"
    if lower is None:
        return f"{name} " + draw(st.sampled_from([f"<= {signed(upper)}", f"< {signed(upper + 1)}"]))
    return f"{name} " + draw(st.sampled_from([f">= {signed(lower)}", f"> {signed(lower - 1)}"]))


def conditions(indices, categories, tags):
    """A condition over these names. The strategy is made once per set of names:
    a recursive strategy made afresh is validated afresh, which cost about half
    of drawing a rules file; the one kept draws exactly as a new one would."""
    return _conditions(tuple(indices), tuple(categories), tuple(tags))


@functools.lru_cache(maxsize=None)
def _conditions(indices, categories, tags):
    leaves = st.one_of(
        st.sampled_from(indices).map(lambda i: f"index is {i}"),
        st.lists(st.sampled_from(indices), min_size=1, max_size=3, unique=True).map(
            lambda names: f"index in [{', '.join(names)}]"),
        st.sampled_from(categories).map(lambda c: f"category is {c}"),
        st.sampled_from(tags).map(lambda t: f"tagged {t}"),
        st.sampled_from(["a", "b", "the"]).map(lambda w: f'text contains "{w}"'),
        st.tuples(st.sampled_from([">", ">=", "<", "<="]), st.integers(-3, 3)).map(
            lambda p: f"recorded {p[0]} {signed(p[1])}"),
        st.just("date before 2021-02-01"),
        st.just("date after 2021-01-15"),
        st.just("date from 2021-01-01 to 2021-01-31"),
        st.just("always"),
    )
    return st.recursive(leaves, lambda inner: st.one_of(
        st.tuples(inner, inner).map(lambda p: f"({p[0]} and {p[1]})"),
        st.tuples(inner, inner).map(lambda p: f"({p[0]} or {p[1]})"),
        inner.map(lambda c: f"not {c}"),
    ), max_leaves=5)


ACTIONS = st.one_of(
    st.integers(-3, 3).map(lambda v: f"set to {signed(v)}"),
    st.integers(-2, 2).map(lambda v: f"add {signed(v)}"),
    st.sampled_from(["2", "0.5", "3", "-1", "1.5"]).map(lambda v: f"multiply by {v}"),
    st.just("clamp"),
    st.just("exclude"),
    # over the score so far (whole where the score is whole)
    st.sampled_from(["set to trunc(score / 2)", "add direction", "round", "trunc",
                     "clamp -1 to 1", "set to max(score, recorded)", "add abs(score) - 1"]),
)


@st.composite
def rules_files(draw, with_rules: bool = True) -> RulesCase:
    indices = tuple(draw(st.lists(st.sampled_from(INDICES), min_size=1, max_size=5, unique=True)))
    low = draw(st.integers(-5, 0))
    high = draw(st.integers(max(low, 1), 5))
    categories = {c: draw(st.sampled_from([1, 2, 3])) for c in CATEGORIES}
    score = draw(st.sampled_from(["recorded", "direction * weight", "recorded * weight",
                                  "recorded + 0"]))
    lines = ['# a generated scheme', f'scheme "Generated" version "{draw(st.integers(1, 9))}"',
             f"range {signed(low)} to {signed(high)}", f"score {score}"]
    lines += [f'index {i} "Index {i}"' for i in indices]
    lines += [f"category {c} weight {w}" for c, w in categories.items()]
    lines += [f'tag {t} "Tag {t}"' for t in TAGS]
    rules = []
    if with_rules:
        for n in range(draw(st.integers(0, 3))):
            condition = draw(conditions(list(indices), CATEGORIES, list(TAGS)))
            actions = ", ".join(draw(st.lists(ACTIONS, min_size=1, max_size=3)))
            rules.append(f'rule r{n} "Rule {n}" when {condition}\n    then {actions}')
    whole = not any("." in r.split(" then ", 1)[-1] for r in rules)
    bands = {}
    order = draw(st.sampled_from(["up", "down"]))
    for index in draw(st.lists(st.sampled_from(indices), max_size=2, unique=True)):
        bands[index] = draw(band_sets(low, high))
        written = bands[index] if order == "up" else list(reversed(bands[index]))
        lines.append(f"bands {index} {{")
        lines += ["    " + band_line(draw, *b, whole=whole) + f' "band {b[0]}"' for b in written]
        lines.append("}")
    lines += rules
    return RulesCase("\n".join(lines) + "\n", indices, low, high, categories, TAGS, bands, order)


PARTS = {"Early": (1, 10), "Mid-": (11, 20), "Late": (21, 31)}


@st.composite
def printed_dates(draw, year: int, months: list[int]):
    """A date as a report prints it, with the days it stands for."""

    def last(month):
        return calendar.monthrange(year, month)[1]

    month = draw(st.sampled_from(months))
    name = calendar.month_name[month]
    form = draw(st.sampled_from(["day", "days", "part", "month", "span"]))
    if form == "day":
        day = draw(st.integers(1, last(month)))
        return f"{day} {name}", dt.date(year, month, day), dt.date(year, month, day)
    if form == "days":
        a = draw(st.integers(1, last(month)))
        b = draw(st.integers(a, last(month)))
        dash = draw(st.sampled_from(["-", "–"]))
        return f"{a}{dash}{b} {name}", dt.date(year, month, a), dt.date(year, month, b)
    if form == "part":
        part = draw(st.sampled_from(list(PARTS)))
        a, b = PARTS[part]
        sep = "" if part.endswith("-") else " "
        return (f"{part}{sep}{name}", dt.date(year, month, a),
                dt.date(year, month, min(b, last(month))))
    if form == "month":
        return name, dt.date(year, month, 1), dt.date(year, month, last(month))
    later = draw(st.sampled_from([m for m in months if m >= month]))
    dash = draw(st.sampled_from(["-", "–", " - ", "– "]))
    return (f"{name}{dash}{calendar.month_name[later]}", dt.date(year, month, 1),
            dt.date(year, later, last(later)))


texts = st.text(TEXT_ALPHABET, min_size=1, max_size=40).map(str.strip).filter(
    lambda t: t and not t.startswith("#"))


@st.composite
def event_lists(draw, rules: RulesCase, year: int, months: list[int], min_size=0, max_size=12):
    events = []
    for _ in range(draw(st.integers(min_size, max_size))):
        when, start, end = draw(printed_dates(year, months))
        chosen = draw(st.lists(st.sampled_from(rules.indices), min_size=1,
                               max_size=len(rules.indices), unique=True))
        scores = tuple((i, draw(st.integers(rules.low, rules.high))) for i in chosen)
        category = draw(st.sampled_from(list(rules.categories)))
        tags = tuple(draw(st.lists(st.sampled_from(list(rules.tags)), max_size=2, unique=True)))
        events.append(EventCase(when, start, end, draw(texts), scores, category, tags))
    return tuple(events)


def event_file_text(draw, title: str, start: dt.date, end: dt.date, events) -> str:
    lines = ["# generated", f'period "{title}" from {start} to {end}', ""]
    for e in events:
        lines.append(f"[{e.when}] {e.text}")
        pairs = [f"{i} {signed(v, draw(st.booleans()))}" for i, v in e.scores]
        if draw(st.booleans()):
            lines.append("    " + "  ".join(pairs))
        else:
            lines += ["    " + p for p in pairs]
        if e.category:
            lines.append(f"    category {e.category}")
        if e.tags:
            lines.append(f"    tags {', '.join(e.tags)}")
        if draw(st.booleans()):
            lines.append("    # a comment")
        lines.append("")
    return "\n".join(lines)


@st.composite
def event_files(draw, rules: RulesCase | None = None, max_size=12) -> EventsCase:
    rules = rules or draw(rules_files(with_rules=False))
    year = draw(st.integers(2000, 2030))
    first = draw(st.integers(1, 10))
    months = list(range(first, first + draw(st.integers(1, 3))))
    start = dt.date(year, months[0], 1)
    end = dt.date(year, months[-1], calendar.monthrange(year, months[-1])[1])
    events = draw(event_lists(rules, year, months, max_size=max_size))
    title = draw(st.sampled_from(["No 1", "Generated period", "Q1 “draft”"]))
    return EventsCase(event_file_text(draw, title, start, end, events), title, start, end, events)


@st.composite
def schemes_and_catalogues(draw, max_size=12):
    rules = draw(rules_files())
    return rules, draw(event_files(rules, max_size=max_size))


# --- issue 13 item 10: the fuzzer's families, for tests/test_robustness.py ---------

# Characters Python's str.splitlines() takes for line breaks though the grammars do not:
# the Unicode line and paragraph separators, form feed and NEL.
SEPARATORS = ["\u2028", "\u2029", "\f", "\x85"]

# The words of both languages, and of event lines, that a name may collide with.
KEYWORD_NAMES = ["note", "source", "category", "tags", "period", "published", "ongoing", "when",
                 "rule", "index", "tag", "text", "date", "score", "range", "bands", "then",
                 "always", "recorded", "direction", "weight", "scheme", "group", "vary", "and",
                 "or", "not", "is", "in", "to", "from", "by", "of", "event", "yes"]


@st.composite
def separated(draw, text: str, max_count: int = 3) -> str:
    """`text` with a few line-like separators put anywhere: in comments, quoted texts,
    event texts and notes, between tokens, at a line's start or end, or instead of
    a line break."""
    for _ in range(draw(st.integers(1, max_count))):
        sep = draw(st.sampled_from(SEPARATORS))
        at = draw(st.integers(0, len(text)))
        instead = at < len(text) and text[at] == "\n" and draw(st.booleans())
        text = text[:at] + sep + text[at + instead:]
    return text


@st.composite
def line_endings(draw, text: str) -> str:
    """`text` with CR-only, CRLF or mixed line endings."""
    lines = text.split("\n")
    style = draw(st.sampled_from(["\r", "\r\n", "mixed"]))
    if style != "mixed":
        return style.join(lines)
    return "".join(line + draw(st.sampled_from(["\n", "\r\n", "\r"])) for line in lines)


@attrs.frozen
class KeywordCase:
    rules: str
    events: str
    csv: str
    indices: tuple[str, ...]


@st.composite
def keyword_named(draw) -> KeywordCase:
    """A scheme whose indices, categories and tags are named with the language's
    own words (`index note`, `category when`, ...), and a catalogue using them."""
    indices = tuple(draw(st.lists(st.sampled_from(KEYWORD_NAMES), min_size=1, max_size=3,
                                  unique=True)))
    category = draw(st.sampled_from(KEYWORD_NAMES))
    tag = draw(st.sampled_from(KEYWORD_NAMES))
    rules = ['scheme "Keywords" version "1"', "range -3 to +3"]
    rules += [f'index {i} "Index {i}"' for i in indices]
    rules += [f'category {category} "A category"', f'tag {tag} "A tag"']
    if draw(st.booleans()):
        rules.append(f"rule r when index is {indices[0]} and category is {category} "
                     f"then add +1, clamp")
    if draw(st.booleans()):
        rules += [f"bands {indices[0]} {{", '    low < 0 "low"', '    high >= 0 "high"', "}"]
    events = ['period "Keywords" from 2021-01-01 to 2021-02-28', ""]
    rows = ["# period \"Keywords\" from 2021-01-01 to 2021-02-28",
            ",".join(["date", "event", *indices, "category", "tags"])]
    for n in range(draw(st.integers(1, 3))):
        scores = [(i, draw(st.integers(-3, 3))) for i in indices]
        events.append(f"[{n + 1} January] Event {n}")
        if draw(st.booleans()):
            events.append("    " + "  ".join(f"{i} {signed(v)}" for i, v in scores))
        else:
            events += [f"    {i} {signed(v)}" for i, v in scores]
        events += [f"    category {category}", f"    tags {tag}", ""]
        rows.append(",".join([f"{n + 1} January", f"Event {n}", *(signed(v) for _, v in scores),
                              category, tag]))
    return KeywordCase("\n".join(rules) + "\n", "\n".join(events), "\n".join(rows) + "\n",
                       indices)


@st.composite
def hash_cells(draw, csv_text: str) -> str:
    """`csv_text` with cells that begin with `#`: in the heading, in a row's first
    cell (a comment row), in a score, a text or a quoted cell, or rows of them."""
    lines = csv_text.split("\n")
    head = next(i for i, line in enumerate(lines) if line and not line.startswith("#"))
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(head, max(head, len(lines) - 2)))
        cells = lines[i].split(",")
        j = draw(st.integers(0, len(cells) - 1))
        how = draw(st.sampled_from(["cell", "quoted", "row", "heading", "insert"]))
        if how == "cell":
            cells[j] = "#" + cells[j]
        elif how == "quoted":
            cells[j] = '"#' + cells[j].replace('"', "") + ', x"'
        elif how == "row":
            cells = ["#"] * len(cells)
        elif how == "heading":
            i, cells = head, ("#" + lines[head]).split(",")
        else:
            lines.insert(i, draw(st.sampled_from(["#", "# a comment, with a comma", "#,#,#"])))
            continue
        lines[i] = ",".join(cells)
    return "\n".join(lines)


# --- formulas of derived indices; schemes with derived indices and attributes ---------
# (test_derived, test_columnar, test_spark)

OPERATORS = ["+", "-", "*"]


@st.composite
def formulas(draw, indices):
    """A formula over base indices, with the Python computing it from their figures."""
    def leaf():
        kind = draw(st.sampled_from(["index", "number", "positive", "events"]))
        name = draw(st.sampled_from(indices))
        if kind == "index":
            return name, lambda f: f[name].aggregate
        if kind == "number":
            n = draw(st.integers(-5, 5))
            return f"({n})", lambda f: n
        if kind == "positive":
            return f"positive({name})", lambda f: f[name].positive
        return f"events({name})", lambda f: f[name].events

    text, value = leaf()
    for _ in range(draw(st.integers(0, 4))):
        op = draw(st.sampled_from(OPERATORS + ["max", "clamp", "/"]))
        other, other_value = leaf()
        if op == "max":
            text, value = (f"max({text}, {other})",
                           (lambda a, b: lambda f: max(a(f), b(f)))(value, other_value))
        elif op == "clamp":
            text, value = (f"clamp({text}, -3, 3)",
                           (lambda a: lambda f: min(max(a(f), -3), 3))(value))
        elif op == "/":
            text, value = (f"({text}) / 7", (lambda a: lambda f: Fraction(a(f)) / 7)(value))
        else:
            text, value = (f"({text}) {op} {other}",
                           (lambda a, b, o: lambda f: {"+": a(f) + b(f), "-": a(f) - b(f),
                                                        "*": a(f) * b(f)}[o])(value, other_value,
                                                                              op))
    return text, value


@st.composite
def schemes(draw):
    """A generated scheme, some weights made decimal, with derived indices."""
    rules = draw(rules_files())
    text = rules.text
    if not rules.bands and draw(st.booleans()):  # decimal totals: the bands would have gaps
        text = re.sub(r"weight (\d)", lambda m: f"weight {m.group(1)}.5"
                      if draw(st.booleans()) else m.group(0), text)
    formula, _ = draw(formulas(list(rules.indices)))
    condition = draw(conditions(list(rules.indices), CATEGORIES, list(TAGS)))
    base = rules.indices[0]
    function = draw(st.sampled_from(["sum", "sum", "count", "max", "mean"]))
    text += (f"index derived = {formula}\n"
             f"index part = {function}({base} where {condition})\n")
    text += ATTRIBUTES + "".join(draw(st.lists(st.sampled_from(ATTRIBUTE_RULES), max_size=2,
                                               unique=True)))
    return rules, text


# Attributes, and rules that read them (after the generated ones, whole numbers all: an
# attribute may be given with decimals, so `trunc`)
ATTRIBUTES = ('attribute level "Level" one of [head, minister, official] default official\n'
              'attribute fatalities "Fatalities" number from 0 default 0\n')
ATTRIBUTE_RULES = ["rule lv when level is head then add direction\n",
                   "rule lvs when level in [head, minister] and fatalities >= 2 then add -1\n",
                   "rule ft when fatalities > 2 then multiply by 2\n",
                   "rule fx when not (level is official) then add trunc(fatalities)\n",
                   "rule old when age > 20 then set to trunc(score / 2)\n",
                   "rule long when days >= 3 then add -1\n"]


# --- a broken copy of a file (test_robustness, test_meanings) -------------------------

def mutate(text: str, data) -> str:
    lines = text.split("\n")
    how = data.draw(st.sampled_from(["truncate", "delete", "duplicate", "swap", "replace",
                                     "cut"]))
    i = data.draw(st.integers(0, len(lines) - 1))
    if how == "truncate":
        return "\n".join(lines[:i])
    if how == "delete":
        return "\n".join(lines[:i] + lines[i + 1:])
    if how == "duplicate":
        return "\n".join(lines[:i + 1] + lines[i:])
    if how == "swap":
        j = data.draw(st.integers(0, len(lines) - 1))
        lines[i], lines[j] = lines[j], lines[i]
        return "\n".join(lines)
    if how == "cut":
        at = data.draw(st.integers(0, len(text)))
        return text[:at]
    at = data.draw(st.integers(0, max(len(text) - 1, 0)))
    char = data.draw(st.sampled_from(list('"[]{}#-+0123456789 \n\tabz,.“”<>=–')))
    return text[:at] + char + text[at + 1:]


def attribute_values(data, events) -> dict:
    """A value (or none) of each generated scheme's attributes for each event."""
    n = len(events.events)
    return {"level": data.draw(st.lists(st.sampled_from(["head", "minister", "official", None]),
                                        min_size=n, max_size=n)),
            "fatalities": data.draw(st.lists(st.one_of(st.none(), st.integers(0, 5)),
                                             min_size=n, max_size=n))}


def maybe_listed_twice(data, events):
    """The events, or (drawn) with the first listed again at the end (B502)."""
    if events.events and data.draw(st.booleans()):
        return type(events)(events.text, events.title, events.start, events.end,
                            events.events + events.events[:1])
    return events
