"""Generated material for the hot-path benchmark (and its tests): a weighted
scheme with several rules, and catalogues of any size in both formats.

The scheme (issue 8 item 6): 24 weighted categories, `score direction * weight`,
three per-relationship overrides of the weights, +1 / -1 in the score's
direction for heads of state, and a clamp to the range.
"""

from __future__ import annotations

import datetime as dt
import random

INDICES = ["russia", "eu", "china", "us", "ukraine"]
CATEGORIES = {f"cat{n:02d}": 1 + n % 3 for n in range(21)}
CATEGORIES.update({"sanctions": 3, "agreements": 2, "contacts": 1})
TAGS = ["head_of_state", "covid", "energy", "repression"]
LOW, HIGH = -3, 3

# The three overrides, in the order the scheme applies them: (index, category, kind, value).
OVERRIDES = [("us", "sanctions", "multiply", 2), ("eu", "agreements", "set", 3),
             ("russia", "contacts", "multiply", 3)]

SCHEME = "\n".join(
    ['scheme "Hot path" version "1"', "range -3 to +3", "score direction * weight"]
    + [f"index {name}" for name in INDICES]
    + [f"category {name} weight {weight}" for name, weight in CATEGORIES.items()]
    + [f"tag {name}" for name in TAGS]
    + [f"rule override{n} when index is {index} and category is {category} then "
       + (f"multiply by {value}" if kind == "multiply" else f"set to +{value}")
       for n, (index, category, kind, value) in enumerate(OVERRIDES)]
    + ["rule head_up when tagged head_of_state and recorded > 0 then add +1",
       "rule head_down when tagged head_of_state and recorded < 0 then add -1",
       "rule keep when always then clamp"]) + "\n"

START, END = dt.date(2021, 1, 1), dt.date(2021, 12, 31)
PERIOD_LINE = f'period "Generated" from {START} to {END}'
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


def events(n: int, seed: int = 8) -> list[dict]:
    """`n` events in date order, as plain data."""
    rnd = random.Random(seed)
    out = []
    days = (END - START).days + 1
    for i in range(n):
        day = START + dt.timedelta(days=i * days // max(n, 1))
        if rnd.random() < 0.1:
            when = f"{rnd.choice(['Early', 'Mid-', 'Late'])} {MONTHS[day.month - 1]}"
            when = when.replace("Mid- ", "Mid-")
        else:
            when = f"{day.day} {MONTHS[day.month - 1]}"
        scores = {}
        for index in rnd.sample(INDICES, rnd.choice([1, 1, 1, 2, 3])):
            scores[index] = rnd.choice([-3, -2, -1, -1, 0, 1, 1, 2, 3])
        tags = [t for t in TAGS if rnd.random() < 0.15]
        out.append({
            "when": when, "text": f"Event {i}: talks on item {rnd.randrange(1000)}",
            "scores": scores, "category": rnd.choice(list(CATEGORIES)), "tags": tags,
            "source": f"https://example.org/{i}" if rnd.random() < 0.3 else "",
            "note": f"note {i}" if rnd.random() < 0.1 else "",
        })
    return out


def _signed(v: int) -> str:
    return f"{v:+d}" if v else "0"


def events_text(items: list[dict]) -> str:
    lines = [PERIOD_LINE, ""]
    for e in items:
        lines.append(f"[{e['when']}] {e['text']}")
        lines.append("    " + "  ".join(f"{k} {_signed(v)}" for k, v in e["scores"].items()))
        lines.append(f"    category {e['category']}")
        if e["tags"]:
            lines.append("    tags " + ", ".join(e["tags"]))
        if e["source"]:
            lines.append(f"    source {e['source']}")
        if e["note"]:
            lines.append(f"    note {e['note']}")
        lines.append("")
    return "\n".join(lines)


CSV_COLUMNS = ["date", "event"] + INDICES + ["category", "tags", "source", "note"]


def csv_text(items: list[dict]) -> str:
    import csv
    import io

    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow([f"# {PERIOD_LINE}"])
    w.writerow(CSV_COLUMNS)
    for e in items:
        w.writerow([e["when"], e["text"]]
                   + [_signed(e["scores"][i]) if i in e["scores"] else "" for i in INDICES]
                   + [e["category"], ";".join(e["tags"]), e["source"], e["note"]])
    return out.getvalue()


# --- the hand-written loop: the same scoring, with nothing general about it ------------

def score_records(records) -> dict[str, tuple[int, int, int]]:
    """Per index (positive, negative, events) for records of
    (category, tags, [(index, recorded), ...])."""
    weights = CATEGORIES
    positive = dict.fromkeys(INDICES, 0)
    negative = dict.fromkeys(INDICES, 0)
    counts = dict.fromkeys(INDICES, 0)
    for category, tags, scores in records:
        weight = weights[category]
        head = "head_of_state" in tags
        for index, recorded in scores:
            value = ((recorded > 0) - (recorded < 0)) * weight
            if index == "us" and category == "sanctions":
                value *= 2
            elif index == "eu" and category == "agreements":
                value = 3
            elif index == "russia" and category == "contacts":
                value *= 3
            if head:
                if recorded > 0:
                    value += 1
                elif recorded < 0:
                    value -= 1
            value = LOW if value < LOW else HIGH if value > HIGH else value
            counts[index] += 1
            if value > 0:
                positive[index] += value
            else:
                negative[index] += value
    return {i: (positive[i], negative[i], counts[i]) for i in INDICES}


def csv_records(path: str) -> list:
    """The records of a generated CSV file, read with the csv module."""
    import csv

    with open(path, newline="", encoding="utf-8") as f:
        rows = csv.reader(f)
        next(rows)  # the period
        heading = next(rows)
        at = {name: n for n, name in enumerate(heading)}
        cat, tg = at["category"], at["tags"]
        columns = [(i, at[i]) for i in INDICES]
        records = []
        for row in rows:
            scores = [(index, int(row[j])) for index, j in columns if row[j]]
            records.append((row[cat], set(row[tg].split(";")), scores))
    return records


def loop_from_csv(path: str) -> dict[str, tuple[int, int, int]]:
    """The baseline, end to end: read the CSV with the csv module, then score."""
    return score_records(csv_records(path))
