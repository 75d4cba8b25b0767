"""Event attributes: declared in a scheme, recorded on events (in event files and
spreadsheet columns alike), asked by conditions and read by score expressions;
every mistake located."""

import datetime as dt
import textwrap
from fractions import Fraction

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st

from barometer import load_catalogue, load_scheme
from barometer.dsl.domains import EXACT
from barometer.engine.plan import Entry, EntryView, Plan, evaluate
from barometer.main import main

from .helpers import examples

SETTINGS = settings(max_examples=examples(40), deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])

LEVELS = ("head_of_state", "head_of_government", "minister", "official")

SCHEME = textwrap.dedent("""\
    scheme "Attributes" version "1"
    range -3 to +3
    index russia "Relationship with Russia"
    index eu "Relationship with the EU"
    index summits "Points from heads of state" = sum(russia where level is head_of_state)
    category contacts "Contacts" weight 1
    category trade "Trade" weight 2
    tag symbolic "Symbolic"
    attribute level "Highest level" one of [head_of_state, head_of_government, minister, official] default official
    attribute fatalities "Reported fatalities" number from 0 to 1000 default 0
    score recorded * weight + fatalities / 4
    rule top "Heads of state and government add a point in the score's direction"
        when level in [head_of_state, head_of_government] then add direction
    rule symbolic when tagged symbolic then set to trunc(score / 2)
    rule fresh "Recent events count double" when age < 10 and days <= 3 then multiply by 2
    rule cap then clamp -3 to 3
""").replace("rule cap then", "rule cap when always then")


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


# --- generated catalogues -------------------------------------------------------

DAYS = [dt.date(2021, 1, 1) + dt.timedelta(days=n) for n in range(59)]


@st.composite
def catalogues(draw):
    events = []
    for _ in range(draw(st.integers(1, 12))):
        start = draw(st.sampled_from(DAYS) | st.sampled_from(DAYS[-14:]))  # ages near 10
        length = draw(st.integers(0, 4))
        end = min(start + dt.timedelta(days=length), DAYS[-1])
        events.append({
            "start": start, "end": end,
            "scores": draw(st.dictionaries(st.sampled_from(["russia", "eu"]),
                                           st.integers(-3, 3), min_size=1)),
            "category": draw(st.sampled_from(["contacts", "trade"])),
            "symbolic": draw(st.booleans()),
            "level": draw(st.none() | st.sampled_from(LEVELS)),
            "fatalities": draw(st.none() | st.integers(0, 40)),
        })
    return events


def printed(start, end):
    months = ["January", "February"]
    if start == end:
        return f"{start.day} {months[start.month - 1]}"
    if start.month == end.month:
        return f"{start.day}-{end.day} {months[start.month - 1]}"
    return f"{start.day} {months[start.month - 1]} - {end.day} {months[end.month - 1]}"


HEADER = 'period "Generated" from 2021-01-01 to 2021-02-28\n'


def as_event_file(events):
    lines = [HEADER]
    for e in events:
        lines.append(f"[{printed(e['start'], e['end'])}] An event")
        lines += [f"    {index} {score:+d}" for index, score in e["scores"].items()]
        lines.append(f"    category {e['category']}")
        if e["symbolic"]:
            lines.append("    tags symbolic")
        if e["level"] is not None:
            lines.append(f"    level {e['level']}")
        if e["fatalities"] is not None:
            lines.append(f"    fatalities {e['fatalities']}")
        lines.append("")
    return "\n".join(lines) + "\n"


def as_csv(events):
    rows = ['# period "Generated" from 2021-01-01 to 2021-02-28',
            "date,event,Relationship with Russia,eu,category,tags,Highest level,fatalities"]
    for e in events:
        s = e["scores"]
        rows.append(",".join([
            printed(e["start"], e["end"]), "An event",
            f"{s['russia']:+d}" if "russia" in s else "", f"{s['eu']:+d}" if "eu" in s else "",
            e["category"], "symbolic" if e["symbolic"] else "", e["level"] or "",
            "" if e["fatalities"] is None else str(e["fatalities"])]))
    return "\n".join(rows) + "\n"


def by_hand(events):
    """The scheme's figures, computed with a plain loop."""
    import math

    weights = {"contacts": 1, "trade": 2}
    totals = {"russia": [0, 0, 0], "eu": [0, 0, 0]}
    summits = 0
    for e in events:
        level = e["level"] or "official"
        fatalities = e["fatalities"] or 0
        age = (DAYS[-1] - e["end"]).days
        days = (e["end"] - e["start"]).days + 1
        for index, recorded in e["scores"].items():
            score = recorded * weights[e["category"]] + Fraction(fatalities, 4)
            if level in ("head_of_state", "head_of_government"):
                score += (recorded > 0) - (recorded < 0)
            if e["symbolic"]:
                score = math.trunc(score / 2)
            if age < 10 and days <= 3:
                score *= 2
            score = min(max(score, -3), 3)
            t = totals[index]
            t[0 if score > 0 else 1] += score
            t[2] += 1
            if index == "russia" and level == "head_of_state":
                summits += score
    return totals, summits


@SETTINGS
@given(events=catalogues())
def test_event_files_and_spreadsheets_give_the_hand_computed_figures(tmp_path_factory, events):
    d = tmp_path_factory.mktemp("a")
    scheme = load_scheme(write(d, "s.rules", SCHEME))
    want, summits = by_hand(events)
    results = []
    for name, text in (("e.events", as_event_file(events)), ("e.csv", as_csv(events))):
        catalogue = load_catalogue([write(d, name, text)], scheme)
        figures = evaluate(scheme, catalogue).indices
        for index, (positive, negative, count) in want.items():
            r = figures[index]
            assert (r.positive, r.negative, r.events) == (positive, negative, count), (name, index)
        assert figures["summits"].aggregate == summits
        results.append({k: (v.aggregate, v.positive, v.negative, v.events)
                        for k, v in figures.items()})
        # shared matching and scoring change nothing: the same as asking every entry
        plan = Plan(scheme)
        entries = plan.match(catalogue)
        end = catalogue.period.end
        for entry in entries:
            view = EntryView(entry.event, end)
            view.index, view.recorded = entry.index, entry.recorded
            assert entry.rules == tuple(r for r in scheme.rules if r.condition.holds(view))
        assert plan.scores(entries) == [plan.score(e, EXACT, plan.weight_of(e)) for e in entries]
    assert results[0] == results[1]


def test_attributes_mistakes_in_a_scheme_are_located(tmp_path):
    rules = write(tmp_path, "bad.rules", textwrap.dedent("""\
        scheme "Bad" version "1"
        range -3 to +3
        index russia
        attribute level one of [head_of_state, minister] default ministr
        attribute fatalities number from 0
        attribute russia number
        rule a when levl is head_of_state then add 1
        rule b when level > 2 then add 1
        rule c when level is hed_of_state then add 1
        rule d when fatalities is many then add 1
        score recorded + fatalitie
        rule e when age > 10 then add level
        attribute days number from 5 to 1
    """))
    result = run("check", rules)
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if "error[" in line or "hint:" in line]
    assert lines == [
        f"{rules}:4:58: error[B209]: the default ministr is not a value of `level`: it is one of "
        "[head_of_state, minister]",
        "   = hint: did you mean `minister`?",
        f"{rules}:6:11: error[B114]: `russia` cannot name an attribute: it is already an index",
        "   = hint: choose another name, e.g. russia_value; the title may say anything",
        f"{rules}:7:13: error[B101]: unknown attribute `levl`",
        "   = hint: did you mean `level`?",
        f"{rules}:8:13: error[B114]: `level` is one of [head_of_state, minister], not a number",
        "   = hint: ask which in a condition: level is head_of_state",
        f"{rules}:9:13: error[B101]: `hed_of_state` is not a value of `level`",
        "   = hint: did you mean `head_of_state`?",
        f"{rules}:10:13: error[B114]: `fatalities` is a number (number from 0), not one of names",
        "    = hint: compare it: fatalities > 2",
        f"{rules}:11:18: error[B101]: unknown attribute `fatalitie`",
        "    = hint: did you mean `fatalities`?",
        f"{rules}:12:31: error[B114]: `level` is one of [head_of_state, minister], not a number",
        "    = hint: ask which in a condition: level is head_of_state",
        f"{rules}:13:1: error[B203]: `number from 5 to 1` runs from high to low",
        "    = hint: write from 1 to 5",
        f"{rules}:13:11: error[B114]: `days` cannot name an attribute: it is already a built-in "
        "attribute",
        "    = hint: choose another name, e.g. days_value; the title may say anything",
    ]


def test_attributes_mistakes_in_events_and_cells_are_located(tmp_path):
    rules = write(tmp_path, "s.rules", textwrap.dedent("""\
        scheme "S" version "1"
        range -3 to +3
        index russia
        attribute level one of [head_of_state, minister]
        attribute fatalities number from 0 to 1000
    """))
    events = write(tmp_path, "e.events", HEADER + textwrap.dedent("""\
        [4 January] Wrong values
            russia +1
            level minster
            fatalities -2
        [5 January] Values of the other kind, one twice
            russia +1
            fatalities many
            level 3
            level minister
        [6 January] Nothing recorded, and a value no scheme declares
            russia +1
            mood calm
    """))
    result = run("check", rules, events)
    assert result.exit_code == 1
    found = [line.split(": ", 1)[1] for line in result.output.splitlines()
             if "error[" in line or "warning[" in line]
    assert found == [
        "error[B209]: `minster` is not a value of `level`: it is one of [head_of_state, minister]",
        "error[B209]: `-2` is not a value of `fatalities`: it is number from 0 to 1000",
        "error[B209]: `fatalities` is a number (number from 0 to 1000), not `many`",
        "error[B209]: `level` is one of [head_of_state, minister], not 3",
        "error[B102]: the event gives `level` twice",
        "error[B115]: the event records no `level`, which the scheme's attribute asks of every "
        "event",
        "error[B115]: the event records no `fatalities`, which the scheme's attribute asks of "
        "every event",
        "warning[B116]: the scheme declares no attribute `mood`: the event's `mood calm` is "
        "not read",
    ]
    assert f"{events}:4:11: error[B209]" in result.output
    csv = write(tmp_path, "e.csv", '# period "G" from 2021-01-01 to 2021-02-28\n'
                "date,event,russia,level,fatalities\n4 January,A,+1,ministr,x\n")
    result = run("check", rules, csv)
    assert f"{csv}:3:16: error[B209]: `ministr` is not a value of `level`" in result.output
    assert f"{csv}:3:24: error[B209]: `fatalities` is a number" in result.output


def test_conditions_on_attributes_that_cannot_hold_are_found(tmp_path):
    rules = write(tmp_path, "s.rules", textwrap.dedent("""\
        scheme "S" version "1"
        range -3 to +3
        index russia
        attribute level one of [head_of_state, minister] default minister
        attribute fatalities number from 0 to 100 default 0
        rule never when fatalities > 10 and fatalities < 5 then add 1
        rule outside when fatalities > 100 then add 1
        rule both when level is head_of_state and level is minister then add 1
        rule fine when fatalities >= 100 and level is head_of_state then add 1
        rule young when age < 0 then add 1
    """))
    result = run("check", rules)
    never = sorted(int(line.split(":")[1]) for line in result.output.splitlines()
                   if "warning[B401]" in line)
    assert never == [6, 7, 8, 10]


def test_the_editor_knows_attributes(tmp_path):
    from barometer.lsp import _completion_table, _describe

    scheme = load_scheme(write(tmp_path, "s.rules", SCHEME))
    values, label, _ = _completion_table("value:level", scheme)
    assert list(values) == list(LEVELS) and label == "value of level"
    assert _completion_table("value:fatalities", scheme) is None  # a number: nothing to offer
    names = set(_completion_table("expression", scheme)[0])
    assert {"fatalities", "age", "days", "recorded", "trunc"} <= names and "level" not in names
    assert {"russia", "summits", "sum", "positive"} <= set(_completion_table("formula", scheme)[0])
    assert set(_completion_table("attribute", scheme)[0]) == {"level", "fatalities", "age", "days"}
    assert _describe("attribute", scheme.attributes["fatalities"]) == (
        "**attribute fatalities**: Reported fatalities\n\nnumber from 0 to 1000, default 0")


def test_explain_shows_each_events_values_and_which_are_defaults(tmp_path):
    from barometer.engine.explain import explain

    rules = write(tmp_path, "s.rules", SCHEME)
    events = write(tmp_path, "e.events", HEADER + textwrap.dedent("""\
        [4 January] A summit
            russia +1
            category contacts
            level head_of_state
    """))
    result = run("explain", rules, events, "--index", "russia", "--details")
    assert "category contacts; level head_of_state; fatalities 0 (default)" in result.output
    assert "rule top (" in result.output and "add direction, +1 -> +2" in result.output
    scheme = load_scheme(rules)
    (x,) = explain(evaluate(scheme, load_catalogue([events], scheme)), "russia")
    assert x.to_records()[0]["values"] == {"level": "head_of_state", "fatalities": 0}
