"""A catalogue path the python engine's streaming tally (engine/streamed.py) may take,
a regular file by its name, that cannot be read (no permission for this user, or a
read that fails): `eval` says so as the full reader does (B002, status 2), never a
traceback."""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner

from barometer.engine import streamed
from barometer.main import main

from .conftest import ROOT

RULES = str(ROOT / "rules/minsk-barometer.rules")
MEM = "/proc/self/mem"  # a regular file to os.path.isfile, whose first read fails (EIO)


@pytest.mark.skipif(not os.path.isfile(MEM), reason="needs Linux's /proc/self/mem")
@pytest.mark.parametrize("name", ["catalogue.csv", "catalogue.jsonl"])
def test_a_catalogue_that_cannot_be_read_is_said_as_the_full_reader_says_it(tmp_path, name):
    path = tmp_path / name
    path.symlink_to(MEM)
    (tmp_path / (name + ".period")).write_text('period "P" from 2021-01-01 to 2021-02-28\n',
                                               encoding="utf-8")
    args = ["eval", RULES, str(path), "--engine", "python"]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(streamed, "eligible", lambda *a: False)
        full = CliRunner().invoke(main, args)
    assert full.exit_code == 2
    assert f"error[B002]: cannot read {path}: Input/output error" in full.output
    fast = CliRunner().invoke(main, args)
    assert (fast.exit_code, fast.output) == (full.exit_code, full.output), repr(fast.exception)
