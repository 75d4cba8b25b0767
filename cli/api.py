"""The front door: what every verb of the command line, the language server and a
notebook call to read files and compute from them, so that they give the same
figures, the same findings and the same engines, with the same fallbacks.

    from barometer import api
    outcome = api.evaluate("rules/minsk-barometer.rules",
                           ["examples/minsk-barometer-19.events"], engine="auto")
    outcome.evaluation.indices["russia"].aggregate      # 20
    outcome.warnings                                    # what `eval` prints on stderr
    outcome.engine                                      # "python", "duckdb" or "spark"

Mistakes in the files raise `InputError` with every error found (what `eval`
prints before leaving with status 2); a request that cannot be met raises
`UsageProblem` (the command line's usage errors), an engine that cannot run here
`EngineProblem`. Every file is read through the check stages (dsl/checks.py),
run by engine/verify.py: `check` keeps every finding, the verbs that compute
figures the errors and the warnings about what they read or how.

The verbs keep their options, flags and rendering (cli/verbs/); this module words
nothing for a terminal.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from .dsl import model as m
from .dsl.diagnostics import Diagnostic, InputError, did_you_mean
from .dsl.files import OVERLAY, READING, told_already
from .dsl.node import Node, factory, node
from .engine import choice
from .engine.plan import Evaluation, evaluate as evaluate_catalogue
from .engine.records import bounded
from .engine.verify import (Findings, judged, load_scheme, option_problems, read,
                            read_catalogue_checked, read_scheme, root_of, run)

if TYPE_CHECKING:
    from .engine.series import Series

ENGINES = list(choice.ENGINES)


class UsageProblem(Exception):
    """The request cannot be met as asked (not a mistake in a file). `problem`: the
    engine's typed problem it stands for, if any, which the command line words with
    its flags (cli/common.py `worded`)."""

    def __init__(self, message: str, problem: Exception | None = None):
        super().__init__(message)
        self.problem = problem


class EngineProblem(Exception):
    """The engine asked for cannot compute here (not installed, or it failed)."""


@node
class Outcome(Node):
    """An evaluation as `eval` computes it: the figures, the warnings it shows,
    and the engine that computed them (after any fallback)."""

    evaluation: Evaluation
    warnings: tuple[Diagnostic, ...]
    engine: str
    # {code: how many more warnings of it there are, not listed}: a columnar engine, and
    # the python engine's tally of a CSV or Parquet file (engine/streamed.py), list the
    # first of a code a large catalogue holds millions of (B502)
    unlisted: dict = factory(dict)

    def __repr__(self):
        return (f"<Outcome by {self.engine}: {self.evaluation!r}"
                + (f", {len(self.warnings)} warning{'s' * (len(self.warnings) != 1)}"
                   if self.warnings else "") + ">")


def _raise_errors(found) -> None:
    errors = [p for p in found if p.severity == "error"]
    if errors:
        raise InputError(errors)


# --- reading -------------------------------------------------------------------------------------

def scheme_for(rules: str, files=()) -> m.Scheme:
    """The scheme of a verb that reads `files` beside it; standard input is read
    once at most."""
    if list(files).count("-") > 1 or (rules == "-" and "-" in files):
        raise UsageProblem("standard input (-) can be read only once")
    try:
        return load_scheme(rules)
    except InputError:
        swapped(rules, files)
        raise


CATALOGUES = (".events", ".csv", ".xlsx", ".xlsm", ".ods", ".jsonl", ".ndjson", ".parquet")


def swapped(rules: str, files) -> None:
    """A usage problem, instead of a rules file's hundreds of syntax errors, when the
    file that does not read as rules is a catalogue: the files are in the wrong
    order, or the rules file is missing."""
    if not rules.lower().endswith(CATALOGUES):
        return
    schemes = [f for f in files if f.lower().endswith(".rules")]
    if schemes:
        raise UsageProblem(f"the first file is a catalogue ({rules}) and the second a rules "
                           f"file ({schemes[0]}): swapped? The rules file comes first")
    raise UsageProblem(f"{rules} is a catalogue, not a rules file: name the rules file "
                       "first, then the catalogues")


def _paths(files) -> list[str]:
    """Files as a list of paths: one path (`"no19.events"`, a Path) is one file, not
    a sequence of one-letter names."""
    if isinstance(files, (str, os.PathLike)):
        return [os.fspath(files)]
    return [os.fspath(f) for f in files]


def load(rules: str | m.Scheme, events, period: m.Period | None = None, history=(),
         others: frozenset[str] = frozenset()) -> tuple[m.Scheme, m.Catalogue, Findings]:
    """The scheme, the catalogue of `events` (several files read as one) and the
    warnings `eval` shows about them; raises InputError with every error that
    `check` would call one. With `history`, the figures are computed later, by
    `evaluation`, after the issues before. `others`: the attributes other schemes
    read from the same catalogue (compare)."""
    events = _paths(events)
    scheme = rules if isinstance(rules, m.Scheme) else scheme_for(rules, events)
    catalogue, found = read_catalogue_checked(events, scheme, period, mode="eval",
                                              alone=not history, others=others,
                                              evaluated=True)
    if catalogue is None and not found.errors:
        raise InputError(list(found))
    _raise_errors(found)
    return scheme, catalogue, found


def load_catalogue(paths, scheme: m.Scheme, period: m.Period | None = None) -> m.Catalogue:
    """The events of all `paths`, read as one catalogue with every name resolved
    against `scheme` and through every stage `eval` runs on what it reads (a file
    of published figures alone is accepted, as an issue of a series); raises
    InputError with every error in every file."""
    catalogue, found = read_catalogue_checked(_paths(paths), scheme, period, mode="eval")
    _raise_errors(found)
    if catalogue is None:
        raise InputError(list(found))
    return catalogue


def evaluation(scheme: m.Scheme, catalogue: m.Catalogue, history=(), found=None
               ) -> tuple[Evaluation, Findings]:
    """The evaluation, after the issues in `history` where given (each file one
    issue), and the warnings `eval` shows about the history; raises InputError.
    `found`: the findings `load` returned, whose stages may have evaluated the
    catalogue already (to look for B208 and B210): that evaluation is the one."""
    _progress("scoring")
    history = _paths(history)
    if not history:
        done = getattr(found, "evaluation", None)
        if done is not None and done.scheme is scheme and done.catalogue is catalogue:
            return done, Findings()
        return evaluate_catalogue(scheme, catalogue), Findings()
    if "-" in history:
        raise UsageProblem("--history reads files; standard input (-) is not one")
    result, found = read("history", "eval", scheme, catalogue, list(history))
    _raise_errors(found)
    if result is None:
        raise InputError(list(found))
    return result, found


# --- progress: what long work is doing, for a front to show ---------------------------------------

class progress_to:
    """While the block runs, `listener(stage, detail)` hears what the front door
    does: ("reading", path) for each file read, ("scoring", "") before the
    figures are computed. The command line shows it on a terminal
    (cli/progress.py); a notebook may pass its own."""

    def __init__(self, listener):
        self.listener = listener

    def __enter__(self):
        _listeners.append(self.listener)
        READING.append(self._read)
        return self

    def __exit__(self, *exc):
        _listeners.remove(self.listener)
        READING.remove(self._read)
        return False

    def _read(self, path: str) -> None:
        self.listener("reading", path)


_listeners: list = []


def _progress(stage: str, detail: str = "") -> None:
    for listener in _listeners:
        listener(stage, detail)


# --- evaluating, with the engine chosen ----------------------------------------------------------

def chosen_engine(engine: str, events) -> str:
    """The engine `auto` stands for on these catalogue files."""
    if engine not in ENGINES:
        raise UsageProblem(f"no engine {engine!r}: the engines are {', '.join(ENGINES)}")
    if engine != "auto":
        return engine
    if len(events) == 1 and events[0].lower().endswith(choice.SUFFIXES):
        if choice.automatic(events) and choice.installed("duckdb"):
            return "duckdb"
    return "python"


def evaluate(rules: str, events, period: m.Period | None = None, engine: str = "auto",
             master: str | None = None, history=(), progress: bool = False) -> Outcome:
    """The evaluation of `events` under `rules` by the chosen engine (`auto`,
    `python`, `duckdb`, `spark`), as `barometer eval` computes it. A scheme a
    columnar engine cannot compute exactly, or whose numbers overflow the
    engine's, is said in a warning (B801), and the python engine computes it.
    After issues (`history`), the python engine computes. `master`: Spark's
    master URL; `progress`: Spark's progress bar on standard error."""
    events = _paths(events)
    history = tuple(_paths(history))
    chosen = "python" if history and engine == "auto" else chosen_engine(engine, events)
    if chosen == "python":
        return _python(rules, events, period, history)
    if history:
        raise UsageProblem(f"--engine {chosen} evaluates one catalogue; with --history, "
                           "use --engine python")
    if "-" in events:
        raise UsageProblem(f"--engine {chosen} reads a file, not standard input (-): save "
                           "the catalogue to a file, or use --engine python")
    if not choice.readable(events):
        raise UsageProblem(f"--engine {chosen} reads one CSV, Parquet or JSON Lines "
                           "catalogue (a file, or for spark a folder or URL); for .events "
                           "and .xlsx files, or several files, use --engine python")
    scheme = scheme_for(rules, events)
    # the columnar engine loads only when it runs (sqlglot and its own: ~100 ms measured)
    from .engine import columnar

    try:
        columnar.require(chosen)  # before B801's check, which writes queries
    except columnar.Unavailable as e:
        raise EngineProblem(str(e)) from None
    fallback = run("engine", "eval", scheme)
    if fallback:  # B801: the python engine computes
        return _python(scheme, events, period, (), fallback)

    _progress("scoring", f"{events[0]} ({chosen})")
    try:
        result = columnar.evaluate_columnar(scheme, events[0], period, chosen, master,
                                            progress=progress)
    except columnar.Unavailable as e:
        raise EngineProblem(str(e)) from None
    except columnar.Overflow as e:  # the python engine's numbers have no bound
        return _python(scheme, events, period, (), [columnar.overflowed(e, chosen)])
    except columnar.EngineFailure as e:
        unread = columnar.unreadable(e, chosen, events[0])
        if unread is not None:  # a file its reader refuses: the python reader reads it
            return _python(scheme, events, period, (), [unread])
        raise EngineProblem(f"the {chosen} engine could not evaluate {events[0]}: {e}"
                            ) from None
    # what the python reader warns of the file, kept as the stages keep it (suppressions)
    said = judged("events", "eval", [d for d in result.warnings if d.code != "B502"])
    said.extend_with(judged("duplicates", "eval", [d for d in result.warnings
                                                   if d.code == "B502"]))
    unlisted = {code: n for code, n in result.unlisted.items()  # unless suppressed
                if any(d.code == code for d in said)}
    return Outcome(result, tuple(said), chosen, unlisted)


def _python(rules, events, period, history, before=()) -> Outcome:
    """The python engine's evaluation; `before`: warnings said before reading
    (a fallback's), kept in front of the rest, errors included."""
    tried: list = []  # the file the tally gave up on, its listeners told of it
    try:
        if not history:
            rules = rules if isinstance(rules, m.Scheme) else scheme_for(rules, events)
            streamed = _streamed(rules, events, period, before, tried)
            if streamed is not None:
                return streamed
        with told_already(tried[0] if tried else None):
            scheme, catalogue, found = load(rules, events, period, history)
        result, more = evaluation(scheme, catalogue, history, found)
    except InputError as e:
        raise InputError(list(before) + list(e.diagnostics)) from None
    return Outcome(result, tuple(before) + tuple(found) + tuple(more), "python")


def _streamed(scheme: m.Scheme, events, period, before=(), tried=None) -> Outcome | None:
    """The python engine's evaluation of one CSV, Parquet or JSON Lines catalogue
    tallied as it streams by (engine/streamed.py), where every row of it is plainly
    sound; None where the full reader is to read it (and say what it finds)."""
    events = _paths(events)
    if len(events) != 1 or not events[0].lower().endswith(choice.SUFFIXES):
        return None  # not loaded for an event file (a cold `eval` of No 19)
    from .engine import streamed

    if not streamed.eligible(scheme, events):
        return None
    try:
        result, listed, more = streamed.tally(scheme, events[0], period)
    except streamed.NotPlain:
        if tried is not None:
            tried.append(events[0])  # its listeners told of it: not again
        return None
    _progress("scoring")  # the figures of the signatures counted
    said = judged("duplicates", "eval", listed)
    unlisted = {"B502": more} if more and said else {}
    return Outcome(result, tuple(before) + tuple(said), "python", unlisted)


# --- series, explain, compare, sensitivity -------------------------------------------------------

# explain, series, compare and sensitivity load their modules when first called,
# so that a cold `eval` loads no more than it did (measured with -X importtime:
# engine/series.py ~5 ms, engine/explain.py ~2.5 ms, compare ~15 ms, sensitivity
# numpy's arrays)

def series(rules: str, catalogues) -> tuple[Series, Findings]:
    """Each catalogue its own issue, in period order, as `barometer series` shows
    them, and the warnings it shows; raises InputError."""
    catalogues = _paths(catalogues)
    scheme = scheme_for(rules, catalogues)
    found_series, found = read("series", "eval", scheme, catalogues)
    _raise_errors(found)
    if found_series is None:
        raise InputError(list(found))
    found.unlisted = _unlisted(found_series.unlisted, found)
    return found_series, found


def _unlisted(unlisted: dict, found) -> dict:
    """{code: how many more warnings the tally counted without listing them}, of the
    codes the findings list (a tallied file's, `Findings.unlisted`)."""
    return {code: n for code, n in unlisted.items() if any(d.code == code for d in found)}


def series_after(scheme: m.Scheme, history, issue: m.Catalogue) -> tuple[Series, Findings]:
    """The issues in `history` (paths, each its own issue) and `issue`, in period
    order, as `barometer report --history` shows them, and the warnings shown;
    raises InputError where they do not make a series."""
    from .engine import series as issues

    catalogues, found = [], Findings()
    plain = issues.TALLY and issues.streams(scheme)  # the tally may evaluate each
    tallied: dict = {}
    unlisted: dict = {}
    for path in _paths(history):
        catalogue, evaluation, problems = issues.read_issue(scheme, path, plain, unlisted)
        found.extend_with(problems)
        if catalogue is not None:
            catalogues.append(catalogue)
        if evaluation is not None:
            tallied[id(catalogue)] = evaluation
    _raise_errors(found)
    made = issues.build_series(scheme, catalogues + [issue], tallied)
    found.extend_with(judged("series", "eval", made.warnings))
    found.unlisted = _unlisted(unlisted, found)
    return made, found


def explain(rules: str, events, index: str | None = None, event: str | None = None,
            period: m.Period | None = None, history=()):
    """Every point of each index (or `index`), as `barometer explain` shows them
    (the python engine's record of each event)."""
    from .engine.explain import explain as explained


    scheme, catalogue, found = load(rules, events, period, history)
    if index is not None and index not in scheme.indices:
        hint = did_you_mean(index, scheme.indices)
        raise UsageProblem(f"the scheme has no index {index}" + (f"; {hint}" if hint else ""))
    return explained(evaluation(scheme, catalogue, history, found)[0], index, event)


def compare(rules, events, period: m.Period | None = None, history=()):
    """Several schemes on the same events, as `barometer compare` shows them."""
    from .engine.compare import compare as compared

    rules = list(rules)
    others = attributes(rules)
    evaluations = []
    for path in rules:
        scheme, catalogue, found = load(path, events, period, history, others=others)
        evaluations.append(evaluation(scheme, catalogue, history, found)[0])
    return compared(evaluations)


def attributes(rules) -> frozenset[str]:
    """The attributes any of the schemes declares: a catalogue kept for them all
    records them, and a scheme that does not read one is told so (B116) instead
    of refusing `fatalities 12` as a score on an unknown index. A scheme that
    cannot be read is said where it is loaded."""
    names: set[str] = set()
    for path in rules:
        try:
            names |= set(load_scheme(path).attributes)
        except InputError:
            pass
    return frozenset(names)


def sensitivity(rules: str, events, varies=None, samples: int = 10_000, seed: int = 0,
                period: m.Period | None = None, history=(), progress=None):
    """How robust the picture is to the scheme's choices, as `barometer
    sensitivity` reports it; `varies`: what to perturb (default: the scheme's own
    `vary` lines)."""
    from .engine.sensitivity import analyse


    scheme, catalogue, found = load(rules, events, period, history)
    chosen = list(scheme.varies) if varies is None else list(varies)
    if varies is not None:
        _raise_errors(option_problems(scheme, catalogue, chosen))
    evaluated = evaluation(scheme, catalogue, history, found)[0]
    return analyse(evaluated, chosen, samples, seed, progress=progress)


def calibrate(rules: str | m.Scheme, events, varies=None, samples: int = 10_000, seed: int = 0,
              period: m.Period | None = None, history=(), issues=()):
    """`barometer sensitivity --fit`: the values of what the scheme varies that best
    reproduce the published figures of the catalogue (and of each of `issues`,
    each one issue), and how firmly they are determined (engine/calibration.py)."""
    from .engine.calibration import calibrate as calibrated
    from .engine.sensitivity import SensitivityProblem
    from .engine.verify import option_problems

    scheme, catalogue, found = load(rules, events, period, history)
    chosen = list(scheme.varies) if varies is None else list(varies)
    if varies is not None:
        _raise_errors(option_problems(scheme, catalogue, chosen))
    issues = _paths(issues)
    named = [os.path.realpath(p) for p in [*catalogue.files, *issues]]
    for path in issues:
        if named.count(os.path.realpath(path)) > 1:
            raise UsageProblem(f"{path} is named twice: each issue once, or its figures count "
                               "twice in the fit")
    evaluations = [evaluation(scheme, catalogue, history, found)[0]]
    for path in issues:
        _, other, more = load(scheme, [path], period)
        evaluations.append(evaluation(scheme, other, (), more)[0])
    try:
        return calibrated(evaluations, chosen, samples, seed)
    except SensitivityProblem as e:
        raise UsageProblem(str(e), e) from None


def agree(rules: str | m.Scheme, coders, by: str | None = None):
    """`barometer agree`: the coders' catalogues (each one coder's reading of the
    same period) paired and compared (engine/agreement.py)."""
    from .engine.agreement import agree as agreed

    coders = list(coders)
    if len(coders) < 2:
        raise UsageProblem("name the rules file and at least two coders' catalogues")
    if len(set(coders)) < len(coders):
        raise UsageProblem("a catalogue is named twice: each coder's reading once")
    scheme = rules if isinstance(rules, m.Scheme) else scheme_for(rules, coders)
    if by is not None and by not in scheme.attributes:
        near = did_you_mean(by, scheme.attributes)
        raise UsageProblem(f"--by: the scheme declares no attribute `{by}`"
                           + (f"; {near}" if near else ""))
    catalogues, errors = [], []
    for path in coders:
        catalogue, found = read_catalogue_checked([path], scheme, None, mode="eval",
                                                  alone=False)
        errors += [p for p in found if p.severity == "error"]
        catalogues.append(catalogue)
    if errors or any(c is None for c in catalogues):
        raise InputError(errors)
    return scheme, catalogues, agreed(scheme, catalogues, by)


# --- check: every finding in files ---------------------------------------------------------------

KINDS = {".rules": "rules", ".events": "events", ".csv": "events", ".xlsx": "events",
         ".xlsm": "events", ".ods": "events", ".jsonl": "events", ".ndjson": "events",
         ".parquet": "events"}


@node
class Report(Node):
    diagnostics: tuple[Diagnostic, ...]
    files: tuple[str, ...]
    skipped: tuple[str, ...]  # folders, named but not checked
    suppressed: tuple[Diagnostic, ...] = ()  # warnings a comment in the file ignores

    @property
    def errors(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity == "warning")

    def __repr__(self):  # short, for notebooks; equality and hash stay Node's
        def count(n, word):
            return f"{n} {word}{'' if n == 1 else 's'}"

        codes: dict[str, int] = {}
        for d in self.diagnostics:
            codes[d.code] = codes.get(d.code, 0) + 1
        head = (f"<Report on {count(len(self.files), 'file')}: {count(self.errors, 'error')}, "
                f"{count(self.warnings, 'warning')}"
                + (f", {len(self.suppressed)} suppressed" if self.suppressed else "")
                + (f", {count(len(self.skipped), 'folder')} skipped" if self.skipped else ""))
        if not codes:
            return head + ">"
        return bounded(head + " (", [f"{c} x{n}" if n > 1 else c for c, n in codes.items()],
                       ")>")


def kind_of(path: str) -> str:
    kind = KINDS.get(os.path.splitext(path)[1].lower())
    if kind is None:
        raise UsageProblem(f"cannot tell what {path} is: rules files end in .rules, "
                           "event files in .events, spreadsheets in .csv")
    return kind


def root_scheme(schemes: dict[str, m.Scheme]) -> str | None:
    """The named rules file that every other named one extends, if any."""
    if len(schemes) == 1:
        return next(iter(schemes))
    chains = {path: {os.path.realpath(f) for f in s.files} for path, s in schemes.items()}
    for path in schemes:
        if all(os.path.realpath(path) in chain for chain in chains.values()):
            return path
    return None


def check_files(paths, rules: str | None = None,
                period: m.Period | None = None, history=(),
                scheme: m.Scheme | None = None) -> Report:
    """Every finding in the files, as `barometer check` reports them. Rules files
    are checked on their own; each event file or spreadsheet on its own against
    one scheme: `rules`, else the only rules file named, else the one every other
    named rules file extends. `history`: earlier issues (one file each) that
    previous() and bands relative to history read, as `eval --history` does.
    `scheme`: the scheme in `rules`, without errors, where the caller has read it
    already (the language server keeps it while its files do not change): it is
    not read again, and the findings in its files are not reported."""
    given, found = scheme, Findings()
    paths, history = _paths(paths), _paths(history)
    skipped = tuple(p for p in paths if os.path.isdir(p))
    files = [p for p in paths if p not in skipped]
    kinds = {p: kind_of(p) for p in files if p != "-"}
    if "-" in files:
        kinds["-"] = "events"
    for path in files:
        if path != "-" and not os.path.exists(path) and path not in OVERLAY:
            raise UsageProblem(f"no such file: {path}")
    schemes: dict[str, m.Scheme] = {}
    for path in [p for p in files if kinds[p] == "rules"]:
        scheme, problems = read_scheme(path)  # checked even with errors, all in one run
        found.extend_with(problems)
        if scheme is not None and not problems.errors:
            schemes[path] = scheme
    catalogues = [p for p in files if kinds[p] == "events"]
    if catalogues:
        scheme = (given if given is not None and rules is not None and rules not in files
                  else _scheme_for_catalogues(rules, schemes, files, kinds, found))
        # the attributes the other schemes named read are theirs, not unknown indices
        others = frozenset(name for s in schemes.values() for name in s.attributes)
        root = root_of(scheme) if scheme is not None else None
        for path in catalogues:
            if scheme is not None:  # else the scheme's own errors are reported
                found.extend_with(_check_catalogue(path, scheme, period, others, history,
                                                   root))
    for path in files:
        if path != "-":
            found.extend_with(run("file", "check", path))
    unique = sorted(dict.fromkeys(found), key=Diagnostic.sort_key)
    suppressed = sorted(dict.fromkeys(found.suppressed), key=Diagnostic.sort_key)
    return Report(tuple(unique), tuple(files), skipped, tuple(suppressed))


def _scheme_for_catalogues(rules, schemes, files, kinds, found: Findings) -> m.Scheme | None:
    if rules is not None:
        if rules in schemes:
            return schemes[rules]
        if not os.path.exists(rules) and rules not in OVERLAY:
            raise UsageProblem(f"no such file: {rules}")
        scheme, problems = read_scheme(rules)
        if rules not in files:
            found.extend_with(problems)
        return None if problems.errors else scheme
    named = [p for p in files if kinds[p] == "rules"]
    if not named:
        raise UsageProblem("event files are checked against a scheme: name a rules file too, "
                           "or give --rules FILE")
    root = root_scheme(schemes) if len(schemes) == len(named) else None
    if root is None and len(named) > 1:
        if len(schemes) < len(named):
            return None  # a rules file has errors; they are reported
        raise UsageProblem("several rules files are named and none is the one the others "
                           "extend: say which scheme the event files follow with --rules FILE")
    return schemes.get(root or named[0])


def _check_catalogue(path: str, scheme: m.Scheme, period, others, history, root) -> Findings:
    catalogue, found = read_catalogue_checked([path], scheme, period, others=others,
                                              alone=not history, root=root, mode="check")
    if history and catalogue is not None and not found.errors:
        found.extend_with(read("history", "check", scheme, catalogue, list(history))[1])
    return found


check = check_files
