"""CSV cells that cannot turn into spreadsheet formulas (OWASP "CSV Injection").

Excel, LibreOffice and Google Sheets evaluate a cell starting with ``=``, ``+``, ``-`` or
``@`` (and tab/carriage return tricks around them) as a formula: an observation written by a
liaison or a dataset title could run on an auditor's machine. Such cells get a leading
apostrophe, which spreadsheets show as text and people read unchanged.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO, Any

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value: Any) -> Any:
    """The cell as it is safe to write; non-text values pass unchanged."""
    if isinstance(value, str) and value.startswith(TRIGGERS):
        return "'" + value
    return value


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [neutralize(value) for value in row]


class SafeWriter:
    """``csv.writer`` whose every cell goes through :func:`neutralize`."""

    def __init__(self, stream: IO[str], **kwargs: Any) -> None:
        self._writer = csv.writer(stream, **kwargs)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)
