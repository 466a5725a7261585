"""The order an enlace reads findings in: personal data first, then each sheet, then each file."""

from __future__ import annotations

from dataclasses import dataclass

from pueblaabierto.findings import Finding, Report
from pueblaabierto.workbook import spec

SHEET_ORDER = [sheet.name for sheet in spec.DATA_SHEETS]
PERSONAL_TITLE = "Datos personales"
GENERAL_TITLE = "Formulario"


@dataclass
class Group:
    title: str
    kind: str  # "personal", "sheet", "file" or "general"
    findings: list[Finding]

    @property
    def errors(self) -> int:
        return sum(f.is_error for f in self.findings)

    @property
    def warnings(self) -> int:
        return len(self.findings) - self.errors


PERSONAL_PREFIX = "datos-personales"  # codes of pueblaabierto.data.personal


def is_personal(finding: Finding) -> bool:
    return finding.code.startswith(PERSONAL_PREFIX)


def groups(report: Report) -> list[Group]:
    personal: list[Finding] = []
    by_sheet: dict[str, list[Finding]] = {}
    by_file: dict[str, list[Finding]] = {}
    general: list[Finding] = []
    for finding in report.findings:
        if is_personal(finding):
            personal.append(finding)
        elif finding.sheet:
            by_sheet.setdefault(finding.sheet, []).append(finding)
        elif finding.file:
            by_file.setdefault(finding.file, []).append(finding)
        else:
            general.append(finding)
    result: list[Group] = []
    if personal:
        result.append(Group(PERSONAL_TITLE, "personal", _sorted(personal)))
    if general:
        result.append(Group(GENERAL_TITLE, "general", _sorted(general)))

    def sheet_rank(name: str) -> tuple[int, str]:
        return (SHEET_ORDER.index(name) if name in SHEET_ORDER else len(SHEET_ORDER), name)

    for name in sorted(by_sheet, key=sheet_rank):
        result.append(Group(f"Pestaña «{name}»", "sheet", _sorted(by_sheet[name])))
    for name in sorted(by_file):
        result.append(Group(f"Archivo «{name}»", "file", _sorted(by_file[name])))
    return result


def _sorted(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (not f.is_error, f.row or 0, f.column or ""))


def cell(finding: Finding) -> str:
    """Where, short: ``F7`` inside a sheet's group, ``columna "x", fila 3`` inside a file's."""
    if finding.sheet:
        return f"{finding.column or ''}{finding.row or ''}" or "—"
    parts = []
    if finding.column:
        parts.append(f"columna «{finding.column}»")
    if finding.rows:
        shown = ", ".join(str(r) for r in finding.rows[:5])
        parts.append(f"filas {shown}{'…' if len(finding.rows) > 5 else ''}")
    elif finding.row:
        parts.append(f"fila {finding.row}")
    return ", ".join(parts) or "—"


def counted(errors: int, warnings: int) -> str:
    """``1 error y 2 advertencias``, with Spanish plurals."""
    noun_e = "error" if errors == 1 else "errores"
    noun_w = "advertencia" if warnings == 1 else "advertencias"
    return f"{errors} {noun_e} y {warnings} {noun_w}"


def summary(report: Report) -> str:
    errors, warnings = len(report.errors), len(report.warnings)
    if report.valid:
        extra = f" con {counted(0, warnings).split(' y ', 1)[1]} que conviene revisar" if warnings else ""
        return f"El formato es válido{extra}."
    return f"El formato no se puede publicar: {counted(errors, warnings)}."
