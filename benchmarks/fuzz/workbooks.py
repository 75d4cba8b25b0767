"""The fuzzer's workbook families (issue 17 items 10, 13 and 16): Excel workbooks
made from the shipped CSV, then changed in their XML, as a hostile or careless
program would leave them:

    workbook-far-cells   a cell far to the right (up to column XFD) on many rows,
                         or far down (up to row 1048576), filled or formatted empty
    workbook-bombs       a sheet whose XML unpacks into up to 400 MB (padding, or
                         millions of empty cells), zipped to a few hundred KB
    workbook-sheets      several sheets, some hidden, the active one anywhere
    workbook-cells       number cells holding no number, NaN, INF, 1e999, text

Each case runs `eval` or `check` on the workbook. Added to `families.FAMILIES`
at the end of families.py. Needs openpyxl (the base workbook is written once per
process with it).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile

SHEET = "xl/worksheets/sheet1.xml"
_BASE: dict = {}


def _letters(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def base_workbook() -> dict[str, bytes]:
    """The shipped CSV as a workbook's parts, {name: bytes}: made once."""
    if not _BASE:
        import openpyxl

        from families import CSV

        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "Events"
        for row in csv.reader(io.StringIO(CSV)):
            sheet.append([int(c) if re.fullmatch(r"[+-]?\d+", c) else (c or None) for c in row])
        out = io.BytesIO()
        book.save(out)
        with zipfile.ZipFile(io.BytesIO(out.getvalue())) as z:
            _BASE.update({name: z.read(name) for name in z.namelist()})
    return dict(_BASE)


def zipped(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return out.getvalue()


def _case(rng, family: str, workbook: bytes) -> dict:
    from families import MAIN_RULES, SHIPPED_RULES, case

    files = {MAIN_RULES: SHIPPED_RULES[MAIN_RULES], "t.xlsx": workbook}
    verb = rng.choice(["eval", "check"])
    if verb == "eval":
        extra = rng.choice([[], ["--format", "json"], ["--format", "csv"]])
        return case(family, verb, ["eval", MAIN_RULES, "t.xlsx", *extra], files)
    return case(family, verb, ["check", MAIN_RULES, "t.xlsx"], files)


def _rows_of(xml: bytes) -> list[int]:
    return [int(n) for n in re.findall(rb'<row r="(\d+)"', xml)]


def fam_far_cells(rng) -> dict:
    parts = base_workbook()
    xml = parts[SHEET]
    rows = _rows_of(xml)
    if rng.random() < 0.5:  # far right, on some or all rows
        column = rng.choice([257, 1000, 5000, 16384, rng.randint(200, 16384)])
        filled = rng.random() < 0.5
        chosen = rows if rng.random() < 0.5 else rng.sample(rows, rng.randint(1, len(rows)))
        cell = (lambda r: f'<c r="{_letters(column)}{r}" t="inlineStr"><is><t>x</t></is></c>'
                if filled else f'<c r="{_letters(column)}{r}" s="0"/>')
        for r in chosen:
            xml = re.sub(rf'(<row r="{r}"[^>]*>.*?)(</row>)'.encode(),
                         lambda m: m.group(1) + cell(r).encode() + m.group(2), xml, count=1,
                         flags=re.S)
        # extra rows of a single far cell, as far down as asked
        for k in range(rng.choice([0, 10, 2000])):
            r = rows[-1] + 1 + k
            xml = xml.replace(b"</sheetData>", f'<row r="{r}">{cell(r)}</row>'.encode()
                              + b"</sheetData>")
    else:  # far down
        far = rng.choice([1048576, 500000, rng.randint(1000, 1048576)])
        value = rng.choice(["# note", "4 January", ""])
        inner = (f'<c r="A{far}" t="inlineStr"><is><t>{value}</t></is></c>' if value
                 else f'<c r="A{far}" s="0"/>')
        xml = xml.replace(b"</sheetData>", f'<row r="{far}">{inner}</row>'.encode()
                          + b"</sheetData>")
    if rng.random() < 0.5:
        xml = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', xml)
    parts[SHEET] = xml
    return _case(rng, "workbook-far-cells", zipped(parts))


def fam_bombs(rng) -> dict:
    parts = base_workbook()
    size = int(2 ** rng.uniform(20, 28.6))  # 1 MB to 400 MB unpacked
    kind = rng.choice(["comment", "whitespace", "empty-cells", "shared-strings"])
    if kind == "comment":
        parts[SHEET] = parts[SHEET].replace(b"</sheetData>", b"</sheetData><!--"
                                            + b" " * size + b"-->")
    elif kind == "whitespace":
        parts[SHEET] = parts[SHEET].replace(b"<sheetData>", b"<sheetData>" + b"\n" * size)
    elif kind == "empty-cells":
        start = _rows_of(parts[SHEET])[-1] + 1
        row = b"".join(f'<c r="{_letters(k)}ROW"/>'.encode() for k in range(1, 101))
        count = max(1, size // len(row))
        body = b"".join(f'<row r="{start + k}">'.encode() + row.replace(b"ROW", str(start + k)
                                                                      .encode()) + b"</row>"
                        for k in range(min(count, 400_000)))
        parts[SHEET] = parts[SHEET].replace(b"</sheetData>", body + b"</sheetData>")
    else:  # a shared-strings part full of one long string (openpyxl reads it whole)
        parts["xl/sharedStrings.xml"] = (
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
            b'uniqueCount="1"><si><t>' + b"a" * size + b"</t></si></sst>")
    return _case(rng, "workbook-bombs", zipped(parts))


def fam_sheets(rng) -> dict:
    import openpyxl

    from families import CSV

    book = openpyxl.Workbook()
    count = rng.randint(2, 6)
    book.remove(book.active)
    rows = list(csv.reader(io.StringIO(CSV)))
    for k in range(count):
        sheet = book.create_sheet(rng.choice(["Events", "Old", "Draft", "Sheet", "Notes "])
                                  + str(k))
        if rng.random() < 0.7:
            for row in rows[: rng.choice([len(rows), 5, 1])]:
                sheet.append([int(c) if re.fullmatch(r"[+-]?\d+", c) else (c or None)
                              for c in row])
    out = io.BytesIO()
    book.save(out)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    states = [rng.choice([b"visible", b"visible", b"hidden", b"veryHidden"]) for _ in range(count)]
    at = iter(states)  # openpyxl will not write a workbook with every sheet hidden: Excel may
    parts["xl/workbook.xml"] = re.sub(rb'(<sheet [^>]*?)state="visible"',
                                      lambda m: m.group(1) + b'state="' + next(at) + b'"',
                                      parts["xl/workbook.xml"])
    active = rng.randint(0, count)  # one past the end: no such sheet
    view = re.sub(rb' activeTab="\d+"', b"", parts["xl/workbook.xml"])
    parts["xl/workbook.xml"] = re.sub(rb"<workbookView ", f'<workbookView activeTab="{active}" '
                                      .encode(), view, count=1)
    return _case(rng, "workbook-sheets", zipped(parts))


def fam_cells(rng) -> dict:
    parts = base_workbook()
    xml = parts[SHEET]
    values = [b"", b"NaN", b"nan", b"INF", b"-inf", b"1e999", b"-1e999", b"1e-999", b"x",
              b"1.5", b"99999999999999999999999", b"0x10", b"", b"2.0"]
    # score cells (numbers) get a value a workbook cannot hold, or nothing
    for _ in range(rng.randint(1, 6)):
        found = list(re.finditer(rb'<c r="([A-Z]+\d+)"( t="n")?><v>[^<]*</v></c>', xml))
        if not found:
            break
        m = rng.choice(found)
        value = rng.choice(values)
        kind = rng.choice([b' t="n"', b"", b' t="s"', b' t="b"', b' t="d"', b' t="e"'])
        cell = b'<c r="' + m.group(1) + b'"' + kind + (b"><v/></c>" if not value
                                                    else b"><v>" + value + b"</v></c>")
        xml = xml[:m.start()] + cell + xml[m.end():]
    parts[SHEET] = xml
    return _case(rng, "workbook-cells", zipped(parts))


WORKBOOK_FAMILIES = {
    "workbook-far-cells": (fam_far_cells, 3),
    "workbook-bombs": (fam_bombs, 0.5),
    "workbook-sheets": (fam_sheets, 3),
    "workbook-cells": (fam_cells, 4),
}
