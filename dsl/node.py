"""The base of barometer's model classes: attrs classes, frozen, whose equality,
hash and repr come from their fields through one shared implementation.

attrs would generate and compile those three methods for every class; across
the model that costs more start-up time than reading and evaluating a whole
period, so `node` asks attrs for the rest (fields, __init__, immutability,
slots) and `Node` supplies the three, with the same meaning.

A class is made when it is first used, not when its module loads (attrs's work
was about 0.25 ms a class, and a cold `eval` made 61 of them to use 23: a rules
file without rules never makes `Rule`, `Action` or a condition). It keeps its
identity throughout: `Node`'s metaclass makes it at once with its slots (one per
field, and `__weakref__`, as attrs makes them) and frozen; its first instance
gives it its `__init__`, the one attrs generates, written here from the same
fields (`_init_script`) where they are plain (a default, `factory(dict)`,
`field(converter=f)`); and the first use of anything else attrs makes
(`attrs.fields`, `attrs.has`, `attrs.evolve`, `__match_args__`, pickling) has
attrs make the class whole, as `attrs.frozen(cls, repr=False, eq=False)` makes
it at once (`_build`). tests/test_node_classes.py holds every class to what
attrs makes.

So a run that only makes and reads nodes never imports attrs (about 10 ms of a
cold start, beside click's 27): the model writes `factory(dict)` and
`field(converter=f)` for attrs's `Factory` and `field` (which they become when
attrs makes the class), and copies a node with `evolve` (attrs.evolve's meaning).
"""

from __future__ import annotations

import linecache
import sys
import threading
import types
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import attrs


class _Deferred(type):
    """Node's metaclass: a subclass is made with its slots, frozen, its defaults
    kept aside, its fields' names in `__node_fields__` (the bases' first, as
    attrs orders them), and an `__init__` that makes the real one first."""

    def __new__(mcs, name, bases, namespace, **kwargs):
        if "__slots__" in namespace:  # Node itself, and attrs's slotted copy (`_build`)
            return super().__new__(mcs, name, bases, namespace, **kwargs)
        annotations = namespace.get("__annotations__", {})
        own = [(n, namespace.pop(n, _NONE), a) for n, a in annotations.items()
               if not _class_var(a)]
        if bases == (Node,):  # most: nothing to inherit
            slots = tuple(n for n, _, _ in own) + ("__weakref__",)
        else:
            taken = {s for b in bases for c in b.__mro__ for s in c.__dict__.get("__slots__", ())}
            slots = tuple(n for n, _, _ in own if n not in taken)
            if not any(c.__dict__.get("__weakref__") is not None
                       for b in bases for c in b.__mro__):
                slots += ("__weakref__",)
        namespace["__slots__"] = slots
        for made in _MADE_BY_ATTRS:  # not a base's, while this class is not made whole
            namespace.setdefault(made, _Unmade())
        if "__setattr__" not in namespace and "__delattr__" not in namespace:
            namespace["__setattr__"], namespace["__delattr__"] = _frozen_setattr, _frozen_delattr
        own_init = "__init__" in namespace
        if bases == (Node,):
            namespace["__node_fields__"] = tuple(n for n, _, _ in own)
        cls = super().__new__(mcs, name, bases, namespace, **kwargs)
        fields = own if bases == (Node,) else _fields(cls, own)
        if bases != (Node,):
            type.__setattr__(cls, "__node_fields__", tuple(n for n, _, _ in fields))
        _MADE[cls] = (own, fields, own_init)
        if not own_init:
            type.__setattr__(cls, "__init__", _first_init(cls))
        return cls


class Node(metaclass=_Deferred):
    __slots__ = ()
    __node_fields__: tuple[str, ...] = ()  # every field's name, in attrs's order
    if TYPE_CHECKING:  # set by attrs on each @node class
        __attrs_attrs__: tuple[attrs.Attribute, ...]

    def _values(self) -> tuple:
        return tuple(getattr(self, name) for name in type(self).__node_fields__)

    def __eq__(self, other):
        if type(other) is not type(self):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self):
        return hash((type(self), self._values()))

    def __repr__(self):
        fields = ", ".join(f"{name}={getattr(self, name)!r}"
                           for name in type(self).__node_fields__)
        return f"{type(self).__name__}({fields})"


# What attrs puts on a class that the class could otherwise find on a base made
# before it (`CategoryName`'s `Declared`): held by an `_Unmade` until it is made.
_MADE_BY_ATTRS = ("__attrs_attrs__", "__attrs_props__", "__match_args__", "__getstate__",
                  "__setstate__") + (("__replace__",) if sys.version_info >= (3, 13) else ())
# attrs writes these only where the class has none of its own: gone before it runs
_WRITTEN_UNLESS_OWN = _MADE_BY_ATTRS[2:] + ("__setattr__", "__delattr__")


class _Unmade:
    """A name attrs will put on a class, asked for before the class is made
    whole (`attrs.fields`, an unpickled instance's `__setstate__`): makes it, and
    answers as it then does."""

    __slots__ = ("owner", "name")

    def __set_name__(self, owner, name):
        if not hasattr(self, "owner"):  # its class's, not that of attrs's copy of it
            self.owner, self.name = owner, name

    def __get__(self, instance, owner=None):
        _build(self.owner)
        if self.owner.__dict__.get(self.name) is self:  # being made by this thread
            raise AttributeError(self.name)
        return getattr(owner if instance is None else instance, self.name)


def _frozen_setattr(self, name, value):
    from attrs.exceptions import FrozenInstanceError

    raise FrozenInstanceError()


def _frozen_delattr(self, name):
    from attrs.exceptions import FrozenInstanceError

    raise FrozenInstanceError()


class _Factory:
    """`factory(dict)`: a field's default made anew for each instance."""

    __slots__ = ("factory",)
    takes_self = False

    def __init__(self, factory):
        self.factory = factory


class _Converted:
    """`field(converter=f)`: a field whose value passes through `f`."""

    __slots__ = ("converter",)

    def __init__(self, converter):
        self.converter = converter


class _Nothing:
    """The default a factory's field shows in `__init__`'s signature (attrs's NOTHING)."""

    __slots__ = ()

    def __repr__(self):
        return "NOTHING"


NOTHING = _Nothing()


def _attrs_own(default) -> str | None:
    """What a default is if it is attrs's own (only where attrs is imported:
    nothing else makes one): "factory" (`attrs.Factory(f)`), "made" (a Factory
    taking self, an `attrs.field(...)`: attrs makes the class), else None."""
    attr = sys.modules.get("attr")
    if attr is None:
        return None
    if isinstance(default, attr.Factory):
        return "made" if default.takes_self else "factory"
    return "made" if isinstance(default, type(attr.ib())) else None


# {class: (its own fields, all its fields, whether it defines __init__)} for every
# Node subclass made, each field (name, default or _NONE, annotation); the @node
# classes among them; those not yet made whole by attrs, and those of them given
# their __init__ here; the classes the thread building one is making.
_MADE: dict[type, tuple[list, list, bool]] = {}
_DECORATED: set[type] = set()
_PENDING: set[type] = set()
_INIT_MADE: set[type] = set()
_BUILDING: set[type] = set()
_LOCK = threading.RLock()
_NONE = object()


def _fields(cls, own: list) -> list:
    """Every field of `cls` as attrs collects them: the @node bases' own, from the
    most distant base (a name defined again by a nearer one, or by `cls`, taken
    where it is defined last), then `cls`'s own."""
    names = {n for n, _, _ in own}
    inherited: list = []
    for base in reversed(cls.__mro__[1:-1]):
        if base in _DECORATED:
            inherited += [f for f in _MADE[base][0] if f[0] not in names]
    kept: list = []
    for f in reversed(inherited):
        if all(f[0] != k[0] for k in kept):
            kept.insert(0, f)
    return kept + own


def _first_init(cls):
    def __init__(self, *args, **kwargs):
        _make_init(cls)
        init = cls.__init__
        if init is __init__:
            raise TypeError(f"{cls.__name__} is not a @node class")
        init(self, *args, **kwargs)

    __init__.__qualname__ = f"{cls.__qualname__}.__init__"
    return __init__


def _make_init(cls) -> None:
    """Give a @node class its `__init__`: written here where its fields are plain,
    else by attrs making the whole class."""
    with _LOCK:
        if cls not in _PENDING or cls in _BUILDING or cls in _INIT_MADE:
            return
        init = _written_init(cls)
        if init is None:
            _build(cls)
            return
        type.__setattr__(cls, "__init__", init)
        _INIT_MADE.add(cls)


def _written_init(cls):
    """The `__init__` attrs would generate for `cls`, written here; None where
    attrs must make it (`_init_script`)."""
    _, fields, own_init = _MADE[cls]
    script = None if own_init else _init_script(cls, fields)
    if script is None:
        return None
    text, names = script
    filename = f"<node generated __init__ {cls.__module__}.{cls.__qualname__}>"
    linecache.cache[filename] = (len(text), None, text.splitlines(True), filename)
    exec(compile(text, filename, "exec"), names)
    init = names["__init__"]
    init.__annotations__ = {"return": None}
    for name, default, annotation in fields:  # a converter's field: its parameter's, as attrs
        if isinstance(default, _Converted):
            annotation = _first_parameter_type(default.converter)
        if annotation is not None:
            init.__annotations__[name] = annotation
    init.__module__, init.__qualname__ = cls.__module__, f"{cls.__qualname__}.__init__"
    init.__doc__ = f"Method generated for class {cls.__qualname__}, as attrs generates it."
    return init


def _first_parameter_type(function):
    """The annotation of a converter's first parameter, None if it has none."""
    import inspect

    try:
        parameters = list(inspect.signature(function).parameters.values())
    except (ValueError, TypeError):
        return None
    if parameters and parameters[0].annotation is not inspect.Parameter.empty:
        return parameters[0].annotation
    return None


def _init_script(cls, fields) -> tuple[str, dict] | None:
    """The source of the `__init__` attrs generates for a frozen slotted class with
    these fields, and the names it reads; None where a field is not plain (an
    `attrs.field(...)`, a Factory taking self, a private name) or the class has
    attrs hooks or an attrs base of another kind: attrs then makes it all."""
    if any(f"__attrs_{hook}__" in c.__dict__ for c in cls.__mro__
           for hook in ("pre_init", "post_init", "init_subclass")):
        return None
    if any("__attrs_attrs__" in c.__dict__ and not isinstance(c, _Deferred)
           for c in cls.__mro__):
        return None
    names: dict = {"_cached_setattr_get": object.__setattr__.__get__, "NOTHING": NOTHING}
    params, lines = [], ["    _setattr = _cached_setattr_get(self)"]
    for name, default, _ in fields:
        own = _attrs_own(default)
        if name.startswith("_") or own == "made":
            return None
        if own == "factory":
            default = _Factory(default.factory)
        if default is _NONE:
            params.append(name)
            lines.append(f"    _setattr({name!r}, {name})")
        elif isinstance(default, _Converted):
            params.append(name)
            names[f"__attr_converter_{name}"] = default.converter
            lines.append(f"    _setattr({name!r}, __attr_converter_{name}({name}))")
        elif isinstance(default, _Factory):
            params.append(f"{name}=NOTHING")
            names[f"__attr_factory_{name}"] = default.factory
            lines += [f"    if {name} is not NOTHING:", f"        _setattr({name!r}, {name})",
                      "    else:", f"        _setattr({name!r}, __attr_factory_{name}())"]
        else:
            params.append(f"{name}=__attr_default_{name}")
            names[f"__attr_default_{name}"] = default
            lines.append(f"    _setattr({name!r}, {name})")
    text = f"def __init__({', '.join(['self', *params])}):\n" + "\n".join(lines) + "\n"
    return text, names


def _build(cls) -> None:
    """Have attrs make a @node class whole (its bases first, as attrs reads their
    fields), as `attrs.frozen(cls, repr=False, eq=False)` makes it at once."""
    with _LOCK:
        if cls not in _PENDING or cls in _BUILDING:  # made, or being made by this thread
            return
        _BUILDING.add(cls)
        try:
            import attrs

            own, _, own_init = _MADE[cls]
            these = {name: _attrs_field(default) for name, default, _ in own}
            for name in _WRITTEN_UNLESS_OWN:  # ours, not the class's own
                if isinstance(cls.__dict__.get(name), _Unmade) or cls.__dict__.get(name) in (
                        _frozen_setattr, _frozen_delattr):
                    type.__delattr__(cls, name)
            made = attrs.frozen(cls, these=these, init=not own_init, repr=False, eq=False)
            _adopt(cls, made)
            for name in _MADE_BY_ATTRS:  # any attrs did not write: the bases' again
                if isinstance(cls.__dict__.get(name), _Unmade):
                    type.__delattr__(cls, name)
            _PENDING.discard(cls)
        finally:
            _BUILDING.discard(cls)


def _attrs_field(default):
    """A field's default as attrs reads it in `attrs.frozen(cls, these=...)`."""
    import attrs

    if _attrs_own(default) == "made":
        return default
    if isinstance(default, _Converted):
        return attrs.field(converter=default.converter)
    if isinstance(default, _Factory):
        default = attrs.Factory(default.factory)
    return attrs.field(default=attrs.NOTHING if default is _NONE else default)


def _adopt(cls, made) -> None:
    """Put on `cls` what attrs made for its slotted copy `made` (__init__, the
    frozen __setattr__ and __delattr__, pickling, fields, match args), and point
    back at `cls` any closure attrs pointed at the copy (zero-argument super())."""
    for key, value in made.__dict__.items():
        if (key in ("__slots__", "__dict__", "__weakref__")
                or isinstance(value, types.MemberDescriptorType)
                or cls.__dict__.get(key, _NONE) is value):
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
    text = str(annotation)
    if text[:1] in ("'", '"') and text[-1:] in ("'", '"'):
        text = text[1:-1]
    return text.startswith(("typing.ClassVar", "t.ClassVar", "ClassVar",
                            "typing_extensions.ClassVar"))


def evolve(inst, /, **changes):
    """`attrs.evolve(inst, **changes)`, a copy of `inst` with `changes`, without
    attrs where `inst` is a node whose `__init__` is written here."""
    cls = type(inst)
    if cls not in _DECORATED or any(name.startswith("_") or _attrs_own(default) == "made"
                                    for name, default, _ in _MADE[cls][1]):
        import attrs

        return attrs.evolve(inst, **changes)
    for name in cls.__node_fields__:
        if name not in changes:
            changes[name] = getattr(inst, name)
    return cls(**changes)


if TYPE_CHECKING:  # a type checker reads a `@node` class as one of attrs' own frozen classes
    from attrs import Factory as factory, field, frozen as node
else:
    def factory(make):
        """A field's default made anew for each instance: `attrs.Factory(make)`."""
        return _Factory(make)

    def field(*, converter):
        """A field whose value passes through `converter`: `attrs.field(converter=...)`."""
        return _Converted(converter)

    def node(cls):
        """A frozen attrs class with Node's equality, hash and repr: `class X(Node)`;
        made when first used."""
        if not isinstance(cls, _Deferred) or cls is Node:
            raise TypeError(f"{cls.__name__} must derive from Node")
        _DECORATED.add(cls)
        _PENDING.add(cls)
        return cls
