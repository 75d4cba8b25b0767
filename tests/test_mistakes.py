"""examples/mistakes: each file's findings are written inline under the line they
concern (`#^ CODE "message"`); check must report exactly those, line by line, with
those messages (a message written up to a path stands for its beginning)."""

import re
from pathlib import Path

import pytest

from barometer.checker import check_files

from .conftest import ROOT

FOLDER = ROOT / "examples" / "mistakes"
FILES = sorted(p for p in FOLDER.iterdir() if p.suffix in (".rules", ".events", ".csv"))


def expected(path: Path) -> tuple[str | None, set]:
    rules, wanted, last = None, set(), 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("#^"):
            for code, message in re.findall(r'(B\d{3})(?:\s+"((?:[^"\\]|\\.)*)")?',
                                            stripped[2:]):
                wanted.add((last, code, message))
        elif stripped.startswith("# check with:"):
            rules = str((path.parent / stripped.split(":", 1)[1].strip()).resolve())
        elif stripped and not stripped.startswith("#"):
            last = number
    return rules, wanted


def test_there_are_mistakes_of_every_kind():
    assert {p.suffix for p in FILES} >= {".rules", ".events"}
    assert len(FILES) >= 6


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_findings_are_the_ones_written_inline(path):
    rules, wanted = expected(path)
    report = check_files([str(path)], rules=rules)
    found = [d for d in report.diagnostics if d.span and d.span.file == str(path)]
    assert {(d.span.line, d.code) for d in found} == {(line, code) for line, code, _ in wanted}
    assert all(message for _, _, message in wanted), "every finding's message is written"
    for line, code, message in wanted:
        assert any(d.message.startswith(message) for d in found
                   if (d.span.line, d.code) == (line, code)), (line, code, message)
    assert report.errors + report.warnings == len(report.diagnostics) > 0
