"""What can go wrong, as values (``Problem``) and as exceptions.

Validation returns problems rather than raising, so every mistake in every file
can be reported at once; the build raises ``InvalidRecordsError`` carrying them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from clinic_directory.records.text import visible

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """One mistake at one place in one file."""

    path: str
    line: int
    column: int
    message: str
    hint: str = ""
    severity: Severity = "error"

    def __str__(self) -> str:
        """``path:line:col: severity: message (hint)`` on one line: line breaks and
        invisible characters in any part are shown as escapes, so a file name or value
        can never forge another line of a log (or a CI workflow command)."""
        path, message, hint = visible(self.path), visible(self.message), visible(self.hint)
        text = f"{path}:{self.line}:{self.column}: {self.severity}: {message}"
        return f"{text} ({hint})" if hint else text


class ClinicDirectoryError(Exception):
    """Base of every error this package raises on purpose."""


class ConfigurationError(ClinicDirectoryError):
    """A ``CLINIC_*`` setting is missing or wrong; raised once, at start-up."""


class InvalidRecordsError(ClinicDirectoryError):
    """One or more records are invalid; nothing was published."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        errors = [p for p in problems if p.severity == "error"]
        files = len({p.path for p in errors})
        listing = "\n".join(str(p) for p in errors)
        super().__init__(
            f"{listing}\n{len(errors)} error(s) in {files} file(s); nothing was published. "
            "Fix the records above and build again."
        )


class GeocodingError(ClinicDirectoryError):
    """An address could not be turned into coordinates."""
