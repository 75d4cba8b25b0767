"""A band's bound too long to read is said once (B206), and no later check reads
the 0 that stood in for it."""

import pytest
from click.testing import CliRunner

from barometer.main import main

from .conftest import RULES


@pytest.mark.parametrize("written, instead", [
    ("red    <= -18", "red    -1000000000000000 to -18"),
    ("white  >= -1", "white  -1 to +1000000000000000"),
    ("red    <= -18", "red    <= -18 and >= -1000000000000000"),
])
def test_a_bound_too_long_is_b206_alone(tmp_path, written, instead):
    """-10^15 as a bound gave B206, then B203 (`written 0 to -18`) and a B201 gap."""
    text = RULES.read_text(encoding="utf-8")
    assert written in text
    path = tmp_path / "long.rules"
    path.write_text(text.replace(written, instead), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 1
    codes = [line.split("error[")[1][:4] for line in result.output.splitlines()
             if "error[" in line]
    assert codes == ["B206"], result.output
