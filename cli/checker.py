"""`barometer check` as a library call: every finding in rules files, event files
and spreadsheets, in one list sorted by file and position. It is part of the
front door (barometer.api), where it lives; these names stay importable here."""

from .api import KINDS, Report, UsageProblem, check_files, kind_of, root_scheme

__all__ = ["KINDS", "Report", "UsageProblem", "check_files", "kind_of", "root_scheme"]
