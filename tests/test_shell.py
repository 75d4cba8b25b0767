"""The command line in a shell: completion, tables that stay aligned with wide
characters, numbers that never look other than they are, usage errors."""

import json
import unicodedata

from click.testing import CliRunner

from barometer.main import main

from .conftest import EVENTS, ROOT, RULES

TINY_RULES = """\
scheme "Tiny"
range -3 to +3
score recorded * weight
index china "中国关系"
index eu "Relationship with the EU"
category faint weight 0.0000001
category plain weight 1
"""

TINY_EVENTS = """\
period "Test" from 2021-01-01 to 2021-02-28

[4 January] 会谈
    china -1
    category faint

[5 January] Talks
    eu +1
    category plain
"""


def run(*args, input=None, env=None):
    return CliRunner().invoke(main, list(args), input=input, env=env)


def tiny(tmp_path):
    rules, events = tmp_path / "tiny.rules", tmp_path / "tiny.events"
    rules.write_text(TINY_RULES, encoding="utf-8")
    events.write_text(TINY_EVENTS, encoding="utf-8")
    return str(rules), str(events)


def display_width(line: str) -> int:
    return sum(0 if unicodedata.combining(ch) else
               2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in line)


# Completion


def complete(*words: str, shell: str = "bash") -> list[str]:
    """What `barometer` offers the shell for the last of `words` (the one being
    typed), as `type,value` lines, the way the sourced completion script asks."""
    env = {"_BAROMETER_COMPLETE": f"{shell}_complete", "COMP_WORDS": " ".join(words),
           "COMP_CWORD": str(len(words) - 1)}
    result = CliRunner().invoke(main, [], prog_name="barometer", env=env)
    assert result.exit_code == 0, result.output
    return [line for line in result.output.splitlines() if line]


def test_file_arguments_complete_file_names(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no rules file here: the shell completes any file
    assert complete("barometer", "eval", "") == ["file,"]
    assert complete("barometer", "eval", "x.rules", "ex") == ["file,ex"]
    assert complete("barometer", "check", "ex") == ["file,ex"]
    assert complete("barometer", "compare", "a.rules", "b") == ["file,b"]
    assert complete("barometer", "eval", "x.rules", "y.events", "-o", "") == ["file,"]
    assert complete("barometer", "sensitivity", "x.rules", "y.events", "--output", "o") == [
        "file,o"]


def test_rules_arguments_complete_rules_files(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert complete("barometer", "eval", "rules/minsk-b") == [
        "plain,rules/minsk-barometer.rules", "plain,rules/minsk-by-category.rules"]
    monkeypatch.chdir(tmp_path)
    for name in ("b.rules", "a.RULES", "notes.txt", ".hidden.rules", "no19.events"):
        (tmp_path / name).write_text("", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    expected = ["plain,a.RULES", "plain,b.rules", "plain,sub/"]
    assert complete("barometer", "eval", "") == expected
    assert complete("barometer", "explain", "") == expected
    assert complete("barometer", "sensitivity", "") == expected
    assert complete("barometer", "check", "--rules", "") == expected
    assert complete("barometer", "eval", "s") == ["file,s"]  # only a folder: the shell's own
    assert complete("barometer", "fmt", "") == ["plain,a.RULES", "plain,b.rules",
                                                "plain,no19.events", "plain,sub/"]


def test_index_completes_from_the_rules_file(tmp_path):
    args = ("barometer", "explain", str(RULES), str(EVENTS), "--index")
    assert complete(*args, "r") == ["plain,russia", "plain,regional_tension"]
    assert len(complete(*args, "")) == 7
    zsh = complete("barometer", "explain", tiny(tmp_path)[0], "x", "--index", "c", shell="zsh")
    assert zsh == ["plain", "china", "中国关系"]
    assert complete("barometer", "explain", str(tmp_path / "none.rules"), "x", "--index",
                    "") == []


def test_completion_scripts_for_bash_zsh_and_fish():
    for shell, marker in (("bash", "complete -o nosort -F _barometer_completion barometer"),
                          ("zsh", "compdef _barometer_completion barometer"),
                          ("fish", "complete --no-files --command barometer")):
        result = CliRunner().invoke(main, [], prog_name="barometer",
                                    env={"_BAROMETER_COMPLETE": f"{shell}_source"})
        assert result.exit_code == 0 and marker in result.output, (shell, result.output)


# Numbers


def test_a_tiny_total_is_not_minus_zero(tmp_path):
    result = run("eval", *tiny(tmp_path))
    assert result.exit_code == 0, result.output
    assert "-0." not in result.output.replace("-0.0000001", "")
    assert "│ -0.0000001 │" in result.output
    explained = run("explain", *tiny(tmp_path)).output
    assert "中国关系: -0.0000001  (0 positive, -0.0000001 negative, 1 event)" in explained
    md = run("eval", *tiny(tmp_path), "--format", "markdown").output
    assert "| 中国关系 | -0.0000001 | 0 | -0.0000001 | 1 |  |" in md


def test_json_and_csv_keep_a_tiny_total_a_non_zero_number(tmp_path):
    data = json.loads(run("eval", *tiny(tmp_path), "--format", "json").output)
    assert data["indices"]["china"]["aggregate"] == -1e-07
    assert data["indices"]["eu"]["aggregate"] == 1
    csv = run("eval", *tiny(tmp_path), "--format", "csv").output
    assert "china,中国关系,-1e-07,0,-1e-07,1," in csv


def test_numbers_that_would_look_whole():
    from fractions import Fraction as F

    from barometer.output.json import number
    from barometer.output.table import _fmt, plain, signed

    assert plain(F(-1, 10**7)) == "-0.0000001" and signed(F(1, 10**7)) == "+0.0000001"
    assert plain(F(20000001, 10**7)) == "2.0000001"
    assert plain(F(-1, 3 * 10**7)) == "-0.0000000333"
    assert plain(F(1, 3)) == "0.333333" and signed(F(-7, 2)) == "-3.5"
    assert plain(3) == "3" and signed(0) == "0" and signed(-2) == "-2"
    assert number(F(1, 3)) == 0.333333 and number(F(-1, 10**7)) == -1e-07
    assert number(F(20000001, 10**7)) == 2.0000001 and number(F(4, 2)) == 2
    assert _fmt(0.004) == "+0.004" and _fmt(-0.0041234) == "-0.0041"
    assert _fmt(1e-12) == "0" and _fmt(-0.0) == "0" and _fmt(-1.999) == "-2"
    assert _fmt(2.5) == "+2.5"


# Wide characters


def test_tables_with_wide_characters_stay_aligned(tmp_path):
    result = run("eval", *tiny(tmp_path))
    lines = result.output.splitlines()[2:]  # the box, under the two title lines
    assert lines[0].startswith("┌") and lines[-1].startswith("└")
    assert len({display_width(line) for line in lines}) == 1, result.output


def test_plain_tables_with_wide_characters_stay_aligned():
    from barometer.output.table import plain_table, table

    rows = [["二月十九日", "+1", "会谈"], ["19 February", "-2", "Talks"],
            ["e\u0301te\u0301", "+3", "x"]]
    text = plain_table(["Date", "Score", "Event"], rows, right={1})
    # the last column starts at the same place on every line
    starts = {display_width(line[:line.rindex("  ") + 2]) for line in text.splitlines()}
    assert len(starts) == 1, text
    boxed = table(["Date", "Score", "Event"], rows, right={1})
    assert len({display_width(line) for line in boxed.splitlines()}) == 1, boxed


# Usage errors


def test_every_verb_answers_dash_h_with_examples():
    for verb in ("eval", "check", "explain", "compare", "sensitivity", "fmt", "lsp"):
        result = run(verb, "-h")
        assert result.exit_code == 0, verb
        assert result.output == run(verb, "--help").output
        assert "Examples:" in result.output and f"barometer {verb}" in result.output, verb
    assert run("-h").output == run("--help").output


def test_output_to_a_folder_or_nowhere_is_a_usage_error(tmp_path):
    for where, says in ((tmp_path, "it is a folder"),
                        (tmp_path / "none" / "x.json", "there is no folder"),
                        ("", "cannot write")):
        result = run("eval", str(RULES), str(EVENTS), "-o", str(where))
        assert result.exit_code == 2 and isinstance(result.exception, SystemExit), result.output
        assert result.output.startswith("Error: cannot write") and says in result.output
        assert result.output.count("\n") == 1
    assert not list(tmp_path.iterdir())


def test_missing_files_are_still_ours_to_report(tmp_path):
    result = run("eval", str(tmp_path / "none.rules"), "x.events")
    assert result.exit_code == 2
    assert result.output == f"error[B002]: no such file: {tmp_path / 'none.rules'}\n"
    result = run("eval", str(tmp_path), "x.events")
    assert result.output == f"error[B002]: {tmp_path} is a folder, not a file\n"
    result = run("eval", str(RULES), "-", input=EVENTS.read_text(encoding="utf-8"))
    assert result.exit_code == 0 and "+20" in result.output


def test_a_negative_seed_is_a_usage_error():
    result = run("sensitivity", str(RULES), str(EVENTS), "--seed", "-1")
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert "Invalid value for '--seed'" in result.output and "Traceback" not in result.output
    big = run("sensitivity", str(RULES), str(EVENTS), "--seed", str(2**64), "--samples", "20",
              "--format", "json")
    assert big.exit_code == 0 and json.loads(big.output)["seed"] == 2**64


def test_a_share_of_some_samples_is_never_zero_percent():
    from barometer.output.table import _share

    assert _share(0) == "0.0%" and _share(1) == "100.0%" and _share(0.25) == "25.0%"
    assert _share(1 / 10_000) == "<0.1%" and _share(1 - 1 / 10_000) == ">99.9%"
    assert _share(0.0006) == "0.1%"


def test_sensitivity_text_says_when_a_colour_is_rare():
    result = run("sensitivity", str(ROOT / "rules" / "minsk-by-category.rules"), str(EVENTS),
                 "--samples", "3000")
    assert result.exit_code == 0
    assert "green <0.1%, yellow" in result.output and "0.0%" not in result.output


def test_a_rare_rank_change_is_not_a_rank_shift_of_zero():
    from types import SimpleNamespace as N

    from barometer.output.table import sensitivity

    def index(name, shift):
        return N(name=name, nominal=1.0, median=1.0, p5=0.5, p95=1.5, colour=None,
                 colour_probability={}, colour_changes=0.0, rank=1, rank_shift=shift)

    s = N(samples=10_000, seed=0, parameters=[], ranking_kept={"relations": 0.9999},
          indices=[index("russia", 0.0002), index("eu", 0.0), index("china", 0.25)],
          one_at_a_time=[], smallest_flips={})
    text = sensitivity(s)
    rows = {line.split("│")[1].strip(): line.split("│")[-2].strip()
            for line in text.splitlines() if line.startswith("│ ") and "Index" not in line}
    assert rows == {"russia": "<0.01", "eu": "0.00", "china": "0.25"}
    assert "holds in >99.9% of samples" in text
