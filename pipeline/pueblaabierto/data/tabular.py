"""Validation of tabular data files (CSV, XLSX, XLS, ODS) with Frictionless.

One read of the data does everything:

1. (CSV) a byte-level UTF-8 check (encoding.py), which also tells Frictionless the
   real encoding when the file is Latin-1 so the other checks still run;
2. Frictionless infers the Table Schema from a sample (``build_table_schema``), and the
   header is compared with the Diccionario de Datos (headers.py);
3. ``Resource.validate`` streams the rows once with our ``DataChecks`` in the checklist
   (checks.py): Frictionless' structural row errors, value types, formatting problems
   and the personal-data scan, aggregated per column.

Why the validation schema declares every column as ``any``: Frictionless would otherwise
parse every cell into a Python value (``strptime`` per date...), which is most of its
run time, and our checks then re-read the text anyway. ``DataChecks`` checks the
inferred types column-wise with regexes and confirms every suspicious value with the
inferred Frictionless field's own ``read_cell``, so the verdict is Frictionless' one
at a fraction of the cost (see benchmarks/validate/RESULTS.md).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from frictionless import Detector, Dialect, FrictionlessException, Resource, Schema, fields, formats
from frictionless.resources import TableResource

from pueblaabierto.data import messages
from pueblaabierto.data.aggregate import FindingCollector
from pueblaabierto.data.cells import ColumnChecks
from pueblaabierto.data.checks import DataChecks, StreamingChecklist
from pueblaabierto.data.encoding import check_line_ends, check_utf8
from pueblaabierto.data.headers import check_dictionary, check_xlsx_layout
from pueblaabierto.data.layout import SCAN_ROWS, Layout, detect_layout
from pueblaabierto.data.limits import DEFAULT_LIMITS, Limits
from pueblaabierto.data.personal import AllowList
from pueblaabierto.findings import Finding
from pueblaabierto.schemas.vocabularies import fold

# Rows Frictionless looks at to infer column types (its default, 100, is too few for
# files where the first rows are all of one kind).
SAMPLE_ROWS = 1000

_FORMATS = {"CSV": "csv", "XLSX": "xlsx", "XLS": "xls", "ODS": "ods"}


def _frictionless_format(path: Path, formato: str) -> str:
    return _FORMATS.get(formato.upper()) or path.suffix.lower().lstrip(".") or "csv"


def _read_ods(path: Path) -> list[list[Any]]:
    """ODS rows via pandas/odfpy (Frictionless' ODS reader needs ezodf, not installed)."""
    import pandas as pd

    frame = pd.read_excel(path, engine="odf", header=None, dtype=object)
    frame = frame.astype(object).where(frame.notna(), None)
    return frame.values.tolist()


def open_resource(
    path: Path,
    *,
    formato: str = "",
    encoding: str | None = None,
    schema: Schema | None = None,
    header_row: int | None = 1,
    delimiter: str | None = None,
) -> TableResource:
    """A Frictionless Resource for a local data file (relative to its folder, which
    Frictionless requires to treat the path as safe). ``header_row``: the row of the
    column names (1-based), or None to read every row as data."""
    fmt = _frictionless_format(path, formato)
    detector = Detector(sample_size=SAMPLE_ROWS)
    dialect = Dialect(header=False) if header_row is None else Dialect(header_rows=[header_row])
    options: dict[str, Any] = {"detector": detector, "dialect": dialect}
    if schema is not None:
        options["schema"] = schema
    if fmt == "ods":
        return _table(Resource(data=_read_ods(path), **options))
    options["format"] = fmt
    if delimiter and fmt == "csv":
        options["control"] = formats.CsvControl(delimiter=delimiter)
    if encoding:
        options["encoding"] = encoding
    return _table(Resource(source=path.name, basepath=str(path.parent), **options))


def _table(resource: Resource) -> TableResource:
    """Frictionless' ``Resource()`` is a factory: for the tabular formats opened here it builds a
    TableResource (labels, header, read_cells), which its signature cannot say."""
    return cast(TableResource, resource)


def build_table_schema(path: Path, terms: dict[str, str], *, formato: str = "", encoding: str | None = None) -> Schema:
    """The Table Schema of a data file: inferred types, and the Diccionario de Datos
    terms as field titles and descriptions (for the DataStore and the portal).

    Raises FrictionlessException when the file cannot be read as a table.
    """
    return _infer(path, terms, formato=formato, encoding=encoding)[0]


def first_rows(path: Path, *, formato: str = "", encoding: str | None = None) -> list[list[Any]]:
    """The first rows of a table as they are in the file, header or not.

    Read directly (csv / openpyxl read-only): a Frictionless Resource would infer a
    schema from 1,000 rows just to hand over these 30."""
    fmt = _frictionless_format(path, formato)
    if fmt == "csv":
        import csv

        with path.open(encoding=encoding or "utf-8", errors="replace", newline="") as handle:
            sample = handle.read(64 * 1024)
        lines = sample.splitlines(keepends=True)[:SCAN_ROWS]
        return [row for row, _ in zip(csv.reader(lines, delimiter=_delimiter(lines)), range(SCAN_ROWS), strict=False)]
    if fmt == "xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            sheet.reset_dimensions()
            return [list(row) for row, _ in zip(sheet.iter_rows(values_only=True), range(SCAN_ROWS), strict=False)]
        finally:
            book.close()
    resource = open_resource(path, formato=formato, encoding=encoding, header_row=None)
    with resource:
        return resource.read_cells(size=SCAN_ROWS)


def _delimiter_of(path: Path, encoding: str | None) -> str:
    with path.open(encoding=encoding or "utf-8", errors="replace", newline="") as handle:
        return _delimiter(handle.read(64 * 1024).splitlines()[:SCAN_ROWS])


def _delimiter(lines: list[str]) -> str:
    """The delimiter most lines agree on (the same non-zero count per line). csv.Sniffer
    gives up when a title line above the table holds no delimiter at all."""
    from collections import Counter

    best, best_score = ",", 0
    for candidate in (",", ";", "\t", "|"):
        counts = Counter(line.count(candidate) for line in lines if line.strip())
        counts.pop(0, None)
        score = max(counts.values(), default=0)
        if score > best_score:
            best, best_score = candidate, score
    return best


def _infer(
    path: Path,
    terms: dict[str, str],
    *,
    formato: str = "",
    encoding: str | None = None,
    header_row: int = 1,
    delimiter: str | None = None,
) -> tuple[Schema, list[str]]:
    resource = open_resource(path, formato=formato, encoding=encoding, header_row=header_row, delimiter=delimiter)
    resource.infer()
    by_fold = {fold(term): (term, description) for term, description in terms.items()}
    schema = resource.schema
    labels = resource.labels or []
    for index, fld in enumerate(schema.fields):
        label = labels[index] if index < len(labels) else fld.name
        match = by_fold.get(fold(label))
        if match:
            fld.title, fld.description = match[0], match[1] or None
    return schema, [str(label) for label in labels]


def validate_table(
    path: Path,
    *,
    formato: str,
    terms: dict[str, str],
    display_name: str,
    allow: AllowList,
    progress: Callable[[int], None] | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> list[Finding]:
    findings: list[Finding] = []
    fmt = _frictionless_format(path, formato)
    encoding = None
    if fmt == "csv":
        result = check_utf8(path, display_name)
        encoding = result.encoding
        if result.finding:
            findings.append(result.finding)
        line_ends = check_line_ends(path, display_name)
        if line_ends:
            findings.append(line_ends)

    try:
        rows = first_rows(path, formato=formato, encoding=encoding)
        width = max((len(row) for row in rows), default=0)
        if width > limits.max_columns:
            # Before Frictionless infers a type per column: 100,000 columns would take minutes.
            return findings + [_too_wide(display_name, width, limits, Layout())]
        layout = detect_layout(rows, terms, display_name)
        # Frictionless guesses the delimiter from the top of the file, where a title line
        # may have none: when the table starts lower, use the one the table's lines agree on.
        delimiter = _delimiter_of(path, encoding) if fmt == "csv" and layout.moved else None
        findings += layout.findings
        if fmt == "xlsx":
            findings += check_xlsx_layout(
                path, display_name, header_rows=layout.header_row, first_row=layout.group_row or layout.header_row
            )
        schema, labels = _infer(
            path, terms, formato=formato, encoding=encoding, header_row=layout.header_row, delimiter=delimiter
        )
    except FrictionlessException as exc:
        return findings + [messages.translate(error, display_name) for error in exc.to_errors()]
    except Exception as exc:  # noqa: BLE001 - a corrupt file must become a finding, not a crash
        return findings + [_unreadable(display_name, exc)]
    if not schema.fields:
        return findings + [_empty(display_name)]
    if len(schema.fields) > limits.max_columns:
        return findings + [_too_wide(display_name, len(schema.fields), limits, layout)]

    findings += check_dictionary(labels, terms, display_name, header_row=layout.header_row)

    def new_check() -> DataChecks:
        collector = FindingCollector(display_name)
        return DataChecks.create(
            columns=ColumnChecks(collector=collector, fields=list(schema.fields)),
            collector=collector,
            allow=allow,
            terms=terms,
            progress=progress,
            typed_cells=fmt != "csv",
        )

    untyped = Schema(fields=[fields.AnyField(name=fld.name) for fld in schema.fields])
    outcome = None
    if fmt == "csv" and ENGINE == "columnar" and layout.header_row == 1 and delimiter is None:
        outcome = _columnar(path, new_check(), untyped, encoding or "utf-8", display_name, limits)
    if outcome is None:
        outcome = _reference(path, new_check(), untyped, formato, encoding, layout, delimiter, display_name, limits)
    errors, check, rows_read = outcome
    findings += errors
    if rows_read is None:  # Frictionless could not read the rows: its errors say why
        return findings
    collector = check.collector
    findings += collector.findings()
    findings = _one_header_problem(findings, labels, check.second_header, layout)
    if rows_read >= limits.max_rows:
        findings.append(
            Finding(
                code="demasiadas-filas",
                message=(
                    f"«{display_name}» tiene más de {limits.max_rows:,} filas de datos; se revisaron solo las primeras "
                    f"{limits.max_rows:,}."
                ),
                suggestion="Divida los datos en varios Recursos (por ejemplo, uno por año o por trimestre).",
                file=display_name,
                row=layout.header_row + limits.max_rows,
            )
        )
    if rows_read == 0 and not any(f.code == "archivo-vacio" for f in findings):
        findings.append(
            Finding(
                code="archivo-sin-filas",
                message=f"«{display_name}» solo tiene encabezado: no tiene filas de datos.",
                suggestion="Verifique que envió el archivo completo; un recurso publicado debe tener datos.",
                file=display_name,
                row=layout.header_row + 1,
            )
        )
    return findings


# The data pass of CSV files: "columnar" (Arrow, columnar.py) with the Frictionless row
# stream as the reference for what it does not read exactly; "reference" forces the row
# stream (tests compare both on every example).
ENGINE = "columnar"


def _reference(
    path: Path,
    check: DataChecks,
    schema: Schema,
    formato: str,
    encoding: str | None,
    layout: Layout,
    delimiter: str | None,
    display_name: str,
    limits: Limits,
) -> tuple[list[Finding], DataChecks, int | None]:
    """Frictionless' ``Resource.validate`` streams the rows to ``check`` one by one."""
    resource = open_resource(
        path, formato=formato, encoding=encoding, schema=schema, header_row=layout.header_row, delimiter=delimiter
    )
    try:
        report = resource.validate(StreamingChecklist(checks=[check]), limit_rows=limits.max_rows)
    except FrictionlessException as exc:
        return [messages.translate(error, display_name) for error in exc.to_errors()], check, None
    errors = [messages.translate(error, display_name) for task in report.tasks for error in task.errors]
    return errors, check, check.rows_read


def _columnar(
    path: Path, check: DataChecks, schema: Schema, encoding: str, display_name: str, limits: Limits
) -> tuple[list[Finding], DataChecks, int | None] | None:
    """The same pass with Arrow's CSV reader (columnar.py), or None when the file needs
    the reference path; Frictionless still opens the file for its header and its errors."""
    import csv

    import pyarrow as pa

    from pueblaabierto.data.columnar import ColumnarPass, Unsupported, csv_dialect, open_batches

    resource = open_resource(path, formato="CSV", encoding=encoding, schema=schema, header_row=1)
    try:
        resource.to_descriptor(validate=True)
        with resource:
            check.connect(resource)
            start_errors = list(check.validate_start())
            labels = [str(label) for label in resource.labels or []]
            encoding = resource.encoding or encoding
    except FrictionlessException:
        return None
    width = len(schema.fields)
    if not labels or len(labels) != width or any("\n" in label or "\r" in label for label in labels):
        return None
    try:
        dialect = csv_dialect(path, encoding)
        batches, ragged = open_batches(path, encoding=encoding, dialect=dialect, width=width, header_row=1)
        data_pass = ColumnarPass(check, width=width, first_number=2, max_rows=limits.max_rows)
        data_pass.run(batches, ragged)
    except (Unsupported, pa.ArrowException, UnicodeError, OSError, csv.Error):
        return None
    errors = [messages.translate(error, display_name) for error in start_errors]
    return errors, check, data_pass.rows_read


def _too_wide(display_name: str, width: int, limits: Limits, layout: Layout) -> Finding:
    return Finding(
        code="demasiadas-columnas",
        message=(
            f"«{display_name}» tiene {width:,} columnas; el máximo es {limits.max_columns:,}. Suele pasar cuando la "
            "tabla está transpuesta (fechas o lugares como columnas) o hay columnas con formato sin datos."
        ),
        suggestion=(
            "Organice la tabla con una fila por registro y una columna por variable (formato largo), y elimine las "
            "columnas vacías a la derecha de los datos."
        ),
        file=display_name,
        row=layout.header_row,
    )


def _one_header_problem(
    findings: list[Finding], labels: list[str], second_header: list[str] | None, layout: Layout | None = None
) -> list[Finding]:
    """Report a misplaced or empty header once, not once per column.

    When row 1 is a title or group row over the real names (row 2), or is empty, the
    per-column consequences (nameless columns, "column not in the dictionary", "term
    without column" for the names that are in row 2) would bury the one fix needed."""
    blank_header = bool(labels) and not any(str(label).strip() for label in labels)
    if not second_header and not blank_header:
        return findings
    header_row = layout.header_row if layout else 1
    in_row2 = {fold(name) for name in second_header or []}
    kept: list[Finding] = []
    for finding in findings:
        if finding.code in ("encabezado-vacio", "columna-sin-diccionario") and finding.row == header_row:
            continue
        if finding.code == "termino-sin-columna" and fold(finding.column or "") in in_row2:
            continue
        kept.append(finding)
    if blank_header and not second_header:
        display_name = next((f.file for f in findings if f.file), "")
        kept.insert(
            0,
            Finding(
                code="encabezado-vacio",
                message=f"La fila 1 de «{display_name}» está vacía: el archivo no tiene encabezado en la fila 1.",
                suggestion=(
                    "Escriba en la fila 1 el nombre de cada columna, igual al Término del Diccionario de Datos, "
                    "y elimine las filas vacías o de título que haya encima."
                ),
                file=display_name or None,
                row=1,
            ),
        )
    return kept


def _unreadable(display_name: str, exc: Exception) -> Finding:
    return Finding(
        code="archivo-ilegible",
        # The library's own reason (exc) is English and technical: the enlace gets the likely causes.
        message=(
            f"No se pudo leer «{display_name}» como tabla: el archivo está dañado, protegido con contraseña o no "
            "es del Formato declarado."
        ),
        suggestion=(
            "Abra el archivo en su programa y guárdelo de nuevo en el Formato declarado (de preferencia CSV UTF-8)."
        ),
        file=display_name,
    )


def _empty(display_name: str) -> Finding:
    return Finding(
        code="archivo-vacio",
        message=f"«{display_name}» no tiene columnas ni datos.",
        suggestion="Verifique que envió el archivo correcto y que los datos están en la primera hoja.",
        file=display_name,
    )
