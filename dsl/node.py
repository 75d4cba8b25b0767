"""The base of barometer's model classes: attrs classes, frozen, whose equality,
hash and repr come from their fields through one shared implementation.

attrs would generate and compile those three methods for every class; across
the model that costs more start-up time than reading and evaluating a whole
period, so `node` asks attrs for the rest (fields, __init__, immutability,
slots) and `Node` supplies the three, with the same meaning.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs


class Node:
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


if TYPE_CHECKING:  # a type checker reads a `@node` class as one of attrs' own frozen classes
    from attrs import frozen as node
else:
    def node(cls):
        """A frozen attrs class with Node's equality, hash and repr: `class X(Node)`."""
        if not issubclass(cls, Node):
            raise TypeError(f"{cls.__name__} must derive from Node")
        return attrs.frozen(cls, repr=False, eq=False)
