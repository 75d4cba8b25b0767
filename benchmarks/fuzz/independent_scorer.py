"""A differential fuzz of the engines against an independent scorer.

The scorer below does not import barometer: it reads the generated scheme's
parameters (not its text) and the generated events, and computes each index's
figures as docs/language.md describes them, entry by entry, in catalogue order.
barometer computes the same scheme and catalogue (written as a rules file and a
CSV) with each engine asked for (python, duckdb, spark); every figure must agree.

The catalogues are made to stress grouping by signature: many events alike in
everything but one field the scheme reads (a word of the text, a day, a tag, an
attribute), and many alike in what the scheme reads but different in what it
does not (their text, their notes).

    python benchmarks/fuzz/independent_scorer.py --cases 300 --engines python,duckdb
    python benchmarks/fuzz/independent_scorer.py --cases 20 --engines spark --seed 7

Prints each disagreement (the case is kept in --keep) and the counts checked.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import random
import sys
import tempfile
from fractions import Fraction

INDICES = ("a", "b", "c")
CATEGORIES = {"k1": Fraction(1), "k2": Fraction(2), "k3": Fraction(1, 2)}
LEVELS = ("hi", "mid", "lo")
WORDS = ("oil", "gas", "talks", "visit", "army", "OIL", "Straße", "STRASSE", "ΣΟΦΊΑ", "İstanbul", "ﬁre")
PERIOD = (dt.date(2021, 1, 1), dt.date(2021, 2, 28))
MONTHS = ("", "January", "February", "March")


# --- the generated scheme: parameters, written out as a rules file ---------------------

SCORES = {
    "recorded": ("recorded", False),
    "weight": ("recorded * weight", False),
    "direction": ("direction * weight", False),
    "fat": ("recorded + fat / 10", False),
    "decay": ("recorded * 0.5 ^ (age / 30)", True),
    "prorate": ("recorded * days_in_period / days", False),
    "january": ("recorded * days_in_month(1) / days", False),
    "square": ("recorded * (days ^ 2) / 4", False),
    "exp": ("recorded * exp(0 - age / 60)", True),
    "ifage": ("if age > 20 then recorded * 2 else recorded", False),
}

RULES = {
    "text": 'rule r_text "t" when text contains "{word}" then multiply by 2',
    "before": 'rule r_before "t" when date before 2021-01-20 then add -1',
    "after": 'rule r_after "t" when date after 2021-02-10 then multiply by 3',
    "within": 'rule r_within "t" when date from 2021-01-10 to 2021-01-31 then set to 1',
    "old": 'rule r_old "t" when age > 30 then set to trunc(score / 2)',
    "long": 'rule r_long "t" when days > 3 then multiply by 0.5',
    "rep": 'rule r_rep "t" when rep > 1 then multiply by 0.5',
    "tag": 'rule r_tag "t" when tagged t1 then exclude',
    "tag2": 'rule r_tag2 "t" when tagged t2 and index is b then add +2',
    "level": 'rule r_level "t" when level is hi then multiply by 3',
    "fat": 'rule r_fat "t" when fat > 10 then add 1',
    "scoreof": 'rule r_sof "t" when index in [b, c] and a_s != 0 then add a_s',
    "zerosum": ('rule r_zs "t" when index in [a, b] and a_s != 0 and b_s != 0 '
                'then multiply by if a_s + b_s = 0 then 0.5 else 1'),
    "ifread": 'rule r_if "t" when index is c then multiply by if fat > 5 then 2 else 1',
    "recorded": 'rule r_rec "t" when recorded < 0 and category is k1 then multiply by 2',
    "notcat": 'rule r_not "t" when not category in [k2, k3] then add +1',
    "inday": 'rule r_inday "t" when days_in_period < 3 then add -1',
}

DERIVED = {
    "cap": 'index d_cap "d" = clamp(a by category, -2, 2)',
    "sel": 'index d_sel "d" = sum(b where text contains "{word}")',
    "selcat": 'index d_selcat "d" = sum(a where category is k2) - count(c where level is hi)',
    "mean": 'index d_mean "d" = if events(a) > 0 then mean(a) else 0',
    "max": 'index d_max "d" = if events(b) > 0 then max(b) - min(b) else 0',
    "grp": 'index d_grp "d" = if events(c) > 0 then max(c by level) else 0',
    "count": 'index d_count "d" = count(a by [category, level])',
    "pow": 'index d_pow "d" = (a + b) ^ 2 / 10',
    "exp": 'index d_exp "d" = exp(c / 10)',
    "selscore": 'index d_selscore "d" = sum(b where a_s > 0)',
    "seldate": 'index d_seldate "d" = sum(c where date before 2021-02-01)',
    "selage": 'index d_selage "d" = count(a where age <= 14)',
}


PYTHON_ONLY = {"decay", "exp", "january", "rep", "scoreof", "zerosum", "d_cap", "d_grp",
               "d_count", "d_pow", "d_exp", "d_selscore"}


def make_scheme(rng: random.Random) -> dict:
    word = rng.choice(["oil", "talks", "army", "Oil", "ss", "straße", "σοφία", "fire", "i̇stanbul"])
    # half the schemes only of what the columnar engines compute themselves (no float,
    # rank, score of, grouping or days_in_month, which they hand to the python engine)
    sql = rng.random() < 0.5
    score = rng.choice([k for k in SCORES if not sql or k not in PYTHON_ONLY])
    rules = rng.sample([k for k in RULES if not sql or k not in PYTHON_ONLY], rng.randint(0, 5))
    derived = rng.sample([k for k in DERIVED if not sql or "d_" + k not in PYTHON_ONLY],
                         rng.randint(0, 4))
    return {"word": word, "score": score, "rules": rules, "derived": derived,
            "window": rng.choice([0, 3, 7])}


def rules_text(s: dict) -> str:
    out = ['scheme "Fuzz" version "1"', "range -3 to +3", f"score {SCORES[s['score']][0]}"]
    out += [f'index {n} "{n.upper()}"' for n in INDICES]
    out += [f'category {k} "{k}" weight {float(w) if w.denominator != 1 else int(w)}'
            for k, w in CATEGORIES.items()]
    out += ['tag t1 "T1"', 'tag t2 "T2"',
            'attribute level "L" one of [hi, mid, lo] default lo',
            'attribute fat "F" number from 0 to 100 default 0',
            ]
    if "rep" in s["rules"]:
        out.append(f'attribute rep "R" rank by [index, category] within {s["window"]} days')
    if reads_rank_or_score_of(s):
        out += ['attribute a_s "A" score of a', 'attribute b_s "B" score of b']
    out += [RULES[r].format(word=s["word"]) for r in s["rules"]]
    out += [DERIVED[d].format(word=s["word"]) for d in s["derived"]]
    return "\n".join(out) + "\n"


def reads_rank_or_score_of(s: dict) -> bool:
    return bool({"rep", "scoreof", "zerosum"} & set(s["rules"]) or "selscore" in s["derived"])


# --- the generated catalogue ------------------------------------------------------------

def make_events(rng: random.Random, n: int) -> list[dict]:
    """Events alike in most fields: a few prototypes, each copied with one field changed."""
    protos = [random_event(rng) for _ in range(rng.randint(1, 4))]
    events = []
    for _ in range(n):
        e = dict(rng.choice(protos))
        e["scores"] = dict(e["scores"])
        change = rng.choice(["none", "none", "text", "note", "day", "tag", "level", "fat",
                             "score", "category", "span", "textword"])
        if change == "text":
            e["text"] = e["text"] + " " + rng.choice(["again", "more", "x"])
        elif change == "textword":
            e["text"] = rng.choice(WORDS) + " " + e["text"]
        elif change == "note":
            e["note"] = rng.choice(["", "a note", "see oil"])
        elif change == "day":
            e["start"] = e["end"] = random_day(rng)
        elif change == "span":
            e["start"] = random_day(rng)
            e["end"] = min(e["start"] + dt.timedelta(days=rng.randint(0, 12)), PERIOD[1])
        elif change == "tag":
            e["tags"] = rng.choice([(), ("t1",), ("t2",), ("t1", "t2")])
        elif change == "level":
            e["level"] = rng.choice(LEVELS + (None,))
        elif change == "fat":
            e["fat"] = rng.choice([None, 0, 5, 11, 40])
        elif change == "score":
            index = rng.choice(INDICES)
            e["scores"][index] = rng.choice([None, -3, -1, 0, 1, 2, 3])
            if all(v is None for v in e["scores"].values()):
                e["scores"][index] = 1
        elif change == "category":
            e["category"] = rng.choice(list(CATEGORIES))
        events.append(e)
    return events


def random_day(rng: random.Random) -> dt.date:
    return PERIOD[0] + dt.timedelta(days=rng.randint(0, (PERIOD[1] - PERIOD[0]).days))


def random_event(rng: random.Random) -> dict:
    start = random_day(rng)
    end = min(start + dt.timedelta(days=rng.choice([0, 0, 0, 2, 5, 20])), PERIOD[1])
    scores = {i: rng.choice([None, None, -3, -2, -1, 0, 1, 2, 3]) for i in INDICES}
    if all(v is None for v in scores.values()):
        scores[rng.choice(INDICES)] = rng.choice([-2, 1, 3])
    return {"start": start, "end": end,
            "text": " ".join(rng.sample(WORDS, 2)) + " event",
            "note": "", "scores": scores, "category": rng.choice(list(CATEGORIES)),
            "tags": rng.choice([(), (), ("t1",), ("t2",), ("t1", "t2")]),
            "level": rng.choice(LEVELS + (None,)), "fat": rng.choice([None, 0, 3, 12])}


def printed(e: dict, rng: random.Random) -> str:
    """The event's days as a report might print them."""
    s, t = e["start"], e["end"]
    if s == t:
        return rng.choice([s.isoformat(), f"{s.day} {MONTHS[s.month]}"])
    if s.month == t.month:
        return f"{s.day}-{t.day} {MONTHS[s.month]}"
    return f"{s.day} {MONTHS[s.month]} - {t.day} {MONTHS[t.month]}"


def csv_text(events: list[dict], rng: random.Random) -> str:
    import csv
    import io

    buffer = io.StringIO()
    buffer.write(f'# period "Fuzz" from {PERIOD[0]} to {PERIOD[1]}\n')
    w = csv.writer(buffer, lineterminator="\n")
    w.writerow(["date", "event", *INDICES, "category", "tags", "level", "fat", "note"])
    def pad(text: str) -> str:  # cells as people type them: spaces around
        return (rng.choice(["", "", " ", "  ", "\t", "\u00a0"]) + text
                + rng.choice(["", "", " ", "\t", "\u00a0", "\u2003"])) if text else text

    def score(v) -> str:
        if v is None:
            return rng.choice(["", "", " "])
        return pad(rng.choice([f"{v:+d}" if v else "0", str(v),
                               (f"{v:+d}" if v else "0").replace("-", rng.choice("-−–")),
                               f"{v}.0"]))

    for e in events:
        w.writerow([pad(printed(e, rng)), pad(e["text"]), *[score(e["scores"][i]) for i in INDICES],
                    pad(e["category"]), rng.choice([";", ",", "; ", " , ", ";\u00a0", "\t,"]).join(e["tags"]),
                    pad(e["level"] or ""), "" if e["fat"] is None else pad(str(e["fat"])),
                    e["note"]])
    return buffer.getvalue()


# --- the independent scorer -------------------------------------------------------------

class Excluded(Exception):
    pass


def power(base, exponent):
    """Exact where the value is a fraction (a whole exponent), else a float."""
    if isinstance(exponent, Fraction) and exponent.denominator == 1:
        exponent = int(exponent)
    if isinstance(exponent, int) and not isinstance(base, float):
        return Fraction(base) ** exponent
    return float(base) ** float(exponent)


def score_entries(s: dict, events: list[dict]) -> dict:
    """Each index's (aggregate, positive, negative, events), and the derived figures."""
    first, last = PERIOD
    entries = []  # (event number, index, recorded)
    for n, e in enumerate(events):
        for i in INDICES:
            if e["scores"][i] is not None:
                entries.append((n, i, e["scores"][i]))

    def age(e):
        return max((last - e["end"]).days, 0)

    def days(e):
        return (e["end"] - e["start"]).days + 1

    def overlap(e, a, b):
        lo, hi = max(e["start"], a), min(e["end"], b)
        return max((hi - lo).days + 1, 0)

    # ranks: per index, events alike in (index, category), sorted by (start, number)
    rank = {}
    for i in INDICES:
        mine = sorted((n for n, j, _ in entries if j == i),
                      key=lambda n: (events[n]["start"], n))
        for n in mine:
            rank[(n, i)] = sum(1 for m in mine
                               if events[m]["category"] == events[n]["category"]
                               and (events[m]["start"], m) <= (events[n]["start"], n)
                               and (events[n]["start"] - events[m]["start"]).days
                               <= s["window"])

    def score_of(e, index):
        v = e["scores"][index]
        return 0 if v is None else v

    def fat(e):
        return 0 if e["fat"] is None else e["fat"]

    def level(e):
        return e["level"] or "lo"

    def base(e, recorded):
        w = CATEGORIES[e["category"]]
        kind = s["score"]
        if kind == "recorded":
            return recorded
        if kind == "weight":
            return recorded * w
        if kind == "direction":
            return ((recorded > 0) - (recorded < 0)) * w
        if kind == "fat":
            return recorded + Fraction(fat(e), 10)
        if kind == "decay":
            return recorded * power(Fraction(1, 2), Fraction(age(e), 30))
        if kind == "prorate":
            return Fraction(recorded * overlap(e, first, last), days(e))
        if kind == "january":
            return Fraction(recorded * overlap(e, first, dt.date(2021, 1, 31)), days(e))
        if kind == "square":
            return Fraction(recorded * days(e) ** 2, 4)
        if kind == "exp":
            return recorded * math.exp(float(0 - Fraction(age(e), 60)))
        if kind == "ifage":
            return recorded * 2 if age(e) > 20 else recorded
        raise AssertionError(kind)

    def trunc(x):
        return int(x) if not isinstance(x, float) else float(math.trunc(x))

    def scored(n, index, recorded):
        e = events[n]
        value = base(e, recorded)
        text = e["text"].casefold()
        for r in s["rules"]:
            if r == "text" and s["word"].casefold() in text:
                value = value * 2
            elif r == "before" and e["end"] < dt.date(2021, 1, 20):
                value = value + -1
            elif r == "after" and e["start"] > dt.date(2021, 2, 10):
                value = value * 3
            elif r == "within" and dt.date(2021, 1, 10) <= e["start"] \
                    and e["end"] <= dt.date(2021, 1, 31):
                value = 1
            elif r == "old" and age(e) > 30:
                value = trunc(value / 2 if isinstance(value, float) else Fraction(value, 2))
            elif r == "long" and days(e) > 3:
                value = value * Fraction(1, 2)
            elif r == "rep" and rank[(n, index)] > 1:
                value = value * Fraction(1, 2)
            elif r == "tag" and "t1" in e["tags"]:
                raise Excluded
            elif r == "tag2" and "t2" in e["tags"] and index == "b":
                value = value + 2
            elif r == "level" and level(e) == "hi":
                value = value * 3
            elif r == "fat" and fat(e) > 10:
                value = value + 1
            elif r == "scoreof" and index in ("b", "c") and score_of(e, "a") != 0:
                value = value + score_of(e, "a")
            elif r == "zerosum" and index in ("a", "b") and score_of(e, "a") != 0 \
                    and score_of(e, "b") != 0:
                value = value * (Fraction(1, 2) if score_of(e, "a") + score_of(e, "b") == 0
                                 else 1)
            elif r == "ifread" and index == "c":
                value = value * (2 if fat(e) > 5 else 1)
            elif r == "recorded" and recorded < 0 and e["category"] == "k1":
                value = value * 2
            elif r == "notcat" and e["category"] not in ("k2", "k3"):
                value = value + 1
            elif r == "inday" and overlap(e, first, last) < 3:
                value = value + -1
        return value

    kept = []  # (event number, index, score)
    for n, i, recorded in entries:
        try:
            kept.append((n, i, scored(n, i, recorded)))
        except Excluded:
            pass
    out = {}
    for i in INDICES:
        mine = [v for _, j, v in kept if j == i]
        positive = sum((v for v in mine if v > 0), 0)
        negative = sum((v for v in mine if v <= 0), 0)
        out[i] = (positive + negative, positive, negative, len(mine))

    def of(index, where=lambda n: True):
        return [(n, v) for n, j, v in kept if j == index and where(n)]

    def groups(index, key):
        sums = {}
        for n, v in of(index):
            k = key(events[n])
            sums[k] = sums.get(k, 0) + v
        return list(sums.values())

    agg = {i: out[i][0] for i in INDICES}
    for d in s["derived"]:
        try:
            if d == "cap":
                value = sum((min(max(g, -2), 2) for g in groups("a", lambda e: e["category"])),
                            0)
            elif d == "sel":
                value = sum((v for n, v in of("b", lambda n: s["word"].casefold()
                                             in events[n]["text"].casefold())), 0)
            elif d == "selcat":
                value = sum((v for n, v in of("a", lambda n: events[n]["category"] == "k2")),
                            0) - len(of("c", lambda n: level(events[n]) == "hi"))
            elif d == "mean":
                scores = [v for _, v in of("a")]
                value = (sum(scores, 0) / len(scores) if isinstance(sum(scores, 0), float)
                         else Fraction(sum(scores, 0), len(scores))) if scores else 0
            elif d == "max":
                scores = [v for _, v in of("b")]
                value = max(scores) - min(scores) if scores else 0
            elif d == "grp":
                value = max(groups("c", level)) if of("c") else 0
            elif d == "count":
                value = len(groups("a", lambda e: (e["category"], level(e))))
            elif d == "pow":
                value = power(agg["a"] + agg["b"], 2) / 10
            elif d == "exp":
                value = math.exp(float(agg["c"]) / 10)
            elif d == "selscore":
                value = sum((v for n, v in of("b", lambda n: score_of(events[n], "a") > 0)), 0)
            elif d == "seldate":
                value = sum((v for n, v in of("c", lambda n: events[n]["end"]
                                             < dt.date(2021, 2, 1))), 0)
            elif d == "selage":
                value = len(of("a", lambda n: age(events[n]) <= 14))
            else:
                raise AssertionError(d)
        except ZeroDivisionError:
            value = None
        out["d_" + d] = (value, None, None, None)
    return out


# --- the comparison ---------------------------------------------------------------------

def close(mine, theirs) -> bool:
    if mine is None or theirs is None:
        return mine is None and theirs is None
    return abs(float(mine) - float(theirs)) <= 2e-6 + 1e-9 * abs(float(mine))


def barometer_figures(rules: str, events: str, engine: str):
    from click.testing import CliRunner

    from barometer.main import main

    result = CliRunner().invoke(main, ["eval", rules, events, "--format", "json", "--engine",
                                       engine, "-q"])
    if result.exit_code != 0:
        return None, result.output
    data = json.loads(result.stdout)
    return {name: (i["aggregate"], i["positive"], i["negative"], i["events"])
            for name, i in data["indices"].items()}, result.output


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--engines", default="python,duckdb")
    parser.add_argument("--events", type=int, default=60)
    parser.add_argument("--keep", default=os.path.join(tempfile.gettempdir(), "fuzz-kept"))
    args = parser.parse_args(argv)
    engines = args.engines.split(",")
    counts = {"cases": 0, "runs": 0, "figures": 0, "refused": 0, "fallbacks": 0, "disagreements": 0}
    os.makedirs(args.keep, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        for case in range(args.cases):
            rng = random.Random(args.seed * 1_000_003 + case)
            scheme = make_scheme(rng)
            events = make_events(rng, rng.randint(1, args.events))
            rules = os.path.join(folder, f"c{case}.rules")
            data = os.path.join(folder, f"c{case}.csv")
            with open(rules, "w") as f:
                f.write(rules_text(scheme))
            with open(data, "w") as f:
                f.write(csv_text(events, rng))
            mine = score_entries(scheme, events)
            counts["cases"] += 1
            for engine in engines:
                theirs, output = barometer_figures(rules, data, engine)
                if theirs is None:
                    counts["refused"] += 1
                    if "error" in output and "B208" not in output:
                        print(f"case {case} ({engine}) refused:\n{output[:2000]}")
                    continue
                counts["runs"] += 1
                counts["fallbacks"] += "B801" in output
                bad = []
                for name, figures in mine.items():
                    for k, (x, y) in enumerate(zip(figures, theirs[name])):
                        if x is None and k > 0:
                            continue
                        counts["figures"] += 1
                        if not close(x, y):
                            bad.append((name, k, x, y))
                if bad:
                    counts["disagreements"] += 1
                    kept = os.path.join(args.keep, f"s{args.seed}-c{case}")
                    os.makedirs(kept, exist_ok=True)
                    for path in (rules, data):
                        with open(path) as f, open(os.path.join(kept, os.path.basename(path)),
                                                   "w") as g:
                            g.write(f.read())
                    print(f"case {case} ({engine}): {scheme} kept in {kept}")
                    for name, k, x, y in bad[:6]:
                        print(f"  {name}[{('aggregate', 'positive', 'negative', 'events')[k]}]:"
                              f" independent {x}, barometer {y}")
    print(json.dumps(counts))
    return 1 if counts["disagreements"] else 0


if __name__ == "__main__":
    sys.exit(main())
