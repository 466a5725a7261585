"""Load a workbook's sheets as plain grids of cell values, whatever the file type.

Only the file-format concerns live here (which types are accepted, how each is opened,
what a user is told when it cannot be); the reader never sees openpyxl or pandas.
"""

from __future__ import annotations

import math
from datetime import datetime
from pathlib import Path
from typing import Any

from pueblaabierto.errors import UnusableInput

Grid = list[list[Any]]  # rows of values; grid[0] is sheet row 1

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


def load_grids(path: Path) -> dict[str, Grid]:
    """Sheet name -> grid, in workbook order. Raises UnusableInput with a Spanish message."""
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
        return _load_xlsx(path)
    if suffix == ".ods":
        return _load_ods(path)
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


def _load_xlsx(path: Path) -> dict[str, Grid]:
    from openpyxl import load_workbook

    try:
        # Not read-only: forms are small, and the normal mode keeps every row's position.
        workbook = load_workbook(path, data_only=True)
    except Exception as exc:  # zipfile, lxml and openpyxl raise many types for damaged files
        raise _unreadable(path, exc) from exc
    grids: dict[str, Grid] = {}
    for ws in workbook.worksheets:
        grids[ws.title] = [list(row) for row in ws.iter_rows(values_only=True)]
    return grids


def _load_ods(path: Path) -> dict[str, Grid]:
    import pandas as pd

    try:
        frames = pd.read_excel(path, sheet_name=None, header=None, engine="odf")
    except Exception as exc:  # odfpy and pandas raise many types for damaged files
        raise _unreadable(path, exc) from exc
    return {
        str(name): [[_plain(value) for value in row] for row in frame.itertuples(index=False)]
        for name, frame in frames.items()
    }


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
