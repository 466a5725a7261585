"""Read a filled FORM.317 workbook, as enlaces really fill it, into a Submission.

Tolerant on form (sheet and header spelling, header not on row 1, blank rows, dates
typed as text, Tema by label) so that checks can speak about content. Anything it
cannot interpret becomes a finding pointing to the cell, never an exception; only a
file that is not a usable workbook raises UnusableInput.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from pueblaabierto.data.limits import DEFAULT_LIMITS, Limits
from pueblaabierto.findings import Finding, Severity
from pueblaabierto.schemas import messages, rules
from pueblaabierto.workbook import spec
from pueblaabierto.workbook.grid import Grid, load_grids, truncated_finding
from pueblaabierto.workbook.model import (
    Dataset,
    Dependencia,
    DictionaryEntry,
    Recurso,
    Row,
    Submission,
)

# How far down a sheet the header row may start (titles, logos, blank rows above it).
HEADER_SEARCH_ROWS = 10

_RECORD_TYPES: dict[str, type[Row]] = {
    spec.DEPENDENCIA.key: Dependencia,
    spec.DATASET.key: Dataset,
    spec.RECURSO.key: Recurso,
    spec.DICCIONARIO.key: DictionaryEntry,
}
# Submission attribute that holds each sheet's records.
_ATTRIBUTE = {
    spec.DEPENDENCIA.key: "dependencias",
    spec.DATASET.key: "datasets",
    spec.RECURSO.key: "recursos",
    spec.DICCIONARIO.key: "diccionario",
}


def read_submission(path: Path, limits: Limits = DEFAULT_LIMITS) -> Submission:
    """Read ``path`` (.xlsx or .ods). Raises UnusableInput if it is not a usable workbook.

    Each sheet is read up to ``limits.max_form_sheet_rows`` rows (the rest is reported)."""
    grids = load_grids(path, limits.max_form_sheet_rows)
    submission = Submission(path=path)
    matched = _match_sheets(grids, submission)
    for sheet in spec.DATA_SHEETS:
        actual = matched.get(sheet.key)
        if actual is None:
            continue
        records = _read_sheet(sheet, actual, grids[actual], submission.findings)
        getattr(submission, _ATTRIBUTE[sheet.key]).extend(records)
        if actual in grids.truncated:
            submission.findings.append(truncated_finding(actual, grids.truncated[actual]))
    return submission


def _match_sheets(grids: dict[str, Grid], submission: Submission) -> dict[str, str]:
    wanted = {
        spec.normalize_name(name): sheet.key
        for sheet in spec.DATA_SHEETS
        for name in (sheet.name, *sheet.aliases)
    }
    informative = {spec.normalize_name(name) for name in spec.INFORMATIVE_SHEETS}
    matched: dict[str, str] = {}
    extra: list[str] = []
    for name in grids:
        key = wanted.get(spec.normalize_name(name))
        if key and key not in matched:
            matched[key] = name
        elif spec.normalize_name(name) not in informative:
            extra.append(name)
    submission.sheet_names = dict(matched)
    for name in extra:
        submission.findings.append(
            Finding(
                code="hoja-extra",
                severity=Severity.WARNING,
                sheet=name,
                message=f"La pestaña «{name}» no es parte del FORM.317 y no se revisará.",
                suggestion="Si contiene datos del formato, cópielos a la pestaña que corresponde; si no, bórrela.",
            )
        )
    for sheet in spec.DATA_SHEETS:
        if sheet.key not in matched:
            lookalike = _lookalike(sheet, extra, grids)
            hint = (
                f"La pestaña «{lookalike}» parece contener esos datos: cámbiele el nombre a «{sheet.name}»."
                if lookalike
                else f"Agregue la pestaña «{sheet.name}» con sus encabezados (copie la de la plantilla)."
            )
            submission.findings.append(
                Finding(
                    code="hoja-faltante",
                    sheet=sheet.name,
                    message=f"Falta la pestaña «{sheet.name}», obligatoria en el FORM.317.",
                    suggestion=hint,
                )
            )
    return matched


def _lookalike(sheet: spec.SheetSpec, candidates: list[str], grids: dict[str, Grid]) -> str | None:
    index = spec.HeaderIndex.for_sheet(sheet)
    required = {f.key for f in sheet.fields if f.required}
    for name in candidates:
        found = _find_header(grids[name], index)
        if found and required <= set(found[1].values()):
            return name
    return None


def _find_header(grid: Grid, index: spec.HeaderIndex) -> tuple[int, dict[int, str]] | None:
    """(0-based row, {0-based column: field key}) of the row that best looks like the headers."""
    best: tuple[int, dict[int, str]] | None = None
    for number, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        keys: dict[int, str] = {}
        for column, value in enumerate(row):
            if value is None:
                continue
            key = index.match(value)
            if key and key not in keys.values():
                keys[column] = key
        if len(keys) >= 2 and (best is None or len(keys) > len(best[1])):
            best = (number, keys)
    return best


def _read_sheet(sheet: spec.SheetSpec, actual: str, grid: Grid, findings: list[Finding]) -> list[Row]:
    index = spec.HeaderIndex.for_sheet(sheet)
    found = _find_header(grid, index)
    if found is None:
        findings.append(
            Finding(
                code="encabezados-no-encontrados",
                sheet=actual,
                message=f"No se encontraron los encabezados del FORM.317 en la pestaña «{actual}».",
                suggestion="Escriba los encabezados en la primera fila, como en la plantilla "
                "(pueblaabierto plantilla FORMATO.xlsx).",
            )
        )
        return []
    header_row, keys = found
    excel_header_row = header_row + 1
    _report_headers(sheet, actual, grid[header_row], keys, excel_header_row, findings)
    columns = {key: get_column_letter(column + 1) for column, key in keys.items()}
    record_type = _RECORD_TYPES[sheet.key]
    records: list[Row] = []
    for offset, row in enumerate(grid[header_row + 1 :], start=header_row + 2):
        raw = {key: _clean(row[column]) if column < len(row) else None for column, key in keys.items()}
        if all(value is None for value in raw.values()):
            continue  # blank rows inside a sheet are separators, not its end
        record = record_type(sheet=actual, row=offset, columns=columns, raw=raw)
        for key, value in raw.items():
            _assign(record, sheet.field(key), value, findings)
        records.append(record)
    if not records:
        findings.append(
            Finding(
                code="hoja-vacia",
                sheet=actual,
                row=excel_header_row + 1,
                column="A",
                message=f"La pestaña «{actual}» no tiene ninguna fila llenada.",
                suggestion=f"Llene al menos una fila debajo de los encabezados de la pestaña {sheet.name}.",
            )
        )
    return records


def _report_headers(
    sheet: spec.SheetSpec,
    actual: str,
    header: list[Any],
    keys: dict[int, str],
    row: int,
    findings: list[Finding],
) -> None:
    index = spec.HeaderIndex.for_sheet(sheet)
    used = {key: column for column, key in keys.items()}
    for column, value in enumerate(header):
        if column in keys or _clean(value) is None:
            continue
        repeated = index.match(value)
        if repeated in used:
            findings.append(
                Finding(
                    code="columna-duplicada",
                    severity=Severity.WARNING,
                    sheet=actual,
                    row=row,
                    column=get_column_letter(column + 1),
                    message=f"La columna «{value}» está repetida; solo se lee la de la columna "
                    f"{get_column_letter(used[repeated] + 1)}.",
                    suggestion="Borre la columna repetida o junte sus datos en una sola.",
                )
            )
            continue
        findings.append(
            Finding(
                code="columna-extra",
                severity=Severity.WARNING,
                sheet=actual,
                row=row,
                column=get_column_letter(column + 1),
                message=f"La columna «{value}» no es parte de la pestaña {sheet.name} y no se revisará.",
                suggestion="Si es uno de los campos del formato, escriba el encabezado como en la plantilla.",
            )
        )
    present = set(keys.values())
    for field in sheet.fields:
        if field.required and field.key not in present:
            findings.append(
                Finding(
                    code="columna-faltante",
                    sheet=actual,
                    row=row,
                    message=f"Falta la columna «{field.header}» en la pestaña {sheet.name}.",
                    suggestion=f"Agregue la columna con ese encabezado: {field.definition}",
                )
            )


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _assign(record: Row, field: spec.FieldSpec, value: Any, findings: list[Finding]) -> None:
    if value is None:
        return
    if field.kind is spec.Kind.DATE:
        typed: Any = rules.parse_date(value, end_of_period=field.key in rules.PERIOD_END_KEYS)
        if typed is None:
            message, suggestion = messages.render(
                rules.Problem("fecha-invalida", {"valor": value}), field.header
            )
            findings.append(
                Finding(
                    code="fecha-invalida",
                    sheet=record.sheet,
                    row=record.row,
                    column=record.column(field.key),
                    message=message,
                    suggestion=suggestion + " También sirve el formato de fecha de Excel.",
                )
            )
            return
    elif field.kind is spec.Kind.ID:
        typed = rules.normalize_id(_text(value))
    elif field.kind is spec.Kind.VOCABULARY:
        typed = normalize_term(field.vocabulary or "", _text(value))
    else:
        typed = _text(value)
    setattr(record, field.key, typed)


def _text(value: Any) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def normalize_term(vocabulary: str, text: str) -> str:
    """The vocabulary value for a label or value however it is cased/accented; else ``text``."""
    term = rules.vocabulary_term(vocabulary, text)
    return term.value if term is not None else text
