"""barometer: a rules language and tool for event-based scoring methodologies.

The same names as the command line:

    from barometer import load_scheme, load_catalogue, evaluate
    scheme = load_scheme("rules/minsk-barometer.rules")
    catalogue = load_catalogue(["examples/minsk-barometer-19.events"], scheme)
    evaluate(scheme, catalogue).indices["russia"].aggregate   # 20
"""

from .dsl import Diagnostic, InputError, load_catalogue, load_scheme, render
from .engine import evaluate

__all__ = ["Diagnostic", "InputError", "load_catalogue", "load_scheme", "render", "evaluate"]
