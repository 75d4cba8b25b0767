"""A catalogue that changes on disk while, or after, the python engine's streaming
tally reads it (engine/streamed.py, dsl/tally.py read the file several times: its
bytes, its head, its rows, the lines of the events listed twice, and the whole file
again when a notebook asks for the entries): never a traceback, and never an
evaluation whose figures and entries disagree."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from barometer import api
from barometer.dsl import tally
from barometer.main import main

from .conftest import ROOT

RULES = str(ROOT / "rules/minsk-barometer.rules")
NO19 = (ROOT / "examples/minsk-barometer-19.csv").read_text(encoding="utf-8")


@pytest.mark.xfail(strict=True, reason="listed_twice reads the B502 lines again after the "
                   "rows; a file cut short in between: KeyError, a traceback")
def test_a_catalogue_cut_short_after_its_rows_are_tallied_is_no_traceback(tmp_path,
                                                                          monkeypatch):
    lines = NO19.split("\n")
    path = tmp_path / "no19.csv"
    path.write_text("\n".join(lines + [lines[2]]), encoding="utf-8")  # row 3 again: B502
    read = tally.Rows.read

    def then_cut(self, name):
        out = read(self, name)
        path.write_text("\n".join(lines[:5]) + "\n", encoding="utf-8")  # saved anew, shorter
        return out

    monkeypatch.setattr(tally.Rows, "read", then_cut)
    result = CliRunner().invoke(main, ["eval", RULES, str(path), "--engine", "python"])
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)


@pytest.mark.xfail(strict=True, reason="Streamed.entries reads the file again when first "
                   "asked: a file changed since the figures were tallied gives entries (and "
                   "explain's lines) of other scores than the figures")
def test_a_tallied_evaluations_entries_are_those_its_figures_were_made_of(tmp_path):
    path = tmp_path / "no19.csv"
    path.write_text(NO19, encoding="utf-8")
    done = api.evaluate(RULES, [str(path)], None, "python").evaluation
    assert done.indices["russia"].aggregate == 20
    path.write_text(NO19.replace(",+1,,,,,,,contacts", ",-3,,,,,,,contacts"), encoding="utf-8")
    scored = [s.score for s in done.scored if s.entry.index == "russia" and s.score is not None]
    assert sum(scored) == 20


@pytest.mark.xfail(strict=True, reason="the tally opens the file again for its rows after "
                   "reading its head; a file removed in between: FileNotFoundError, a "
                   "traceback (the full reader says B002)")
def test_a_catalogue_removed_after_its_head_is_read_is_no_traceback(tmp_path, monkeypatch):
    path = tmp_path / "no19.csv"
    path.write_text(NO19, encoding="utf-8")

    class Removed(tally.Head):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            path.unlink()

    monkeypatch.setattr(tally, "Head", Removed)
    result = CliRunner().invoke(main, ["eval", RULES, str(path), "--engine", "python"])
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    assert result.exit_code == 2 and "error[B002]" in result.output


@pytest.mark.xfail(strict=True, reason="Streamed.entries reads the file again by the path as "
                   "given: after a change of working folder (a notebook's %cd), a relative "
                   "path names no file (InputError B002), or another one")
def test_a_tallied_evaluations_entries_survive_a_change_of_working_folder(tmp_path,
                                                                         monkeypatch):
    (tmp_path / "no19.csv").write_text(NO19, encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path)
    done = api.evaluate(RULES, ["no19.csv"], None, "python").evaluation
    monkeypatch.chdir(tmp_path / "elsewhere")
    scored = [s.score for s in done.scored if s.entry.index == "russia" and s.score is not None]
    assert sum(scored) == done.indices["russia"].aggregate == 20
