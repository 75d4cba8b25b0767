"""Schemes that extend: `drop index NAME` removes an inherited index (with its
bands and its place in groups), and a band may carry a display title apart from
its name (`unusually_good "Unusually good" >= 10`)."""

import json

from hypothesis import given, settings, strategies as st

from barometer import evaluate, load_catalogue, load_scheme

from .conftest import EVENTS, ROOT
from .helpers import run, write

CODERS = ROOT / "examples" / "coders"


def test_the_security_scheme_publishes_only_what_it_keeps():
    scheme = load_scheme(str(ROOT / "rules" / "minsk-security.rules"))
    assert list(scheme.indices) == ["national_security", "regional_tension"]
    assert "relationships" not in scheme.groups  # every member dropped: the group goes
    result = evaluate(scheme, load_catalogue([str(CODERS / "coder-a.events")], scheme))
    assert {k: (r.aggregate, r.positive, r.negative, r.colour)
            for k, r in result.indices.items()} == {
        "national_security": (4, 11, -7, None), "regional_tension": (-7, 6, -13, "yellow")}


def test_a_band_title_is_shown_and_the_name_kept_for_programs():
    path = ROOT / "rules" / "minsk-security.rules"
    events = CODERS / "coder-a.events"
    text = run("eval", path, events).output
    assert "Yellow: close attention" in text and "│ Yellow " not in text
    data = json.loads(run("eval", path, events, "--format", "json").output)
    assert data["indices"]["regional_tension"]["colour"] == "yellow"
    assert "Yellow: close attention" in run("eval", path, events, "--format", "markdown").output


def test_a_band_without_a_title_shows_its_name_as_declared():
    text = run("eval", ROOT / "rules" / "minsk-barometer.rules", EVENTS).output
    assert "│ yellow │" in text and "Yellow" not in text


def test_dropping_an_index_that_is_not_inherited_is_located(tmp_path):
    path = write(tmp_path, "child.rules", f'scheme "C" version "1"\n'
                 f'extends "{ROOT}/rules/minsk-barometer.rules"\ndrop index rusia\n')
    result = run("check", path)
    assert result.exit_code == 1
    assert f"{path}:3:12: error[B101]: there is no inherited index `rusia` to drop" in result.output
    assert "did you mean `russia`?" in result.output


def test_a_rule_naming_a_dropped_index_is_an_unknown_index(tmp_path):
    path = write(tmp_path, "child.rules", f'scheme "C" version "1"\n'
                 f'extends "{ROOT}/rules/minsk-barometer.rules"\ndrop index eu\n'
                 "rule r when index is eu then add 1\n")
    result = run("check", path)
    assert f"{path}:4:13: error[B101]: unknown index `eu`" in result.output


@settings(max_examples=8, deadline=None)
@given(st.sets(st.sampled_from(["russia", "eu", "china", "us", "ukraine"]), min_size=1,
               max_size=4))
def test_dropping_indices_leaves_the_others_figures_as_a_hand_count_gives_them(tmp_path_factory,
                                                                             dropped):
    folder = tmp_path_factory.mktemp("drop")
    kept = [n for n in ["russia", "eu", "china", "us", "ukraine"] if n not in dropped]
    rules = write(folder, "child.rules", f'scheme "C" version "1"\n'
                  f'extends "{ROOT}/rules/minsk-barometer.rules"\n'
                  + "".join(f"drop index {n}\n" for n in sorted(dropped))
                  + "drop index national_security\ndrop index regional_tension\n")
    # the catalogue: No 19's events, each with only the scores on kept indices
    full = load_scheme(str(ROOT / "rules" / "minsk-barometer.rules"))
    catalogue = load_catalogue([str(EVENTS)], full)
    lines = ['period "P" from 2021-01-01 to 2021-02-28', ""]
    hand = {n: 0 for n in kept}
    for event in catalogue.events:
        scores = [s for s in event.scores if s.index in kept]
        if not scores:
            continue
        lines.append(f"[{event.when.start.day} {event.when.start:%B}] event {event.number}")
        for s in scores:
            lines.append(f"    {s.index} {s.value:+d}")
            hand[s.index] += s.value
        lines.append("")
    events = write(folder, "kept.events", "\n".join(lines))
    scheme = load_scheme(str(rules))
    assert list(scheme.indices) == kept
    assert list(scheme.groups["relationships"].indices) == kept
    result = evaluate(scheme, load_catalogue([str(events)], scheme))
    assert {k: r.aggregate for k, r in result.indices.items()} == hand


def test_a_band_shows_its_title_where_declared_and_else_its_name_as_declared(tmp_path):
    bands = "bands russia {\n    unusually_good%s >= 10\n    usual < 10\n}\n"
    for title, shown in [(' "Unusually good"', "Unusually good"), ("", "unusually_good")]:
        path = write(tmp_path, "s.rules", f'scheme "S" version "1"\n'
                     f'extends "{ROOT}/rules/minsk-barometer.rules"\n' + bands % title)
        text = run("eval", path, EVENTS).output
        assert f"│ {shown}" in text and "Unusually_good" not in text, text
        csv = run("eval", path, EVENTS, "--format", "csv").output
        assert ",unusually_good" in csv and "Unusually" not in csv


SCHEME = 'scheme "S" version "1"\nrange -3 to +3\n'


def test_a_child_that_repeats_a_category_keeps_its_parents_weight(tmp_path):
    write(tmp_path, "p.rules", SCHEME + "index russia\nscore direction * weight\n"
          "category sanctions weight 3\n")
    child = write(tmp_path, "c.rules", 'scheme "C"\nextends "p.rules"\n'
                  'category sanctions "Sanctions, retitled"\n')
    scheme = load_scheme(str(child))
    assert scheme.categories["sanctions"].weight == 3
    assert scheme.categories["sanctions"].title == "Sanctions, retitled"


def test_dropping_a_rule_drops_the_inherited_vary_of_it(tmp_path):
    # the child got an error in its parent's file, `unknown rule r`, for a line it
    # cannot edit, for having dropped the rule
    write(tmp_path, "p.rules", 'scheme "P" version "1"\nrange -3 to +3\nindex a "A"\n'
          "rule r when always then multiply by 2\nvary rule r by 1\nvary bands by 1\n"
          "bands a { lo < 0  hi >= 0 }\n")
    child = write(tmp_path, "c.rules", 'scheme "C" version "1"\nextends "p.rules"\ndrop rule r\n')
    assert run("check", child).output == "0 errors, 0 warnings in 1 file\n"
    from barometer import load_scheme

    assert [v.kind for v in load_scheme(str(child)).varies] == ["bands"]
