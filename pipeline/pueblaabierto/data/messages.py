"""Spanish wording of every data problem: Frictionless error types and our own checks.

Frictionless reports English notes with a ``type`` (``type-error``, ``blank-label``...).
Enlaces need Spanish text that says where and how to fix it, so every type we can meet
maps to a stable code, a message and a suggestion; unknown types fall back to a generic
finding that still says where (file, column, row) and keeps Frictionless' note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from frictionless import errors as ferrors

from pueblaabierto.data.aggregate import Rule, rows_text
from pueblaabierto.findings import Finding, Severity

E, W = Severity.ERROR, Severity.WARNING


def _col(column: str | None) -> str:
    return f'La columna "{column}"' if column else "El archivo"


def _where(column: str | None, rows: str) -> str:
    parts = [f'columna "{column}"' if column else "", rows]
    return ", ".join(p for p in parts if p)


# --- aggregated cell/row problems (one finding per column) ----------------------------

TYPE_ERROR = Rule(
    "tipo-invalido",
    lambda c, r, n, s: f"{_col(c)} tiene {n:,} valor(es) que no son del tipo de la columna ({r}): {s}.",
    "Corrija esos valores para que todos los de la columna sean del mismo tipo (números, fechas...); una "
    "fecha debe existir en el calendario (no hay 2024-02-30 ni 2023-02-29). "
    "Si falta el dato, deje la celda vacía en lugar de escribir «N/D» o «-».",
)
CONSTRAINT_ERROR = Rule(
    "restriccion-incumplida",
    lambda c, r, n, s: f"{_col(c)} tiene {n:,} valor(es) fuera de lo permitido ({r}): {s}.",
    "Revise esos valores contra la descripción de la columna en el Diccionario de Datos.",
)
BLANK_ROW = Rule(
    "fila-vacia",
    lambda c, r, n, s: f"El archivo tiene {n:,} fila(s) vacía(s) ({r}).",
    "Elimine las filas vacías: un archivo de datos abiertos es una tabla continua, sin separadores.",
    W,
)
DUPLICATE_ROW = Rule(
    "fila-duplicada",
    lambda c, r, n, s: f"El archivo tiene {n:,} fila(s) idéntica(s) a otra anterior ({r}).",
    "Elimine las filas repetidas, o agregue la columna que las distingue (por ejemplo, un folio).",
    W,
)
EXTRA_CELL = Rule(
    "celda-extra",
    lambda c, r, n, s: f"{n:,} fila(s) tienen más celdas que el encabezado ({r}).",
    "Revise que no haya comas o separadores de más en esas filas y que cada columna tenga nombre.",
)
MISSING_CELL = Rule(
    "celda-faltante",
    lambda c, r, n, s: f"{_col(c)} falta en {n:,} fila(s) que tienen menos celdas que el encabezado ({r}).",
    "Complete esas filas con el mismo número de columnas que el encabezado (deje vacías las celdas sin dato).",
)
TOTALS_ROW = Rule(
    "fila-de-totales",
    lambda c, r, n, s: f"El archivo tiene {n:,} fila(s) de totales o sumas ({_where(c, r)}): {s}.",
    "Elimine las filas de totales y subtotales: quien use los datos puede calcularlos; "
    "en datos abiertos cada fila es un registro.",
)
NUMBER_AS_TEXT = Rule(
    "numero-como-texto",
    lambda c, r, n, s: (
        f"{_col(c)} tiene {n:,} número(s) escritos como texto, con separadores de miles, "
        f"signo de moneda o unidades ({r}): {s}."
    ),
    "Escriba solo el número, sin comas de miles, «$» ni unidades (1234567.50), y ponga la unidad en el "
    "nombre de la columna, por ejemplo «monto_mxn» o «distancia_km».",
)
DATE_NOT_ISO = Rule(
    "fecha-no-iso",
    lambda c, r, n, s: f"{_col(c)} tiene {n:,} fecha(s) que no están en formato ISO 8601 ({r}): {s}.",
    "Escriba las fechas como AAAA-MM-DD (por ejemplo 2024-01-31) y los meses como AAAA-MM (2024-01); en Excel "
    "use el formato de celda personalizado «aaaa-mm-dd».",
)
TIME_12H = Rule(
    "hora-no-iso",
    lambda c, r, n, s: f"{_col(c)} tiene {n:,} hora(s) escritas con a.m./p.m. ({r}): {s}.",
    "Escriba las horas en formato de 24 horas, HH:MM (10:30, 16:15), sin «a.m.» ni «p.m.»; en Excel use el "
    "formato de celda personalizado «hh:mm».",
)
NUMBER_WITH_WORDS = Rule(
    "numero-con-texto",
    lambda c, r, n, s: (
        f"{_col(c)} es de cantidades, pero {n:,} valor(es) traen palabras o unidades después del número ({r}): {s}."
    ),
    "Deje solo el número (1022, no «1,022 asistentes») y diga qué se cuenta en el nombre de la columna o en su "
    "Descripción del Diccionario de Datos (por ejemplo «asistentes»).",
)
SERIAL_DATE = Rule(
    "fecha-numero-de-serie",
    lambda c, r, n, s: (
        f"{_col(c)} es de fechas, pero {n:,} valor(es) son el número de serie con que Excel guarda las fechas, "
        f"no una fecha ({r}): {s}."
    ),
    "En Excel seleccione la columna, aplique el formato de celda personalizado «aaaa-mm-dd» y guarde de nuevo: "
    "el número se mostrará como la fecha que representa.",
)
NOT_A_DATE = Rule(
    "valor-no-es-fecha",
    lambda c, r, n, s: f"{_col(c)} es de fechas, pero {n:,} valor(es) no son fechas ({r}): {s}.",
    "Escriba la fecha como AAAA-MM-DD; si el dato es otro (un porcentaje, un avance), póngalo en su propia "
    "columna y deje vacía la celda de la fecha si no se conoce.",
)
MIXED_TYPES = Rule(
    "tipos-mezclados",
    lambda c, r, n, s: f"{_col(c)} mezcla números o fechas con {n:,} texto(s) ({r}): {s}.",
    "Use un solo tipo de dato por columna. Deje vacías las celdas sin dato y ponga notas o aclaraciones "
    "en otra columna.",
    W,
)


def cell_rule(error_type: str) -> Rule:
    """The aggregated rule for a Frictionless row/cell error type (fallback included)."""
    if (known := _ROW_RULES.get(error_type)) is not None:
        return known

    def message(c: str | None, r: str, n: int, s: str) -> str:
        return f"Problema «{error_type}» en {_where(c, r) or 'el archivo'} ({n:,} caso(s)). {s}"

    return Rule(
        f"frictionless-{error_type}",
        message,
        "Revise esas celdas; si no sabe cómo corregirlo, consulte al Enlace Técnico.",
    )


_ROW_RULES: dict[str, Rule] = {
    "type-error": TYPE_ERROR,
    "constraint-error": CONSTRAINT_ERROR,
    "blank-row": BLANK_ROW,
    "duplicate-row": DUPLICATE_ROW,
    "extra-cell": EXTRA_CELL,
    "missing-cell": MISSING_CELL,
    "required-value": CONSTRAINT_ERROR,
    "unique-error": Rule(
        "valor-repetido",
        lambda c, r, n, s: f"{_col(c)} debe tener valores únicos y {n:,} se repiten ({r}): {s}.",
        "Corrija los valores repetidos de esa columna.",
    ),
    "primary-key": Rule(
        "clave-repetida",
        lambda c, r, n, s: f"La clave de la tabla se repite en {n:,} fila(s) ({r}).",
        "Cada fila debe tener una clave distinta; corrija las repetidas.",
    ),
}


# --- one-off problems of the file or its header ---------------------------------------


# Frictionless' notes ("invalid excel file", "'utf-8' codec can't decode...") are English
# and technical: file-level messages leave them out; the suggestion says what to do.
@dataclass(frozen=True)
class Text:
    code: str
    message: str  # may use {file}, {column}, {position}, {note} (a note we word in Spanish)
    suggestion: str
    severity: Severity = E


FILE_TEXTS: dict[str, Text] = {
    "blank-label": Text(
        "encabezado-vacio",
        "La columna {position} de «{file}» no tiene nombre en el encabezado (fila {row}).",
        "Escriba en la fila 1 un nombre para cada columna, igual al Término del Diccionario de Datos. "
        "Si la fila 1 es un título, elimínela para que el encabezado quede en la fila 1.",
    ),
    "duplicate-label": Text(
        "encabezado-duplicado",
        "El nombre de columna «{column}» está repetido en el encabezado de «{file}» (columna {position}; {note}).",
        "Cada columna debe tener un nombre distinto; renombre una de ellas y descríbala en el Diccionario de Datos.",
    ),
    "incorrect-label": Text(
        "encabezado-incorrecto",
        "El encabezado de la columna {position} de «{file}» no coincide con el esperado «{column}».",
        "Use en la fila 1 exactamente los nombres de columna del Diccionario de Datos.",
    ),
    "extra-label": Text(
        "encabezado-extra",
        "La columna {position} de «{file}» no se esperaba («{column}»).",
        "Elimine la columna o descríbala en el Diccionario de Datos.",
    ),
    "missing-label": Text(
        "encabezado-faltante",
        "Falta la columna «{column}» (posición {position}) en el encabezado de «{file}».",
        "Agregue la columna o quítela del Diccionario de Datos.",
    ),
    "blank-header": Text(
        "encabezado-vacio",
        "El archivo «{file}» no tiene encabezado (la fila 1 está vacía).",
        "Escriba en la fila 1 el nombre de cada columna, igual al Término del Diccionario de Datos.",
    ),
    "encoding-error": Text(
        "codificacion-no-utf8",
        "No se pudo leer «{file}» con la codificación esperada.",
        "Guarde el archivo como CSV UTF-8 (en Excel: Guardar como > CSV UTF-8).",
    ),
    "source-error": Text(
        "archivo-ilegible",
        "No se pudo leer el contenido de «{file}».",
        "Verifique que el archivo no esté vacío ni dañado y que su extensión corresponda al Formato; "
        "ábralo y vuelva a guardarlo.",
    ),
    "scheme-error": Text(
        "archivo-ilegible",
        "No se pudo abrir «{file}».",
        "Verifique que el archivo exista en la carpeta y que el nombre sea el de la pestaña Recurso.",
    ),
    "format-error": Text(
        "archivo-ilegible",
        "«{file}» no tiene el formato que indica su extensión.",
        "Abra el archivo en su programa y guárdelo de nuevo en el Formato declarado (por ejemplo CSV UTF-8).",
    ),
    "compression-error": Text(
        "archivo-ilegible",
        "No se pudo descomprimir «{file}».",
        "Vuelva a comprimir el archivo en formato .zip, o envíelo sin comprimir.",
    ),
    "resource-error": Text(
        "archivo-ilegible",
        "No se pudo procesar «{file}».",
        "Verifique que el archivo se abre correctamente y que corresponde al Formato declarado.",
    ),
    "dialect-error": Text(
        "archivo-ilegible",
        "No se reconoció la estructura de «{file}».",
        "Guarde el archivo como CSV UTF-8 separado por comas, con el encabezado en la fila 1.",
    ),
    "schema-error": Text(
        "archivo-ilegible",
        "No se pudieron deducir las columnas de «{file}».",
        "Revise que la fila 1 tenga los nombres de columna y que los datos empiecen en la fila 2.",
    ),
    "field-error": Text(
        "archivo-ilegible",
        "No se pudo interpretar la columna {position} de «{file}».",
        "Revise el nombre y los valores de esa columna.",
    ),
}


EMPTY_SOURCE = Text(
    "archivo-vacio",
    "«{file}» está vacío: no tiene encabezado ni datos.",
    "Verifique que envió el archivo correcto y que los datos están en la primera hoja.",
)


def translate(error: ferrors.Error, file: str) -> Finding:
    """A Spanish finding for one Frictionless error that is not aggregated per column."""
    column = getattr(error, "label", None) or getattr(error, "field_name", None)
    position = getattr(error, "field_number", None)
    row = getattr(error, "row_number", None)
    text = FILE_TEXTS.get(error.type)
    if error.type == "source-error" and "empty" in (error.note or ""):
        text = EMPTY_SOURCE
    if text is None:
        where = ", ".join(
            p for p in (f"«{file}»", f'columna "{column}"' if column else "", rows_text([row], 1) if row else "") if p
        )
        return Finding(
            code=f"frictionless-{error.type}",
            message=f"Problema «{error.title}» en {where}: {error.note or error.message}",
            suggestion="Revise ese lugar del archivo; si no sabe cómo corregirlo, consulte al Enlace Técnico.",
            file=file,
            column=column,
            row=row,
        )
    if error.type == "blank-label":
        column = None
    note = error.note or ""
    if error.type == "duplicate-label":
        note = "igual que la columna " + ", ".join(re.findall(r"\d+", note))
    # Header errors carry the header's row(s): not row 1 when the table starts lower.
    header_rows = getattr(error, "row_numbers", None) or [1]
    if not row and ("label" in error.type or "header" in error.type):
        row = header_rows[-1]
    return Finding(
        code=text.code,
        message=text.message.format(file=file, column=column or "", position=position or "?", note=note, row=row),
        severity=text.severity,
        suggestion=text.suggestion,
        file=file,
        column=column or (f"columna {position}" if position else None),
        row=row,
    )
