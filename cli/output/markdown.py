"""Results as Markdown tables, to paste into a report or an issue."""

from __future__ import annotations

from collections.abc import Set as AbstractSet

from . import table as _table


def markdown(headings: list[str], rows: list[list[str]], right: AbstractSet[int] = frozenset()) -> str:
    def escape(cell: str) -> str:
        return cell.replace("|", "\\|")

    lines = ["| " + " | ".join(escape(h) for h in headings) + " |",
             "|" + "|".join("---:" if i in right else "---" for i in range(len(headings))) + "|"]
    lines += ["| " + " | ".join(escape(c) for c in r) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def evaluation(ev) -> str:
    titles, headings, rows = _table.evaluation_rows(ev)
    title, subtitle = titles.split("\n")
    notes = _table.missing_notes(ev)
    return f"**{title}**\n\n{subtitle}\n\n" + markdown(headings, rows, {1, 2, 3, 4}) + (
        "\n" + "\n".join(notes) + "\n" if notes else "")


def comparison(c) -> str:
    return _table.comparison(c, grid=markdown, events_grid=markdown)


def series(s) -> str:
    titles, headings, rows, notes = _table.series_rows(s)
    title, subtitle = titles.split("\n")
    out = f"**{title}**\n\n{subtitle}\n\n" + markdown(headings, rows, {2, 3, 4, 5, 6})
    return out + ("\n" + "\n".join(n.strip() if n.startswith("  ") else n for n in notes) + "\n"
                  if notes else "")
