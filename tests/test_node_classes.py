"""Node classes (dsl/node.py) are made whole by attrs when first used, and are
then what `attrs.frozen(cls, repr=False, eq=False)` makes at once: the same
fields, __init__, slots, match args, immutability and pickling."""

from __future__ import annotations

import pickle
import subprocess
import sys

import attrs
import pytest

from barometer.dsl import nodes
from barometer.dsl.diagnostics import Span
from barometer.dsl.node import Node, node

from .conftest import EVENTS, ROOT, RULES


@node
class Base(Node):
    name: str
    items: dict = attrs.Factory(dict)


@node
class Same(Base):
    """No field of its own: asked for its fields once Base is made, it must not
    answer with Base's (`inherited` differs), nor with Base's match args."""


@node
class Grown(Base):
    extra: int = 0


def test_a_subclass_made_after_its_base_is_what_attrs_makes():
    Base("made first")
    assert [(a.name, a.inherited) for a in attrs.fields(Same)] == [("name", True),
                                                                  ("items", True)]
    assert Grown.__match_args__ == ("name", "items", "extra")
    grown = Grown("a", extra=2)
    assert grown == Grown("a", {}, 2) and grown != Base("a", {}) and grown != Same("a", {})
    assert repr(grown) == "Grown(name='a', items={}, extra=2)"
    assert (Base.__slots__, Same.__slots__, Grown.__slots__) == (
        ("name", "items", "__weakref__"), (), ("extra",))
    assert not hasattr(grown, "__dict__")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        grown.extra = 3  # type: ignore[misc]
    assert attrs.evolve(grown, extra=4) == Grown("a", {}, 4)
    assert pickle.loads(pickle.dumps(grown)) == grown


UNPICKLE = """
import pickle, sys
from barometer import api
from barometer.dsl.node import _PENDING
api.evaluate(sys.argv[1], [sys.argv[2]])
print(" ".join(sorted(c.__name__ for c in _PENDING if c.__module__ == "barometer.dsl.nodes")))
print(" ".join(sorted(m for m in sys.modules if m.split(".")[0] in ("attr", "attrs"))) or "-")
print(repr(pickle.loads(bytes.fromhex(sys.argv[3]))))
"""


def test_eval_makes_only_the_classes_it_uses_and_an_unpickled_node_makes_its_class():
    """No 19's rules file has no rules: its eval leaves the rule classes unmade (each
    about 0.25 ms of a cold start) and never imports attrs (about 10 ms); an
    instance unpickled there (a Spark executor's first sight of a class) has attrs
    make its class, and reads as it was."""
    sent = nodes.Binary("+", nodes.Constant(1, None), nodes.Current(Span("f", 1, 2, 1, 3)),
                        None)
    done = subprocess.run([sys.executable, "-c", UNPICKLE, str(RULES), str(EVENTS),
                           pickle.dumps(sent).hex()],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    unmade, imported, got = done.stdout.splitlines()
    assert {"Rule", "Action", "Binary", "Constant", "Current", "AllOf"} <= set(unmade.split())
    assert imported == "-"
    assert got == repr(sent)


def _node_classes() -> list[type]:
    """Every @node class of barometer's modules."""
    import importlib

    from barometer.dsl import node as made

    for module in ("api", "dsl.model", "dsl.nodes", "dsl.check_rules", "dsl.methodtests",
                   "engine.compare", "engine.series", "engine.explain", "engine.plan",
                   "engine.sensitivity", "engine.methodtests"):
        importlib.import_module(f"barometer.{module}")
    return sorted((c for c in made._DECORATED if c.__module__.startswith("barometer.")),
                  key=lambda c: (c.__module__, c.__qualname__))


def test_every_node_class_is_given_the_init_attrs_writes_for_it():
    """dsl/node.py writes each class's __init__ as attrs does: the same text (attrs
    reads a default as `attr_dict[name].default`), defaults and annotations; and
    every class's fields are attrs's, in its order."""
    import linecache
    import re

    from barometer.dsl import node as made

    by_attrs = []
    classes = _node_classes()
    assert len(classes) > 60
    for cls in classes:
        ours = made._written_init(cls)
        assert cls.__node_fields__ == tuple(a.name for a in attrs.fields(cls)), cls
        if ours is None:
            by_attrs.append(cls.__name__)
            continue
        theirs = cls.__init__  # attrs.fields made the class whole: attrs's own
        text = "".join(linecache.getlines(theirs.__code__.co_filename))
        assert re.sub(r"attr_dict\['(\w+)'\]\.default", r"__attr_default_\1", text) == \
            "".join(linecache.getlines(ours.__code__.co_filename)), cls
        # a factory's field shows NOTHING: attrs's where attrs writes it, ours here
        assert [made.NOTHING if d is attrs.NOTHING else d for d in theirs.__defaults__ or ()] \
            == list(ours.__defaults__ or ()) and all(
            a is b for a, b in zip(ours.__defaults__ or (), theirs.__defaults__ or ())
            if a is not made.NOTHING), cls
        assert ours.__annotations__ == theirs.__annotations__, cls
        assert (ours.__qualname__, ours.__module__) == (theirs.__qualname__, theirs.__module__)
    assert by_attrs == []
