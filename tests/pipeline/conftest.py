"""Fixtures for the FORM.317 pipeline tests: real workbooks written with openpyxl."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from PIL import Image
from pueblaabierto.workbook import spec
from pueblaabierto.workbook.template import build_template

REPO = Path(__file__).resolve().parents[2]
EJEMPLOS = REPO / "dataset_forms" / "ejemplos"


MERCADOS_CSV = b"mercado,locales\nMercado 5 de Mayo,412\nMercado Zaragoza,238\n"


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "#7A1F3D").save(buffer, format="PNG")
    return buffer.getvalue()


def valid_rows() -> dict[str, list[list[object]]]:
    """A complete, valid submission: one dependencia, one dataset, one CSV resource."""
    return {
        spec.DEPENDENCIA.name: [[12, "Secretaría de Infraestructura y Servicios Públicos",
                                 "Presta los servicios públicos municipales.", "logo.png"]],
        spec.DATASET.name: [[1, "Mercados municipales", "Mercados de Puebla y sus locales.", "mercados, abasto",
                             12, "Economía y Empleo", "anual", "Pedro Juárez Soto",
                             "pedro.juarez@pueblacapital.gob.mx"]],
        spec.RECURSO.name: [["mercados.csv", "Tabla", "Mercados 2024", date(2024, 1, 1), date(2024, 12, 31), 1,
                             "CSV"]],
        spec.DICCIONARIO.name: [[1, "mercado", "Nombre del mercado."], [1, "locales", "Número de locales."]],
    }


@pytest.fixture
def make_submission(tmp_path: Path) -> Callable[..., Path]:
    """Write a FORM.317 from the template, with ``rows`` per sheet, plus its files; return its path.

    ``changes`` maps "Sheet!A2" to a value to overwrite a single cell after the rows are written.
    """

    def make(
        rows: dict[str, list[list[object]]] | None = None,
        *,
        changes: dict[str, object] | None = None,
        files: dict[str, bytes] | None = None,
        name: str = "FORM.317.xlsx",
    ) -> Path:
        workbook = build_template()
        for sheet, sheet_rows in (rows or valid_rows()).items():
            for row_number, values in enumerate(sheet_rows, start=2):
                for column, value in enumerate(values, start=1):
                    workbook[sheet].cell(row=row_number, column=column, value=value)
        for ref, value in (changes or {}).items():
            sheet, cell = ref.split("!")
            workbook[sheet][cell] = value
        path = tmp_path / name
        workbook.save(path)
        default_files = {"logo.png": png_bytes(), "mercados.csv": MERCADOS_CSV}
        for file_name, content in (default_files if files is None else files).items():
            (tmp_path / file_name).write_bytes(content)
        return path

    return make


HEADERS_BY_SHEET: dict[str, list[str]] = {sheet.name: [f.header for f in sheet.fields] for sheet in spec.DATA_SHEETS}
