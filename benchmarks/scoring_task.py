"""The general scoring task of issue 9 (item 6), written as a rules file
(benchmarks/scoring-task.rules) and, independently, as a hand-written Python loop.

The task: 40 category weights (some decimal); per-relationship overrides of some
weights; an attribute `level` that adds one point in the score's direction for
heads of state and government; a tag `symbolic` that halves the score, cut toward
zero; then clamping to -3..+3; colour bands on every relationship.

tests/test_weights_and_rules.py checks the rules file against the loop on every event
of an exhaustive grid (every category x relationship x level x tag set x recorded
score). Run as a script, this times `evaluate` against the loop on generated
catalogues (median CPU time of several runs, ratio in the same process):

    python benchmarks/scoring_task.py [--sizes 10000 100000] [--runs 5]
"""

from __future__ import annotations

import math
import os
import random
from fractions import Fraction
from pathlib import Path

RULES = Path(__file__).resolve().parent / "scoring-task.rules"

INDICES = ["russia", "eu", "china", "us", "ukraine"]
# 40 categories: k01..k40, their weights cycling through 0.5, 1, 1.5, 2, 3
WEIGHTS = {f"k{n:02d}": [Fraction(1, 2), 1, Fraction(3, 2), 2, 3][n % 5] for n in range(1, 41)}
# Per-relationship overrides: the weight that relationship gives those categories.
OVERRIDES = {("russia", "k01"): 3, ("russia", "k02"): 3, ("russia", "k03"): 3,
             ("eu", "k10"): Fraction(1, 2), ("eu", "k11"): Fraction(1, 2),
             ("us", "k20"): 4, ("ukraine", "k33"): 0}
LEVELS = ["head_of_state", "head_of_government", "minister", "official"]
TOP = {"head_of_state", "head_of_government"}
LOW, HIGH = -3, 3
# Colour bands on every relationship (totals may be halves: comparisons on each side):
# red < -10, orange -10 up to -3, grey -3 to +3, blue above +3 to +10, green > +10.


def hand_score(index: str, category: str, level: str | None, symbolic: bool,
               recorded: int):
    """One entry's score, as a methodologist would compute it by hand."""
    weight = OVERRIDES.get((index, category), WEIGHTS[category])
    score = recorded * weight
    if (level or "official") in TOP:
        score += (recorded > 0) - (recorded < 0)
    if symbolic:
        score = math.trunc(score / 2)  # Fraction / int stays exact
    return min(max(score, LOW), HIGH)


def hand_colour(total) -> str:
    if total < -10:
        return "red"
    if total < -3:
        return "orange"
    if total <= 3:
        return "grey"
    return "blue" if total <= 10 else "green"


def grid() -> list[dict]:
    """Every category x relationship x level (and none) x tag set x recorded score."""
    out = []
    for category in WEIGHTS:
        for index in INDICES:
            for level in LEVELS + [None]:
                for symbolic in (False, True):
                    for recorded in range(LOW, HIGH + 1):
                        out.append({"index": index, "category": category, "level": level,
                                    "symbolic": symbolic, "recorded": recorded})
    return out


def generated(n: int, seed: int = 9) -> list[dict]:
    rnd = random.Random(seed)
    return [{"index": rnd.choice(INDICES), "category": rnd.choice(list(WEIGHTS)),
             "level": rnd.choice(LEVELS + [None, None, None]),
             "symbolic": rnd.random() < 0.2, "recorded": rnd.randint(LOW, HIGH)}
            for _ in range(n)]


PERIOD = 'period "Generated for the scoring task" from 2021-01-01 to 2021-12-31'
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


def events_text(items: list[dict]) -> str:
    lines = [PERIOD, ""]
    for n, e in enumerate(items):
        month = MONTHS[n * 12 // max(len(items), 1)]
        lines.append(f"[{month}] Event {n}")
        lines.append(f"    {e['index']} {e['recorded']:+d}" if e["recorded"] else
                     f"    {e['index']} 0")
        lines.append(f"    category {e['category']}")
        if e["level"] is not None:
            lines.append(f"    level {e['level']}")
        if e["symbolic"]:
            lines.append("    tags symbolic")
        lines.append("")
    return "\n".join(lines)


def hand_totals(items: list[dict]) -> dict:
    """Per relationship (aggregate, positive, negative, events, colour), by hand."""
    out = {i: [0, 0, 0] for i in INDICES}
    for e in items:
        s = hand_score(e["index"], e["category"], e["level"], e["symbolic"], e["recorded"])
        t = out[e["index"]]
        t[0 if s > 0 else 1] += s
        t[2] += 1
    return {i: (p + n, p, n, c, hand_colour(p + n)) for i, (p, n, c) in out.items()}


def main() -> None:
    import argparse
    import statistics
    import sys
    import tempfile
    import time

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from barometer import load_catalogue, load_scheme
    from barometer.engine.plan import evaluate

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    scheme = load_scheme(str(RULES))

    def median(f):
        times = []
        for _ in range(args.runs):
            t = time.process_time()
            f()
            times.append(time.process_time() - t)
        return statistics.median(times)

    print("| events | hand loop | barometer evaluate | ratio |")
    print("|---:|---:|---:|---:|")
    for size in args.sizes:
        items = generated(size)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "g.events")
            Path(path).write_text(events_text(items), encoding="utf-8")
            catalogue = load_catalogue([path], scheme)
        result = evaluate(scheme, catalogue).indices
        want = hand_totals(items)
        assert all((r.aggregate, r.positive, r.negative, r.events, r.colour) == want[i]
                   for i, r in result.items()), "barometer and the loop disagree"
        loop = median(lambda: hand_totals(items))
        ours = median(lambda: evaluate(scheme, catalogue))
        print(f"| {size:,} | {loop * 1000:.1f} ms | {ours * 1000:.1f} ms | {ours / loop:.1f}x |")


if __name__ == "__main__":
    main()
