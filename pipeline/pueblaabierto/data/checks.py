"""The Frictionless Check that runs all our row/cell checks in Frictionless' own pass.

``Resource.validate`` reads the file once; ``DataChecks`` receives every row there
(``validate_row``), buffers rows into chunks and, per chunk, runs the column-wise checks
(cells.py) and the personal-data scan (personal.py), aggregated per column instead of
one Error object per cell, so memory stays constant whatever the file size.

``StreamingChecklist`` replaces Frictionless' built-in ``baseline`` check by
``DataChecks``. With the all-``any`` validation schema (see tabular.py), baseline's only
row-level work is to parse every cell into a Row (``row.errors``), which costs more than
all our checks together and can only ever yield blank-row, extra-cell and missing-cell:
``DataChecks`` derives those three from the raw cells, and yields baseline's header
errors (blank/duplicate labels...) itself.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any, cast

import attrs
from frictionless import Check, Checklist, Resource
from frictionless import errors as ferrors
from frictionless.errors import Error
from frictionless.resources import TableResource
from frictionless.table import Row

from pueblaabierto.data import messages
from pueblaabierto.data.aggregate import FindingCollector, Rule
from pueblaabierto.data.cells import ColumnChecks, View, join_lines, line_numbers
from pueblaabierto.data.coordinates import CoordinateCheck
from pueblaabierto.data.personal import KINDS, AllowList, ColumnPolicy, mask, scan_text
from pueblaabierto.findings import Severity
from pueblaabierto.schemas.vocabularies import fold

CHUNK_ROWS = 20_000

PERSONAL_SUGGESTION = (
    "Los datos personales no pueden publicarse. Elimine la columna o esos valores, o sustitúyalos por datos "
    "agregados o disociados. Si el dato es público (por ejemplo, el RFC o el teléfono de una oficina), "
    "agréguelo al archivo permitidos.txt. El Enlace de Seguridad debe revisar este hallazgo."
)


def _personal_rule(kind: str) -> Rule:
    label = KINDS[kind].label
    return Rule(
        KINDS[kind].code,
        lambda c, r, n, s: f'La columna "{c}" contiene {n:,} {label} ({r}). Ejemplo enmascarado: {s}.',
        PERSONAL_SUGGESTION,
        Severity.ERROR,
    )


PERSONAL_RULES = {kind: _personal_rule(kind) for kind in KINDS}


def to_text(value: Any) -> str:
    """How a typed spreadsheet cell reads as text (ISO dates, integral floats as integers)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


@attrs.define(kw_only=True, repr=False)
class DataChecks(Check):
    """All FORM.317 data checks of a table, in one streaming pass."""

    type = "pueblaabierto-data"
    Errors = [ferrors.SourceError, ferrors.BlankHeaderError, ferrors.LabelError]

    # Runtime collaborators, not descriptor properties: typed Any because Frictionless'
    # Metadata machinery introspects attrs fields; set through create().
    columns: Any = None  # ColumnChecks
    collector: Any = None  # FindingCollector
    allow: Any = None  # AllowList
    terms: Any = None  # folded dictionary terms (multi-header detection)
    progress: Any = None  # Callable[[int], None] | None
    typed_cells: bool = False  # xlsx/ods cells are Python objects, not text

    _names: Any = None
    _policies: Any = None
    _rows: Any = None
    _raw: Any = None
    _numbers: Any = None
    _seen: Any = None
    second_header: Any = None  # names found in row 2 when it is a second header row
    _done: int = 0
    _first_chunk: bool = True
    _header_key: Any = None  # folded labels: the header repeated mid-table (page breaks)
    _first_label: Any = None
    _coordinates: Any = None  # CoordinateCheck | None
    _pending: Any = None  # blank/note rows that may be the notes under the table

    @classmethod
    def create(
        cls,
        *,
        columns: ColumnChecks,
        collector: FindingCollector,
        allow: AllowList,
        terms: Iterable[str],
        progress: Callable[[int], None] | None,
        typed_cells: bool,
    ) -> DataChecks:
        check = cls()
        check.columns, check.collector, check.allow = columns, collector, allow
        check.terms = {fold(t) for t in terms}
        check.progress, check.typed_cells = progress, typed_cells
        check._rows, check._raw, check._numbers, check._seen = [], [], [], set()
        check._pending = []
        return check

    @property
    def table(self) -> TableResource:
        """The resource being validated: Frictionless runs row checks on tables only."""
        return cast(TableResource, self.resource)

    def validate_start(self) -> Iterable[Error]:
        resource = self.table
        labels = resource.labels or []
        fields = self.columns.fields
        # Columns are named as the user wrote them; a nameless one by its position.
        self._names = [
            str(labels[i]) if i < len(labels) and str(labels[i]).strip() else f"columna {i + 1}"
            for i in range(len(fields))
        ]
        self.columns.names = self._names
        self._policies = [ColumnPolicy.for_column(name) for name in self._names]
        self._coordinates = CoordinateCheck.for_columns(self._names)
        self._header_key = "\x1f".join(fold(str(label)) for label in labels)
        self._first_label = str(labels[0]).strip().casefold() if labels else None
        # What baseline.validate_start reports: an empty source and header problems.
        if not (resource.labels or resource.fragment):
            return [ferrors.SourceError(note="the source is empty")]
        return list(resource.header.errors) if resource.header else []

    def validate_row(self, row: Row) -> Iterable[Error]:
        try:
            # Row.cells/row_number are functools.cached_property, which on Python 3.11
            # takes a lock on each first access: 2 of them per row cost ~15% of a 1M-row
            # run. Read the attributes they return; fall back if Frictionless renames them.
            cells, number = row._Row__cells, row._Row__row_number  # type: ignore[attr-defined]
        except AttributeError:
            cells, number = row.cells, row.row_number
        raw = None
        if self.typed_cells:
            raw, cells = cells, [to_text(c) for c in cells]
        # One string per row gives both the blank test and the duplicate key in C
        # (a row of n empty cells joins to n-1 separators; an empty CSV line has no cell).
        line = "\x1f".join(cells)
        if len(line) <= len(cells) - 1 or not cells:
            self._hold(number, None)
            return []
        # A note fills the first cell only: the joined row is that cell plus separators (O(1) test).
        if len(self._names) > 2 and len(line) - len(cells[0]) == len(cells) - 1 and _NOTE.match(cells[0]):
            self._hold(number, (cells, raw, cells[0]))
            return []
        if self._pending:
            self._release()
        self._data_row(number, cells, raw, line)
        return []

    def _hold(self, number: int, note: Any) -> None:
        """Blank and note-like rows wait: under the table they are its notes (one finding),
        between data rows they are ordinary rows."""
        self._pending.append((number, note))

    def _release(self) -> None:
        for number, note in self._pending:
            if note is None:
                self.collector.add(messages.BLANK_ROW, None, number)
            else:
                cells, raw, _ = note
                self._data_row(number, cells, raw, "\x1f".join(cells))
        self._pending = []

    def _data_row(self, number: int, cells: list[str], raw: list[Any] | None, line: str) -> None:
        width = len(self._names)
        if (
            cells
            and cells[0].strip().casefold() == self._first_label  # cheap test first: fold() costs per cell
            and len(cells) == width
            and "\x1f".join(fold(c) for c in cells) == self._header_key
        ):
            self.collector.add(REPEATED_HEADER, None, number, " | ".join(cells[:4]))
            return
        key = hash(line)
        if key in self._seen:
            self.collector.add(messages.DUPLICATE_ROW, None, number)
        else:
            self._seen.add(key)
        if len(cells) != width:
            # What baseline would report for these rows: extra cells, or missing ones.
            if len(cells) > width:
                self.collector.add(messages.EXTRA_CELL, None, number, str(cells[width])[:60])
            else:
                for name in self._names[len(cells) :]:
                    self.collector.add(messages.MISSING_CELL, name, number)
            cells = (list(cells) + [""] * width)[:width]
            if raw is not None:
                raw = (list(raw) + [None] * width)[:width]
        if raw is not None:
            self._raw.append(raw)
        self._rows.append(cells)
        self._numbers.append(number)
        if len(self._rows) >= CHUNK_ROWS:
            self._flush()

    @property
    def rows_read(self) -> int:
        """Non-blank data rows seen so far."""
        return self._done + len(self._rows or [])

    def validate_end(self) -> Iterable[Error]:
        notes = [(number, note[2]) for number, note in self._pending if note is not None]
        # Blank lines between the table and its notes are part of the notes block.
        for number, note in self._pending:
            if note is None and not notes:
                self.collector.add(messages.BLANK_ROW, None, number)
        for number, text in notes:
            self.collector.add(NOTES_UNDER_TABLE, None, number, text[:80])
        self._pending = []
        self._flush()
        self.columns.finish()
        return []

    # chunk processing -----------------------------------------------------------------

    def _flush(self) -> None:
        rows, numbers = self._rows, self._numbers
        if not rows:
            return
        raw = self._raw
        columns = list(zip(*rows, strict=True))  # rows were padded to the header width
        self.check_chunk(
            numbers,
            rows,
            ((join_lines(values), values.count(""), None) for values in columns),
            head=rows,
            raw_columns=[[r[index] for r in raw] for index in range(len(columns))] if raw else None,
        )
        self._rows, self._numbers, self._raw = [], [], []

    def check_chunk(
        self,
        numbers: list[int],
        rows: Sequence[Sequence[str]],
        columns: Iterable[tuple[str, int, View | None]],
        *,
        head: Sequence[Sequence[str]],
        raw_columns: list[list[Any]] | None = None,
        coordinates: Callable[[], None] | None = None,
    ) -> None:
        """The column-wise checks of one chunk of data rows, whatever read them.

        ``numbers``: the file row of each data row; ``rows[i]``: the cells of data row i
        (only read for the few candidates: totals labels, coordinates); ``columns``: per
        column, its values one per line (``join_lines``), how many are empty, and the
        prefilter of its lines when the text is not built (cells.View); ``head``: the
        chunk's first rows (at least 201, or all), for the second-header test of the first
        chunk; ``coordinates``: runs the coordinate check of the chunk (default: row by row
        over ``rows``). The columnar reader (columnar.py) calls this with Arrow-built
        views; the Frictionless row stream through ``_flush``."""
        if self._first_chunk:
            self._first_chunk = False
            self._detect_second_header(head, numbers)
        fields = self.columns.fields
        if self._coordinates is not None:
            if coordinates is None:
                self._coordinates.check_chunk(rows, numbers, self.collector)
            else:
                coordinates()
        for index, (text, empty, view) in enumerate(columns):
            self.columns.check_chunk(
                index, text, empty, numbers, raw_columns[index] if raw_columns else None, rows, view
            )
            name = self._names[index]
            kind = fields[index].type if index < len(fields) else "string"
            formulas = text if view is None else view("formula")[0]
            # Every formula shape needs one of these: a column of negative numbers never pays.
            if "=" in formulas or "(" in formulas or "|" in formulas or "!" in formulas:
                positions = None if view is None else view("formula")[1]
                for match, line in _formula_lines(formulas):
                    at = line if positions is None else positions[line]
                    self.collector.add(FORMULA_TEXT, name, numbers[at], match.group().strip()[:60])
            for hit in scan_text(text, self._policies[index], self.allow, kind, view):
                self.collector.add(PERSONAL_RULES[hit.kind], name, numbers[hit.line], mask(hit.kind, hit.value))
        self._done += len(numbers)
        if self.progress:
            self.progress(self._done)

    def _detect_second_header(self, rows: Sequence[Sequence[str]], numbers: list[int]) -> None:
        """Row 2 that names columns is a second header row, not data: it holds dictionary
        terms, or text above columns whose values (rows 3+) are numbers or dates while
        the header has gaps (a grouped header). Frictionless cannot tell: the text in
        row 2 even makes it infer those columns as text."""
        header_rows = self.resource.dialect.header_rows or [1]
        if not numbers or numbers[0] != header_rows[-1] + 1 or len(rows) < 2:
            return
        texts = [str(c).strip() for c in rows[0]]
        nonempty = [t for t in texts if t]
        if len(nonempty) < 2 or any(_NUMERIC_OR_DATE.fullmatch(t) for t in nonempty):
            return
        named = sum(1 for t in nonempty if fold(t) in self.terms)
        below = rows[1:201]
        numeric_columns = []
        for index in range(len(texts)):
            values = [str(r[index]).strip() for r in below if str(r[index]).strip()]
            if values and sum(1 for v in values if _NUMERIC_OR_DATE.fullmatch(v)) >= 0.8 * len(values):
                numeric_columns.append(index)
        text_over_numbers = sum(1 for i in numeric_columns if texts[i])
        labels = self.table.labels or []
        header_gaps = sum(1 for label in labels if not str(label).strip())
        grouped = bool(numeric_columns) and text_over_numbers * 2 >= len(numeric_columns)
        if named >= 2 or (grouped and (header_gaps or text_over_numbers >= 2)):
            self.columns.skip_rows.add(numbers[0])
            self.second_header = nonempty
            self.collector.add(SECOND_HEADER, None, numbers[0], " | ".join(nonempty[:6]))


# A lone text under the table: "Nota:", "Fuente:", "* Cifras preliminares", "Elaboró: ...".
_NOTE = re.compile(
    r"\s*(?:\*|\(\d\)|nota|notas|fuente|fuentes|elabor[oó]|elaborado|revis[oó]|autoriz[oó]|observaci[oó]n|"
    r"observaciones|cifras|informaci[oó]n|datos|fecha de (?:corte|actualizaci[oó]n|elaboraci[oó]n)|"
    r"[uú]ltima actualizaci[oó]n|p/|n\.?d\.?\s*[:=]|s/d\s*[:=])",
    re.IGNORECASE,
)
# Cells a spreadsheet would run as a formula when the published CSV is opened
# (CSV/formula injection): "=...", "@SUM(...)", "+cmd|...", "-2+3+cmd|' /C calc'!A0".
# A negative number, "+52 222..." or "- sin dato" are not formulas.
_FORMULA_LINE = re.compile(
    r"^[ \t]*(?:=[^\n]*[^\s=][^\n]*|[@+\-][^\n]*[(|!][^\n]*|[+\-][ \t]*[A-Za-z_]+\([^\n]*)$", re.MULTILINE
)


def _formula_lines(text: str) -> list[tuple[re.Match[str], int]]:
    matches = list(_FORMULA_LINE.finditer(text))
    return list(zip(matches, line_numbers(text, matches), strict=True))


REPEATED_HEADER = Rule(
    "encabezado-repetido",
    lambda c, r, n, s: (
        f"El encabezado se repite dentro de la tabla ({r}: {s}), como pasa al copiar un reporte impreso por "
        "páginas. Esas filas no son datos y no se revisaron como tales."
    ),
    "Borre las filas que repiten el encabezado; deje solo la fila 1.",
)
NOTES_UNDER_TABLE = Rule(
    "notas-bajo-la-tabla",
    lambda c, r, n, s: (
        f"Debajo de la tabla hay {n:,} fila(s) de notas ({r}: {s}). No son datos: no se revisaron como filas."
    ),
    "Borre las notas del archivo de datos y escríbalas en la Descripción del Recurso o del Dataset en el FORM.317 "
    "(la fuente, las cifras preliminares, quién elaboró).",
)
FORMULA_TEXT = Rule(
    "celda-con-formula",
    lambda c, r, n, s: (
        f'La columna "{c}" tiene {n:,} valor(es) que una hoja de cálculo ejecutaría como fórmula al abrir el '
        f"archivo ({r}): {s}."
    ),
    "Quite el signo inicial (=, +, -, @) o ponga un apóstrofo antes (') si el texto debe empezar así. Una "
    "fórmula en un archivo publicado puede ejecutar programas o enviar datos en la computadora de quien lo abre.",
)


_NUMERIC_OR_DATE = re.compile(r"[-+$]?\s*[\d.,]+\s*%?|\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}(?:[ T][\d:.]+)?")


SECOND_HEADER = Rule(
    "varias-filas-encabezado",
    lambda c, r, n, s: (
        f"La {r} contiene nombres de columna ({s}), no datos: el encabezado ocupa más de una fila o no empieza "
        "en la fila 1."
    ),
    "Deje una sola fila de encabezado (la fila 1) con un nombre por columna, igual al Término del Diccionario "
    "de Datos; combine los títulos de grupo en el nombre (por ejemplo «ubicacion_latitud») y elimine la otra fila.",
)


@attrs.define(kw_only=True, repr=False)
class StreamingChecklist(Checklist):
    """A checklist whose checks replace Frictionless' cell-parsing ``baseline`` (module doc)."""

    def connect(self, resource: Resource) -> list[Check]:
        for check in self.checks:
            check.connect(resource)
        return list(self.checks)
