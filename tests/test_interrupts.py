"""Ctrl-C: status 130 and no traceback, whenever it comes and whatever the verb."""

import os
import signal
import subprocess
import sys

import pytest
from click.testing import CliRunner

from barometer.main import main

from .conftest import EVENTS, RULES

VERBS = [["eval", RULES, EVENTS], ["check", RULES, EVENTS], ["fmt", "--check", RULES],
         ["explain", RULES, EVENTS, "--index", "russia"], ["series", RULES, EVENTS],
         ["compare", RULES, RULES, EVENTS], ["report", RULES, EVENTS],
         ["sensitivity", RULES, EVENTS, "--samples", "5"], ["test", RULES.parent / "minsk-barometer.test"]]


@pytest.mark.parametrize("argv", VERBS, ids=[v[0] for v in VERBS])
def test_ctrl_c_in_any_verb_is_status_130(monkeypatch, argv):
    from barometer.dsl import files

    def interrupted(path):
        raise KeyboardInterrupt

    monkeypatch.setattr(files, "_read_bytes", interrupted)
    result = CliRunner().invoke(main, [str(a) for a in argv])
    assert result.exit_code == 130, (result.output, result.exception)
    assert "Traceback" not in result.output and "Aborted" not in result.output


WHILE_LOADING = """
import importlib.abc, os, signal, sys
sys.argv = ["barometer", "fmt", "-"]

class Interrupt(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == %r:
            os.kill(os.getpid(), signal.SIGINT)  # as Ctrl-C would, while it loads
        return None

sys.meta_path.insert(0, Interrupt())
from barometer.main import main
main()
"""


@pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
@pytest.mark.parametrize("module", ["barometer.dsl", "barometer.verbs"])
def test_ctrl_c_while_the_command_loads_is_status_130(module):
    """SIGINT in fmt's first 0.2 s printed a KeyboardInterrupt traceback."""
    done = subprocess.run([sys.executable, "-c", WHILE_LOADING % module], input="",
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 130, done.stderr
    assert "Traceback" not in done.stderr and "KeyboardInterrupt" not in done.stderr


def test_a_program_that_imports_barometer_keeps_its_own_ctrl_c():
    done = subprocess.run([sys.executable, "-c", "import sys, barometer\n"
                           "assert sys.excepthook is sys.__excepthook__\n"
                           "raise KeyboardInterrupt"], capture_output=True, text=True, timeout=60)
    assert "Traceback" in done.stderr and done.returncode in (1, 130, -signal.SIGINT)
