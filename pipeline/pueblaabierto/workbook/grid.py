"""Load a workbook's sheets as plain grids of cell values, whatever the file type.

Only the file-format concerns live here (which types are accepted, how each is opened,
what a user is told when it cannot be); the reader never sees openpyxl or pandas.
"""

from __future__ import annotations

import math
from datetime import datetime
from pathlib import Path
from typing import Any

from pueblaabierto.data.limits import DEFAULT_LIMITS
from pueblaabierto.errors import UnusableInput
from pueblaabierto.findings import Finding

Grid = list[list[Any]]  # rows of values; grid[0] is sheet row 1

# Rows of any one sheet read into memory (Limits.max_form_sheet_rows, the one declaration):
# the FORM.317 sheets have tens of rows; a pasted 250,000-row sheet is only looked at, never loaded.
MAX_SHEET_ROWS = DEFAULT_LIMITS.max_form_sheet_rows


class Grids(dict[str, Grid]):
    """Sheet name -> grid, plus the sheets cut at the row limit (name -> rows read)."""

    truncated: dict[str, int]

    def __init__(self) -> None:
        super().__init__()
        self.truncated = {}


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 (.xls)

_NOT_ACCEPTED = {
    ".xls": "es un libro de Excel 97-2003 (.xls)",
    ".xlsm": "es un libro de Excel con macros (.xlsm)",
    ".xlsb": "es un libro binario de Excel (.xlsb)",
    ".csv": "es un archivo CSV, que solo tiene una hoja",
}
SAVE_AS = (
    "Ábralo en Excel o LibreOffice, quite la contraseña si tiene, y use «Guardar como» → «Libro de Excel (.xlsx)», "
    "o descargue una plantilla nueva con: pueblaabierto plantilla FORMATO.xlsx"
)


def truncated_finding(sheet: str, rows: int) -> Finding:
    """An official sheet longer than any FORM.317 should be: the rest was not read."""
    return Finding(
        code="hoja-demasiado-larga",
        sheet=sheet,
        row=rows + 1,
        message=f"La pestaña «{sheet}» tiene más de {rows:,} filas; solo se leyeron las primeras {rows:,}.",
        suggestion=(
            "Un FORM.317 describe conjuntos y recursos, no contiene los datos: borre las filas pegadas por error "
            "y entregue los datos como archivos aparte (Recursos)."
        ),
    )


def load_grids(path: Path, max_rows: int = MAX_SHEET_ROWS) -> Grids:
    """Sheet name -> grid, in workbook order, each cut at ``max_rows`` rows.
    Raises UnusableInput with a Spanish message."""
    name = path.name
    if not path.exists():
        raise UnusableInput(
            "formulario-no-encontrado",
            f"No se encontró el formulario «{path}».",
            "Revise la ruta y el nombre del archivo.",
            file=name,
        )
    if path.is_dir():
        raise UnusableInput(
            "formulario-no-encontrado",
            f"«{path}» es una carpeta, no un formulario.",
            "Indique el archivo .xlsx del FORM.317; la carpeta de datos va en --datos.",
            file=name,
        )
    suffix = path.suffix.lower()
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise _unreadable(path, exc) from exc
    if suffix in _NOT_ACCEPTED or (suffix == ".xlsx" and head == _OLE_MAGIC):
        # Excel also wraps password-protected .xlsx files in this old container.
        what = _NOT_ACCEPTED.get(
            suffix, "es en realidad un libro de Excel 97-2003 renombrado a .xlsx, o está protegido con contraseña"
        )
        raise UnusableInput(
            "formato-no-admitido",
            f"El formulario «{name}» {what}; solo se aceptan libros .xlsx u .ods.",
            SAVE_AS,
            file=name,
        )
    if suffix == ".xlsx":
        return _load_xlsx(path, max_rows)
    if suffix == ".ods":
        return _load_ods(path, max_rows)
    raise UnusableInput(
        "formato-no-admitido",
        f"El formulario «{name}» no es un libro de Excel (.xlsx) ni de LibreOffice (.ods).",
        SAVE_AS,
        file=name,
    )


def _unreadable(path: Path, exc: Exception) -> UnusableInput:
    if isinstance(exc, PermissionError):
        return UnusableInput(
            "formulario-ilegible",
            f"No hay permiso para leer «{path.name}».",
            "Cierre el archivo si está abierto en otro programa y revise sus permisos.",
            file=path.name,
        )
    return UnusableInput(
        "formulario-ilegible",
        f"No se pudo leer «{path.name}»: el archivo está dañado o no es un libro de cálculo.",
        SAVE_AS,
        file=path.name,
    )


def _load_xlsx(path: Path, max_rows: int) -> Grids:
    from openpyxl import load_workbook

    grids = Grids()
    try:
        # Read-only (streaming) mode: each sheet's XML is parsed row by row and we stop at
        # max_rows, so an extra sheet with 250,000 pasted rows costs nothing (the normal mode
        # builds a Cell object per cell: 904 MB for a 9 MB workbook). Empty rows still come
        # as empty tuples, so every row keeps its position.
        workbook = load_workbook(path, data_only=True, read_only=True)
        try:
            for ws in workbook.worksheets:
                ws.reset_dimensions()  # some tools write a wrong <dimension>: read what is there
                grid: Grid = []
                for row in ws.iter_rows(values_only=True):
                    if len(grid) >= max_rows:
                        grids.truncated[ws.title] = max_rows
                        break
                    grid.append(_trim(list(row)))
                grids[ws.title] = grid
        finally:
            workbook.close()
    except UnusableInput:
        raise
    except Exception as exc:  # zipfile, lxml and openpyxl raise many types for damaged files
        raise _unreadable(path, exc) from exc
    return grids


def _trim(row: list[Any]) -> list[Any]:
    """Without trailing empty cells (read-only rows run to the last formatted column)."""
    end = len(row)
    while end and row[end - 1] is None:
        end -= 1
    return row[:end]


def _load_ods(path: Path, max_rows: int) -> Grids:
    import pandas as pd

    try:
        frames = pd.read_excel(path, sheet_name=None, header=None, engine="odf", nrows=max_rows + 1)
    except Exception as exc:  # odfpy and pandas raise many types for damaged files
        raise _unreadable(path, exc) from exc
    grids = Grids()
    for name, frame in frames.items():
        if len(frame) > max_rows:
            grids.truncated[str(name)] = max_rows
            frame = frame.iloc[:max_rows]
        grids[str(name)] = [[_plain(value) for value in row] for row in frame.itertuples(index=False)]
    return grids


def _plain(value: Any) -> Any:
    """pandas/numpy scalars -> the Python values openpyxl would give."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "to_pydatetime"):
        return value.to_pydatetime()
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, str) and len(value) >= 19:
        # pandas' ODS reader hands date cells over as ISO text with a time part.
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return value
    return value
