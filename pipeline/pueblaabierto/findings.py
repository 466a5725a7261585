"""What validation says about a submission: findings with a stable code and a place.

Every check of the pipeline (and of the portal, which imports it) reports ``Finding``
objects. A finding always says *what* is wrong (``message``), *where* (sheet/row/column
as Excel shows them, or the data file) and *how to fix it* (``suggestion``), in Spanish.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields
from enum import Enum
from typing import Any


class Severity(str, Enum):
    ERROR = "error"  # blocks publication
    WARNING = "warning"  # reported, does not block


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    severity: Severity = Severity.ERROR
    suggestion: str = ""
    sheet: str | None = None
    row: int | None = None  # 1-based, as Excel shows it
    column: str | None = None  # Excel letter ("F") for sheets, column name for data files
    file: str | None = None
    # Data findings carry the rows affected and a (masked, for personal data) sample.
    rows: tuple[int, ...] = field(default=())
    sample: str | None = None
    # Aggregated data findings: how many cells/rows are affected in total (``rows`` may
    # list only the first ones so a 100k-row file does not produce a 100k-long report).
    count: int | None = None

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    @property
    def location(self) -> str:
        """Where to look, e.g. ``Recurso!F7`` or ``obras.csv, columna "monto", fila 12``."""
        if self.sheet:
            cell = f"{self.column or ''}{self.row or ''}"
            return f"{self.sheet}!{cell}" if cell else self.sheet
        parts = [self.file] if self.file else []
        if self.column:
            parts.append(f'columna "{self.column}"')
        if self.row:
            parts.append(f"fila {self.row}")
        return ", ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["severity"] = self.severity.value
        data["rows"] = list(self.rows)
        data["location"] = self.location
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        """The finding ``to_dict`` described (``location`` is derived, not stored)."""
        names = {f.name for f in fields(cls)}
        values = {key: value for key, value in data.items() if key in names}
        values["severity"] = Severity(values.get("severity", Severity.ERROR.value))
        values["rows"] = tuple(values.get("rows") or ())
        return cls(**values)


@dataclass
class Report:
    """All findings of one submission, errors first."""

    findings: list[Finding] = field(default_factory=list)

    def add(self, finding: Finding) -> None:
        self.findings.append(finding)

    def extend(self, findings: Iterable[Finding]) -> None:
        self.findings.extend(findings)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.is_error]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not f.is_error]

    @property
    def valid(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "errors": [f.to_dict() for f in self.errors],
            "warnings": [f.to_dict() for f in self.warnings],
        }
