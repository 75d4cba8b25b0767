"""Progress on long work: one line on a terminal's standard error, rewritten as
the work moves on and erased at its end; shown only when the work lasts, never
when standard error is not a terminal or with --quiet, and without escape
sequences under NO_COLOR. Fed by barometer.api's progress_to."""

import io

import pytest
from click.testing import CliRunner

from barometer import api
from barometer.main import main
from barometer.progress import Progress

from .conftest import EVENTS, RULES


class Terminal(io.StringIO):
    """A fake terminal: what is written to it is kept."""

    def isatty(self):
        return True


def test_the_line_is_written_rewritten_and_erased_on_a_terminal(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    out = Terminal()
    progress = Progress(out, after=0)
    progress("reading", "big.events")
    progress("scoring")
    progress.done()
    assert out.getvalue() == ("\rbarometer: reading big.events..."
                              "\rbarometer: scoring...           "
                              "\r" + " " * len("barometer: scoring...") + "\r")


def test_with_colour_the_line_is_dim_and_erased_to_its_end(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    out = Terminal()
    progress = Progress(out, after=0)
    progress("scoring")
    progress.done()
    assert out.getvalue() == "\r\x1b[2mbarometer: scoring...\x1b[0m\x1b[K\r\x1b[K"


@pytest.mark.parametrize("stream, quiet", [(io.StringIO(), False), (Terminal(), True)])
def test_silent_off_a_terminal_and_when_quiet(stream, quiet):
    progress = Progress(stream, quiet=quiet, after=0)
    progress("reading", "big.events")
    progress.done()
    assert stream.getvalue() == ""


def test_work_that_ends_quickly_shows_nothing():
    out = Terminal()
    clock = iter([0.0, 0.1, 0.2]).__next__
    progress = Progress(out, after=0.5, clock=clock)
    progress("reading", "no19.events")
    progress("scoring")
    progress.done()
    assert out.getvalue() == ""


def test_work_that_lasts_shows_what_it_is_doing_then():
    out = Terminal()
    clock = iter([0.0, 0.1, 0.7]).__next__
    progress = Progress(out, after=0.5, clock=clock)
    progress("reading", "big.events")  # at 0.1 s: nothing yet
    assert out.getvalue() == ""
    progress("scoring")  # at 0.7 s
    progress.done()
    assert "barometer: scoring..." in out.getvalue() and "reading" not in out.getvalue()


def test_the_front_door_says_each_file_it_reads_and_when_it_scores():
    heard = []
    with api.progress_to(lambda stage, detail: heard.append((stage, detail))):
        api.evaluate(str(RULES), [str(EVENTS)])
    assert heard == [("reading", str(RULES)), ("reading", str(EVENTS)), ("scoring", "")]
    api.evaluate(str(RULES), [str(EVENTS)])  # no one listens now
    assert len(heard) == 3


def test_eval_takes_quiet_and_prints_the_same():
    runner = CliRunner()
    args = ["eval", str(RULES), str(EVENTS)]
    loud, quiet = runner.invoke(main, args), runner.invoke(main, args + ["--quiet"])
    assert loud.exit_code == quiet.exit_code == 0
    assert quiet.output == loud.output and "Russia" in loud.output
