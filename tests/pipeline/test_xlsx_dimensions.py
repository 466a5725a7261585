"""A sheet without ``<dimension>`` opens without reading its rows (pueblaabierto/xlsx_dimensions.py)."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.worksheet._reader import WorkSheetParser
from pueblaabierto.workbook.grid import load_grids

ROWS = 20_000


class CountingReader(io.BytesIO):
    """The sheet's XML, counting how much of it a parser reads."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.read_bytes = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.read_bytes += len(chunk)
        return chunk


def _workbooks(tmp_path: Path) -> tuple[Path, Path]:
    """The same workbook twice: as openpyxl writes it and without ``<dimension>`` in any sheet."""
    book = Workbook()
    book.active.title = "Dataset"
    book.active.append(["Nombre del Dataset", "Descripción"])
    book.active.append(["Obras públicas", "Obras del municipio"])
    pasted = book.create_sheet("Pegado")
    for i in range(ROWS):
        pasted.append([i, f"colonia {i % 300}", "2024-01-31", 12.5, "texto libre de la solicitud"])
    declared = tmp_path / "declarada.xlsx"
    book.save(declared)
    undeclared = tmp_path / "sin-dimension.xlsx"
    with zipfile.ZipFile(declared) as source, zipfile.ZipFile(undeclared, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rb"<dimension [^>]*/>", b"", data)
                assert b"<dimension" not in data
            target.writestr(item, data)
    return declared, undeclared


def test_the_size_lookup_stops_at_the_top_of_the_sheet(tmp_path):
    _, undeclared = _workbooks(tmp_path)
    with zipfile.ZipFile(undeclared) as book:
        xml = book.read("xl/worksheets/sheet2.xml")
    source = CountingReader(xml)
    assert WorkSheetParser(source, []).parse_dimensions() is None
    # openpyxl alone parses the whole <sheetData> (5.6 MB here) before answering.
    assert source.read_bytes < 70_000 < len(xml), (source.read_bytes, len(xml))


def test_declared_dimensions_are_still_read(tmp_path):
    declared, _ = _workbooks(tmp_path)
    with zipfile.ZipFile(declared) as book:
        xml = book.read("xl/worksheets/sheet2.xml")
    assert WorkSheetParser(io.BytesIO(xml), []).parse_dimensions() == (1, 1, 5, ROWS)


def test_both_workbooks_read_the_same_cells(tmp_path):
    declared, undeclared = _workbooks(tmp_path)
    with_size, without_size = load_grids(declared), load_grids(undeclared)
    assert dict(with_size) == dict(without_size)
    assert without_size["Dataset"][1] == ["Obras públicas", "Obras del municipio"]
    assert len(without_size["Pegado"]) == min(ROWS, 5_000)
