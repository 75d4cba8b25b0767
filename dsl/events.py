"""Event files and spreadsheet catalogues to a checked `Catalogue`.

Both formats come down to the same `RawEvent`s, which are then checked against
the scheme in one place: dates inside the period, indices, categories and tags
declared, scores whole and within the scheme's range.
"""

from __future__ import annotations

from . import judgements as judge, model as m
from .diagnostics import Diagnostic, InputError, Span, did_you_mean, error, warning
from .files import OVERLAY, gc_paused, read_source
from .node import evolve
from .resolve import published_names, unknown, weighs
from . import fast_events
from .syntax import Num, RawEvent, parse


def read_catalogue(paths: list[str], scheme: m.Scheme, period: m.Period | None = None,
                   others: frozenset[str] = frozenset()
                   ) -> tuple[m.Catalogue | None, list[Diagnostic]]:
    """The events that could be read, and every problem found in any file.
    `others`: the attributes other schemes read from the same catalogue (those
    compared with this one): `fatalities 12` is then one of them, which this
    scheme does not read (B116), not a score on an unknown index."""
    with gc_paused():
        return _read_catalogue(paths, scheme, period, others)


def _read_catalogue(paths, scheme, period, others=frozenset()):
    weighted = weighs(scheme)  # then every event needs a category
    problems: list[Diagnostic] = []
    periods: list[m.Period] = []
    events: list[m.Event] = []
    for path in paths:
        try:
            names = {name: index.title for name, index in scheme.indices.items()}
            attributes = {name: a.title for name, a in scheme.attributes.items()}
            required = {name: _example(a) for name, a in scheme.attributes.items()
                        if a.default is None}
            sheet = path.lower().endswith((".csv", ".xlsx", ".xlsm", ".ods", ".parquet",
                                           ".jsonl", ".ndjson"))
            stdin_csv = path == "-" and _standard_input_is_csv()
            if path.lower().endswith(".csv") or stdin_csv:
                from .csvfile import read_csv

                found_period, raw, found = read_csv(path, period, names, attributes, required)
            elif path.lower().endswith((".parquet", ".jsonl", ".ndjson")):
                from .tables import read_table

                found_period, raw, found = read_table(path, period, names, attributes, required)
            elif path.lower().endswith((".xlsx", ".xlsm")):
                from .xlsx import read_xlsx

                found_period, raw, found = read_xlsx(path, period, names, attributes, required)
            elif path.lower().endswith(".ods"):
                from .ods import read_ods

                found_period, raw, found = read_ods(path, period, names, attributes, required)
            else:
                found_period, raw, found = read_event_file(path)
        except InputError as e:
            problems.extend(e.diagnostics)
            continue
        finally:
            if path == "-":
                OVERLAY.pop("-", None)  # standard input, read once and kept for the reader
        if found_period is None:
            problems.extend(found)
            continue
        # the raw events may come one by one as they are read (a large CSV is never
        # held whole), and the reader's problems are all known once they are
        kept = len(events)
        checked: list[Diagnostic] = []
        unscored: list[list] = []  # events without a score: [line, next event's line, at, to]
        known, sound = _sound_memo(path, scheme, found_period, weighted)
        try:
            for item in raw:
                if unscored and unscored[-1][1] is None:
                    unscored[-1][1] = item.span.line
                before = len(checked)
                number = len(events) + 1
                hit = known.get(id(item))
                if hit is not None and hit[0] is item and hit[1] == number:
                    event = hit[2]
                else:
                    event = check_event(item, number, found_period, scheme, checked,
                                        weighted, others)
                if sound is not None and event is not None and len(checked) == before:
                    sound[id(item)] = (item, number, event)
                if event is not None:
                    events.append(event)
                elif any(p.code == "B108" for p in checked[before:]):
                    unscored.append([item.span.line, None, before, len(checked)])
        except InputError as e:  # said when the rows ran out (a CSV's unclosed quote)
            del events[kept:]
            problems.extend(e.diagnostics)
            continue
        problems.extend(found)
        periods.append(found_period)
        broken = sorted(p.span.line for p in found if p.code == "B001" and p.span)
        for line, following, before, after in unscored:
            if _has_syntax_error(line, following, broken):
                # a line of it could not be read: "no score" would only mislead
                checked[before:after] = [None if p.code == "B108" else p
                                         for p in checked[before:after]]
        checked = [p for p in checked if p is not None]
        if sheet:
            checked = _in_cells(checked, found, required)
        problems.extend(checked)
    problems = _once_per_attribute(problems)
    if not periods:
        return None, problems
    catalogue = m.Catalogue(_join(periods), tuple(events), tuple(paths))
    return catalogue, problems + published_names(catalogue.period, scheme)


# The events found sound in a file the fast reader remembers (the language
# server's, read again at every keystroke, whose unchanged events come back as
# the same RawEvent objects): each is checked again only when it changed, or the
# scheme, the period or its place in the catalogue did. file -> (the scheme, the
# period, weighted, {id(raw): (raw, number, event)}).
_sound: dict[str, tuple] = {}


def _sound_memo(path: str, scheme: m.Scheme, period: m.Period, weighted: bool
                ) -> tuple[dict, dict | None]:
    """The events of `path` found sound when it was last read with this scheme
    and period, and the dict to keep this reading's in (None: not remembered)."""
    if not fast_events.remembered(path):
        _sound.pop(path, None)
        return {}, None
    last = _sound.pop(path, None)
    known = (last[3] if last is not None and last[0] is scheme and last[1] == period
             and last[2] == weighted else {})
    while len(_sound) >= fast_events.REMEMBER_AT_MOST:
        del _sound[next(iter(_sound))]
    kept: dict = {}
    _sound[path] = (scheme, period, weighted, kept)
    return known, kept


def _example(attribute: m.Attribute) -> str:
    """A value of the attribute, to show how one is written."""
    return (attribute.choices[0] if not attribute.numeric
            else m.plain(attribute.low or 0))


def _in_cells(problems: list[Diagnostic], heading: list[Diagnostic],
              required: dict[str, str]) -> list[Diagnostic]:
    """A spreadsheet's events without a value their scheme asks: not said on
    every row where the heading lacks the column (said there once), and the
    others told to fill in the cell, not to add a line."""
    absent = {p.message.split("`")[1] for p in heading if p.code == "B115"}
    out = []
    for p in problems:
        if p.code == "B115":
            name = p.message.split("`")[1]
            if name in absent:
                continue
            p = evolve(p, hint=judge.no_value(name, required[name], cell=True).hint)
        out.append(p)
    return out


def _standard_input_is_csv() -> bool:
    """Whether standard input holds a spreadsheet rather than an event file: its
    first line of content (below any `#` lines, which a CSV's period line is) does
    not open the period, and separates cells. Read once, kept for the reader."""
    from .files import read_source_text

    raw = read_source_text("-").raw
    OVERLAY["-"] = raw
    for line in raw.splitlines():
        stripped = line.strip().lstrip("\ufeff")
        if not stripped or stripped.startswith("#"):
            continue
        return not stripped.startswith("period") and any(c in stripped for c in ",;\t")
    return False


def _once_per_attribute(problems: list[Diagnostic]) -> list[Diagnostic]:
    """An attribute the scheme does not read is said once, where it first appears,
    with how many events more record it (a catalogue kept for several schemes
    would otherwise drown the other findings)."""
    first: dict[str, int] = {}
    more: dict[str, int] = {}
    out = []
    for p in problems:
        if p.code == "B116":
            name = p.message.split("`")[1]
            if name in first:
                more[name] = more.get(name, 0) + 1
                continue
            first[name] = len(out)
        out.append(p)
    for name, extra in more.items():
        p = out[first[name]]
        out[first[name]] = evolve(p, message=f"{p.message} (nor on {extra} more "
                                  f"event{'s' if extra > 1 else ''})")
    return out


def _has_syntax_error(line: int, following: int | None, broken: list[int]) -> bool:
    """Whether a line that could not be read stands between an event's first line
    and the next event's (`following`, None: the end of the file)."""
    end = following if following is not None else float("inf")
    return any(line <= at < end for at in broken)


def _join(periods: list[m.Period]) -> m.Period:
    """One period for several files: the days they span together."""
    if len(periods) == 1:
        return periods[0]
    titles = list(dict.fromkeys(p.title for p in periods))
    return m.Period(
        title=" + ".join(titles),
        start=min(p.start for p in periods),
        end=max(p.end for p in periods),
        span=periods[0].span,
        published=tuple(x for p in periods for x in p.published),
    )


def read_event_file(path: str) -> tuple[m.Period | None, list[RawEvent], list[Diagnostic]]:
    text = read_source(path)
    value, problems = parse("events", text, path)
    if value is None:
        return None, [], problems
    (title, start, end, span), published = value[0]
    if start is None or end is None:
        return None, [], problems
    if end < start:
        problems.append(error("B305", f"the period ends ({end}) before it starts ({start})",
                              span, f"write from {end} to {start}"))
        return None, [], problems
    return m.Period(title, start, end, span, published), list(value[1]), problems


def check_event(raw: RawEvent, number: int, period: m.Period, scheme: m.Scheme,
                problems: list[Diagnostic], weighted: bool,
                others: frozenset[str] = frozenset()) -> m.Event | None:
    """The event, checked; its problems are added to `problems`."""
    event = _sound_event(raw, number, period, scheme, weighted)
    if event is not None:
        return event
    return _checked_event(raw, number, period, scheme, problems, weighted, others)


def _sound_event(raw: RawEvent, number: int, period: m.Period, scheme: m.Scheme,
                 weighted: bool) -> m.Event | None:
    """The event, when it has no problem at all; None as soon as anything would
    be reported, and then `_checked_event` checks it again, saying what is wrong.
    Almost every event of a catalogue is sound, so this is the path they take:
    the same Event as `_checked_event` builds, without its bookkeeping."""
    scores: list[m.Score] = []
    category = None
    tags: list[m.Declared] = []
    sources, notes, ongoing = [], [], False
    indices = scheme.indices
    attributes = scheme.attributes
    values: dict = {}
    low, high = scheme.range.low, scheme.range.high
    for kind, value in raw.details:
        if kind == "mark":  # judged where its problems are said
            return None
        if kind == "scores":
            for index, num in value:
                name, recorded = index.name, num.value
                if name in attributes and name not in indices:
                    attribute = attributes[name]
                    if (not attribute.numeric or name in values
                            or not attribute.admits(recorded)):
                        return None
                    values[name] = m.Value(name, recorded, _joined(index.span, num.span))
                    continue
                if (name not in indices or indices[name].formula is not None
                        or type(recorded) is not int
                        or not low <= recorded <= high
                        or (scores and any(s.index == name for s in scores))):
                    return None
                scores.append(m.Score(name, recorded, _score_span(index.span, num.span),
                                      num.signed or recorded == 0))
        elif kind == "value":
            name, choice = value
            attribute = attributes.get(name.name)
            if (attribute is None or attribute.numeric or name.name in values
                    or choice.name not in attribute.choices):
                return None
            values[name.name] = m.Value(name.name, choice.name, _joined(name.span, choice.span))
        elif kind == "category":
            if category is not None or value.name not in scheme.categories:
                return None
            category = value
        elif kind == "tags":
            for tag in value:
                if tag.name not in scheme.tags:
                    return None
                tags.append(tag)
        elif kind == "source":
            sources.append(value)
        elif kind == "note":
            notes.append(value)
        elif kind == "ongoing":
            ongoing = True
    if not scores or (weighted and category is None):
        return None
    if attributes:
        filled = _filled(values, attributes, raw, None)
        if filled is None:
            return None
    else:
        filled = ()
    problems: list[Diagnostic] = []
    when = _resolve_when(raw, period, ongoing, problems)
    if when is None or problems:
        return None
    return m.Event(number, when, raw.text, tuple(scores), category, tuple(tags), tuple(sources),
                   tuple(notes), ongoing, raw.span, filled)


def _joined(first: Span, last: Span) -> Span:
    return Span(first.file, first.line, first.column, last.end_line, last.end_column)


def _filled(values: dict, attributes: dict, raw: RawEvent,
            problems: list[Diagnostic] | None) -> tuple | None:
    """Every declared attribute's value, in the scheme's order, defaults filled in;
    None (and, where `problems` is given, a finding) where one is missing."""
    out = []
    for name, attribute in attributes.items():
        value = values.get(name)
        if value is None:
            if name in values:
                continue  # written wrongly, and said so
            if attribute.default is None:
                if problems is None:
                    return None
                problems.append(judge.no_value(name, _example(attribute)).at(raw.span))
                continue
            value = _default(name, attribute.default)
        out.append(value)
    return tuple(out)


_DEFAULTS: dict = {}


def _default(name: str, default) -> m.Value:
    """An attribute's default as an event's value: one, shared by every event
    that records none (a value is frozen)."""
    key = (name, type(default), default)
    value = _DEFAULTS.get(key)
    if value is None:
        if len(_DEFAULTS) >= 1024:
            _DEFAULTS.clear()
        value = _DEFAULTS[key] = m.Value(name, default, None)
    return value


def _checked_event(raw: RawEvent, number: int, period: m.Period, scheme: m.Scheme,
                   problems: list[Diagnostic], weighted: bool,
                   others: frozenset[str] = frozenset()) -> m.Event | None:
    before = len(problems)
    scores: list[m.Score] = []
    category = None
    tags: list[m.Declared] = []
    sources, notes, ongoing = [], [], False
    written = 0  # scores written, valid or not
    unreadable = False
    values: dict = {}
    recorded = None  # whether the scheme reads the recorded score, asked once needed
    for item in raw.details:
        kind, value = item
        if kind == "scores":
            for index, num in value:
                if index.name not in scheme.indices and (index.name in scheme.attributes
                                                         or index.name in others):
                    _check_value(index, num.value, num.text, num.span, scheme, values, problems)
                    continue
                written += 1
                score = _check_score(index, num, raw, scheme, scores, problems)
                if score is not None:
                    scores.append(score)
        elif kind == "mark":  # `russia` alone, or the cell `x`: on the index, no score
            index, cell = value
            written += 1
            if recorded is None:
                recorded = judge.reads_recorded(scheme)
            if recorded and index.name in scheme.indices:
                problems.append(judge.unscored(None if cell else index.name).at(index.span))
                continue
            score = _check_score(index, Num(0, "0", True, index.span), raw, scheme, scores,
                                 problems)
            if score is not None:
                scores.append(score)
        elif kind == "value":
            name, choice = value
            _check_value(name, choice.name, choice.name, choice.span, scheme, values, problems)
        elif kind == "category":
            if category is not None:
                problems.append(error("B102", "the event has two categories", value.span,
                                      "an event belongs to one category"))
            elif value.name not in scheme.categories:
                problems.append(unknown("category", value, scheme.categories))
            category = value
        elif kind == "tags":
            for tag in value:
                if tag.name not in scheme.tags:
                    problems.append(unknown("tag", tag, scheme.tags))
                tags.append(tag)
        elif kind == "source":
            sources.append(value)
        elif kind == "note":
            notes.append(value)
        elif kind == "ongoing":
            ongoing = True
        elif kind == "unreadable":  # said by the reader, where it is written: not also
            written += value         # "no score", and the event is not counted
            unreadable = True
    if not written:
        problems.append(judge.no_score().at(raw.span))
    if weighted and category is None:
        problems.append(judge.no_category().at(raw.span))
    filled = _filled(values, scheme.attributes, raw, problems)
    when = _resolve_when(raw, period, ongoing, problems)
    if when is None or unreadable or any(p.severity == "error" for p in problems[before:]):
        return None
    return m.Event(number, when, raw.text, tuple(scores), category, tuple(tags), tuple(sources),
                   tuple(notes), ongoing, raw.span, filled)


def _check_value(name: m.Declared, value, text: str, span: Span, scheme: m.Scheme,
                 values: dict, problems: list[Diagnostic]) -> None:
    """An attribute's value on an event line: `level minister`, `fatalities 12`."""
    attribute = scheme.attributes.get(name.name)
    if attribute is None and name.name in scheme.indices:
        problems.append(error("B001", f"expected a score for `{name.name}`, found `{text}`", span,
                              f"a score is a whole number with its sign: {name.name} +1"))
        return
    if attribute is None:
        words = ["category", "tags", "source", "note", "ongoing"]
        near = did_you_mean(name.name, list(scheme.attributes) + words)
        if near is not None:  # a slip of the keyboard: it would be lost
            problems.append(error("B101", f"unknown attribute `{name.name}`", name.span, near))
        else:  # a value another scheme reads: said, and set aside
            problems.append(warning(
                "B116", f"the scheme declares no attribute `{name.name}`: the event's "
                f"`{name.name} {text}` is not read", _joined(name.span, span),
                "declare it in the scheme (attribute " + name.name +
                (" number" if not isinstance(value, str) else " one of [...]") +
                ") to use it" + (f"; its attributes are {', '.join(scheme.attributes)}"
                                 if scheme.attributes else "")))
        return
    if name.name in values:
        problems.append(error("B102", f"the event gives `{name.name}` twice", name.span,
                              "give each attribute one value"))
        return
    values[name.name] = None  # written, if not as it should be: not also "missing"
    where = _joined(name.span, span)
    value = judge.attribute_value(attribute, value, text)
    if isinstance(value, judge.Finding):
        problems.append(value.at(span))
    else:
        values[name.name] = m.Value(name.name, value, where)


def _check_score(index: m.Declared, num: Num, raw: RawEvent, scheme: m.Scheme,
                 scores: list[m.Score], problems: list[Diagnostic]) -> m.Score | None:
    name, span = index.name, index.span
    if name in scheme.ranks:
        problems.append(error("B114", f"`{name}` is computed from the catalogue "
                              f"({scheme.ranks[name].describe()}), not recorded", span,
                              "remove the line: the rank is counted from the events' dates"))
        return None
    if name in scheme.scores_of:
        reading = scheme.scores_of[name]
        problems.append(error("B114", f"`{name}` is computed from the catalogue "
                              f"({reading.describe()}), not recorded", span,
                              f"remove the line: `{name}` reads the event's score on "
                              f"{reading.index} (write that line instead, e.g. "
                              f"{reading.index} +1)"))
        return None
    if name not in scheme.indices:
        near = did_you_mean(name, scheme.indices)
        numbers = [n for n, a in scheme.attributes.items() if a.numeric]
        if near is None and did_you_mean(name, numbers) is not None:  # `fatalitis 12`
            problems.append(error("B101", f"unknown attribute `{name}`", span,
                                  did_you_mean(name, numbers)))
            return None
        problems.append(error(
            "B101", f"unknown index `{name}`", span, near or
            f"the scheme declares no index or attribute `{name}`; if another scheme reads it "
            f"as an attribute, compare or check the schemes together, or declare it here too "
            f"(attribute {name} number)"))
        return None
    if scheme.indices[name].derived:
        problems.append(judge.derived(name).at(span))
        return None
    if any(s.index == name for s in scores):
        problems.append(error("B102", f"the event scores `{name}` twice", span,
                              "give each index one score"))
        return None
    wrong = judge.in_range(num.value, num.text, scheme.range)
    if wrong is not None:
        problems.append(wrong.at(num.span))
        return None
    return m.Score(name, int(num.value), _score_span(span, num.span),
                   num.signed or num.value == 0)


def _score_span(index: Span, number: Span) -> Span:
    """Where a score is written: from its index to its number on an event file's
    line (`russia +1`); in a table, where the index is named by the heading (a
    line above), its cell alone."""
    if index.line != number.line or index.file != number.file:
        return number
    return Span(index.file, index.line, index.column, number.end_line, number.end_column)


def _resolve_when(raw: RawEvent, period: m.Period, ongoing: bool,
                  problems: list[Diagnostic]) -> m.When | None:
    text = raw.when
    printed = text.strip()
    span = raw.when_span
    lead = len(text) - len(text.lstrip()) if len(printed) != len(text) else 0
    found = judge.date(printed, period)
    if isinstance(found, judge.Finding):
        at = Span(span.file, span.line, span.column + lead, span.line, span.column + lead + 1)
        if not printed and span.file.lower().endswith((".xlsx", ".xlsm", ".ods")):
            from .xlsx import cell_name, merged_range

            merged = merged_range(span)
            if merged is not None:  # a merged cell holds its value in its first cell only
                found = evolve(found, message=(
                    f"{found.message}: {cell_name(span)} is covered by the merged cell {merged}, "
                    f"whose value only {merged.split(':')[0]} holds"),
                    hint="unmerge the date cells and write each row's date in its own cell")
        problems.append(found.at(at))
        return None
    start, end = found
    if (not lead and span.end_line == span.line
            and span.end_column == span.column + len(printed)):
        where = span  # the date as written, the cell or token alone: its own place
    else:
        where = Span(span.file, span.line, span.column + lead, span.line,
                     span.column + lead + len(printed))
    late = None if ongoing else judge.past(printed, start, end, period)
    if late is not None:
        problems.append(late.at(Span(span.file, span.line, span.column + lead, span.line,
                                     span.column + lead + 1)))
        return None
    return m.When(printed, start, end, where)
