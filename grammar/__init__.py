"""The barometer languages, as Lark grammars: `rules.lark` for methodologies,
`events.lark` for a period's catalogue of events."""

import os

HERE = os.path.dirname(os.path.abspath(__file__))


def grammar_text(name: str) -> str:
    """The text of `name.lark`, shipped beside this file (in a checkout or a wheel)."""
    with open(os.path.join(HERE, f"{name}.lark"), encoding="utf-8") as f:
        return f.read()
