"""One error type for everything a user can get wrong.

The CLI turns an InputError into one clear line and exit code 2; anything
else is a bug and may show a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class InputError(Exception):
    """Bad user input: names where (file, line/row, field) and what was expected."""

    message: str
    file: str | None = None
    line: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file
            if self.line is not None:
                where += f":{self.line}"
            where += ": "
        field = f"{self.field}: " if self.field else ""
        return f"{where}{field}{self.message}"


class MissingSource(InputError):
    """A listed file or sheet is not there: its rules get `no_evidence`, the audit goes on."""
