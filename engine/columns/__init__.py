"""A catalogue file as columns, for the columnar engines (engine/columnar.py
runs them), one module per job:

- layout.py: what the file holds (`describe`): each column's heading and kind,
  and which holds the date, the text, the scores, each attribute's values;
- runners.py: the engine that reads the file where it lies and runs the
  queries (DuckDB, embedded; or Spark), and how a refusal of theirs is said;
- validation.py: the file's values judged as the python reader judges them
  (`check`): each distinct value read by dsl/judgements.py, a bad one an error
  located at the first row that holds it, in the python engine's words;
- reader_warnings.py: the python reader's warnings of what it read (B010, B012,
  B502), in its words and at its places;
- query.py: the scheme as one query over the columns (`compile_scheme`);
- terms.py: the parts of every query, and `bound` (every text a parameter);
- places.py: where a row or cell stands in the file, as the python reader
  places it."""

from __future__ import annotations

from .layout import (BOOL, DATE, LIST, NUMBER, TEXT, WHOLE, Source, describe, internal,  # noqa: F401
                     json_problems, kind_of)
from .reader_warnings import read_warnings  # noqa: F401
from .runners import (DuckDB, EngineFailure, Overflow, Refused, Spark, Unavailable, require,  # noqa: F401
                      runner_for)
from .terms import _col, _exp, _src, _value, bound  # noqa: F401
from .validation import check  # noqa: F401
