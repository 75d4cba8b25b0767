"""Checking and evaluating cost what the file's size does: each derived index's
expression and each rule's condition is walked a bounded number of times,
however many others there are (counted, not timed; benchmarks/checking_cost.py
times it)."""

import time

from barometer.dsl import check_rules, resolve
from barometer.engine import verify
from barometer.dsl.resolve import resolve_scheme
from barometer.engine.plan import evaluate
from barometer.dsl.events import read_catalogue

from .conftest import EVENTS, RULES
from .helpers import run, write


def counted(monkeypatch, module, name):
    calls = [0]
    original = getattr(module, name)

    def counting(*args, **kwargs):
        calls[0] += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counting)
    return calls


def scheme(tmp_path, body):
    path = write(tmp_path, "s.rules", f'scheme "S" version "1"\nextends "{RULES}"\n{body}')
    found, problems = resolve_scheme(str(path))
    assert not [p for p in problems if p.severity == "error"], problems
    return found


def test_chained_derived_indices_are_each_walked_a_few_times(tmp_path, monkeypatch):
    n = 300
    body = "".join(f'index d{i} "D{i}" = d{i - 1} + 1\n' for i in range(n, 1, -1))
    body += 'index d1 "D1" = russia + 1\n'  # the last declared is computed first
    walks = counted(monkeypatch, resolve, "current_references")
    steps = [0]

    def counting_next(iterator, *default):  # the steps of every walk over the chain
        steps[0] += 1
        return next(iterator, *default)

    monkeypatch.setattr(resolve, "next", counting_next, raising=False)
    chained = scheme(tmp_path, body)
    verify.run("scheme", "check", chained)
    ev = evaluate(chained, read_catalogue([str(EVENTS)], chained)[0])
    assert ev.indices[f"d{n}"].aggregate == 20 + n
    assert walks[0] <= 8 * n and steps[0] <= 8 * n


def test_a_cycle_among_many_derived_indices_is_found_once(tmp_path):
    n = 300
    body = "".join(f'index d{i} "D{i}" = d{(i + 1) % n} + 1\n' for i in range(n))
    path = write(tmp_path, "c.rules", f'scheme "S" version "1"\nextends "{RULES}"\n{body}')
    _, problems = resolve_scheme(str(path))
    [cycle] = [p for p in problems if p.code == "B112"]
    assert cycle.message.startswith("`d0` depends on itself: d0 -> d1 -> d2 -> ")
    assert cycle.message.endswith(f"d{n - 1} -> d0")


def test_many_rules_are_each_reasoned_about_a_bounded_number_of_times(tmp_path, monkeypatch):
    n = 200
    kinds = ["when category is statements and index is us then add 1",
             "when recorded > 1 and not index is eu then add -1",
             "when category in [visits, contacts] then clamp"]
    body = "".join(f'rule r{i} "R{i}" {kinds[i % len(kinds)]}\n' for i in range(n))
    many = scheme(tmp_path, body)
    tried = counted(monkeypatch, check_rules, "worlds")
    verify.run("scheme", "check", many)
    assert tried[0] <= 16 * n


SCHEME = 'scheme "S" version "1"\nrange -3 to +3\n'


def test_checking_costs_what_the_file_does_not_what_its_numbers_say(tmp_path):
    wide = write(tmp_path, "w.rules", 'scheme "W"\nrange -1000000000 to +1000000000\n'
                 "index russia\nbands russia {\n    low < -10000000\n    high >= -10000000\n}\n"
                 "rule r when recorded > 5 then multiply by 2\n")
    rules = [f"rule r{i} when index is russia and category is c then exclude" if i % 2 else
             f"rule r{i} when recorded > {i % 3} and tagged t then add 1" for i in range(2000)]
    many = write(tmp_path, "m.rules", SCHEME + "index russia\nindex eu\ncategory c\ntag t\n"
                 + "\n".join(rules) + "\n")
    started = time.process_time()
    assert run("check", wide).exit_code == 0
    result = run("check", many)
    # seconds here, where the search over every value and pair of rules took minutes;
    # a loose bound, so that a slow machine does not fail it
    assert time.process_time() - started < 30
    assert result.output.count("warning[B402]") == 999
