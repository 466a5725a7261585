"""Open a streamed XLSX sheet without reading it all when it does not declare its size.

openpyxl's read-only mode asks each sheet for ``<dimension>`` when the sheet is opened. Excel
always writes that element; some exporters do not, and then openpyxl 3.1's
``WorkSheetParser.parse_dimensions`` walks the whole ``<sheetData>`` looking for it, because it
listens to element *end* events and ``<sheetData>`` ends at the bottom of the sheet. A FORM.317
with a pasted 250,000-row sheet took 62 s to open that way, before a single row was read
(benchmarks/validate/MEMORY.md). ``<dimension>`` can only come before ``<sheetData>`` (the
schema orders them), so listening to *start* events finds it, or its absence, at the top.

``install()`` replaces that one method, idempotently; the pipeline installs it on import so
every reader (ours and Frictionless's) opens such a sheet in milliseconds. The rows read
afterwards are the same: only the size lookup changes, and every reader here calls
``reset_dimensions()`` and reads what is there anyway.
"""

from __future__ import annotations

from typing import Any

from openpyxl.worksheet import _reader
from openpyxl.worksheet.dimensions import SheetDimension
from openpyxl.xml.functions import iterparse


def parse_dimensions(self: Any) -> tuple[int, int, int, int] | None:
    """The sheet's declared boundaries, or None, reading only up to ``<sheetData>``'s start."""
    for _event, element in iterparse(self.source, events=("start",)):
        if element.tag == _reader.DIMENSION_TAG:
            boundaries: tuple[int, int, int, int] = SheetDimension.from_tree(element).boundaries
            return boundaries
        if element.tag == _reader.DATA_TAG:
            return None
    return None


def install() -> None:
    _reader.WorkSheetParser.parse_dimensions = parse_dimensions
