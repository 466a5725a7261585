"""A FORM.317 submission as typed records that remember where each value was read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pueblaabierto.findings import Finding


@dataclass(kw_only=True)
class Row:
    """One filled row of a sheet; ``columns`` maps a field key to the letter it was found in."""

    sheet: str
    row: int
    columns: dict[str, str] = field(default_factory=dict, repr=False)
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    def column(self, key: str) -> str | None:
        return self.columns.get(key)

    def is_blank(self, key: str) -> bool:
        value = self.raw.get(key)
        return value is None or (isinstance(value, str) and not value.strip())


@dataclass(kw_only=True)
class Dependencia(Row):
    id_dependencia: str | None = None
    nombre: str | None = None
    descripcion: str | None = None
    logo: str | None = None


@dataclass(kw_only=True)
class Dataset(Row):
    id_dataset: str | None = None
    nombre: str | None = None
    descripcion: str | None = None
    etiquetas: list[str] = field(default_factory=list)
    id_dependencia: str | None = None
    tema: str | None = None  # vocabulary value when recognised, else the text as written
    frecuencia: str | None = None
    responsable: str | None = None
    correo: str | None = None


@dataclass(kw_only=True)
class Recurso(Row):
    archivo: str | None = None
    tipo_visualizacion: str | None = None
    nombre: str | None = None
    fecha_inicial: date | None = None
    fecha_final: date | None = None
    id_dataset: str | None = None
    formato: str | None = None


@dataclass(kw_only=True)
class DictionaryEntry(Row):
    id_dataset: str | None = None
    termino: str | None = None
    descripcion: str | None = None


@dataclass
class Submission:
    path: Path
    dependencias: list[Dependencia] = field(default_factory=list)
    datasets: list[Dataset] = field(default_factory=list)
    recursos: list[Recurso] = field(default_factory=list)
    diccionario: list[DictionaryEntry] = field(default_factory=list)
    # What reading found (missing sheets, extra columns, unreadable dates...).
    findings: list[Finding] = field(default_factory=list)
    # Spec sheet key -> the sheet's name as written in this workbook.
    sheet_names: dict[str, str] = field(default_factory=dict)

    def terms_for(self, id_dataset: str | None) -> dict[str, str]:
        """The data dictionary of one dataset: term -> description."""
        return {
            entry.termino: entry.descripcion or ""
            for entry in self.diccionario
            if entry.id_dataset == id_dataset and entry.termino
        }
