"""The barometer languages, as Lark grammars: `rules.lark` for methodologies,
`events.lark` for a period's catalogue of events."""

from pathlib import Path

HERE = Path(__file__).parent


def grammar_text(name: str) -> str:
    """The text of `name.lark`, shipped beside this file (in a checkout or a wheel)."""
    return (HERE / f"{name}.lark").read_text(encoding="utf-8")
