"""barometer: a rules language and tool for event-based scoring methodologies.

The command line's verbs, from Python, through the front door (barometer.api),
with the same figures, findings, engines and fallbacks as the command line:

    from barometer import api
    outcome = api.evaluate("rules/minsk-barometer.rules",
                           ["examples/minsk-barometer-19.events"], engine="auto")
    outcome.evaluation.indices["russia"].aggregate         # 20
    outcome.warnings, outcome.engine                       # what eval prints; who computed

or step by step:

    from barometer import load_scheme, load_catalogue, evaluate
    scheme = load_scheme("rules/minsk-barometer.rules")
    catalogue = load_catalogue(["examples/minsk-barometer-19.events"], scheme)
    result = evaluate(scheme, catalogue)
    result.indices["russia"].aggregate                      # 20

    barometer.check(["rules/minsk-barometer.rules"])         # a Report of findings
    barometer.explain(result, "regional_tension")            # explain
    barometer.compare([result, other_result])                # compare
    barometer.sensitivity(result, list(scheme.varies))       # sensitivity
    barometer.fmt(text, "rules", "my.rules")                 # fmt
    barometer.evaluate_columnar(scheme, "big.parquet")       # eval --engine duckdb
    barometer.series(scheme, [catalogue_18, catalogue_19])   # series
    barometer.report(result, series)                         # report: the HTML text
"""

from importlib import import_module

from . import api
from .api import check_files as check, load_catalogue, load_scheme
from .dsl import Diagnostic, InputError, render
from .engine import evaluate

# The analyses `eval` does not run are loaded when first used, so that it does not
# pay for them (measured: series ~5 ms, compare ~15 ms, the columnar engine's
# sqlglot ~100 ms).
_LAZY = {
    "explain": ("engine.explain", "explain"),
    "series": ("engine.series", "build_series"),
    "compare": ("engine.compare", "compare"),
    "sensitivity": ("engine.sensitivity", "analyse"),
    "fmt": ("dsl.format", "format_text"),
    "test": ("engine.methodtests", "run_tests"),
    "evaluate_columnar": ("engine.columnar", "evaluate_columnar"),
    "report": ("output.report", "report"),
}


def __getattr__(name: str):
    if name in _LAZY:
        module, attribute = _LAZY[name]
        return getattr(import_module(f".{module}", __name__), attribute)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["api", "Diagnostic", "InputError", "load_catalogue", "load_scheme", "render", "evaluate",
           "check", *_LAZY]
