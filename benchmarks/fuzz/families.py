"""The fuzzer's input families: each makes one case from a seeded `random.Random`.

A case is a plain dict (it crosses process boundaries):

    family  the family's name
    verb    eval, check or fmt
    args    the command line after `barometer`, naming files relative to the
            folder the case runs in
    files   {name: str or bytes}: the files written into that folder
    stdin   text given on standard input, or None
    rules   for fmt: the rules file an event file is checked against (or None)

The families are mutations of the shipped rules, event files and CSV, plus
files generated from scratch, aimed at what issue 13 item 10 lists: Unicode
line and paragraph separators, form feeds and NEL; CR, CRLF and mixed line
endings; the language's words as names; CSV cells beginning with `#`; the same
file given twice; periods in year 1 or 9999; numbers of more than 4,300
digits; decimal weights above 1e308; score expressions of about 1,000 terms;
huge band bounds and wide ranges; many rules; 29 February in 2021; and random
byte flips, line deletions, duplications and swaps, and keyword swaps.
"""

from __future__ import annotations

import calendar
import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHIPPED_RULES = {p.name: p.read_text(encoding="utf-8") for p in sorted((ROOT / "rules").glob("*.rules"))}
EVENTS_NAME = "minsk-barometer-19.events"
EVENTS = (ROOT / "examples" / EVENTS_NAME).read_text(encoding="utf-8")
CSV = (ROOT / "examples" / "minsk-barometer-19.csv").read_text(encoding="utf-8")
MISTAKES = {p.name: p.read_text(encoding="utf-8")
            for p in sorted((ROOT / "examples" / "mistakes").glob("*"))
            if p.suffix in (".rules", ".events")}
MAIN_RULES = "minsk-barometer.rules"
MINSK_INDICES = ["russia", "eu", "china", "us", "ukraine", "national_security",
                 "regional_tension"]
MINSK_CATEGORIES = ["contacts", "visits", "agreements", "statements", "media", "diplomacy",
                    "economy", "aid", "sanctions", "public_action", "exercises", "armament",
                    "arms_control", "defence_policy", "conflict"]
MINSK_TAGS = ["assembly", "nuclear_power", "covid", "energy", "repression"]

# Every literal word of both grammars, and the words of event lines.
KEYWORDS = sorted(set(re.findall(r'"([a-z]+)"', (ROOT / "grammar" / "rules.lark").read_text())
                      + re.findall(r'"([a-z]+)"', (ROOT / "grammar" / "events.lark").read_text())
                      + ["note", "source", "category", "tags", "period", "published", "ongoing",
                         "when", "rule", "index", "date", "event", "text", "yes"]))
PUNCTUATION = ['"', "“", "”", "[", "]", "{", "}", "(", ")", ",", "#", "+", "-", "−", "–", "—",
               "*", ">=", "<=", ">", "<", "≥", "≤", ".", ":", "\n", "\t", " ", "0", "1.5",
               "2021-02-29", "9999-12-31", "0001-01-01"]
SEPARATORS = ["\u2028", "\u2029", "\f", "\x85", "\v", "\x1c", "\x1d", "\x1e", "\r"]
MONTHS = list(calendar.month_name)[1:]
PLAIN = ["alpha", "beta", "gamma", "delta", "eps", "zeta"]


def case(family, verb, args, files, stdin=None, rules=None) -> dict:
    return {"family": family, "verb": verb, "args": list(args), "files": dict(files),
            "stdin": stdin, "rules": rules}


def signed(value) -> str:
    return str(value) if str(value).startswith("-") else f"+{value}"


# --- files generated from scratch --------------------------------------------

def gen_scheme(rng: random.Random, indices=None, categories=None, tags=None, n_rules=None,
               low=-3, high=3, score=None, bands=True, extra=()) -> str:
    indices = indices or rng.sample(PLAIN, rng.randint(1, 4))
    categories = categories if categories is not None else rng.sample(
        MINSK_CATEGORIES, rng.randint(0, 4))
    tags = tags if tags is not None else rng.sample(MINSK_TAGS, rng.randint(0, 3))
    score = score or rng.choice(["recorded", "recorded", "direction", "direction * weight",
                                 "recorded * 2 - 1", "(recorded + direction) * weight"])
    lines = [f'scheme "Fuzz" version "{rng.randint(1, 9)}"', f"range {signed(low)} to {signed(high)}",
             f"score {score}"]
    lines += [f'index {i} "Index {i}"' for i in indices]
    lines += [f'category {c} "Category {c}" weight {rng.choice(["1", "2", "3", "0.5"])}'
              for c in categories]
    lines += [f'tag {t} "Tag {t}"' for t in tags]
    if bands and rng.random() < 0.6:
        index = rng.choice(indices)
        cut = sorted(rng.sample(range(low * 4 - 3, high * 4 + 4), 2))
        lines += [f"bands {index} {{", f'    red < {cut[0]} "bad"',
                  f'    yellow {cut[0]} to {cut[1]} "middling"', f'    green > {cut[1]} "good"', "}"]
    for n in range(rng.randint(0, 3) if n_rules is None else n_rules):
        lines.append(f"rule r{n} when {gen_condition(rng, indices, categories, tags)} "
                     f"then {gen_actions(rng)}")
    lines += list(extra)
    return "\n".join(lines) + "\n"


def gen_condition(rng, indices, categories, tags, depth=0) -> str:
    leaves = [lambda: f"index is {rng.choice(indices)}",
              lambda: f"index in [{', '.join(rng.sample(indices, rng.randint(1, len(indices))))}]",
              lambda: f'text contains "{rng.choice(["a", "the", "vaccine"])}"',
              lambda: f"recorded {rng.choice(['>', '>=', '<', '<='])} {rng.randint(-3, 3)}",
              lambda: "date before 2021-02-01", lambda: "date after 2021-01-15",
              lambda: "date from 2021-01-01 to 2021-01-31", lambda: "always"]
    if categories:
        leaves.append(lambda: f"category is {rng.choice(categories)}")
    if tags:
        leaves.append(lambda: f"tagged {rng.choice(tags)}")
    if depth < 2 and rng.random() < 0.3:
        a = gen_condition(rng, indices, categories, tags, depth + 1)
        b = gen_condition(rng, indices, categories, tags, depth + 1)
        return rng.choice([f"({a} and {b})", f"({a} or {b})", f"not {a}"])
    return rng.choice(leaves)()


def gen_actions(rng) -> str:
    pool = [lambda: f"add {signed(rng.randint(-2, 2))}", lambda: f"set to {signed(rng.randint(-3, 3))}",
            lambda: f"multiply by {rng.choice(['2', '0.5', '-1', '3'])}", lambda: "clamp",
            lambda: "exclude"]
    return ", ".join(rng.choice(pool)() for _ in range(rng.randint(1, 3)))


def gen_when(rng, year, months) -> str:
    month = rng.choice(months)
    name = calendar.month_name[month]
    last = calendar.monthrange(year, month)[1]
    form = rng.randrange(6)
    if form == 0:
        return f"{rng.randint(1, last)} {name}"
    if form == 1:
        a = rng.randint(1, last)
        return f"{a}-{rng.randint(a, last)} {name}"
    if form == 2:
        return rng.choice(["Early ", "Mid-", "Late "]) + name
    if form == 3:
        return name
    if form == 4:
        return f"{rng.randint(1, last)} {name} {year}"
    later = calendar.month_name[rng.choice([m for m in months if m >= month])]
    return f"{name}-{later}"


def gen_events(rng, indices, categories=(), tags=(), year=2021, months=(1, 2), n=None,
               low=-3, high=3, title="Fuzz period", start=None, end=None) -> str:
    months = list(months)
    start = start or f"{year:04d}-{months[0]:02d}-01"
    end = end or f"{year:04d}-{months[-1]:02d}-{calendar.monthrange(year, months[-1])[1]:02d}"
    lines = [f'period "{title}" from {start} to {end}', ""]
    if rng.random() < 0.3:
        lines += [f"published {i} {signed(rng.randint(-9, 9))}" for i in rng.sample(
            indices, rng.randint(1, len(indices)))] + [""]
    for k in range(rng.randint(0, 8) if n is None else n):
        lines.append(f"[{gen_when(rng, year, months)}] Event {k} {rng.choice(['a', 'the', 'vaccine', '#7'])}")
        for i in rng.sample(indices, rng.randint(1, len(indices))):
            lines.append(f"    {i} {signed(rng.randint(low, high))}")
        if categories and rng.random() < 0.8:
            lines.append(f"    category {rng.choice(categories)}")
        if tags and rng.random() < 0.4:
            lines.append(f"    tags {', '.join(rng.sample(tags, rng.randint(1, len(tags))))}")
        if rng.random() < 0.2:
            lines.append("    note a note # not a comment")
        if rng.random() < 0.1:
            lines.append("    source https://example.org/x#y")
        lines.append("")
    return "\n".join(lines)


def gen_csv(rng, indices, categories=(), year=2021, months=(1, 2), n=None, period=True,
            title="Fuzz period") -> str:
    last = calendar.monthrange(year, months[-1])[1]
    head = [f'# period "{title}" from {year:04d}-{months[0]:02d}-01 to '
            f'{year:04d}-{months[-1]:02d}-{last:02d}'] if period else []
    head.append(",".join(["date", "event", *indices, "category", "tags", "note", "ongoing"]))
    for k in range(rng.randint(0, 8) if n is None else n):
        scores = [signed(rng.randint(-3, 3)) if rng.random() < 0.6 else "" for _ in indices]
        if not any(scores):
            scores[0] = "+1"
        head.append(",".join([gen_when(rng, year, list(months)), f"Event {k}", *scores,
                              rng.choice(list(categories) or [""]), "", "", ""]))
    return "\n".join(head) + "\n"


# --- bases to mutate ----------------------------------------------------------

def base(rng: random.Random, kinds=("rules", "events", "csv")) -> tuple[str, str, dict, str | None]:
    """A file to mutate: (kind, its text, the other files it needs, the rules file
    event files are read against)."""
    kind = rng.choice(kinds)
    if kind == "rules":
        if rng.random() < 0.6:
            name = rng.choice(list(SHIPPED_RULES))
            extra = {MAIN_RULES: SHIPPED_RULES[MAIN_RULES]} if name != MAIN_RULES else {}
            return kind, SHIPPED_RULES[name], extra, None
        if rng.random() < 0.3:
            texts = [t for n, t in MISTAKES.items() if n.endswith(".rules")]
            return kind, rng.choice(texts), {MAIN_RULES: SHIPPED_RULES[MAIN_RULES]}, None
        return kind, gen_scheme(rng), {}, None
    companion = {MAIN_RULES: SHIPPED_RULES[MAIN_RULES]}
    if kind == "events":
        r = rng.random()
        if r < 0.55:
            return kind, EVENTS, companion, MAIN_RULES
        if r < 0.7:
            texts = [t for n, t in MISTAKES.items() if n.endswith(".events")]
            return kind, rng.choice(texts), companion, MAIN_RULES
    elif rng.random() < 0.6:
        return kind, CSV, companion, MAIN_RULES
    indices = rng.sample(PLAIN, rng.randint(1, 4))
    categories = rng.sample(MINSK_CATEGORIES, rng.randint(1, 3))
    tags = rng.sample(MINSK_TAGS, rng.randint(0, 2))
    rules = {"r.rules": gen_scheme(rng, indices, categories, tags)}
    if kind == "events":
        return kind, gen_events(rng, indices, categories, tags), rules, "r.rules"
    return kind, gen_csv(rng, indices, categories), rules, "r.rules"


EXT = {"rules": "t.rules", "events": "t.events", "csv": "t.csv"}


def verb_case(rng, family, kind, text, extra, rules, verbs=None) -> dict:
    """A command over one mutated file, with the files it needs."""
    name = EXT[kind]
    files = dict(extra)
    files[name] = text
    if verbs is None:
        verbs = ["eval", "check", "fmt"] if kind != "csv" else ["eval", "check"]
    verb = rng.choice(verbs)
    if kind == "rules":
        events = None
        if verb == "eval" or (verb == "check" and rng.random() < 0.4):
            events = EVENTS_NAME
            files[events] = EVENTS
        if verb == "eval":
            return case(family, verb, ["eval", name, events] + eval_options(rng), files)
        if verb == "check":
            return case(family, verb, ["check", name] + ([events] if events else [])
                        + check_options(rng), files)
        return fmt_case(rng, family, [name], files, None)
    rules = rules or MAIN_RULES
    if rules not in files:
        files[rules] = SHIPPED_RULES[MAIN_RULES]
    if verb == "eval":
        return case(family, verb, ["eval", rules, name] + eval_options(rng), files)
    if verb == "check":
        if rng.random() < 0.5:
            return case(family, verb, ["check", "--rules", rules, name] + check_options(rng), files)
        return case(family, verb, ["check", rules, name] + check_options(rng), files)
    return fmt_case(rng, family, [name], files, rules)


def eval_options(rng) -> list[str]:
    r = rng.random()
    if r < 0.55:
        return []
    return ["--format", rng.choice(["json", "markdown", "csv", "svg", "table"])]


def check_options(rng) -> list[str]:
    out = []
    if rng.random() < 0.3:
        out += ["--format", "json"]
    if rng.random() < 0.2:
        out.append("--strict")
    return out


def fmt_case(rng, family, names, files, rules) -> dict:
    r = rng.random()
    if r < 0.8:
        return case(family, "fmt", ["fmt", *names], files, rules=rules)
    if r < 0.9 and len(names) == 1:
        kind = "rules" if names[0].endswith(".rules") else "events"
        text = files.pop(names[0])
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        return case(family, "fmt", ["fmt", "--kind", kind, "-"], files, stdin=text,
                    rules=rules)
    return case(family, "fmt", ["fmt", rng.choice(["--check", "--diff"]), *names], files,
                rules=rules)


# --- mutations ----------------------------------------------------------------

def lines_of(text: str) -> list[str]:
    """Lines with their endings, whatever the endings are."""
    return re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$", text)


def insert_at(rng, text: str, what: str) -> str:
    where = rng.random()
    if where < 0.4 or not text:
        at = rng.randint(0, len(text))
    else:
        starts = [m.start() for m in re.finditer(r"^", text, re.M)]
        ends = [m.start() for m in re.finditer(r"\n", text)] or [len(text)]
        if where < 0.6:
            at = rng.choice(starts)
        elif where < 0.8:
            at = rng.choice(ends)
        else:  # inside a quoted text, an event's text or after a bracket
            marks = [m.end() for m in re.finditer(r'["“\[\]]', text)] or [0]
            at = rng.choice(marks)
    if rng.random() < 0.15 and at < len(text) and text[at] == "\n":
        return text[:at] + what + text[at + 1:]  # the separator instead of the line break
    return text[:at] + what + text[at:]


def fam_separators(rng) -> dict:
    kind, text, extra, rules = base(rng)
    for _ in range(rng.randint(1, 6)):
        sep = rng.choices(SEPARATORS, weights=[4, 4, 3, 3, 1, 1, 1, 1, 1])[0]
        text = insert_at(rng, text, sep * rng.choice([1, 1, 1, 2, 3]))
    return verb_case(rng, "separators", kind, text, extra, rules)


def fam_line_endings(rng) -> dict:
    kind, text, extra, rules = base(rng)
    lines = text.split("\n")
    style = rng.choice(["crlf", "cr", "mixed", "cr-lf-pairs", "no-final", "crlf-separators"])
    if style == "crlf":
        text = "\r\n".join(lines)
    elif style == "cr":
        text = "\r".join(lines)
    elif style == "mixed":
        text = "".join(line + rng.choice(["\n", "\r\n", "\r"]) for line in lines)
    elif style == "cr-lf-pairs":
        text = "".join(line + rng.choice(["\r\r\n", "\n\r", "\r\n"]) for line in lines)
    elif style == "no-final":
        text = text.rstrip("\n") + rng.choice(["", "\r", " ", "\t", "#"])
    else:
        text = "".join(line + rng.choice(["\r\n", "\u2028", "\x85", "\f\n"]) for line in lines)
    return verb_case(rng, "line-endings", kind, text, extra, rules)


def fam_keyword_names(rng) -> dict:
    words = [w for w in KEYWORDS if re.fullmatch(r"[A-Za-z_]\w*", w)]
    indices = rng.sample(words, rng.randint(1, 4)) + rng.sample(PLAIN, rng.randint(0, 2))
    indices = list(dict.fromkeys(indices))
    categories = list(dict.fromkeys(rng.sample(words, rng.randint(0, 3)) + ["contacts"]))
    tags = list(dict.fromkeys(rng.sample(words, rng.randint(0, 2))))
    rules_text = gen_scheme(rng, indices, categories, tags, n_rules=rng.randint(0, 3))
    kind = rng.choice(["rules", "events", "events", "csv"])
    files = {"r.rules": rules_text}
    if kind == "rules":
        events = gen_events(rng, indices, categories, tags)
        if rng.random() < 0.5:
            return verb_case(rng, "keyword-names", "rules", rules_text, {}, None)
        files["e.events"] = events
        verb = rng.choice(["eval", "check", "fmt"])
        if verb == "fmt":
            return fmt_case(rng, "keyword-names", ["r.rules"], files, None)
        return case("keyword-names", verb, [verb, "r.rules", "e.events"], files)
    if kind == "events":
        text = gen_events(rng, indices, categories, tags, n=rng.randint(1, 6))
        if rng.random() < 0.4:  # a word and its score on the line of another detail
            text = text.replace("    category", f"    {rng.choice(indices)} +1  category", 1)
        return verb_case(rng, "keyword-names", "events", text, files, "r.rules")
    text = gen_csv(rng, indices, categories, n=rng.randint(1, 6))
    return verb_case(rng, "keyword-names", "csv", text, files, "r.rules")


def fam_csv_hash(rng) -> dict:
    _, text, extra, rules = base(rng, kinds=("csv",))
    lines = text.split("\n")
    head = next((i for i, line in enumerate(lines) if line and not line.startswith("#")), 0)
    for _ in range(rng.randint(1, 4)):
        how = rng.randrange(7)
        i = rng.randint(head, max(head, len(lines) - 2))
        cells = lines[i].split(",")
        if how == 0:  # a cell beginning with #
            j = rng.randrange(len(cells))
            cells[j] = "#" + cells[j]
        elif how == 1:  # a quoted cell beginning with #
            j = rng.randrange(len(cells))
            cells[j] = '"#' + cells[j].replace('"', '') + ', more"'
        elif how == 2:  # the heading's first cell
            lines[head] = "#" + lines[head]
            continue
        elif how == 3:  # a row of # cells
            lines.insert(i, ",".join("#" for _ in cells))
            continue
        elif how == 4:  # a comment row in the middle, or a second period line
            lines.insert(i, rng.choice(['# a comment, with commas', '#',
                                        '# period "Other" from 2021-01-01 to 2021-01-31']))
            continue
        elif how == 5:  # a score cell that is a comment
            j = rng.randrange(2, max(3, len(cells) - 4)) if len(cells) > 2 else 0
            cells[j] = rng.choice(["#", "#1", "+1 # one", " #+1"])
        else:  # the period line dropped, the period on the command line
            lines = [line for line in lines if not line.startswith("# period")]
            head = 0
            continue
        lines[i] = ",".join(cells)
    text = "\n".join(lines)
    c = verb_case(rng, "csv-hash", "csv", text, extra, rules)
    if not any(line.startswith("# period") for line in lines):
        c["args"] += ["--period", "2021-01-01:2021-02-28"]
    return c


def fam_same_file(rng) -> dict:
    kind, text, extra, rules = base(rng)
    if rng.random() < 0.3:
        text = fam_line_ops_text(rng, text)
    name = EXT[kind]
    files = dict(extra)
    files[name] = text
    twice = rng.choice([[name, name], [name, "./" + name], [name, name, name]])
    verbs = ["eval", "check", "fmt"] if kind != "csv" else ["eval", "check"]
    verb = rng.choice(verbs)
    if kind == "rules":
        files[EVENTS_NAME] = EVENTS
        if verb == "eval":
            return case("same-file", verb, ["eval", name, EVENTS_NAME, EVENTS_NAME], files)
        if verb == "check":
            return case("same-file", verb, ["check", *twice] + check_options(rng), files)
        return case("same-file", verb, ["fmt", *twice], files)
    rules = rules or MAIN_RULES
    if verb == "eval":
        if rng.random() < 0.2:
            return case("same-file", verb, ["eval", rules, name, "-"], files, stdin=text
                        if isinstance(text, str) else text.decode("utf-8", "replace"))
        return case("same-file", verb, ["eval", rules, *twice] + eval_options(rng), files)
    if verb == "check":
        lead = rng.choice([[rules], ["--rules", rules], [rules, rules]])
        return case("same-file", verb, ["check", *lead, *twice] + check_options(rng), files)
    return case("same-file", verb, ["fmt", *twice], files, rules=rules)


def fam_extreme_years(rng) -> dict:
    indices = rng.sample(PLAIN, rng.randint(1, 3))
    year = rng.choice([1, 1, 9999, 9999, 2021])
    months = rng.choice([[1], [12], [1, 2], [11, 12], list(range(1, 13))])
    if year == 2021:
        start, end = rng.choice([("0001-01-01", "9999-12-31"), ("0001-01-01", "2021-12-31"),
                                 ("2021-01-01", "9999-12-31"), ("0000-01-01", "2021-12-31"),
                                 ("2021-01-01", "10000-01-01")])
        months = [1, 2]
    else:
        start = f"{year:04d}-{months[0]:02d}-01"
        end = f"{year:04d}-{months[-1]:02d}-{calendar.monthrange(year, months[-1])[1]:02d}"
    extra = [rng.choice([f"rule old when date before {start} then add 1",
                         "rule future when date after 9999-12-31 then add 1",
                         "rule edge when date from 9999-12-31 to 9999-12-31 then add 1",
                         "rule first when date before 0001-01-01 then exclude",
                         "rule span when date from 0001-01-01 to 9999-12-31 then add 1"])]
    rules_text = gen_scheme(rng, indices, [], [], n_rules=0, extra=extra)
    events = gen_events(rng, indices, year=year if year != 2021 else 2021, months=months,
                        start=start, end=end, n=rng.randint(0, 5))
    special = rng.choice([f"[December-January] across the year's end\n    {indices[0]} +1\n",
                          f"[Late December] the last days\n    {indices[0]} +1\n    ongoing\n",
                          f"[31 December {year}] the last day\n    {indices[0]} -1\n",
                          f"[1 January {year}] the first day\n    {indices[0]} -1\n",
                          f"[Early January] the first days\n    {indices[0]} +2\n    ongoing\n",
                          f"[1 January 0] year zero\n    {indices[0]} +1\n",
                          f"[1 January 10000] year ten thousand\n    {indices[0]} +1\n",
                          f"[25 December - mid-January] over the edge\n    {indices[0]} +1\n"
                          "    ongoing\n"])
    events = events.rstrip("\n") + "\n\n" + special
    files = {"r.rules": rules_text}
    kind = rng.choice(["events", "events", "csv", "rules"])
    if kind == "csv":
        text = gen_csv(rng, indices, year=year if year != 2021 else 2021, months=months)
        text += rng.choice(["December-January,wrap,+1\n", f"31 December {year},last,+1\n",
                            "1 January 10000,far,+1\n", "Late December,late,+1\n"])
        c = verb_case(rng, "extreme-years", "csv", text, files, "r.rules")
        if rng.random() < 0.4:
            text = "\n".join(text.split("\n")[1:])
            c["files"]["t.csv"] = text
            c["args"] += ["--period", rng.choice(["0001-01-01:0001-12-31", "9999-01-01:9999-12-31",
                                                  "0001-01-01:9999-12-31"])]
        return c
    if kind == "rules":
        files["e.events"] = events
        verb = rng.choice(["eval", "check", "fmt"])
        if verb == "fmt":
            return fmt_case(rng, "extreme-years", ["r.rules"], files, None)
        return case("extreme-years", verb, [verb, "r.rules", "e.events"], files)
    return verb_case(rng, "extreme-years", "events", events, files, "r.rules")


def big_number(rng) -> str:
    digits = rng.randint(4301, 6000)
    return str(rng.randint(1, 9)) + "".join(rng.choice("0123456789") for _ in range(digits - 1))


def fam_huge_numbers(rng) -> dict:
    big = big_number(rng)
    where = rng.randrange(12)
    indices = ["alpha", "beta"]
    if where == 0:  # a score in an event file
        text = EVENTS.replace("russia +1", f"russia +{big}", 1)
        return verb_case(rng, "huge-numbers", "events", text, {}, MAIN_RULES)
    if where == 1:  # a published total
        text = EVENTS.replace("published russia            +20", f"published russia +{big}")
        return verb_case(rng, "huge-numbers", "events", text, {}, MAIN_RULES)
    if where == 2:  # a CSV score
        text = CSV.replace(",+1,", f",+{big},", 1)
        return verb_case(rng, "huge-numbers", "csv", text, {}, MAIN_RULES)
    if where == 3:  # the range
        text = SHIPPED_RULES[MAIN_RULES].replace("range -3 to +3", rng.choice(
            [f"range -3 to +{big}", f"range -{big} to +3", f"range -{big} to +{big}"]))
        return verb_case(rng, "huge-numbers", "rules", text, {}, None)
    if where == 4:  # a weight
        text = SHIPPED_RULES["minsk-by-category.rules"].replace(
            "category sanctions      weight 3", f"category sanctions      weight {big}")
        return verb_case(rng, "huge-numbers", "rules", text,
                         {MAIN_RULES: SHIPPED_RULES[MAIN_RULES]}, None)
    if where == 5:  # a band bound
        text = SHIPPED_RULES[MAIN_RULES].replace("red    <= -18", f"red    <= -{big}")
        return verb_case(rng, "huge-numbers", "rules", text, {}, None)
    if where == 6:  # rule actions and comparisons
        rule = rng.choice([f"rule big when always then add {big}",
                           f"rule big when always then multiply by {big}",
                           f"rule big when always then set to -{big}",
                           f"rule big when recorded >= {big} then add 1",
                           f"rule big when always then add {big}, clamp"])
        text = SHIPPED_RULES[MAIN_RULES] + "\n" + rule + "\n"
        return verb_case(rng, "huge-numbers", "rules", text, {}, None)
    if where == 7:  # a number in the score expression
        text = gen_scheme(rng, indices, [], [], n_rules=0,
                          score=rng.choice([f"recorded * {big}", f"{big}", f"recorded + {big}",
                                            f"recorded * {big}.5"]))
        events = gen_events(rng, indices, n=3)
        return verb_case(rng, "huge-numbers", "events", events, {"r.rules": text}, "r.rules")
    if where == 8:  # a day or a year in a printed date
        text = EVENTS.replace("[4 January]", rng.choice([f"[{big} January]", f"[4 January {big}]",
                                                         f"[{big}-{big} January]"]), 1)
        return verb_case(rng, "huge-numbers", "events", text, {}, MAIN_RULES)
    if where == 9:  # vary amounts
        text = SHIPPED_RULES[MAIN_RULES].replace("vary bands by 1", rng.choice(
            [f"vary bands by {big}", f"vary weights by {big}"]))
        return verb_case(rng, "huge-numbers", "rules", text, {}, None)
    if where == 10:  # a score whose value is huge only as a decimal fraction
        text = EVENTS.replace("russia +1", f"russia +1.{big}", 1)
        return verb_case(rng, "huge-numbers", "events", text, {}, MAIN_RULES)
    digits = "9" * rng.randint(4301, 5000)  # a date's year in the rules
    text = SHIPPED_RULES[MAIN_RULES] + f"\nrule d when date before {digits}-01-01 then add 1\n"
    return verb_case(rng, "huge-numbers", "rules", text, {}, None)


def fam_huge_decimals(rng) -> dict:
    big = "1" + "0" * rng.randint(308, 400) + rng.choice([".5", ".0", ".25", ""])
    where = rng.randrange(6)
    if where == 0:
        text = SHIPPED_RULES["minsk-by-category.rules"].replace(
            f"weight {rng.choice(['1', '2', '3'])}", f"weight {big}", rng.randint(1, 3))
        return verb_case(rng, "huge-decimals", "rules", text,
                         {MAIN_RULES: SHIPPED_RULES[MAIN_RULES]}, None)
    if where == 1:
        text = SHIPPED_RULES[MAIN_RULES] + f"\nrule big when category is contacts then multiply by {big}\n"
        return verb_case(rng, "huge-decimals", "rules", text, {}, None)
    if where == 2:
        text = gen_scheme(rng, ["alpha"], ["contacts"], [], n_rules=0,
                          score=rng.choice([f"recorded * {big}", f"direction * weight * {big}",
                                            f"weight * {big} - weight * {big}"]))
        text = text.replace("weight 1\n", f"weight {big}\n").replace("weight 2\n", f"weight {big}\n")
        events = gen_events(rng, ["alpha"], ["contacts"], n=rng.randint(1, 4))
        return verb_case(rng, "huge-decimals", "events", events, {"r.rules": text}, "r.rules")
    if where == 3:  # a decimal band bound far out hangs (see wide-bands): near ones only
        text = SHIPPED_RULES[MAIN_RULES].replace("-12 to -7", "-12.5 to -7").replace(
            "red    <= -18", f"red    <= -17.{big.replace('.', '')}")
        return verb_case(rng, "huge-decimals", "rules", text, {}, None)
    if where == 4:
        text = SHIPPED_RULES[MAIN_RULES] + f"\nvary weights by {big}\ncategory contacts weight {big}\n"
        return verb_case(rng, "huge-decimals", "rules", text, {}, None)
    text = SHIPPED_RULES[MAIN_RULES] + f"\nrule big when always then add {big}\n"
    return verb_case(rng, "huge-decimals", "rules", text, {}, None)


def fam_long_expressions(rng) -> dict:
    n = rng.randint(800, 1200)
    shape = rng.randrange(6)
    atoms = ["recorded", "direction", "1", "2", "0.5", "weight"]
    if shape == 0:
        expr = " + ".join(rng.choice(atoms) for _ in range(n))
    elif shape == 1:
        expr = "".join(rng.choice(atoms) + rng.choice([" + ", " - ", " * "]) for _ in range(n)) + "recorded"
    elif shape == 2:
        expr = "(" * n + "recorded" + ")" * n
    elif shape == 3:
        expr = "- " * n + "recorded"
    elif shape == 4:
        expr = " * ".join(["recorded"] * n)
    else:
        expr = "".join(f"({rng.choice(atoms)} + " for _ in range(n)) + "recorded" + ")" * n
    text = gen_scheme(rng, ["alpha", "beta"], ["contacts", "visits"], [], n_rules=rng.randint(0, 2),
                      score=expr)
    if rng.random() < 0.5:
        events = gen_events(rng, ["alpha", "beta"], ["contacts", "visits"], n=rng.randint(1, 5))
        return verb_case(rng, "long-expressions", "events", events, {"r.rules": text}, "r.rules")
    return verb_case(rng, "long-expressions", "rules", text, {}, None)


def long_expression(rng, n: int, atoms: list[str]) -> str:
    """An expression nested about `n` deep, in one of the shapes a file can write it."""
    shape = rng.randrange(6)
    if shape == 0:
        return " + ".join(rng.choice(atoms) for _ in range(n))
    if shape == 1:
        return "-" * n + rng.choice(atoms)
    if shape == 2:
        return "abs(" * n + rng.choice(atoms) + ")" * n
    if shape == 3:
        return " * ".join(rng.choice(atoms) for _ in range(n))
    if shape == 4:
        return "".join(f"max({rng.choice(atoms)}, " for _ in range(n)) + rng.choice(atoms) \
            + ")" * n
    return "".join(f"({rng.choice(atoms)} - " for _ in range(n)) + rng.choice(atoms) + ")" * n


def fam_long_positions(rng) -> dict:
    """Long expressions in every place one stands (issue 17 item 11): a rule's action,
    a derived index, its selections and their conditions, `vary score among`, a
    condition; around the depth limit (64) and far past it. Each is a located B109
    past the limit, and computed within it."""
    n = rng.choice([rng.randint(60, 70), rng.randint(800, 1200), rng.randint(2000, 5000)])
    score_atoms = ["recorded", "direction", "1", "0", "0.5", "score"]
    index_atoms = ["russia", "1", "positive(us)", "sum(us where category is statements)",
                   "events(eu)", "previous(china)"]
    position = rng.randrange(7)
    if position == 0:
        kind = rng.choice(["add", "set to", "multiply by"])
        extra = f"rule long when index is us then {kind} {long_expression(rng, n, score_atoms)}\n"
    elif position == 1:
        extra = f'index long "Long" = {long_expression(rng, n, index_atoms)}\n'
    elif position == 2:
        extra = 'index long "Long" = ' + " + ".join(
            f"sum(us where category is {rng.choice(MINSK_CATEGORIES)})" for _ in range(n)) + "\n"
    elif position == 3:
        extra = f'index long "Long" = count(us where {"not " * n}index is us)\n'
    elif position == 4:
        atoms = [a for a in score_atoms if a != "score"]
        extra = f"vary score among [recorded, {long_expression(rng, n, atoms)}]\n"
    elif position == 5:
        joins = " and ".join(f"(category is {rng.choice(MINSK_CATEGORIES)} or not tagged covid)"
                             for _ in range(n))
        extra = f"rule long when {'(' * n}{joins}{')' * n} then add 1\n"
    else:
        atoms = [a for a in score_atoms if a != "score"]
        extra = f"score {long_expression(rng, n, atoms)}\n"
    text = f'scheme "Long" version "1"\nextends "{MAIN_RULES}"\n{extra}'
    return verb_case(rng, "long-positions", "rules", text, {MAIN_RULES: SHIPPED_RULES[MAIN_RULES]},
                     None)


def fam_wide_bands(rng) -> dict:
    """These hang today: few of them, and small timeouts while developing."""
    big = rng.choice([10_000_000, 1_000_000, 100_000_000])
    indices = ["alpha", "beta"]
    shape = rng.randrange(4)
    extra = []
    if shape in (0, 2):
        extra += ["bands alpha {", f"    low <= -{big + 1}", f"    mid -{big} to {big}",
                  f"    high > {big}", "}"]
    if shape == 3:  # far out, as a decimal above 1e308
        far = "1" + "0" * rng.randint(308, 400) + ".5"
        extra += ["bands alpha {", f"    low <= -{far}", f"    mid -12 to -7", f"    high > -7",
                  "}"]
    low, high = (-3, 3) if shape in (0, 3) else (-big, big)
    text = gen_scheme(rng, indices, ["contacts"], [], n_rules=rng.randint(0, 2), low=low,
                      high=high, score="recorded", bands=False, extra=extra)
    if rng.random() < 0.3:
        events = gen_events(rng, indices, ["contacts"], n=2)
        return verb_case(rng, "wide-bands", "events", events, {"r.rules": text}, "r.rules")
    return verb_case(rng, "wide-bands", "rules", text, {}, None)


def fam_many_rules(rng) -> dict:
    n = rng.randint(1500, 2500)
    what = rng.randrange(4)
    indices = ["alpha", "beta", "gamma"]
    categories = ["contacts", "visits"]
    if what == 0:
        text = gen_scheme(rng, indices, categories, ["covid"], n_rules=n)
    elif what == 1:  # many indices, each with bands
        many = [f"i{k}" for k in range(n // 4)]
        bands = []
        for i in many[: rng.randint(1, 50)]:
            bands += [f"bands {i} {{", "    low < 0", "    high >= 0", "}"]
        text = gen_scheme(rng, many, categories, [], n_rules=0, bands=False, extra=bands)
        indices = many[:5]
    elif what == 2:  # many categories
        cats = [f"c{k}" for k in range(n)]
        text = gen_scheme(rng, indices, cats, [], n_rules=0, score="direction * weight")
        categories = cats[:20]
    else:  # many rules, each redefined or dropped through extends
        rules = "\n".join(f"rule r{k} when index is russia then add 0" for k in range(n))
        text = SHIPPED_RULES[MAIN_RULES] + "\n" + rules + "\n"
        return verb_case(rng, "many-rules", "rules", text, {}, None)
    if rng.random() < 0.4:
        events = gen_events(rng, indices[:3], categories[:3], n=rng.randint(1, 20))
        return verb_case(rng, "many-rules", "events", events, {"r.rules": text}, "r.rules")
    return verb_case(rng, "many-rules", "rules", text, {}, None)


def fam_feb29(rng) -> dict:
    where = rng.randrange(7)
    if where == 0:
        text = EVENTS.replace("[19 February]", rng.choice(
            ["[29 February]", "[29 February 2021]", "[28-29 February]", "[29 February - 3 March]",
             "[30 February]", "[31 April]", "[0 January]", "[29 Feb]"]), 1)
        return verb_case(rng, "feb29", "events", text, {}, MAIN_RULES)
    if where == 1:
        text = EVENTS.replace("to 2021-02-28", rng.choice(["to 2021-02-29", "to 2021-02-30",
                                                           "to 2021-13-01", "to 2021-00-10"]))
        return verb_case(rng, "feb29", "events", text, {}, MAIN_RULES)
    if where == 2:
        text = CSV.replace("19 February,", rng.choice(["29 February,", "29 February 2021,",
                                                       "30 February,"]), 1)
        return verb_case(rng, "feb29", "csv", text, {}, MAIN_RULES)
    if where == 3:
        text = CSV.replace("to 2021-02-28", "to 2021-02-29")
        return verb_case(rng, "feb29", "csv", text, {}, MAIN_RULES)
    if where == 4:
        text = SHIPPED_RULES[MAIN_RULES] + rng.choice(
            ["\nrule leap when date before 2021-02-29 then add 1\n",
             "\nrule leap when date from 2021-02-29 to 2021-03-01 then add 1\n",
             "\nrule leap when date after 2021-02-30 then add 1\n"])
        return verb_case(rng, "feb29", "rules", text, {}, None)
    if where == 5:
        text = "\n".join(CSV.split("\n")[1:])
        c = verb_case(rng, "feb29", "csv", text, {}, MAIN_RULES)
        c["args"] += ["--period", rng.choice(["2021-01-01:2021-02-29", "2021-02-29:2021-03-01"])]
        return c
    year = rng.choice([2020, 2021, 2100, 2000, 1900])
    events = gen_events(rng, ["alpha"], n=2, year=year, months=[2])
    events += f"\n[29 February] leap day\n    alpha +1\n\n[Late February] late\n    alpha -1\n"
    return verb_case(rng, "feb29", "events", events,
                     {"r.rules": gen_scheme(rng, ["alpha"], [], [])}, "r.rules")


def fam_byte_flips(rng) -> dict:
    kind, text, extra, rules = base(rng)
    data = bytearray(text.encode("utf-8"))
    for _ in range(rng.randint(1, 8)):
        if not data:
            break
        i = rng.randrange(len(data))
        how = rng.randrange(4)
        if how == 0:
            data[i] ^= 1 << rng.randrange(8)
        elif how == 1:
            data[i] = rng.randrange(256)
        elif how == 2:
            data[i:i] = bytes([rng.choice([0xC3, 0xE2, 0xEF, 0xBB, 0xBF, 0x80, 0xFF, 0x00, 0x0D])])
        else:
            del data[i]
    if rng.random() < 0.1:
        data[0:0] = b"\xef\xbb\xbf" * rng.randint(1, 2)  # byte order marks
    return verb_case(rng, "byte-flips", kind, bytes(data), extra, rules)


def fam_line_ops_text(rng, text: str) -> str:
    lines = text.split("\n")
    for _ in range(rng.randint(1, 5)):
        if not lines:
            break
        i = rng.randrange(len(lines))
        how = rng.randrange(6)
        if how == 0:
            del lines[i]
        elif how == 1:
            lines.insert(i, lines[i])
        elif how == 2:
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif how == 3:
            line = lines.pop(i)
            lines.insert(rng.randint(0, len(lines)), line)
        elif how == 4:
            lines[i] = lines[i][: rng.randint(0, len(lines[i]))]
        else:
            lines = lines[:i]
    return "\n".join(lines)


def fam_line_ops(rng) -> dict:
    kind, text, extra, rules = base(rng)
    return verb_case(rng, "line-ops", kind, fam_line_ops_text(rng, text), extra, rules)


_TOKENS = re.compile(r'"[^"\n]*"|\d{4}-\d{2}-\d{2}|[+\-−–]?\d+(?:\.\d+)?|[A-Za-z_]\w*|\S')


def fam_token_swaps(rng) -> dict:
    kind, text, extra, rules = base(rng)
    tokens = list(_TOKENS.finditer(text))
    for _ in range(rng.randint(1, 4)):
        if not tokens:
            break
        t = rng.choice(tokens)
        new = rng.choice(KEYWORDS) if rng.random() < 0.6 else rng.choice(PUNCTUATION)
        how = rng.randrange(3)
        if how == 0:  # replace the token
            text = text[:t.start()] + new + text[t.end():]
        elif how == 1:  # insert before it
            text = text[:t.start()] + new + " " + text[t.start():]
        else:  # swap it with another token
            u = rng.choice(tokens)
            a, b = sorted([t, u], key=lambda m: m.start())
            if a.end() <= b.start():
                text = (text[:a.start()] + b.group() + text[a.end():b.start()] + a.group()
                        + text[b.end():])
        tokens = list(_TOKENS.finditer(text))
    return verb_case(rng, "token-swaps", kind, text, extra, rules)


def fam_generated(rng) -> dict:
    indices = rng.sample(PLAIN, rng.randint(1, 5))
    categories = rng.sample(MINSK_CATEGORIES, rng.randint(0, 4))
    tags = rng.sample(MINSK_TAGS, rng.randint(0, 3))
    low = rng.randint(-6, 0)
    high = rng.randint(max(low, 1), 6)
    score = "direction * weight" if categories and rng.random() < 0.3 else None
    rules_text = gen_scheme(rng, indices, categories, tags, low=low, high=high, score=score)
    year = rng.randint(1990, 2040)
    first = rng.randint(1, 10)
    months = list(range(first, first + rng.randint(1, 3)))
    kind = rng.choice(["rules", "events", "events", "csv"])
    if kind == "rules":
        return verb_case(rng, "generated", "rules", rules_text, {}, None)
    if kind == "events":
        text = gen_events(rng, indices, categories, tags, year=year, months=months, low=low,
                          high=high)
        if rng.random() < 0.3:
            text = text.replace("\n    ", "\n" + rng.choice(["\t", "  ", "        ", " \t "]))
        return verb_case(rng, "generated", "events", text, {"r.rules": rules_text}, "r.rules")
    text = gen_csv(rng, indices, categories, year=year, months=months)
    return verb_case(rng, "generated", "csv", text, {"r.rules": rules_text}, "r.rules")


# --- hostile catalogues, against every engine -----------------------------------

# what ends a quoted text or name, a statement, opens a comment or a dollar-quoted
# text, escapes, stops a C string, or marks a parameter; and every name the columnar
# engines give their own columns, views and parameters
HOSTILE_MARKS = ["'", '"', "`", ";", "--", "/*", "*/", "$$", "\\", "\\'", "\x00", "%", "_",
                 "$p0", ":p0", "?", "${p0}", "{", "}", "[", "]", "(", ")", " ", ",", "\n",
                 "'); COPY (SELECT 1) TO 'pwned.txt'; --", "$$; COPY (SELECT 1) TO 'x'; $$",
                 "\\\"; DROP VIEW src; --"]
INTERNAL_NAMES = ["barometer_row", "barometer_file", "src", "numbered", "f", "c0", "c1", "c2",
                  "idx", "recorded", "category", "tags", "text", "day_start", "day_end",
                  "entries", "weighted", "w", "wname", "wnum", "s0", "s1", "l0", "x1", "q0_sum",
                  "q0_count", "r1_count", "positive", "negative", "events", "v_fatalities",
                  "p0", "p1", "index", "score", "ongoing", "date", "event"]


def hostile_text(rng) -> str:
    return "".join(rng.choice(HOSTILE_MARKS + INTERNAL_NAMES + PLAIN + ["+1", "-2", "1"])
                   for _ in range(rng.randint(1, 4)))


def _csv_cell(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def fam_hostile_catalogue(rng) -> dict:
    """A catalogue (CSV, JSON Lines or Parquet) whose headings and cells try to be
    SQL, or to be a name the engines use: run under every engine (verb `engines`),
    which must give the python engine's output, and write no file."""
    indices = rng.sample(PLAIN, rng.randint(1, 3))
    categories = rng.sample(MINSK_CATEGORIES, rng.randint(1, 3))
    tags = rng.sample(MINSK_TAGS, rng.randint(0, 2))
    extra = ['attribute fatalities "Fatalities" number from 0 to 20 default 0'] \
        if rng.random() < 0.3 else []
    rules = gen_scheme(rng, indices, categories, tags, extra=extra)
    headings = ["date", "event", *indices, "category"] + (["tags"] if tags else [])
    if extra:
        headings.append("fatalities")
    for _ in range(rng.randint(1, 3)):  # hostile headings, some of them internal names
        name = rng.choice(INTERNAL_NAMES) if rng.random() < 0.5 else hostile_text(rng)
        headings.insert(rng.randint(2, len(headings)), name)
    if len(set(headings)) < len(headings):  # JSON and Parquet keep one column per name
        headings = list(dict.fromkeys(headings))
    rows = []
    for k in range(rng.randint(1, 6)):
        row = {}
        for h in headings:
            if h == "date":
                v = f"{rng.randint(1, 28)} {rng.choice(['January', 'February'])}" \
                    if rng.random() < 0.85 else hostile_text(rng)
            elif h in indices:
                v = signed(rng.randint(-3, 3)) if rng.random() < 0.7 else rng.choice(
                    ["", hostile_text(rng)])
            elif h == "category":
                v = rng.choice(categories) if rng.random() < 0.8 else hostile_text(rng)
            elif h == "tags":
                v = rng.choice(tags or MINSK_TAGS) if rng.random() < 0.7 else hostile_text(rng)
            elif h == "fatalities":
                v = str(rng.randint(0, 20)) if rng.random() < 0.7 else hostile_text(rng)
            else:
                v = hostile_text(rng)
            row[h] = v
        rows.append(row)
    period_line = 'period "Fuzz period" from 2021-01-01 to 2021-02-28'
    kind = rng.choice(["csv", "csv", "jsonl", "parquet"])
    files = {"r.rules": rules}
    if kind == "csv":
        lines = ["# " + period_line, ",".join(_csv_cell(h) for h in headings)]
        lines += [",".join(_csv_cell(r[h]) for h in headings) for r in rows]
        name, files["h.csv"] = "h.csv", "\n".join(lines) + "\n"
    elif kind == "jsonl":
        import json

        name = "h.jsonl"
        files[name] = "".join(json.dumps(r) + "\n" for r in rows)
        files[name + ".period"] = period_line + "\n"
    else:
        import io

        import pyarrow as pa
        import pyarrow.parquet as pq

        name = "h.parquet"
        buffer = io.BytesIO()
        pq.write_table(pa.table({h: [r[h] for r in rows] for h in headings}), buffer)
        files[name] = buffer.getvalue()
        files[name + ".period"] = period_line + "\n"
    made = case("hostile-catalogue", "engines", ["eval", "r.rules", name], files)
    made["engines"] = ["duckdb", "python"]  # DuckDB first: python's lines are then its own
    return made


# name -> (maker, weight). wide-bands hangs today, at 10 s each: keep it rare.
FAMILIES = {
    "separators": (fam_separators, 10),
    "line-endings": (fam_line_endings, 8),
    "keyword-names": (fam_keyword_names, 10),
    "csv-hash": (fam_csv_hash, 6),
    "same-file": (fam_same_file, 6),
    "extreme-years": (fam_extreme_years, 6),
    "huge-numbers": (fam_huge_numbers, 4),
    "huge-decimals": (fam_huge_decimals, 3),
    "long-expressions": (fam_long_expressions, 2),
    "long-positions": (fam_long_positions, 2),
    "wide-bands": (fam_wide_bands, 0.1),
    "many-rules": (fam_many_rules, 0.3),
    "feb29": (fam_feb29, 4),
    "byte-flips": (fam_byte_flips, 8),
    "line-ops": (fam_line_ops, 10),
    "token-swaps": (fam_token_swaps, 12),
    "generated": (fam_generated, 8),
    "hostile-catalogue": (fam_hostile_catalogue, 6),
}


def make_case(seed: int, number: int, only: list[str] | None = None) -> dict:
    """Case `number` of the run seeded `seed`: the same whatever ran before it."""
    rng = random.Random(f"barometer-fuzz/{seed}/{number}")
    names = [n for n in FAMILIES if not only or n in only]
    family = rng.choices(names, weights=[FAMILIES[n][1] for n in names])[0]
    made = FAMILIES[family][0](rng)
    made["number"] = number
    return made


# --- workbooks (issue 17): far cells, bombs, hidden sheets, cells no workbook holds -----

try:
    import openpyxl  # noqa: F401  (the workbook families write their base with it)
except ImportError:
    pass
else:
    from workbooks import WORKBOOK_FAMILIES

    FAMILIES.update(WORKBOOK_FAMILIES)
