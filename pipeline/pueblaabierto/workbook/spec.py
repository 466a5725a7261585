"""The layout of FORM.317/SECATI/012224 for the template, the reader and the checks.

The fields themselves (headers, definitions, aliases, widths, rules) are not written here:
they come from the registry, the ``form317`` blocks of schemas/dataset.yaml and
schemas/dependencia.yaml (pueblaabierto.schemas.form317; the form is described in
docs/form317.md). The template writes those headers, the reader recognises them (and their
aliases), and findings quote them so an enlace reads the same words they see in Excel.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pueblaabierto.schemas import form317
from pueblaabierto.schemas.form317 import Form317Field, Kind, SheetSpec
from pueblaabierto.schemas.vocabularies import fold

__all__ = [
    "DATASET", "DATA_SHEETS", "DEPENDENCIA", "DICCIONARIO", "FieldSpec", "HeaderIndex", "INFORMATIVE_SHEETS",
    "INSTRUCTIVO_NAME", "Kind", "RECURSO", "SheetSpec", "TIPOS_DE_DATOS", "TIPO_DE_DATOS_NAME", "normalize_name",
]

FieldSpec = Form317Field

_FILLER = {"de", "del", "la", "el", "los", "las", "o", "y", "que", "a", "en"}


def normalize_name(text: object) -> str:
    """Compare sheet and header names the way people mistype them.

    Case, accents, punctuation, spacing and filler words are ignored, so
    "Id dependencia" and "ID de Dependencia" are the same header.
    """
    words = re.sub(r"[^a-z0-9]+", " ", fold(str(text))).split()
    return " ".join(word for word in words if word not in _FILLER)


DEPENDENCIA = form317.sheet("dependencia")
DATASET = form317.sheet("dataset")
RECURSO = form317.sheet("recurso")
DICCIONARIO = form317.sheet("diccionario")

# Catalogue and instructions: written by the template, never required in a submission.
TIPO_DE_DATOS_NAME = "Tipo de Datos"
INSTRUCTIVO_NAME = "Instructivo"

DATA_SHEETS: tuple[SheetSpec, ...] = (DEPENDENCIA, DATASET, RECURSO, DICCIONARIO)
INFORMATIVE_SHEETS: tuple[str, ...] = (INSTRUCTIVO_NAME, TIPO_DE_DATOS_NAME)

# The "tipos de datos" of greatest use, as the form explains them.
TIPOS_DE_DATOS: tuple[tuple[str, str], ...] = (
    ("Geoespaciales", "¿Pueden referenciarse en un mapa?"),
    ("Evaluación y desempeño", "¿Están relacionados con la prestación o entendimiento de servicios públicos?"),
    ("Fiscales", "¿Se refieren a presupuesto, gasto y contrataciones?"),
    ("Operativos", "¿Describen el flujo, la estructura y el cumplimiento de funciones de la institución?"),
)


@dataclass(frozen=True)
class HeaderIndex:
    """Every spelling of a sheet's headers, normalised, pointing to the field key."""

    names: dict[str, str] = field(default_factory=dict)

    @classmethod
    def for_sheet(cls, sheet: SheetSpec) -> HeaderIndex:
        names: dict[str, str] = {}
        for spec in sheet.fields:
            for name in (spec.header, *spec.aliases):
                names.setdefault(normalize_name(name), spec.key)
        return cls(names)

    def match(self, header: object) -> str | None:
        return self.names.get(normalize_name(header))
