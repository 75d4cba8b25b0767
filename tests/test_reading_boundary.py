"""dsl/ reads; the engines and the front ask it: no module outside dsl/ imports a
private name of dsl/ (a judgement the engines copied once, `_guess` or `_days`,
drifted from the reader's), nor reaches into one (`SOURCES._lines`)."""

from __future__ import annotations

import ast
import re

from .conftest import ROOT


# What a file must hold to have a finding (then it is parsed): an import from a module
# of dsl/ naming `_x`, or a reach into one of the names below (`SOURCES._lines`).
# Parsing only those keeps the test quick (every file of cli/ and engine/ took 2.9 s).
_MAY_IMPORT = re.compile(r"(?:^|\n)[ \t]*from[ \t]+[.\w]*dsl[.\w]*[ \t]+import[ \t]*"
                         r"(?:\([^)]*|(?:[^\n\\]|\\\n)*)(?<![\w.])_[A-Za-z]")
_MAY_REACH = re.compile(r"\b(?:SOURCES|csvfile|tables|events|judge|judgements|syntax)\s*\.\s*"
                        r"_[A-Za-z]")


def test_no_module_outside_dsl_uses_a_private_name_of_dsl():
    found = []
    for folder in ("cli", "engine"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            if not (_MAY_IMPORT.search(text) or _MAY_REACH.search(text)):
                continue
            tree = ast.parse(text)
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and "dsl" in (node.module or "").split("."):
                    found += [f"{path.relative_to(ROOT)}:{node.lineno} {a.name}"
                              for a in node.names if a.name.startswith("_")]
                elif isinstance(node, ast.Attribute) and node.attr.startswith("_") \
                        and not node.attr.startswith("__") and isinstance(node.value, ast.Name) \
                        and node.value.id in ("SOURCES", "csvfile", "tables", "events",
                                              "judge", "judgements", "syntax"):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} "
                                 f"{node.value.id}.{node.attr}")
    assert found == []
