"""The Frictionless Check that runs all our row/cell checks in Frictionless' own pass.

``Resource.validate`` reads the file once; this check receives every row there
(``validate_row``), buffers rows into chunks and, per chunk, runs the column-wise checks
(cells.py) and the personal-data scan (personal.py). Frictionless' own row errors
(blank row, extra/missing cell) are read from ``row.errors`` and aggregated per column
instead of being accumulated one Error object per cell: the checklist skips ``#row``
errors, so the report only carries file/header errors, in constant memory.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

import attrs
from frictionless import Check
from frictionless.errors import Error
from frictionless.table import Row

from pueblaabierto.data import messages
from pueblaabierto.data.aggregate import FindingCollector, Rule
from pueblaabierto.data.cells import ColumnChecks, join_lines
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
    Errors = []  # noqa: RUF012 - Frictionless' own class attribute

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
    _done: int = 0
    _first_chunk: bool = True

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
        return check

    def validate_start(self) -> Iterable[Error]:
        labels = self.resource.labels or []
        fields = self.columns.fields
        self._names = [fld.name if i >= len(labels) or not labels[i] else labels[i] for i, fld in enumerate(fields)]
        self._policies = [ColumnPolicy.for_column(name) for name in self._names]
        return []

    def validate_row(self, row: Row) -> Iterable[Error]:
        number = row.row_number
        blank = False
        for error in row.errors:
            if error.type == "blank-row":
                blank = True
            column = getattr(error, "field_name", None) if error.type != "extra-cell" else None
            self.collector.add(messages.cell_rule(error.type), column, number, getattr(error, "cell", None) or None)
        if blank:
            return []
        cells = row.cells
        width = len(self._names)
        if len(cells) != width:
            pad = None if self.typed_cells else ""
            cells = (list(cells) + [pad] * width)[:width]
        if self.typed_cells:
            self._raw.append(cells)
            cells = [to_text(c) for c in cells]
        key = hash(tuple(cells))
        if key in self._seen:
            self.collector.add(messages.DUPLICATE_ROW, None, number)
        else:
            self._seen.add(key)
        self._rows.append(cells)
        self._numbers.append(number)
        if len(self._rows) >= CHUNK_ROWS:
            self._flush()
        return []

    def validate_end(self) -> Iterable[Error]:
        self._flush()
        self.columns.finish()
        return []

    # chunk processing -----------------------------------------------------------------

    def _flush(self) -> None:
        rows, numbers = self._rows, self._numbers
        if not rows:
            return
        if self._first_chunk:
            self._first_chunk = False
            self._detect_second_header(rows[0], numbers[0])
        raw = self._raw
        columns = list(zip(*rows, strict=True))  # rows were padded to the header width
        for index, values in enumerate(columns):
            text = join_lines(values)
            self.columns.check_chunk(
                index, text, values.count(""), numbers, [r[index] for r in raw] if raw else None, rows
            )
            name = self._names[index]
            for hit in scan_text(text, self._policies[index], self.allow):
                self.collector.add(PERSONAL_RULES[hit.kind], name, numbers[hit.line], mask(hit.kind, hit.value))
        self._done += len(rows)
        self._rows, self._numbers, self._raw = [], [], []
        if self.progress:
            self.progress(self._done)

    def _detect_second_header(self, cells: list[str], number: int) -> None:
        """Row 2 that names columns (dictionary terms, or text under numeric/date
        columns while the header has gaps) is a second header row, not data."""
        if number != 2:
            return
        fields = self.columns.fields
        texts = [str(c).strip() for c in cells]
        nonempty = [t for t in texts if t]
        if len(nonempty) < 2 or any(t.replace(".", "").replace(",", "").isdigit() for t in nonempty):
            return
        named = sum(1 for t in nonempty if fold(t) in self.terms)
        typed = [i for i, f in enumerate(fields) if f.type not in ("string", "any")]
        texts_in_typed = sum(1 for i in typed if i < len(texts) and texts[i])
        labels = self.resource.labels or []
        header_gaps = sum(1 for label in labels if not str(label).strip())
        if named >= 2 or (typed and texts_in_typed * 2 >= len(typed) and (header_gaps or named)):
            self.columns.skip_rows.add(number)
            self.collector.add(SECOND_HEADER, None, number, " | ".join(nonempty[:6]))


SECOND_HEADER = Rule(
    "varias-filas-encabezado",
    lambda c, r, n, s: f"El encabezado ocupa más de una fila: la {r} contiene nombres de columna ({s}), no datos.",
    "Deje una sola fila de encabezado (la fila 1) con un nombre por columna, igual al Término del Diccionario "
    "de Datos; combine los títulos de grupo en el nombre (por ejemplo «ubicacion_latitud») y elimine la otra fila.",
)
