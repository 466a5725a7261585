"""A FORM.317 submission as typed records that remember where each value was read.

Attribute names are the fields' CKAN keys from the registry (schemas/dataset.yaml,
schemas/dependencia.yaml): ``Recurso.fecha_inicio`` is the resource's ``fecha_inicio`` in the
portal. The ID columns that relate sheets (``id_dependencia`` of a Dataset row, ``id_dataset``
of a Recurso or Diccionario row) keep the key of the field they refer to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pueblaabierto.findings import Finding
from pueblaabierto.schemas.vocabularies import fold


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
    title: str | None = None
    description: str | None = None
    image_url: str | None = None  # the logo's file name, delivered with the workbook


@dataclass(kw_only=True)
class Dataset(Row):
    id_dataset: str | None = None
    title: str | None = None
    notes: str | None = None
    tag_string: str | None = None
    id_dependencia: str | None = None
    tema: str | None = None  # vocabulary value when recognised, else the text as written
    frecuencia: str | None = None
    responsable_nombre: str | None = None
    responsable_correo: str | None = None

    @property
    def tags(self) -> list[str]:
        """The Etiquetas, separated by commas (or semicolons, as Excel users often write them)."""
        return [tag.strip() for tag in (self.tag_string or "").replace(";", ",").split(",") if tag.strip()]


@dataclass(kw_only=True)
class Recurso(Row):
    nombre_archivo: str | None = None
    tipo_visualizacion: str | None = None
    name: str | None = None
    fecha_inicio: date | None = None
    fecha_fin: date | None = None
    id_dataset: str | None = None
    format: str | None = None

    def is_named(self, text: object) -> bool:
        """Whether ``text`` (a Diccionario entry's «Recurso») names this resource: its file name
        with or without extension, or its Nombre del Recurso; case, accents and spacing aside."""
        wanted = fold(str(text or ""))
        if not wanted:
            return False
        archivo = self.nombre_archivo or ""
        names = {fold(archivo), fold(self.name or ""), fold(Path(archivo).stem) if archivo else ""} - {""}
        return wanted in names


@dataclass(kw_only=True)
class DictionaryEntry(Row):
    id_dataset: str | None = None
    termino: str | None = None
    descripcion: str | None = None
    recurso: str | None = None  # optional column «Recurso»: the one resource the term describes


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
        """The data dictionary of one dataset, every resource's terms together: term -> description."""
        return {
            entry.termino: entry.descripcion or ""
            for entry in self.diccionario
            if entry.id_dataset == id_dataset and entry.termino
        }

    def resource_of(self, entry: DictionaryEntry) -> Recurso | None:
        """The resource of its dataset that ``entry``'s «Recurso» names; None when it names none
        (blank, or a name no resource of the dataset has)."""
        if not entry.recurso:
            return None
        return next(
            (r for r in self.recursos if r.id_dataset == entry.id_dataset and r.is_named(entry.recurso)), None
        )
