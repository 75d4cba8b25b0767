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
from barometer.dsl.diagnostics import InputError
from barometer.main import main

from .conftest import ROOT

RULES = str(ROOT / "rules/minsk-barometer.rules")
NO19 = (ROOT / "examples/minsk-barometer-19.csv").read_text(encoding="utf-8")


def changed_after_its_rows(tmp_path, monkeypatch, rewrite):
    """`eval` of No 19's CSV (a row listed twice: B502) that `rewrite(path, lines)`
    changes once the tally has read its rows, before it reads the B502 lines again."""
    lines = NO19.split("\n")
    path = tmp_path / "no19.csv"
    path.write_text("\n".join(lines + [lines[2]]), encoding="utf-8")  # row 3 again: B502
    read = tally.Rows.read

    def then_rewritten(self, name):
        out = read(self, name)
        rewrite(path, lines)
        return out

    monkeypatch.setattr(tally.Rows, "read", then_rewritten)
    return CliRunner().invoke(main, ["eval", RULES, str(path), "--engine", "python"])


def test_a_catalogue_cut_short_after_its_rows_are_tallied_is_no_traceback(tmp_path,
                                                                          monkeypatch):
    result = changed_after_its_rows(tmp_path, monkeypatch, lambda path, lines: path.write_text(
        "\n".join(lines[:5]) + "\n", encoding="utf-8"))  # saved anew, shorter
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)


def test_a_tallied_evaluations_entries_are_those_its_figures_were_made_of(tmp_path):
    path = tmp_path / "no19.csv"
    path.write_text(NO19, encoding="utf-8")
    done = api.evaluate(RULES, [str(path)], None, "python").evaluation
    assert done.indices["russia"].aggregate == 20
    path.write_text(NO19.replace(",+1,,,,,,,contacts", ",-3,,,,,,,contacts"), encoding="utf-8")
    with pytest.raises(InputError) as raised:  # never entries of other scores than the figures
        done.scored
    assert [(d.code, d.message) for d in raised.value.diagnostics] == [
        ("B005", f"{path} has changed since its figures were computed: its events now are not "
         "those the figures were made of")]
    path.write_text(NO19, encoding="utf-8")  # saved back as it was: its entries are read
    scored = [s.score for s in done.scored if s.entry.index == "russia" and s.score is not None]
    assert sum(scored) == 20


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


def test_a_tallied_evaluations_entries_survive_a_change_of_working_folder(tmp_path,
                                                                         monkeypatch):
    (tmp_path / "no19.csv").write_text(NO19, encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path)
    done = api.evaluate(RULES, ["no19.csv"], None, "python").evaluation
    monkeypatch.chdir(tmp_path / "elsewhere")
    scored = [s.score for s in done.scored if s.entry.index == "russia" and s.score is not None]
    assert sum(scored) == done.indices["russia"].aggregate == 20


def test_a_catalogue_written_anew_as_other_text_after_its_rows_are_tallied_is_no_traceback(
        tmp_path, monkeypatch):
    result = changed_after_its_rows(tmp_path, monkeypatch, lambda path, lines: path.write_bytes(
        b"\xff" * (len(NO19) + 200)))  # no longer UTF-8 where its lines were
    assert result.exit_code == 2 and "error[B003]: the file is not UTF-8 text" in result.output, \
        repr(result.exception)


def test_a_tallied_evaluations_entries_are_not_read_under_a_sidecar_period_changed_since(
        tmp_path):
    sample = ROOT / "examples/gdelt/gdelt-style-sample.jsonl"
    path = tmp_path / "sample.jsonl"
    path.write_bytes(sample.read_bytes())
    side = tmp_path / "sample.jsonl.period"
    side.write_text('period "P" from 2015-01-01 to 2019-12-31\n', encoding="utf-8")
    done = api.evaluate(str(ROOT / "rules/gdelt/gdelt-style.rules"), [str(path)], None,
                        "python").evaluation
    side.write_text('period "P" from 2015-01-01 to 2015-06-30\n', encoding="utf-8")
    with pytest.raises(InputError) as raised:
        done.scored
    assert [(d.code, d.message) for d in raised.value.diagnostics] == [
        ("B005", f"{side} has changed since its figures were computed: its events now are not "
         "those the figures were made of")]
