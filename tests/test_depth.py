"""One depth limit (B109) for every expression and condition, wherever it stands:
beyond it a located error, within it every verb computes without exhausting the
stack."""

import pytest

from .conftest import EVENTS, RULES
from .helpers import run, write

LIMIT = 64


def positions(n: int) -> dict:
    """An expression or condition nested `n` deep in each place one can stand."""
    plus = " + ".join(["1"] * n)
    return {
        "score": (f"score recorded + {' + '.join(['0'] * (n - 1))}\n", "the score expression"),
        "add": (f"rule r when index is us then add {' + '.join(['0'] * n)}\n",
                "the action of rule `r` (`add`)"),
        "set": (f"rule r when index is us then set to {'-' * (n - 1)}1\n",
                "the action of rule `r` (`set`)"),
        "multiply": ("rule r when index is us then add 1, multiply by "
                     f"{'abs(' * (n - 1)}1{')' * (n - 1)}\n",
                     "action 2 of rule `r` (`multiply`)"),
        "condition": (f"rule r when {'not ' * (n - 1)}index is us then add 1\n",
                      "the condition of rule `r`"),
        "derived": (f'index x "X" = russia + {" + ".join(["1"] * (n - 1))}\n',
                    "the expression of derived index `x`"),
        "sums": ('index x "X" = ' + " + ".join(["sum(us where category is statements)"]
                                                 * (n - 2)) + "\n",
                 "the expression of derived index `x`"),
        "selection": (f'index x "X" = sum(us where {"not " * (n - 3)}index is us)\n',
                      "the expression of derived index `x`"),
        "vary": (f"vary score among [recorded, {plus}]\n",
                 "score expression 2 of `vary score among`"),
    }


@pytest.mark.parametrize("where", sorted(positions(1)))
def test_every_expression_past_the_limit_is_a_located_error(tmp_path, where):
    text, what = positions(1000)[where]
    path = write(tmp_path, "d.rules", f'scheme "D"\nextends "{RULES}"\n{text}')
    for verb in ("check", "eval"):
        result = run(verb, path, EVENTS)
        assert result.exit_code in (1, 2), result.output
        assert "d.rules:3:" in result.output and "error[B109]: " + what + " is nested " \
            in result.output, result.output
    result = run("fmt", path)  # left as it is, said where
    assert result.exit_code != 0 and "d.rules:3:" in result.output \
        and "error[B109]" in result.output, result.output


@pytest.mark.parametrize("where", sorted(positions(1)))
def test_every_expression_at_the_limit_is_computed(tmp_path, where):
    text, _ = positions(LIMIT)[where]
    path = write(tmp_path, "d.rules", f'scheme "D"\nextends "{RULES}"\n{text}')
    for verb in ("check", "eval", "explain", "sensitivity", "fmt"):
        args = [path] if verb == "fmt" else [path, EVENTS]
        result = run(verb, *args, *(["--samples", "20"] if verb == "sensitivity" else []))
        assert "B109" not in result.output and "Traceback" not in result.output, (verb,
                                                                                   result.output)


SCHEME = 'scheme "S" version "1"\nrange -3 to +3\n'


def test_huge_numbers_and_long_expressions_are_located_errors(tmp_path):
    big = write(tmp_path, "b.rules", SCHEME + "index russia\nscore recorded * " + "9" * 5000 + "\n")
    result = run("check", big)
    assert "error[B206]: the number 9999999999...999999 (5000 characters)" in result.output
    assert len(result.output) < 1000  # the line is quoted around the caret, not whole
    weight = write(tmp_path, "w.rules", SCHEME + "index russia\nscore recorded * weight\n"
                   "category c weight 1" + "0" * 400 + ".5\n")
    assert "error[B206]" in run("check", weight).output
    long = write(tmp_path, "x.rules", SCHEME + "index russia\nscore "
                 + " + ".join(["recorded"] * 1000) + "\n")
    result = run("check", long)
    assert "error[B109]: the score expression is nested 1000 deep" in result.output
