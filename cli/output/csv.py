"""Results as CSV, one row per index, numbers as numbers."""

from __future__ import annotations

from .json import number


def csv_text(headings: list[str], rows: list[list]) -> str:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(headings)
    writer.writerows(rows)
    return out.getvalue()


def evaluation(ev) -> str:
    # a column `missing` where an index has no figure in this issue, saying why
    missing = any(r.aggregate is None for r in ev.indices.values())
    return csv_text(
        ["index", "name", "aggregate", "positive", "negative", "events", "colour"]
        + (["missing"] if missing else []),
        [[r.index.name, r.index.title, number(r.aggregate), number(r.positive),
          number(r.negative), "" if r.events is None else r.events, r.colour or ""]
         + ([r.missing.words() if r.missing else ""] if missing else [])
         for r in ev.indices.values()])


def comparison(c) -> str:
    names = c.schemes
    return csv_text(["index"] + [f"value_{chr(97 + k)}" for k in range(len(names))]
                    + [f"colour_{chr(97 + k)}" for k in range(len(names))],
                    [[i.name] + [number(v) if v is not None else "" for v in i.values]
                     + [col or "" for col in i.colours] for i in c.indices])


def series(s) -> str:
    """One row per issue and index: the records of `Series.to_records()`."""
    columns = list(s.columns)
    return csv_text(columns, [["" if r[k] is None else str(r[k]).lower() if isinstance(r[k], bool)
                               else r[k] for k in columns] for r in s.to_records()])
