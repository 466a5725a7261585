"""The FORM.317 template: sheets, headers, drop-downs, input help, and the committed copy."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from click.testing import CliRunner
from pueblaabierto.cli import main
from pueblaabierto.schemas import vocabularies
from pueblaabierto.workbook import spec

from tests.pipeline.conftest import REPO

COMMITTED = REPO / "dataset_forms" / "FORM.317-SECATI-012224.xlsx"

HEADERS = {
    "Dependencia": [
        "ID de Dependencia",
        "Nombre de la Dependencia",
        "Breve descripción de las funciones y atribuciones de la Dependencia",
        "Nombre de archivo del logotipo de la Dependencia (adjuntar archivo)",
    ],
    "Dataset": [
        "ID de Dataset",
        "Nombre del Dataset",
        "Descripción del dataset",
        "Etiquetas",
        "Id dependencia",
        "Tema",
        "Frecuencia",
        "Nombre de la persona responsable de la información",
        "Correo electrónico de la persona responsable de la información",
    ],
    "Recurso": [
        "Nombre del archivo",
        "Tipo de Visualización",
        "Nombre del Recurso",
        "Fecha inicial del periodo que cubre",
        "Fecha final del periodo que cubre o fecha de corte",
        "ID de Dataset",
        "Formato",
    ],
    "Diccionario de Datos": ["ID de Dataset", "Término", "Descripción", "Recurso"],
}


def describe(path: Path) -> dict:
    """What matters in a workbook's content: cell values, validations, frozen panes."""
    workbook = openpyxl.load_workbook(path)
    content = {}
    for ws in workbook.worksheets:
        content[ws.title] = {
            "cells": [list(row) for row in ws.iter_rows(values_only=True)],
            "validations": sorted(
                (str(dv.sqref), dv.type, dv.formula1, dv.promptTitle, dv.prompt)
                for dv in ws.data_validations.dataValidation
            ),
            "freeze": ws.freeze_panes,
        }
    return content


def write(tmp_path: Path) -> Path:
    out = tmp_path / "plantilla.xlsx"
    result = CliRunner().invoke(main, ["plantilla", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_sheets_and_headers_are_the_official_ones(tmp_path):
    workbook = openpyxl.load_workbook(write(tmp_path))
    assert workbook.sheetnames == [
        "Instructivo", "Dependencia", "Dataset", "Recurso", "Diccionario de Datos", "Tipo de Datos",
    ]
    for sheet, headers in HEADERS.items():
        ws = workbook[sheet]
        assert [c.value for c in ws[1]] == headers
        assert ws.freeze_panes == "A2"
        assert all(ws.column_dimensions[c.column_letter].width >= 12 for c in ws[1])


def test_dropdowns_come_from_the_vocabularies(tmp_path):
    workbook = openpyxl.load_workbook(write(tmp_path))
    vocab = vocabularies.load()
    lists = {
        (ws.title, str(dv.sqref)): dv.formula1
        for ws in workbook.worksheets
        for dv in ws.data_validations.dataValidation
        if dv.type == "list"
    }
    frecuencias = lists[("Dataset", "G2:G1000")].strip('"').split(",")
    assert frecuencias == vocab.values("frecuencias")
    formatos = lists[("Recurso", "G2:G1000")].strip('"').split(",")
    assert formatos == [t.label for t in vocab.formatos]
    assert lists[("Recurso", "B2:B1000")] == '"Tabla,Mapa,Gráfico"'
    # Tema points at the catalogue sheet, which lists every tema label with its examples.
    assert lists[("Dataset", "F2:F1000")] == "'Tipo de Datos'!$A$4:$A$13"
    catalogue = workbook["Tipo de Datos"]
    assert [catalogue.cell(row=r, column=1).value for r in range(4, 14)] == [t.label for t in vocab.temas]
    assert catalogue["B4"].value == "Obra pública, arquitectura, área urbana"
    texts = [c for row in catalogue.iter_rows(values_only=True) for c in row if c]
    for tipo in ("Geoespaciales", "Evaluación y desempeño", "Fiscales", "Operativos"):
        assert tipo in texts


def test_every_column_has_input_help_from_the_definitions(tmp_path):
    workbook = openpyxl.load_workbook(write(tmp_path))
    for sheet in spec.DATA_SHEETS:
        ws = workbook[sheet.name]
        prompts = {str(dv.sqref).split(":")[0][:-1]: dv for dv in ws.data_validations.dataValidation}
        for index, field in enumerate(sheet.fields):
            dv = prompts[chr(ord("A") + index)]
            assert dv.showInputMessage
            assert dv.prompt.startswith(field.definition[:60])
            assert len(dv.promptTitle) <= 32 and len(dv.prompt) <= 255


def test_date_columns_are_formatted_as_dates(tmp_path):
    ws = openpyxl.load_workbook(write(tmp_path))["Recurso"]
    assert ws.column_dimensions["D"].number_format == "yyyy-mm-dd"
    assert ws.column_dimensions["E"].number_format == "yyyy-mm-dd"


def test_instructivo_lists_every_field_definition(tmp_path):
    ws = openpyxl.load_workbook(write(tmp_path))["Instructivo"]
    texts = {c for row in ws.iter_rows(values_only=True) for c in row if c}
    for sheet in spec.DATA_SHEETS:
        for field in sheet.fields:
            assert field.definition in texts


def test_committed_copy_matches_what_the_command_writes(tmp_path):
    assert describe(COMMITTED) == describe(write(tmp_path))


def test_template_refuses_other_extensions(tmp_path):
    result = CliRunner().invoke(main, ["plantilla", str(tmp_path / "plantilla.xls")])
    assert result.exit_code == 2
    assert ".xlsx" in result.output


def test_template_into_missing_folder_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(main, ["plantilla", str(tmp_path / "no" / "existe.xlsx")])
    assert result.exit_code == 2
    assert "no se pudo escribir" in result.output
    assert "Traceback" not in result.output
