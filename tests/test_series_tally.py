"""A series tallies each CSV, Parquet or JSON Lines issue as it streams by
(engine/series.py `load_series`, engine/streamed.py), where the scheme reads no
history and the file is plainly sound, and shows exactly what it shows with every
issue read whole: the same text, JSON and CSV, the same warnings, the same exit
status; its issues' events never held."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from barometer import api
from barometer.engine import series as series_module
from barometer.engine import streamed
from barometer.main import main

from .conftest import ROOT
from .helpers import examples, write, write_catalogue
from .strategies import attribute_values, event_files, maybe_listed_twice, schemes

HISTORY = [str(p) for p in sorted((ROOT / "examples" / "history").glob("*.events"))]
NO19_CSV = str(ROOT / "examples/minsk-barometer-19.csv")


def shown(args, fmt: str):
    """What `barometer series ARGS --format FMT` prints, and its exit status."""
    done = CliRunner().invoke(main, ["series", *args, "--format", fmt])
    return done.exit_code, done.output


def both(args, formats=("table", "json", "csv")):
    """(with the tally, with every issue read whole), in each format."""
    fast = [shown(args, fmt) for fmt in formats]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(series_module, "TALLY", False)
        full = [shown(args, fmt) for fmt in formats]
    return fast, full


@pytest.mark.parametrize("rules, files", [
    ("rules/minsk-barometer.rules", [*HISTORY, NO19_CSV]),
    ("rules/minsk-normalised.rules", [*HISTORY, NO19_CSV]),  # previous(): read whole
    ("rules/minsk-attention.rules", ["examples/attention/minsk-attention.csv"]),
    ("rules/minsk-barometer.rules", [NO19_CSV, NO19_CSV]),  # B701, overlapping
])
def test_a_series_of_shipped_issues_shows_the_same_with_the_tally_as_without(rules, files):
    fast, full = both([str(ROOT / rules), *(str(ROOT / f) for f in files)])
    assert fast == full


@pytest.mark.parametrize("verb", [["eval"], ["eval", "--format", "json"], ["explain"]])
def test_an_issue_after_a_tallied_history_shows_the_same_as_without(tmp_path, monkeypatch,
                                                                    verb):
    no19 = (ROOT / "examples/minsk-barometer-19.events").read_text(encoding="utf-8")
    later = no19.replace('"Minsk Barometer No 19 (January and February 2021)" from 2021-01-01 '
                         'to 2021-02-28', '"Minsk Barometer No 21" from 2022-01-01 to 2022-02-28')
    assert later != no19
    args = [*verb, str(ROOT / "rules/minsk-barometer.rules"),
            str(write(tmp_path, "21.events", later))]
    for path in [*HISTORY, NO19_CSV]:
        args += ["--history", path]

    def shown_now():
        done = CliRunner().invoke(main, args)
        return done.exit_code, done.output

    tallied = []
    tally = streamed.tally
    monkeypatch.setattr(streamed, "tally", lambda *args: tallied.append(args[1]) or tally(*args))
    fast = shown_now()
    assert tallied == [NO19_CSV]  # the history's CSV issue
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(series_module, "TALLY", False)
        assert shown_now() == fast
    assert fast[0] == 0, fast


def test_events_listed_twice_past_those_the_tally_lists_are_counted_as_the_full_reader_lists_them(
        tmp_path, monkeypatch):
    rows = [f"{d} January,Talks on item {k},+1,,,,,,,contacts,,," for k in range(3)
            for d in (4, 5)] * 60  # 354 rows listed again (B502): past the 100 listed
    paths = []
    for n, (year, title) in enumerate([(2019, "No 1"), (2020, "No 2")]):
        head = (f'# period "{title}" from {year}-01-01 to {year}-02-28\n'
                "date,event,russia,eu,china,us,ukraine,national_security,regional_tension,"
                "category,tags,note,ongoing\n")
        paths.append(str(write(tmp_path, f"{n}.csv", head + "\n".join(rows) + "\n")))
    tallied = []
    tally = streamed.tally
    monkeypatch.setattr(streamed, "tally", lambda *args: tallied.append(args[1]) or tally(*args))
    fast, full = both([str(ROOT / "rules/minsk-barometer.rules"), *paths])
    assert tallied == paths * 3
    assert fast == full
    assert "note: 688 more warnings B502 like these are not shown" in fast[0][1]


def test_a_series_tallies_its_csv_issue_and_never_reads_its_events(monkeypatch):
    tallied = []
    tally = streamed.tally

    def spy(scheme, path, period=None):
        tallied.append(path)
        return tally(scheme, path, period)

    monkeypatch.setattr(streamed, "tally", spy)
    made, _ = api.series(str(ROOT / "rules/minsk-barometer.rules"), [*HISTORY, NO19_CSV])
    assert tallied == [NO19_CSV]
    [last] = [i for i in made.issues if type(i.evaluation) is streamed.Streamed]
    assert last.period.span.file == NO19_CSV
    assert [last.figures[k].aggregate for k in ("russia", "eu", "china")] == [20, -1, 8]
    assert made.to_records()  # shown, as every format shows it
    assert not last.evaluation.catalogue.read


def test_a_scheme_reading_history_is_not_tallied_in_a_series():
    normalised = api.scheme_for(str(ROOT / "rules/minsk-normalised.rules"), [])
    assert not series_module.streams(normalised)
    assert series_module.streams(api.scheme_for(str(ROOT / "rules/minsk-barometer.rules"), []))


@settings(max_examples=examples(6), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(case=schemes(), data=st.data(), formats=st.permutations(["csv", "parquet", "jsonl"]))
def test_a_series_of_generated_issues_shows_the_same_with_the_tally_as_without(
        tmp_path_factory, case, data, formats):
    rules, rules_text = case
    folder = tmp_path_factory.mktemp("series")
    paths = []
    for k, fmt in enumerate(formats):
        events = maybe_listed_twice(data, data.draw(event_files(rules, max_size=8)))
        events = type(events)(events.text, f"Part {'abc'[k]}", events.start, events.end,
                              events.events)  # no two alike (B702)
        paths.append(write_catalogue(tmp_path_factory.mktemp(fmt), events, fmt,
                                     data.draw(st.booleans()), False,
                                     attribute_values(data, events)))
    fast, full = both([str(write(folder, "scheme.rules", rules_text)), *paths])
    assert fast == full


def test_the_series_a_report_shows_is_the_same_with_its_history_tallied(monkeypatch):
    scheme = api.scheme_for(str(ROOT / "rules/minsk-barometer.rules"), [])
    issue = api.load_catalogue([str(ROOT / "examples/history/minsk-barometer-20.events")], scheme)
    fast, said = api.series_after(scheme, [*HISTORY[:-1], NO19_CSV], issue)
    assert type(fast.issues[-2].evaluation) is streamed.Streamed  # No 19, tallied
    monkeypatch.setattr(series_module, "TALLY", False)
    full, told = api.series_after(scheme, [*HISTORY[:-1], NO19_CSV], issue)
    assert type(full.issues[-2].evaluation) is not streamed.Streamed
    assert fast.to_records() == full.to_records()
    assert (list(said), said.unlisted) == (list(told), told.unlisted)
