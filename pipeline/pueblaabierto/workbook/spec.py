"""The layout of FORM.317/SECATI/012224, in one place for the template, the reader and the checks.

Headers and definitions are transcribed from the official form (shared/reference/form317.md);
the template writes them, the reader recognises them (and their aliases), and findings quote
them so an enlace reads the same words they see in Excel.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum

from pueblaabierto.schemas.vocabularies import fold


class Kind(str, Enum):
    TEXT = "text"
    ID = "id"  # a whole number assigned by someone else; anything else is reported, not coerced
    DATE = "date"
    EMAIL = "email"
    VOCABULARY = "vocabulary"
    FILE = "file"


@dataclass(frozen=True)
class FieldSpec:
    key: str
    header: str
    definition: str
    kind: Kind = Kind.TEXT
    required: bool = True
    vocabulary: str | None = None  # attribute of pueblaabierto.schemas.vocabularies.Vocabularies
    aliases: tuple[str, ...] = ()
    width: int = 30


@dataclass(frozen=True)
class SheetSpec:
    key: str
    name: str
    fields: tuple[FieldSpec, ...]
    required: bool = True
    aliases: tuple[str, ...] = ()

    def field(self, key: str) -> FieldSpec:
        for spec in self.fields:
            if spec.key == key:
                return spec
        raise KeyError(key)

    def column_letter(self, key: str) -> str:
        """Column of a field in the official template (A, B, ...)."""
        from openpyxl.utils import get_column_letter

        return get_column_letter([f.key for f in self.fields].index(key) + 1)


_FILLER = {"de", "del", "la", "el", "los", "las", "o", "y", "que", "a", "en"}


def normalize_name(text: object) -> str:
    """Compare sheet and header names the way people mistype them.

    Case, accents, punctuation, spacing and filler words are ignored, so
    "Id dependencia" and "ID de Dependencia" are the same header.
    """
    words = re.sub(r"[^a-z0-9]+", " ", fold(str(text))).split()
    return " ".join(word for word in words if word not in _FILLER)


DEPENDENCIA = SheetSpec(
    key="dependencia",
    name="Dependencia",
    aliases=("dependencias",),
    fields=(
        FieldSpec(
            "id_dependencia",
            "ID de Dependencia",
            "Número asignado por la Coordinación General de Transparencia.",
            Kind.ID,
            aliases=("id", "clave dependencia", "numero dependencia", "id de la dependencia"),
            width=16,
        ),
        FieldSpec(
            "nombre",
            "Nombre de la Dependencia",
            "Nombre oficial de la Dependencia que solicita el registro/actualización.",
            aliases=("nombre", "dependencia", "nombre oficial"),
            width=40,
        ),
        FieldSpec(
            "descripcion",
            "Breve descripción de las funciones y atribuciones de la Dependencia",
            "Texto descriptivo de la dependencia solicitante.",
            aliases=("descripcion", "funciones", "descripcion dependencia", "funciones y atribuciones"),
            width=60,
        ),
        FieldSpec(
            "logo",
            "Nombre de archivo del logotipo de la Dependencia (adjuntar archivo)",
            "Imagen del logo oficial de la dependencia. Escriba el nombre del archivo (p. ej. logo.png) "
            "y entréguelo junto con este formato.",
            Kind.FILE,
            aliases=(
                "logo",
                "logotipo",
                "archivo logotipo",
                "archivo logo",
                "nombre archivo logotipo",
                "nombre archivo logotipo dependencia",
            ),
            width=36,
        ),
    ),
)

DATASET = SheetSpec(
    key="dataset",
    name="Dataset",
    aliases=("datasets", "conjunto datos", "conjuntos datos"),
    fields=(
        FieldSpec(
            "id_dataset",
            "ID de Dataset",
            "Número que la dependencia asigna al conjunto de datos; relaciona el conjunto con la "
            "información de las demás pestañas.",
            Kind.ID,
            aliases=("id", "id conjunto datos", "numero dataset"),
            width=14,
        ),
        FieldSpec(
            "nombre",
            "Nombre del Dataset",
            "Nombre representativo. Se recomienda un texto breve de no más de 12-15 palabras.",
            aliases=("nombre", "titulo", "nombre conjunto datos", "titulo dataset"),
            width=40,
        ),
        FieldSpec(
            "descripcion",
            "Descripción del dataset",
            "Contenido y principales características; lo más completa posible, no más de 3-4 párrafos.",
            aliases=("descripcion", "descripcion conjunto datos"),
            width=60,
        ),
        FieldSpec(
            "etiquetas",
            "Etiquetas",
            "Palabras clave para una fácil búsqueda, separadas por comas.",
            required=False,
            aliases=("palabras clave", "tags"),
            width=30,
        ),
        FieldSpec(
            "id_dependencia",
            "Id dependencia",
            "Número asignado por la Coordinación General de Transparencia (debe coincidir con la "
            "pestaña \"Dependencia\").",
            Kind.ID,
            aliases=("dependencia", "clave dependencia"),
            width=16,
        ),
        FieldSpec(
            "tema",
            "Tema",
            "Una opción de la pestaña \"Tipo de Datos\", la más representativa del conjunto.",
            Kind.VOCABULARY,
            vocabulary="temas",
            aliases=("categoria", "categoria datos"),
            width=36,
        ),
        FieldSpec(
            "frecuencia",
            "Frecuencia",
            "Periodicidad de actualización: diario, semanal, quincenal, mensual, bimestral, "
            "trimestral, semestral, anual, irregularmente.",
            Kind.VOCABULARY,
            vocabulary="frecuencias",
            aliases=("periodicidad", "frecuencia actualizacion"),
            width=18,
        ),
        FieldSpec(
            "responsable",
            "Nombre de la persona responsable de la información",
            "Nombre completo del funcionario que concentra la información.",
            aliases=("responsable", "nombre responsable", "persona responsable"),
            width=36,
        ),
        FieldSpec(
            "correo",
            "Correo electrónico de la persona responsable de la información",
            "Correo institucional del funcionario.",
            Kind.EMAIL,
            aliases=("correo", "correo electronico", "email", "e mail", "correo responsable"),
            width=36,
        ),
    ),
)

RECURSO = SheetSpec(
    key="recurso",
    name="Recurso",
    aliases=("recursos",),
    fields=(
        FieldSpec(
            "archivo",
            "Nombre del archivo",
            "Nombre del archivo que se cargará a la plataforma con la información a publicar.",
            Kind.FILE,
            aliases=("archivo", "nombre archivo recurso"),
            width=34,
        ),
        FieldSpec(
            "tipo_visualizacion",
            "Tipo de Visualización",
            "Si la información se presenta en una tabla de datos, un mapa o un gráfico.",
            Kind.VOCABULARY,
            vocabulary="tipos_visualizacion",
            aliases=("visualizacion", "tipo"),
            width=20,
        ),
        FieldSpec(
            "nombre",
            "Nombre del Recurso",
            "Nombre con el que se publicará el recurso; lo identifica de manera individual.",
            aliases=("nombre", "recurso"),
            width=40,
        ),
        FieldSpec(
            "fecha_inicial",
            "Fecha inicial del periodo que cubre",
            "Fecha/periodo en que se genera el primer dato del recurso (AAAA-MM-DD).",
            Kind.DATE,
            aliases=("fecha inicial", "fecha inicio", "inicio periodo", "desde"),
            width=18,
        ),
        FieldSpec(
            "fecha_final",
            "Fecha final del periodo que cubre o fecha de corte",
            "Fecha/periodo en que se genera el último dato, en relación con la \"Frecuencia\" del "
            "dataset (AAAA-MM-DD).",
            Kind.DATE,
            aliases=("fecha final", "fecha corte", "fecha fin", "fin periodo", "hasta"),
            width=18,
        ),
        FieldSpec(
            "id_dataset",
            "ID de Dataset",
            "Debe coincidir con el de la pestaña \"Dataset\".",
            Kind.ID,
            aliases=("dataset", "id conjunto datos"),
            width=14,
        ),
        FieldSpec(
            "formato",
            "Formato",
            "Formato del archivo: CSV, KML, JSON, GEOJSON, ODS, PX, RDF, RSS, SHP, WMS, XLS, XLSX, XML.",
            Kind.VOCABULARY,
            vocabulary="formatos",
            aliases=("formato archivo", "tipo archivo"),
            width=12,
        ),
    ),
)

DICCIONARIO = SheetSpec(
    key="diccionario",
    name="Diccionario de Datos",
    aliases=("diccionario", "diccionario datos", "diccionarios"),
    fields=(
        FieldSpec(
            "id_dataset",
            "ID de Dataset",
            "Debe coincidir con el de la pestaña \"Dataset\".",
            Kind.ID,
            aliases=("dataset", "id"),
            width=14,
        ),
        FieldSpec(
            "termino",
            "Término",
            "Nombre de cada columna dentro del archivo a registrar, escrito igual que en el archivo.",
            aliases=("columna", "campo", "nombre columna"),
            width=30,
        ),
        FieldSpec(
            "descripcion",
            "Descripción",
            "Explica a detalle el \"Término\", con el contexto completo de la información que contiene.",
            aliases=("definicion", "descripcion termino"),
            width=70,
        ),
    ),
)

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
