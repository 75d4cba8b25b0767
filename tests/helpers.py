"""Small helpers the test modules share."""

from click.testing import CliRunner

from barometer.main import main


def run(*args):
    """The CLI run in-process; a Python exception other than an exit fails the test."""
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        repr(result.exception))
    return result


def write(folder, name, text):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path
