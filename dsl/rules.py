"""One rules file as written: parsed, with what can be found wrong in it alone
(a declaration given twice, a band written backwards). Merging the `extends`
chain and resolving names is `dsl/resolve.py`'s job."""

from __future__ import annotations

from typing import Any

from . import model as m
from .diagnostics import Diagnostic, Span, did_you_mean, error
from .files import read_source
from .node import evolve
from .syntax import parse

def read_rules_file(path: str) -> tuple[m.RulesFile | None, list[Diagnostic]]:
    """One rules file as written; duplicates within it are reported here."""
    text = read_source(path)
    items, problems = parse("rules", text, path)
    if items is None:
        return None, problems
    found: dict[str, list] = {}
    for kind, value in items:
        found.setdefault(kind, []).append(value)

    def single(kind: str):
        values = found.get(kind, [])
        for extra in values[1:]:
            problems.append(error("B102", f"`{kind}` is given twice in this file",
                                  _span_of(extra, path), "keep one"))
        return values[0] if values else None

    scheme = single("scheme")
    low_high = single("range")
    score = single("score")
    score_range = None
    if low_high is not None:
        low, high, span = low_high
        for num in (low, high):
            if getattr(num.value, "denominator", 1) != 1:
                problems.append(error("B205", "the score range is in whole points",
                                      num.span, f"write {round(num.value)}"))
        if low.value > high.value:
            problems.append(error("B203", f"the range runs from {low.text} down to {high.text}",
                                  span, f"write range {high.text} to {low.text}"))
        score_range = m.ScoreRange(int(low.value), int(high.value), span)
    attributes = tuple(_attribute(a, default, problems)
                       for a, default in found.get("attribute", []))
    for kind in ("index", "category", "tag", "bands", "rule", "group", "scale"):
        _no_duplicates(found.get(kind, []), kind, problems)
    _no_duplicates(list(attributes) + list(found.get("rank", [])) + list(found.get("score_of", [])),
                   "attribute", problems)
    rules_file = m.RulesFile(
        path=path,
        name=scheme[0] if scheme else None,
        version=scheme[1] if scheme else "",
        description=single("description") or "",
        extends=single("extends"),
        range=score_range,
        score=score[0] if score else None,
        score_span=score[1] if score else None,
        indices=tuple(found.get("index", [])),
        categories=tuple(found.get("category", [])),
        tags=tuple(found.get("tag", [])),
        bands=tuple(found.get("bands", [])),
        rules=tuple(found.get("rule", [])),
        drops=tuple(found.get("drop", [])),
        groups=tuple(found.get("group", [])),
        varies=tuple(found.get("vary", [])),
        attributes=attributes,
        scales=tuple(found.get("scale", [])),
        dropped_bands=tuple(found.get("drop_bands", [])),
        dropped_indices=tuple(found.get("drop_index", [])),
        ranks=tuple(found.get("rank", [])),
        scores_of=tuple(found.get("score_of", [])),
    )
    for bandset in rules_file.bands + rules_file.scales:
        problems.extend(_check_bands_written(bandset))
    if scheme is None and not any(p.code == "B001" for p in problems):
        problems.append(error("B104", "the file does not name its scheme", Span(path, 1, 1, 1, 2),
                              'begin it with: scheme "Name of the scheme" version "1"'))
    return rules_file, problems


def _attribute(attribute: m.Attribute, default, problems: list) -> m.Attribute:
    """The attribute with its default, which must be one of its own values."""
    if default is None:
        return attribute
    value, span = default
    if attribute.numeric and isinstance(value, str):
        problems.append(error("B209", f"the default of `{attribute.name}` must be a number: "
                              f"it is {attribute.describe()}", span, "write default 0"))
    elif attribute.choices is not None and not isinstance(value, str):  # not numeric
        problems.append(error("B209", f"the default of `{attribute.name}` must be one of its "
                              f"values, {', '.join(attribute.choices)}", span,
                              f"write default {attribute.choices[-1]}"))
    elif not attribute.admits(value):
        problems.append(error("B209", f"the default {m.plain(value) if attribute.numeric else value}"
                              f" is not a value of `{attribute.name}`: it is "
                              f"{attribute.describe()}", span,
                              did_you_mean(value, attribute.choices) if not attribute.numeric
                              else None))
    else:
        return evolve(attribute, default=value)
    return attribute


def _span_of(value, path: str) -> Span:
    if isinstance(value, tuple):
        value = value[-1] if isinstance(value[-1], Span) else value[0]
    span = getattr(value, "span", value)
    return span if isinstance(span, Span) else Span(path, 1, 1, 1, 2)


def _key(value) -> str:
    return value.index if isinstance(value, m.BandSet) else value.name  # a scale's: its name


def _no_duplicates(values: list, kind: str, problems: list) -> None:
    seen: dict[str, Any] = {}  # a declaration: a node with a span
    for value in values:
        key = _key(value)
        if key in seen:
            first = seen[key].span
            problems.append(error(
                "B102", f"{'bands for ' if kind == 'bands' else kind + ' '}`{key}` is declared "
                f"twice in this file (first at line {first.line})", value.span,
                "remove one, or give it another name"))
        else:
            seen[key] = value


def _check_bands_written(bandset: m.BandSet) -> list[Diagnostic]:
    problems = []
    seen: dict[str, m.Band] = {}
    for band in bandset.bands:
        if band.name in seen:
            problems.append(error("B102", f"band `{band.name}` appears twice in the bands of "
                                  f"`{bandset.index}`", band.span, "give each band its own name"))
        seen[band.name] = band
        lo, hi = band.lower, band.upper
        if lo is not None and hi is not None and (
            lo.value > hi.value or (lo.value == hi.value and not (lo.inclusive and hi.inclusive))
        ):
            hint = None
            if lo.inclusive and hi.inclusive:
                hint = f"write it low to high: {hi.text()} to {lo.text()}"
            problems.append(error("B203", f"band `{band.name}` holds no value: it is written "
                                  f"{band.describe()}", band.span, hint))
    return problems
