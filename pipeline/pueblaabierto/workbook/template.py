"""Write the blank FORM.317/SECATI/012224 workbook that enlaces fill in.

Everything an enlace needs to fill the form correctly travels inside the file: the
definitions as input help on every column, drop-down lists fed from the shared
vocabularies, and an Instructivo sheet, because most of them never see this code.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import column_index_from_string, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from pueblaabierto.schemas import vocabularies
from pueblaabierto.workbook import spec

# Rows that carry validations and formats; far more than any submission has.
LAST_ROW = 1000
DATE_FORMAT = "yyyy-mm-dd"
# Excel limits an input-help title to 32 characters and its text to 255.
PROMPT_TITLE_MAX = 32
PROMPT_MAX = 255

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="7A1F3D")  # the municipality's guinda
TITLE_FONT = Font(bold=True, size=14)
WRAP = Alignment(wrap_text=True, vertical="top")

# First row of the temas in "Tipo de Datos": the Tema drop-down points at this range so
# Excel's 255-character limit on inline lists never truncates the labels.
TEMAS_FIRST_ROW = 4


def write_template(path: Path) -> Path:
    """Write the blank FORM.317 workbook to ``path`` and return it."""
    workbook = build_template()
    workbook.save(path)
    return path


def build_template() -> Workbook:
    vocab = vocabularies.load()
    workbook = Workbook()
    _instructivo(workbook.active)
    for sheet in spec.DATA_SHEETS:
        _data_sheet(workbook.create_sheet(sheet.name), sheet, vocab)
    _tipo_de_datos(workbook.create_sheet(spec.TIPO_DE_DATOS_NAME), vocab)
    return workbook


def _list_source(field: spec.FieldSpec, vocab: vocabularies.Vocabularies) -> str:
    if field.vocabulary == "temas":
        first = TEMAS_FIRST_ROW
        last = first + len(vocab.temas) - 1
        return f"{quote_sheetname(spec.TIPO_DE_DATOS_NAME)}!$A${first}:$A${last}"
    terms = getattr(vocab, field.vocabulary or "")
    return '"' + ",".join(dropdown_text(field.vocabulary or "", t) for t in terms) + '"'


def dropdown_text(vocabulary: str, term: vocabularies.Term) -> str:
    """How ``term`` is written in its drop-down list (what a pre-filled cell must hold too).

    Frecuencia is written in lower case on the official form; the other lists use labels.
    """
    return term.value if vocabulary == "frecuencias" else term.label


def _data_sheet(ws: Worksheet, sheet: spec.SheetSpec, vocab: vocabularies.Vocabularies) -> None:
    for field in sheet.fields:
        letter = field.column or ""
        cell = ws.cell(row=1, column=column_index_from_string(letter), value=field.header)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[letter].width = field.width
        if field.kind is spec.Kind.DATE:
            ws.column_dimensions[letter].number_format = DATE_FORMAT
        ws.add_data_validation(_validation(field, vocab, f"{letter}2:{letter}{LAST_ROW}"))
    ws.row_dimensions[1].height = 45
    ws.freeze_panes = "A2"


def _validation(field: spec.FieldSpec, vocab: vocabularies.Vocabularies, sqref: str) -> DataValidation:
    prompt = field.definition + (" Obligatorio." if field.required else " Opcional.")
    if field.example:
        prompt += f" Ejemplo: {field.example}"
    if field.kind is spec.Kind.VOCABULARY:
        validation = DataValidation(
            type="list",
            formula1=_list_source(field, vocab),
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Valor fuera de la lista",
            error=f"Elija un valor de la lista de «{field.header}».",
        )
    elif field.kind is spec.Kind.DATE:
        validation = DataValidation(
            type="date",
            operator="greaterThan",
            formula1="1",  # serial 1 = 1900-01-01: any real date
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Fecha no válida",
            error="Escriba una fecha con el formato AAAA-MM-DD, por ejemplo 2024-01-31.",
        )
    else:
        validation = DataValidation(allow_blank=True)
    validation.showInputMessage = True
    validation.promptTitle = field.header[:PROMPT_TITLE_MAX]
    validation.prompt = prompt[:PROMPT_MAX]
    validation.add(sqref)
    return validation


def _tipo_de_datos(ws: Worksheet, vocab: vocabularies.Vocabularies) -> None:
    ws["A1"] = "Tipo de Datos: catálogo de temas para la columna «Tema» de la pestaña Dataset"
    ws["A1"].font = TITLE_FONT
    header_row = TEMAS_FIRST_ROW - 1
    for column, title in enumerate(("Categoría de datos (Tema)", "Ejemplos de conjuntos de datos"), start=1):
        cell = ws.cell(row=header_row, column=column, value=title)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
    for row, tema in enumerate(vocab.temas, start=TEMAS_FIRST_ROW):
        ws.cell(row=row, column=1, value=tema.label)
        ws.cell(row=row, column=2, value=tema.extra.get("ejemplos", ""))
    row = TEMAS_FIRST_ROW + len(vocab.temas) + 1
    ws.cell(row=row, column=1, value="Tipos de datos con mayor utilidad").font = Font(bold=True)
    for offset, (name, question) in enumerate(spec.TIPOS_DE_DATOS, start=1):
        ws.cell(row=row + offset, column=1, value=name)
        ws.cell(row=row + offset, column=2, value=question)
    ws.column_dimensions["A"].width = 40
    ws.column_dimensions["B"].width = 80
    ws.freeze_panes = f"A{TEMAS_FIRST_ROW}"


INSTRUCTIONS: tuple[str, ...] = (
    ("1. Llene una fila por registro en las pestañas Dependencia, Dataset, Recurso y Diccionario de Datos. "
    "No cambie el nombre de las pestañas ni de los encabezados."),
    ("2. Al seleccionar una celda aparece una ayuda con la definición del campo. Tema, Frecuencia, "
    "Tipo de Visualización y Formato se eligen de la lista desplegable."),
    ("3. Los ID relacionan las pestañas: el «Id dependencia» de cada Dataset debe existir en Dependencia; "
    "el «ID de Dataset» de cada Recurso y de cada término del Diccionario debe existir en Dataset."),
    ("4. Escriba las fechas como AAAA-MM-DD (por ejemplo 2024-01-31). La fecha final no puede ser "
    "anterior a la inicial ni posterior a hoy."),
    ("5. Entregue en la misma carpeta este formato, el logotipo de la dependencia y cada archivo de "
    "datos, con el nombre exacto escrito en la columna «Nombre del archivo»."),
    ("6. Describa en el Diccionario de Datos cada columna de cada archivo, con el nombre tal como "
    "aparece en el archivo."),
    ("7. Los archivos CSV deben guardarse en UTF-8. No incluya datos personales (CURP, RFC de personas, "
    "teléfonos o correos particulares, domicilios de particulares)."),
    ("8. Antes de enviarlo, revíselo con: pueblaabierto validar FORMATO.xlsx. Si necesita publicar un "
    "valor que parece dato personal pero es público (p. ej. el teléfono de una oficina), anótelo en "
    "un archivo permitidos.txt junto al formato, un valor por línea."),
)


def _instructivo(ws: Worksheet) -> None:
    ws.title = spec.INSTRUCTIVO_NAME
    ws["A1"] = "FORM.317/SECATI/012224 — Registro y/o Actualización de Conjunto de Datos"
    ws["A1"].font = TITLE_FONT
    ws["A2"] = "Municipio de Puebla · Dirección de Gobierno Electrónico · Portal de datos abiertos"
    row = 4
    ws.cell(row=row, column=1, value="Cómo llenar este formato").font = Font(bold=True)
    for text in INSTRUCTIONS:
        row += 1
        ws.cell(row=row, column=1, value=text).alignment = WRAP
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
        ws.row_dimensions[row].height = 32
    row += 2
    for column, title in enumerate(("Pestaña", "Campo", "Definición", "Obligatorio"), start=1):
        cell = ws.cell(row=row, column=column, value=title)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
    for sheet in spec.DATA_SHEETS:
        for field in sheet.fields:
            row += 1
            ws.cell(row=row, column=1, value=sheet.name)
            ws.cell(row=row, column=2, value=field.header).alignment = WRAP
            ws.cell(row=row, column=3, value=field.definition).alignment = WRAP
            ws.cell(row=row, column=4, value="Sí" if field.required else "No")
    for letter, width in zip("ABCD", (22, 40, 80, 12), strict=True):
        ws.column_dimensions[letter].width = width
