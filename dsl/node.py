"""The base of barometer's model classes: attrs classes, frozen, whose equality,
hash and repr come from their fields through one shared implementation.

attrs would generate and compile those three methods for every class; across
the model that costs more start-up time than reading and evaluating a whole
period, so `node` asks attrs for the rest (fields, __init__, immutability,
slots) and `Node` supplies the three, with the same meaning.

attrs makes a class whole when it is first used, not when its module loads: a
run pays for the node classes its files use (a rules file without rules never
makes `Rule`, `Action` or a condition), about 0.1 ms each. The class keeps its
identity: its slots are made with it (by `Node`'s metaclass), and attrs's
methods and fields are put on it when it is first instantiated, or first asked
for anything it lacks (`attrs.fields`, `attrs.has`, `__match_args__`, an
unpickled instance's `__setstate__`). What attrs then gives it is what
`attrs.frozen(cls, repr=False, eq=False)` gives a class defined at once.
"""

from __future__ import annotations

import threading
import types
from typing import TYPE_CHECKING

import attrs


class _Deferred(type):
    """Node's metaclass: a subclass is made with its slots (one per field, and a
    `__weakref__` unless a base has one, as attrs makes them), its defaults kept
    aside, and an `__init__` that makes it whole first (`_build`)."""

    def __new__(mcs, name, bases, namespace, **kwargs):
        if "__slots__" in namespace:  # Node itself, and attrs's slotted copy (`_build`)
            return super().__new__(mcs, name, bases, namespace, **kwargs)
        fields = [n for n, a in namespace.get("__annotations__", {}).items()
                  if not _class_var(a)]
        defaults = {n: namespace.pop(n) for n in fields if n in namespace}
        taken = {s for b in bases for c in b.__mro__ for s in c.__dict__.get("__slots__", ())}
        slots = tuple(n for n in fields if n not in taken)
        if not any(c.__dict__.get("__weakref__") is not None for b in bases for c in b.__mro__):
            slots += ("__weakref__",)
        namespace["__slots__"] = slots
        for made in _MADE_BY_ATTRS:  # not a base's, while this class is not made
            namespace.setdefault(made, _Unmade())
        own_init = "__init__" in namespace
        cls = super().__new__(mcs, name, bases, namespace, **kwargs)
        _MADE[cls] = (defaults, own_init)
        if not own_init:
            cls.__init__ = _first_init(cls)  # type: ignore[misc]
        return cls

    if not TYPE_CHECKING:  # a type checker reads each class as attrs makes it
        def __getattr__(cls, name):
            if cls in _PENDING:  # what attrs puts on the class: make it, and look again
                _build(cls)
                return type.__getattribute__(cls, name)
            raise AttributeError(f"type object {cls.__name__!r} has no attribute {name!r}",
                                 name=name, obj=cls)


class Node(metaclass=_Deferred):
    __slots__ = ()
    if TYPE_CHECKING:  # set by attrs on each @node class
        __attrs_attrs__: tuple[attrs.Attribute, ...]

    def _values(self) -> tuple:
        return tuple(getattr(self, a.name) for a in type(self).__attrs_attrs__)

    def __eq__(self, other):
        if type(other) is not type(self):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self):
        return hash((type(self), self._values()))

    def __repr__(self):
        fields = ", ".join(f"{a.name}={getattr(self, a.name)!r}"
                           for a in type(self).__attrs_attrs__)
        return f"{type(self).__name__}({fields})"


# What attrs puts on a class that the class could otherwise find on a base made
# before it (`CategoryName`'s `Declared`): held by an `_Unmade` until it is made.
_MADE_BY_ATTRS = ("__attrs_attrs__", "__attrs_props__", "__match_args__", "__getstate__",
                  "__setstate__")
_WRITTEN_UNLESS_OWN = ("__match_args__", "__getstate__", "__setstate__")


class _Unmade:
    """A name attrs will put on a class, asked for before the class is made
    whole (`attrs.fields`, an unpickled instance's `__setstate__`): makes it, and
    answers as it then does."""

    __slots__ = ("owner", "name")

    def __set_name__(self, owner, name):
        self.owner, self.name = owner, name

    def __get__(self, instance, owner=None):
        _build(self.owner)
        if self.owner.__dict__.get(self.name) is self:  # being made by this thread
            raise AttributeError(self.name)
        return getattr(owner if instance is None else instance, self.name)


# {class: (its defaults, whether it defines __init__)} for every Node subclass made;
# the @node classes not yet made whole, the same; and the thread making one.
_MADE: dict[type, tuple[dict, bool]] = {}
_PENDING: dict[type, tuple[dict, bool]] = {}
_BUILDING: set[type] = set()
_LOCK = threading.RLock()


def _first_init(cls):
    def __init__(self, *args, **kwargs):
        _build(cls)
        init = cls.__init__
        if init is __init__:
            raise TypeError(f"{cls.__name__} is not a @node class")
        init(self, *args, **kwargs)

    __init__.__qualname__ = f"{cls.__qualname__}.__init__"
    return __init__


def _build(cls) -> None:
    """Make a @node class whole (its bases first, as attrs reads their fields)."""
    with _LOCK:
        if cls not in _PENDING or cls in _BUILDING:  # made, or being made by this thread
            return
        _BUILDING.add(cls)
        try:
            defaults, own_init = _PENDING[cls]
            these = {}
            for name, annotation in cls.__dict__.get("__annotations__", {}).items():
                if not _class_var(annotation):
                    value = defaults.get(name, attrs.NOTHING)
                    these[name] = value if isinstance(value, _COUNTING) else attrs.field(
                        default=value)
            for name in _WRITTEN_UNLESS_OWN:  # attrs writes these where the class has none
                type.__delattr__(cls, name)
            made = attrs.frozen(cls, these=these, init=not own_init, repr=False, eq=False)
            _adopt(cls, made)
            for name in _MADE_BY_ATTRS:  # any attrs did not write: the bases' again
                if isinstance(cls.__dict__.get(name), _Unmade):
                    type.__delattr__(cls, name)
            del _PENDING[cls]
        finally:
            _BUILDING.discard(cls)


def _adopt(cls, made) -> None:
    """Put on `cls` what attrs made for its slotted copy `made` (__init__, the
    frozen __setattr__ and __delattr__, pickling, fields, match args), and point
    back at `cls` any closure attrs pointed at the copy (zero-argument super())."""
    for key, value in made.__dict__.items():
        if (key in ("__slots__", "__dict__", "__weakref__")
                or isinstance(value, types.MemberDescriptorType)
                or cls.__dict__.get(key, _ABSENT) is value):
            continue
        type.__setattr__(cls, key, value)
    for value in cls.__dict__.values():
        function = getattr(value, "__func__", None) or getattr(value, "fget", None) or value
        for cell in getattr(function, "__closure__", None) or ():
            try:
                if cell.cell_contents is made:
                    cell.cell_contents = cls
            except ValueError:  # an empty cell
                pass


def _class_var(annotation) -> bool:
    """As attrs reads a field's annotation: a ClassVar is not a field."""
    return str(annotation).startswith(
        ("typing.ClassVar", "t.ClassVar", "ClassVar", "typing_extensions.ClassVar"))


_COUNTING = type(attrs.field())  # what attrs.field() returns (`= attrs.field(converter=...)`)
_ABSENT = object()


if TYPE_CHECKING:  # a type checker reads a `@node` class as one of attrs' own frozen classes
    from attrs import frozen as node
else:
    def node(cls):
        """A frozen attrs class with Node's equality, hash and repr: `class X(Node)`;
        made whole by attrs when first used."""
        if not isinstance(cls, _Deferred) or cls is Node:
            raise TypeError(f"{cls.__name__} must derive from Node")
        _PENDING[cls] = _MADE[cls]
        return cls
