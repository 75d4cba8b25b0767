"""Results as JSON: a contract. Keys are fixed and in a fixed order, numbers are
whole where the scheme's arithmetic is whole, colours are band names in lower case."""

from __future__ import annotations

from fractions import Fraction


def number(value):
    if value is None:  # a derived index has no positive points or events of its own
        return None
    return _number(value)


def _number(value):
    """A number for JSON: an int where whole, else a float to six places; a
    value that six places would make look whole (-0.0 for -1/10**7, 2.0 for
    2.0000001) in full, as the nearest float (-1e-07, 2.0000001). A figure no
    longer exact (a log) is a float to six places."""
    if isinstance(value, float):
        return round(value, 6) if value == value and abs(value) != float("inf") else None
    if getattr(value, "denominator", 1) == 1:
        return int(value)
    rounded = round(float(value), 6)
    return float(value) if rounded.is_integer() else rounded


def shown_exactly(value) -> bool:
    """Whether the number JSON shows for an exact figure is that figure: a whole
    number, or a decimal that ends and is written in full (0.2, -33.8, 6.66125);
    not a third, shown as 0.333333, nor a figure no longer exact (a log)."""
    if isinstance(value, float):
        return False
    return Fraction(repr(_number(value))) == value


def to_json(data) -> str:
    import json

    return json.dumps(_finite(data), indent=2, ensure_ascii=False) + "\n"


def _finite(data):
    """JSON has no NaN or infinity: a figure that is not a number is null."""
    if isinstance(data, float):
        return data if data == data and abs(data) != float("inf") else None
    if isinstance(data, dict):
        return {k: _finite(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [_finite(v) for v in data]
    return data


def evaluation_json(ev) -> dict:
    scheme, period = ev.scheme, ev.catalogue.period
    return {
        "scheme": {
            "name": scheme.name,
            "version": scheme.version,
            "description": scheme.description,
            "file": scheme.path,
            "extends": list(scheme.files[1:]),
        },
        "period": {
            "title": period.title,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "files": list(ev.catalogue.files),
        },
        "indices": {
            name: {
                "name": r.index.title,
                "aggregate": number(r.aggregate),
                "positive": number(r.positive),
                "negative": number(r.negative),
                "events": r.events,
                "colour": r.colour,
                **({"formula": r.index.formula.text(), "exact": None if r.aggregate is None
                    else r.exact and shown_exactly(r.aggregate)} if r.index.derived else
                   {"exact": False} if not r.exact else {}),  # a power, exp(): floats
                **({"missing": r.missing.words()} if r.missing is not None else {}),
                **_percentiles(ev.scheme, name),
            }
            for name, r in ev.indices.items()
        },
    }


def _percentiles(scheme, name) -> dict:
    """Bands relative to history: the value each percentile stood for in this issue."""
    bands = scheme.bands.get(name)
    found = bands.percentiles() if bands is not None else {}
    return {"percentiles": {k: number(v) for k, v in found.items()}} if found else {}


def evaluation(ev) -> str:
    return to_json(evaluation_json(ev))


def explanation(explained) -> str:
    return to_json({"indices": {x.result.index.name: _explanation_json(x) for x in explained}})


def _value(value):
    """An attribute's value: a choice's name, or a number."""
    return value if isinstance(value, str) else number(value)


def _explanation_json(x) -> dict:
    def boundary(b):
        return None if b is None else {"points": number(b.points), "at": number(b.at),
                                       "colour": b.colour}

    return {
        "aggregate": number(x.result.aggregate),
        "positive": number(x.result.positive),
        "negative": number(x.result.negative),
        "events": x.result.events,
        "colour": x.result.colour,
        **({"formula": x.result.index.formula.text(),
            "inputs": {what: number(value) for what, value in x.inputs},
            "picked": {what: list(events) for what, events in x.picked}}
           if x.result.index.derived else {}),
        "boundary_above": boundary(x.up),
        "boundary_below": boundary(x.down),
        "lines": [{
            "event": line.scored.entry.event.number,
            "date": line.scored.entry.event.when.text,
            "text": line.scored.entry.event.text,
            "recorded": line.scored.entry.recorded,
            "base": number(line.scored.base),
            "score": None if line.scored.score is None else number(line.scored.score),
            "total": number(line.running),
            "values": {name: _value(line.scored.entry.values(name)) for name in x.attributes},
            "rules": [{"rule": step.rule.name, "file": step.rule.span.file,
                       "line": step.rule.span.line, "action": step.action.describe(),
                       "before": number(step.before),
                       "after": None if step.after is None else number(step.after)}
                      for step in line.scored.steps],
        } for line in x.lines],
    }


def comparison(c) -> str:
    return to_json({
        "schemes": [s.name for s in c.schemes],
        "files": [s.path for s in c.schemes],
        "indices": {i.name: {"values": [None if v is None else number(v) for v in i.values],
                             "colours": list(i.colours),
                             "differences": [None if d is None else number(d)
                                             for d in i.differences()]}
                    for i in c.indices},
        "rankings": {g: [list(r) for r in ranks] for g, ranks in c.rankings.items()},
        "events": [{"event": d.event.number, "date": d.event.when.text, "text": d.event.text,
                    "index": d.index,
                    "scores": [None if s is None else number(s) for s in d.scores],
                    "how": list(d.how)} for d in c.events],
    })


def sensitivity(s) -> str:
    return to_json({
        "samples": s.samples, "seed": s.seed,
        "parameters": [{"kind": p.kind, "name": p.key, "nominal": p.nominal, "by": p.by}
                       for p in s.parameters],
        "indices": {i.name: {"nominal": i.nominal, "median": i.median, "p5": i.p5,
                             "p95": i.p95, "colour": i.colour,
                             "colour_probability": i.colour_probability,
                             "colour_changes": i.colour_changes, "rank": i.rank,
                             "rank_shift": i.rank_shift} for i in s.indices},
        "ranking_kept": s.ranking_kept,
        "one_at_a_time": [{"parameter": e.parameter.key, "kind": e.parameter.kind,
                           "delta": e.delta, "changes": e.changes,
                           "flips": {k: list(v) for k, v in e.flips.items()}}
                          for e in s.one_at_a_time],
        "smallest_flips": {k: None if f is None else {
            "parameter": f.parameter.key, "kind": f.parameter.kind, "delta": f.delta,
            "from": f.before, "to": f.after, "past": f.past, "direction": f.direction,
                "ties": [{"parameter": k, "delta": d, "past": p, "direction": di}
                         for k, d, p, di in f.ties]} for k, f in s.smallest_flips.items()},
    })


def series(s) -> str:
    from ..engine.series import missing

    scheme = s.scheme
    return to_json({
        "scheme": {"name": scheme.name, "version": scheme.version, "file": scheme.path,
                   "extends": list(scheme.files[1:])},
        "issues": [{
            "label": issue.label,
            "start": issue.period.start.isoformat(),
            "end": issue.period.end.isoformat(),
            "published": issue.published,
            "files": [] if issue.evaluation is None else list(issue.evaluation.catalogue.files),
            "indices": {name: {
                "name": f.index.title,
                "aggregate": number(f.aggregate),
                "positive": number(f.positive),
                "negative": number(f.negative),
                "events": f.events,
                "colour": f.colour,
                "published": f.published,
                "change": number(f.change),
                "previous_colour": f.previous_colour,
                "missing": missing(issue, name, f),
                **(_percentiles(issue.evaluation.scheme, name) if issue.evaluation else {}),
            } for name, f in issue.figures.items()},
        } for issue in s.issues],
    })


def contributions(result, parts) -> str:
    """{"indices": {name: {figures..., "categories": {...}, "rules": {...}}}}"""
    data = evaluation_json(result)
    for name, entry in data["indices"].items():
        mine = [p for p in parts if p.index == name]
        if result.indices[name].index.derived:
            continue
        entry["categories"] = {p.category: {"points": number(p.points), "scores": p.entries}
                               for p in mine if p.rule is None}
        entry["rules"] = {p.rule: {"points": number(p.points), "scores": p.entries}
                          for p in mine if p.rule is not None}
    return to_json(data)
