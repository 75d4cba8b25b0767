"""The fast reader of event files (dsl/syntax.py `read_events_fast`) builds
exactly what the LALR parser and its callbacks build, spans included, and gives
every file it does not take exactly to the parser, so that diagnostics are the
parser's: the same values on valid files, the same diagnostics on broken ones."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from barometer.dsl.syntax import parse, read_events_fast

from .conftest import EVENTS
from .strategies import event_files, schemes_and_catalogues
from .helpers import examples

SHIPPED = EVENTS.read_text(encoding="utf-8")


def both(text: str):
    fast = parse("events", text, "f.events")
    slow = parse("events", text, "f.events", fast=False)
    assert fast == slow
    return read_events_fast(text, "f.events"), slow


def test_the_shipped_file_is_read_fast_and_alike():
    fast, (value, problems) = both(SHIPPED)
    assert problems == []
    assert fast is not None and fast == value
    assert len(value[1]) > 50


HEAD = 'period "P" from 2021-01-01 to 2021-02-28\n'

# Regular files, written in every way the grammar allows: each is read fast, to
# the same value (spans included) as the parser's.
REGULAR = [
    HEAD,
    "\n\n# a comment\n   \n" + HEAD + "[4 January] Talks\n    russia +1\n",
    HEAD + "published russia +2\npublished eu   -1.5 # stated\n\n[4 January] x\n russia 1\n",
    HEAD + "[ 4 January ]   Talks   \n\trussia+1eu-1   china − 2 us – 3  # c\n\n",
    HEAD + "[4 January]]Talks # kept\n    note +1\n    source  http://x#y  \n    ongoing # c\n",
    HEAD + "[4 January] x\n    tags a,b ,  c#x\n    category period\n    published +1\n",
    HEAD + "[4 January] x\n    russia + 1\n\n\n    # after\n  [5 January] y\n    eu 0\n  # end",
    HEAD.replace("\n", "\r\n") + "[4 January] x  \r\n    russia +1\r\n\r\n   \r\n",
    HEAD + "[Early January] \f x\n\frussia +3\n    \f\n",
    'period “Curly” from 2021-01-01 to 2021-02-28 # c\n[4 January] x\n    _a9 +1\n',
    'period"P"from2021-01-01to2021-02-28\n[4 January]x\n    r +1\n',
    HEAD + "[4 January] x\n    category c\n    category d\n    tags t\n    tags t\n",
    HEAD + "[4 January] x\n" + "[5 January] y\n" + "    russia +1\n",
    HEAD + "[4 January] text\r\r\n    russia +1\n",
    # an index without a score (schemes whose score reads no recorded score)
    HEAD + "[4 January] x\n    russia\n    eu +1\n",
    HEAD + "[4 January] x\n    russia1  # a comment\n    category contacts\n",
]

# Files the fast reader leaves to the parser: broken, or not taken exactly.
IRREGULAR = [
    "",
    "\n# only a comment\n",
    HEAD + "[4 January] x\n    russia +1\r",
    HEAD + "russia +1\n",
    'period "P" from 2021-02-30 to 2021-03-01\n',
    'period "P" from 2021-01-01 to 2021-03-011\n',
    "periodical\n",
    HEAD + "[4 January]\n    russia +1\n",
    HEAD + "[4 January] \r\n    russia +1\n",
    HEAD + "[] x\n    russia +1\n",
    HEAD + "[4 January x\n    russia +1\n",
    HEAD + "[4 January] x\n    russia1 +\n",
    HEAD + "[4 January] x\n    russia +1.\n",
    HEAD + "[4 January] x\n    russia +1 1\n",
    HEAD + "[4 January] x\n    russia +1x\n",
    HEAD + "[4 January] x\n    rússia +1\n",
    HEAD + "[4 January] x\n    russia\u00a0+1\n",
    HEAD + "[4 January] x\n    category +1\n",
    HEAD + "[4 January] x\n    category a b\n",
    HEAD + "[4 January] x\n    tags a,\n",
    HEAD + "[4 January] x\n    tags\n",
    HEAD + "[4 January] x\n    note\n",
    HEAD + "[4 January] x\n    note\u00a0y\n",
    HEAD + "[4 January] x\n    ongoing +1\n",
    HEAD + "[4 January] x\n    russia +1\r\r\n",
    HEAD + "[4 January] x\n    russia +1\n  \r  \n",
    HEAD + "[4 January] x\n    russia +1\n\v\n",
    HEAD + "[4 January] x\n    russia +1\npublished eu +1\n",
    HEAD + "published eu\n",
    HEAD + "published +1\n",
    HEAD + HEAD,
    '\ufeffperiod "P" from 2021-01-01 to 2021-02-28\n',
    'period "P\n" from 2021-01-01 to 2021-02-28\n',
]


@pytest.mark.parametrize("text", [HEAD.rstrip("\n"), HEAD + "[4 January] x\n    russia +1",
                                  HEAD + "[4 January] x\n    russia +1 # c",
                                  HEAD + "[4 January] x\n    category contacts"])
def test_a_file_without_a_final_line_break_reads_as_with_one(text):
    # `expected the end of the line or a name, found the end of the file` (B001)
    fast, (value, problems) = both(text)
    assert problems == []
    assert (value, problems) == parse("events", text + "\n", "f.events", fast=False)


@pytest.mark.parametrize("text", REGULAR)
def test_regular_files_are_read_fast_and_alike(text):
    fast, (value, problems) = both(text)
    assert problems == []
    assert fast is not None and fast == value


@pytest.mark.parametrize("text", IRREGULAR)
def test_other_files_go_to_the_parser(text):
    fast, (value, problems) = both(text)
    assert fast is None
    assert problems  # each of these is broken: the parser says how


@settings(max_examples=examples(60), deadline=None)
@given(event_files())
def test_generated_files_are_read_fast_and_alike(case):
    fast, (value, problems) = both(case.text)
    assert problems == []
    assert fast == value


# Edits that break files in the ways people do, and in ways only a fuzzer would.
PIECES = ["\n", "\r\n", "\r", " ", "\t", "\f", "\v", "#", "[", "]", "+", "-", "−", "1", "1.5",
          ".", ",", '"', "“", "x", "é", "\u00a0", "category", "tags", "note", "ongoing",
          "period", "published", "2021-02-30", "\n[", "\n    "]


@st.composite
def edited(draw):
    text = draw(event_files(max_size=4)).text
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["insert", "delete", "replace"]))
        if kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 5)):]
        else:
            piece = draw(st.sampled_from(PIECES))
            cut = at + (draw(st.integers(1, 3)) if kind == "replace" else 0)
            text = text[:at] + piece + text[cut:]
    return text


@settings(max_examples=examples(120), deadline=None)
@given(edited())
def test_edited_files_read_alike_either_way(text):
    fast, (value, problems) = both(text)
    if fast is not None:
        assert problems == [] and fast == value


@st.composite
def edits(draw):
    """A file, and the same file after a keystroke or a few."""
    before = draw(event_files(max_size=4)).text
    after = before
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(after)))
        piece = draw(st.sampled_from(PIECES + [""]))
        after = after[:at] + piece + after[at + draw(st.integers(0, 2)):]
    return before, after


@settings(max_examples=examples(80), deadline=None)
@given(edits())
def test_a_remembered_file_reads_after_an_edit_as_a_fresh_one(case):
    # the language server keeps a file's events between keystrokes: an event
    # whose lines did not change is not read again, and the value is the same
    from barometer.dsl import fast_events

    before, after = case
    fresh = [read_events_fast(text, "r.events") for text in (before, after, before)]
    fast_events.remember("r.events")
    try:
        assert [read_events_fast(text, "r.events") for text in (before, after, before)] == fresh
    finally:
        fast_events.remember("r.events", on=False)


@settings(max_examples=examples(150), deadline=None)
@given(edits())
def test_a_remembered_file_with_mistakes_reads_as_the_whole_parse(case):
    # where the fast reader does not take an event, the language server's file
    # parses that event alone: the same value and diagnostics as the whole file's
    from barometer.dsl import fast_events

    before, after = case
    whole = parse("events", after, "r.events", fast=False)
    fast_events.remember("r.events")
    try:
        parse("events", before, "r.events")
        assert parse("events", after, "r.events") == whole
    finally:
        fast_events.remember("r.events", on=False)


def test_a_remembered_file_reads_only_the_event_typed_in():
    from barometer.dsl import fast_events

    at = SHIPPED.index("\n[", len(SHIPPED) // 2)
    typed = SHIPPED[:at] + "x" + SHIPPED[at:]
    fast_events.remember("r.events")
    try:
        (_, before), (_, after) = (read_events_fast(t, "r.events") for t in (SHIPPED, typed))
    finally:
        fast_events.remember("r.events", on=False)
    assert after == read_events_fast(typed, "r.events")[1]
    assert [a is b for a, b in zip(before, after)].count(False) == 1


# --- CSV: lines without quotes are split, the rest is scanned ------------------------

from barometer.dsl import csvfile  # noqa: E402

from .conftest import CSV  # noqa: E402


def rows_both_ways(text: str, monkeypatch):
    known = csvfile.known_headings({"russia": "Relationship with Russia", "eu": "EU"})

    def rows():
        try:
            return csvfile.csv_rows("c.csv", text, known), None
        except csvfile.InputError as e:
            return None, e.diagnostics

    fast = rows()
    with monkeypatch.context() as patch:
        patch.setattr(csvfile, "_scan_lines", csvfile._scan)
        slow = rows()
    assert fast == slow
    return fast


def test_the_shipped_csv_splits_as_it_scans(monkeypatch):
    rows, problems = rows_both_ways(CSV.read_text(encoding="utf-8"), monkeypatch)
    assert problems is None and len(rows) > 50


CSV_HEAD = '# period "P" from 2021-01-01 to 2021-02-28\ndate,event,russia,eu\n'
CSV_CASES = [
    CSV_HEAD,
    CSV_HEAD + "4 January,Talks,+1,\n5 January,x,,-1",
    CSV_HEAD + "4 January,Talks,+1,\r\n\r\n5 January,x,,-1\r\n",
    CSV_HEAD + '4 January,"Talks, long",+1,\n5 January,x,,-1\n',
    CSV_HEAD + '4 January,"Talks\nover two lines",+1,\n5 January,x,,-1\n',
    CSV_HEAD + '4 January,"Talks ""quoted""" after,+1,\n5 January,x""y,,-1\n',
    CSV_HEAD + '4 January,"never closed,+1,\n5 January,x,,-1\n',
    CSV_HEAD + "4 January,a\rb,+1,\n",
    CSV_HEAD + "4 January,a\u2028b,+1,\n5 January,x,,-1\n",
    CSV_HEAD + "4 January,a\x0cb,+1,\n",
    CSV_HEAD + '"4 January"x,y,+1\n"',
    CSV_HEAD.replace(",", ";") + "4 January;Talks;+1;\n",
    CSV_HEAD.replace(",", "\t") + "4 January\tTalks, more\t+1\t\n",
    "\n\n" + CSV_HEAD + ",,,\n#comment,,,\n",
    CSV_HEAD + '"4 January","Talks, long","+1",""\n"5 January",x,,"-1"\n',
    CSV_HEAD + '"4 January","Talks",+1,"a"b\n"5 January",",",,"\n',
    CSV_HEAD + '"4 January",Ta"lks,+1,\n"#c",,,\n',
]


@pytest.mark.parametrize("text", CSV_CASES)
def test_csv_lines_split_as_they_scan(text, monkeypatch):
    rows_both_ways(text, monkeypatch)


@settings(max_examples=examples(80), deadline=None)
@given(st.lists(st.lists(st.text(st.sampled_from('ab ,;"\t\r\n#+1'), max_size=6),
                         min_size=1, max_size=5), max_size=6))
def test_generated_csv_splits_as_it_scans(rows):
    import pytest as _pytest

    text = CSV_HEAD + "\n".join(",".join(cells) for cells in rows)
    with _pytest.MonkeyPatch.context() as patch:
        rows_both_ways(text, patch)


# --- checking events: the short path for sound events, the full one for the rest ------

from barometer.dsl import events as ev  # noqa: E402

from .conftest import RULES  # noqa: E402


def same_check(raw_events, period, scheme):
    from barometer.dsl.resolve import uses_weight

    weighted = uses_weight(scheme.score)
    sound = 0
    for n, raw in enumerate(raw_events, 1):
        problems = []
        full = ev._checked_event(raw, n, period, scheme, problems, weighted)
        short = ev._sound_event(raw, n, period, scheme, weighted)
        if short is not None:
            sound += 1
            assert problems == [] and short == full
        else:
            assert problems or full is None
    return sound


def test_sound_events_are_checked_alike(minsk):
    period, raw, problems = ev.read_event_file(str(EVENTS))
    assert same_check(raw, period, minsk) == len(raw)


@pytest.mark.parametrize("change", ["range", "tags", "index", "categories", "period"])
def test_events_with_problems_take_the_full_path(minsk, change):
    import attrs

    period, raw, _ = ev.read_event_file(str(EVENTS))
    scheme = minsk
    if change == "range":
        scheme = attrs.evolve(minsk, range=attrs.evolve(minsk.range, low=-1, high=1))
    elif change == "tags":
        scheme = attrs.evolve(minsk, tags={})
    elif change == "index":
        scheme = attrs.evolve(minsk, indices={k: v for k, v in minsk.indices.items()
                                              if k != "eu"})
    elif change == "categories":
        scheme = attrs.evolve(minsk, categories={k: v for k, v in minsk.categories.items()
                                                 if k != "contacts"})
    else:
        period = attrs.evolve(period, end=dt.date(2021, 1, 31))
    sound = same_check(raw, period, scheme)
    assert 0 < sound < len(raw)


@settings(max_examples=examples(40), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=schemes_and_catalogues())
def test_generated_events_are_checked_alike(tmp_path_factory, case):
    from barometer import load_scheme
    from barometer.dsl import model as m

    rules, events = case
    path = tmp_path_factory.mktemp("s") / "s.rules"
    path.write_text(rules.text, encoding="utf-8")
    scheme = load_scheme(str(path))
    value, problems = parse("events", events.text, "g.events")
    assert problems == []
    (title, start, end, span), published = value[0]
    period = m.Period(title, start, end, span, published)
    assert same_check(value[1], period, scheme) == len(value[1])


def test_the_shipped_catalogue_without_its_final_line_break_gives_no19(tmp_path):
    import json

    from .conftest import PUBLISHED, RULES
    from .helpers import run

    path = tmp_path / "nonl.events"
    path.write_text(SHIPPED.rstrip("\n"), encoding="utf-8")
    out = run("eval", RULES, path, "--format", "json")
    assert out.exit_code == 0, out.output
    got = json.loads(out.output)["indices"]
    assert {k: (v["aggregate"], v["positive"], v["negative"]) for k, v in got.items()} == PUBLISHED


def test_a_remembered_file_checks_again_only_what_changed(minsk):
    # the language server's file: an unchanged event is not checked again while
    # the scheme and the period are the same; the catalogue is the fresh one's
    import attrs

    from barometer.dsl import fast_events
    from barometer.dsl import files as dsl_files

    at = SHIPPED.index("\n", SHIPPED.index("\n[", len(SHIPPED) // 2) + 1)
    typed = SHIPPED[:at] + "x" + SHIPPED[at:]  # at the end of an event's text
    narrow = attrs.evolve(minsk, range=attrs.evolve(minsk.range, low=-1, high=1))

    def read(text, scheme):
        dsl_files.OVERLAY["r.events"] = text
        return ev.read_catalogue(["r.events"], scheme)

    try:
        fresh = [read(typed, minsk), read(typed, narrow)]
        fast_events.remember("r.events")
        (before, _), (after, found) = read(SHIPPED, minsk), read(typed, minsk)
        assert (after, found) == fresh[0] and not found
        assert [a is b for a, b in zip(before.events, after.events)].count(False) == 1
        # another scheme: every event checked again (scores out of its range)
        assert read(typed, narrow) == fresh[1] and fresh[1][1]
        assert read(typed, minsk) == fresh[0]
    finally:
        fast_events.remember("r.events", on=False)
        dsl_files.OVERLAY.pop("r.events", None)
