"""An action that reads `weight` (`set to recorded * weight`) on an event without a
category, where the score expression itself reads no weight: a mistake in the
catalogue, said as one (B107, docs/diagnostics.md: "an event has no category"),
never a Python traceback, in every verb and file format."""

from __future__ import annotations

import pytest

from barometer.main import main
from click.testing import CliRunner

from .helpers import write

SCHEME = """scheme "S" version "1"
range -3 to +3
score recorded
index russia
category contacts "Contacts" weight 2
rule heavy "Weighted" when recorded > 1 then set to recorded * weight
"""

CATALOGUES = {
    "c.csv": '# period "P" from 2021-01-01 to 2021-02-28\ndate,event,russia,category\n'
             "4 January,Talks,+2,\n",
    "c.events": 'period "P" from 2021-01-01 to 2021-02-28\n\n[4 January] Talks\nrussia +2\n',
}


@pytest.mark.xfail(strict=True, reason="the action's `weight` is None for an event without a "
                   "category: dsl/nodes.py `_combine` raises TypeError (int * None), a "
                   "traceback on check and on eval by every engine")
@pytest.mark.parametrize("verb", ["check", "eval"])
@pytest.mark.parametrize("name", sorted(CATALOGUES))
def test_an_action_reading_the_weight_of_no_category_is_said(tmp_path, verb, name):
    rules = write(tmp_path, "s.rules", SCHEME)
    path = write(tmp_path, name, CATALOGUES[name])
    done = CliRunner().invoke(main, [verb, str(rules), str(path)])
    assert not isinstance(done.exception, TypeError)
    assert done.exit_code == 2 and "error[B107]" in done.output
