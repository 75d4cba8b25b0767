"""Results as plain records, for notebooks: `to_records()` (a list of dicts),
`to_frame()` (the same as a pandas DataFrame) and `_repr_html_()` (a table that
Jupyter shows), shared by every result that is a table at heart.

A class derives from `Tabular` and says what its records are (`to_records`)
and the keys they have, in order (`columns`, so that an empty result still has
them); it may say how a person reads it (`_html_table`), else the records are
shown as they are. Numbers in records are `int` where whole, else `float`.

pandas is optional: it is imported only when a frame is asked for.
"""

from __future__ import annotations

NEEDS_PANDAS = "to_frame() needs pandas, which barometer does not install: pip install pandas"

# Band names that are also CSS colours get a swatch in HTML tables.
SWATCHES = {"white", "green", "yellow", "orange", "red", "blue", "black", "grey", "gray",
            "purple", "brown", "pink"}


def number(value):
    """A figure for a record: an int where whole, else a float; None and text
    as they are (a bool is not a number here)."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if getattr(value, "denominator", None) == 1:
        return int(value)
    as_float = float(value)
    return int(as_float) if as_float.is_integer() else as_float


def short(text: str, size: int = 60) -> str:
    """Text cut to `size` characters, with an ellipsis where it was cut."""
    return text if len(text) <= size else text[:size - 3] + "..."


def short_path(path: str, size: int = 60) -> str:
    """A path cut from the left (its file name matters most)."""
    return path if len(path) <= size else "..." + path[-(size - 3):]


def bounded(head: str, parts: list[str], tail: str = ">", size: int = 280,
            sep: str = ", ") -> str:
    """`head` followed by as many of `parts` as fit in `size` characters, then
    how many were left out, then `tail`."""
    out = head
    for k, part in enumerate(parts):
        rest = len(parts) - k - 1
        more = f"{sep}... {rest} more" if rest else ""
        if len(out) + len(sep if k else "") + len(part) + len(more) + len(tail) > size:
            out += f"{sep if k else ''}... {len(parts) - k} more"
            break
        out += (sep if k else "") + part
    return out + tail


class Tabular:
    """A result with records: `to_records()`, `to_frame()`, `_repr_html_()`."""

    __slots__ = ()
    columns: tuple[str, ...] = ()

    def to_records(self) -> list[dict]:
        raise NotImplementedError

    def to_frame(self):
        """The records as a pandas DataFrame (pandas is optional)."""
        try:
            import pandas
        except ImportError:
            raise ImportError(NEEDS_PANDAS) from None
        return pandas.DataFrame.from_records(self.to_records(), columns=list(self.columns))

    def _html_table(self) -> tuple:
        """A caption, headings and rows for a person to read (and, optionally,
        the columns to right-align)."""
        records = self.to_records()
        return (short(repr(self), 300).strip("<>"), list(self.columns),
                [[r[k] for k in self.columns] for r in records])

    def _repr_html_(self) -> str:
        return html_table(*self._html_table())


def _cell(value) -> str:
    import html  # only a notebook's tables need it; importing it costs eval 3 ms

    if value is None:
        return ""
    if isinstance(value, float):
        value = f"{value:.4g}" if abs(value) < 1e4 else f"{value:.0f}"
    elif isinstance(value, (list, tuple)):
        value = ", ".join(str(v) for v in value)
    elif isinstance(value, dict):
        return ", ".join(f"{html.escape(str(k))} {_cell(v)}" for k, v in value.items())
    text = html.escape(str(value))
    if text.casefold() in SWATCHES:
        return (f'<span style="display:inline-block;width:0.8em;height:0.8em;'
                f'border:1px solid #888;background:{text.casefold()}"></span> {text}')
    return text


def _numeric(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def html_table(caption: str, headings: list[str], rows: list[list],
               right: set[int] | None = None) -> str:
    """A plain HTML table, every text escaped; the columns in `right` (by
    default those holding only numbers) right-aligned."""
    import html  # as in _cell

    if right is None:
        right = {k for k in range(len(headings))
                 if all(_numeric(r[k]) or r[k] is None for r in rows)}
    out = ["<table>", f"<caption>{html.escape(caption)}</caption>", "<thead><tr>"]
    out += [f'<th style="text-align:{"right" if k in right else "left"}">{html.escape(h)}</th>'
            for k, h in enumerate(headings)]
    out.append("</tr></thead>")
    out.append("<tbody>")
    for row in rows:
        out.append("<tr>" + "".join(
            f'<td style="text-align:right">{_cell(v)}</td>' if k in right
            else f'<td style="text-align:left">{_cell(v)}</td>' for k, v in enumerate(row))
            + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)
