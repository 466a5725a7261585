"""Conditions where the pipeline cannot even start checking what it was given."""

from __future__ import annotations

from pueblaabierto.findings import Finding


class UnusableInput(Exception):
    """The input cannot be read at all (wrong file type, missing, unreadable).

    Distinct from validation findings: nothing can be checked, so the CLI exits with 2.
    """

    def __init__(self, code: str, message: str, suggestion: str = "", file: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.suggestion = suggestion
        self.file = file

    def to_finding(self) -> Finding:
        return Finding(code=self.code, message=self.message, suggestion=self.suggestion, file=self.file)
