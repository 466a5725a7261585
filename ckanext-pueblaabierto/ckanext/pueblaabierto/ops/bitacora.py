"""The bitácora: one CSV line per backup, verification, restore or removal, never rewritten.

The municipality's backup procedure asks for date and time, frequency, type (completo,
incremental, diferencial), system name and storage location; we add the operation, its result
and a detail line, and who ran it. CSV so it opens in a spreadsheet for an audit; cells go
through security/csv_safe.py (a location or detail starting with ``=`` is no formula there).
"""

from __future__ import annotations

import csv
import getpass
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from ..security.csv_safe import SafeWriter

FILE_NAME = "bitacora.csv"
COLUMNS = [
    "fecha_hora", "operacion", "tipo", "frecuencia", "sistema", "ubicacion", "resultado", "detalle", "usuario",
]


@dataclass
class Bitacora:
    path: Path

    def record(
        self, operation: str, kind: str, frequency: str, system: str, location: str, result: str, detail: str
    ) -> dict[str, str]:
        row = {
            "fecha_hora": datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds"),
            "operacion": operation,
            "tipo": kind,
            "frecuencia": frequency,
            "sistema": system,
            "ubicacion": location,
            "resultado": result,
            "detalle": detail,
            "usuario": _user(),
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        new = not self.path.exists()
        # O_APPEND: a line from the timer and one from a person never interleave.
        with open(self.path, "a", encoding="utf-8", newline="") as handle:
            writer = SafeWriter(handle)
            if new:
                writer.writerow(COLUMNS)
            writer.writerow(row[column] for column in COLUMNS)
        return row

    def rows(self) -> list[dict[str, str]]:
        if not self.path.exists():
            return []
        with open(self.path, encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return str(os.getuid())
