"""`barometer check` as a library call: every finding in rules files, event files
and spreadsheets, in one list sorted by file and position. It is part of the
front door (barometer.api), where it lives; these names stay importable here."""

import os

from .api import KINDS, Report, UsageProblem, check_files, kind_of, root_scheme

__all__ = ["KINDS", "Report", "UsageProblem", "check_files", "kind_of", "root_scheme",
           "statistics", "github", "sarif"]


# --- the report in the formats CI systems read (`check --format github|sarif`) ---------

def statistics(report: Report) -> list[tuple[str, str, int]]:
    """(code, severity, count) for each code found, the most frequent first."""
    counts: dict[tuple[str, str], int] = {}
    for d in report.diagnostics:
        counts[d.code, d.severity] = counts.get((d.code, d.severity), 0) + 1
    return sorted(((c, s, n) for (c, s), n in counts.items()), key=lambda t: (-t[2], t[0]))


def _escape(text: str, property: bool = False) -> str:
    """A value in a GitHub workflow command: `%`, line ends (and in a property `:`
    and `,`) percent-encoded, as the Actions toolkit does."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if property else text


def github(report: Report) -> str:
    """One workflow command per finding (`::error file=F,line=L,col=C,...::message`):
    GitHub Actions shows each on the line it concerns in a pull request."""
    out = []
    for d in report.diagnostics:
        where = []
        if d.span is not None:
            s = d.span
            where = [f"file={_escape(s.file.replace(os.sep, '/'), True)}", f"line={s.line}",
                     f"col={s.column}", f"endLine={s.end_line}"]
            if s.end_line == s.line:
                where.append(f"endColumn={s.end_column}")
        text = d.message + (f"\nhint: {d.hint}" if d.hint else "")
        title = f"title={_escape(d.code, True)}"
        out.append(f"::{d.severity} {','.join(where + [title])}::{_escape(text)}")
    return "".join(line + "\n" for line in out)


SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _uri(path: str) -> str:
    """A file's place as SARIF wants it: a relative path as a relative URI (GitHub
    resolves it against the repository's root), an absolute one as file://."""
    from pathlib import Path
    from urllib.parse import quote

    if os.path.isabs(path):
        return Path(path).as_uri()
    return quote(path.replace(os.sep, "/"))


def sarif(report: Report) -> dict:
    """The findings as a SARIF 2.1.0 log, for code scanning: one run, a rule per
    code found, a result per finding, columns counted in Unicode code points as
    barometer counts them."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        tool_version = version("barometer")
    except PackageNotFoundError:  # pragma: no cover  (run from a checkout)
        tool_version = "0"
    codes = sorted({d.code for d in report.diagnostics})
    rules = [{"id": c, "help": {"text": f"See docs/diagnostics.md, {c}."}} for c in codes]
    results = []
    for d in report.diagnostics:
        result = {"ruleId": d.code, "ruleIndex": codes.index(d.code), "level": d.severity,
                  "message": {"text": d.message + (f" (hint: {d.hint})" if d.hint else "")}}
        if d.span is not None:
            s = d.span
            result["locations"] = [{"physicalLocation": {
                "artifactLocation": {"uri": _uri(s.file)},
                "region": {"startLine": max(s.line, 1), "startColumn": max(s.column, 1),
                           "endLine": max(s.end_line, s.line, 1),
                           "endColumn": max(s.end_column, 1)}}}]
        results.append(result)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "barometer", "version": tool_version,
                                "rules": rules}},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }
