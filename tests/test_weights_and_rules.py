"""Weights and rules score as a hand-written loop scores: the general scoring task
(benchmarks/scoring-task.rules) gives, on every event of an exhaustive grid (every
category x relationship x level x tag set x recorded score), exactly what a
hand-written Python loop gives (benchmarks/scoring_task.py), and so do the figures
and colours."""

import importlib.util

from barometer import load_catalogue, load_scheme
from barometer.engine.plan import Plan, evaluate

from .conftest import ROOT

spec = importlib.util.spec_from_file_location("scoring_task",
                                              ROOT / "benchmarks" / "scoring_task.py")
task = importlib.util.module_from_spec(spec)
spec.loader.exec_module(task)


def test_every_event_of_the_grid_scores_as_by_hand(tmp_path):
    items = task.grid()
    assert len(items) == 40 * 5 * 5 * 2 * 7
    path = tmp_path / "grid.events"
    path.write_text(task.events_text(items), encoding="utf-8")
    scheme = load_scheme(str(task.RULES))
    catalogue = load_catalogue([str(path)], scheme)
    plan = Plan(scheme)
    entries = plan.match(catalogue)
    scores = plan.scores(entries)
    wrong = [(item, score) for item, score in zip(items, scores)
             if score != task.hand_score(item["index"], item["category"], item["level"],
                                         item["symbolic"], item["recorded"])]
    assert len(scores) == len(items) and not wrong, wrong[:5]
    # decimal weights and halving: some scores are halves, exactly
    assert any(getattr(s, "denominator", 1) == 2 for s in scores)
    figures = evaluate(scheme, catalogue).indices
    for name, (aggregate, positive, negative, events, colour) in task.hand_totals(items).items():
        r = figures[name]
        assert (r.aggregate, r.positive, r.negative, r.events, r.colour) == (
            aggregate, positive, negative, events, colour)


def test_generated_catalogues_give_the_hand_figures_and_colours(tmp_path):
    scheme = load_scheme(str(task.RULES))
    colours = set()
    for seed in range(3):
        items = task.generated(300, seed)
        path = tmp_path / f"g{seed}.events"
        path.write_text(task.events_text(items), encoding="utf-8")
        figures = evaluate(scheme, load_catalogue([str(path)], scheme)).indices
        got = {k: (r.aggregate, r.positive, r.negative, r.events, r.colour)
               for k, r in figures.items()}
        assert got == task.hand_totals(items)
        colours |= {r.colour for r in figures.values()}
    assert len(colours) >= 3  # the bands tell the relationships apart
