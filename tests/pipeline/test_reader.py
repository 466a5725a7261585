"""Reading real, messy FORM.317 workbooks: each tolerance, and what is refused."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from pueblaabierto.errors import UnusableInput
from pueblaabierto.schemas import rules
from pueblaabierto.workbook.reader import read_submission

from tests.pipeline.conftest import HEADERS_BY_SHEET


def workbook(tmp_path: Path, sheets: dict[str, list[list[object]]], name: str = "form.xlsx") -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    path = tmp_path / name
    wb.save(path)
    return path


def minimal(**overrides: list[list[object]]) -> dict[str, list[list[object]]]:
    sheets = {
        "Dependencia": [HEADERS_BY_SHEET["Dependencia"], [12, "SISP", "Servicios públicos.", "logo.png"]],
        "Dataset": [HEADERS_BY_SHEET["Dataset"],
                    [1, "Mercados", "Mercados de Puebla.", "mercados", 12, "Economía y Empleo", "anual",
                     "Pedro Juárez", "pedro.juarez@pueblacapital.gob.mx"]],
        "Recurso": [HEADERS_BY_SHEET["Recurso"],
                    ["mercados.csv", "Tabla", "Mercados 2024", date(2024, 1, 1), date(2024, 12, 31), 1, "CSV"]],
        "Diccionario de Datos": [HEADERS_BY_SHEET["Diccionario de Datos"], [1, "mercado", "Nombre."]],
    }
    sheets.update(overrides)
    return sheets


def codes(submission) -> list[str]:
    return [f.code for f in submission.findings]


def test_sheet_names_ignore_case_accents_and_spacing(tmp_path):
    sheets = minimal()
    renamed = {"DEPENDENCIA": sheets["Dependencia"], " dataset ": sheets["Dataset"],
               "recurso": sheets["Recurso"], "DICCIONARIO DE DATOS": sheets["Diccionario de Datos"]}
    submission = read_submission(workbook(tmp_path, renamed))
    assert codes(submission) == []
    assert submission.sheet_names["diccionario"] == "DICCIONARIO DE DATOS"
    assert [e.termino for e in submission.diccionario] == ["mercado"]
    assert submission.recursos[0].sheet == "recurso"


def test_header_spellings_and_short_aliases(tmp_path):
    sheets = minimal(
        Dataset=[
            ["id dataset", "NOMBRE DEL DATASET", "Descripcion", "Etiquetas", "ID de Dependencia", "tema",
             "Frecuencia de actualización", "Responsable", "Correo"],
            [1, "Mercados", "Mercados de Puebla.", "a, b; c", 12, "Economía y Empleo", "anual", "Pedro",
             "pedro@pueblacapital.gob.mx"],
        ],
        Recurso=[
            ["Archivo", "Visualización", "Nombre del recurso", "Fecha inicial", "Fecha de corte", "Dataset",
             "formato"],
            ["mercados.csv", "tabla", "Mercados 2024", "2024-01-01", "2024-12-31", 1, "csv"],
        ],
    )
    submission = read_submission(workbook(tmp_path, sheets))
    assert codes(submission) == []
    dataset = submission.datasets[0]
    assert dataset.id_dependencia == "12" and dataset.frecuencia == "anual"
    assert dataset.tags == ["a", "b", "c"]
    recurso = submission.recursos[0]
    assert (recurso.format, recurso.tipo_visualizacion) == ("CSV", "tabla")
    assert recurso.fecha_fin == date(2024, 12, 31)


def test_extra_sheets_and_columns_are_warnings_at_their_place(tmp_path):
    sheets = minimal(
        Dependencia=[HEADERS_BY_SHEET["Dependencia"] + ["Observaciones"],
                     [12, "SISP", "Servicios.", "logo.png", "nada"]],
    )
    sheets["Notas"] = [["lo que sea"]]
    submission = read_submission(workbook(tmp_path, sheets))
    by_code = {f.code: f for f in submission.findings}
    assert set(by_code) == {"hoja-extra", "columna-extra"}
    assert all(not f.is_error for f in submission.findings)
    assert by_code["hoja-extra"].sheet == "Notas"
    assert by_code["columna-extra"].location == "Dependencia!E1"
    assert "Observaciones" in by_code["columna-extra"].message


def test_blank_rows_do_not_cut_a_sheet_short(tmp_path):
    rows = [HEADERS_BY_SHEET["Diccionario de Datos"], [1, "mercado", "Nombre."], [None, None, None], [],
            [1, "colonia", "Colonia."], [None, "  ", None], [1, "locales", "Locales."]]
    submission = read_submission(workbook(tmp_path, minimal(**{"Diccionario de Datos": rows})))
    assert [(e.termino, e.row) for e in submission.diccionario] == [
        ("mercado", 2), ("colonia", 5), ("locales", 7),
    ]


def test_header_row_found_below_titles(tmp_path):
    rows = [["FORM.317/SECATI/012224"], ["Pestaña Recurso"], [], HEADERS_BY_SHEET["Recurso"],
            ["mercados.csv", "Tabla", "Mercados 2024", "2024-01-01", "31/12/2024", 1, "CSV"]]
    submission = read_submission(workbook(tmp_path, minimal(Recurso=rows)))
    assert codes(submission) == []
    recurso = submission.recursos[0]
    assert recurso.row == 5
    assert recurso.column("fecha_fin") == "E"
    assert recurso.fecha_fin == date(2024, 12, 31)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime(2024, 1, 31, 0, 0), date(2024, 1, 31)),
        ("2024-01-31", date(2024, 1, 31)),
        ("31/01/2024", date(2024, 1, 31)),
        ("31-01-2024", date(2024, 1, 31)),
        ("31/01/24", date(2024, 1, 31)),
        ("31 de enero de 2024", date(2024, 1, 31)),
        ("enero 2024", date(2024, 1, 31)),  # a month as cut-off means its last day
        ("2024", date(2024, 12, 31)),
        (45322, date(2024, 1, 31)),  # an Excel serial in a cell without date format
    ],
)
def test_dates_in_common_formats(tmp_path, value, expected):
    rows = [HEADERS_BY_SHEET["Recurso"], ["mercados.csv", "Tabla", "Mercados", "2024-01-01", value, 1, "CSV"]]
    submission = read_submission(workbook(tmp_path, minimal(Recurso=rows)))
    assert codes(submission) == []
    assert submission.recursos[0].fecha_fin == expected


def test_a_month_as_start_means_its_first_day():
    assert rules.parse_date("enero 2024") == date(2024, 1, 1)
    assert rules.parse_date("enero 2024", end_of_period=True) == date(2024, 1, 31)
    assert rules.parse_date("31/02/2024") is None


def test_garbage_in_a_date_cell_is_a_finding_at_the_cell(tmp_path):
    rows = [HEADERS_BY_SHEET["Recurso"], ["mercados.csv", "Tabla", "Mercados", "a principios de año", "2024-12-31",
                                          1, "CSV"]]
    submission = read_submission(workbook(tmp_path, minimal(Recurso=rows)))
    [finding] = submission.findings
    assert (finding.code, finding.location, finding.is_error) == ("fecha-invalida", "Recurso!D2", True)
    assert "no es una fecha válida" in finding.message
    assert "AAAA-MM-DD" in finding.suggestion
    assert submission.recursos[0].fecha_inicio is None


@pytest.mark.parametrize(
    "written", ["Infraestructura y Servicios Públicos", "infraestructura y servicios publicos",
                "infraestructura-y-servicios-publicos", "INFRAESTRUCTURA Y SERVICIOS PÚBLICOS"],
)
def test_tema_by_label_or_value_is_normalised(tmp_path, written):
    rows = [HEADERS_BY_SHEET["Dataset"], [1, "Obras", "Obras.", "", 12, written, "Anual", "Ana",
                                          "ana@pueblacapital.gob.mx"]]
    submission = read_submission(workbook(tmp_path, minimal(Dataset=rows)))
    assert submission.datasets[0].tema == "infraestructura-y-servicios-publicos"
    assert submission.datasets[0].frecuencia == "anual"


def test_unknown_tema_is_kept_as_written_for_the_checks(tmp_path):
    rows = [HEADERS_BY_SHEET["Dataset"], [1, "Obras", "Obras.", "", 12, "Obras", "anual", "Ana",
                                          "ana@pueblacapital.gob.mx"]]
    submission = read_submission(workbook(tmp_path, minimal(Dataset=rows)))
    assert submission.datasets[0].tema == "Obras"


def test_ods_workbooks_are_read(tmp_path):
    path = tmp_path / "form.ods"
    with pd.ExcelWriter(path, engine="odf") as writer:
        for title, rows in minimal().items():
            pd.DataFrame(rows).to_excel(writer, sheet_name=title, header=False, index=False, startrow=1)
    submission = read_submission(path)
    assert codes(submission) == []
    recurso = submission.recursos[0]
    assert recurso.row == 3  # one blank row above the headers
    assert (recurso.fecha_inicio, recurso.id_dataset) == (date(2024, 1, 1), "1")
    assert submission.dependencias[0].id_dependencia == "12"


def test_missing_sheet_is_an_error_and_a_lookalike_is_named(tmp_path):
    sheets = minimal()
    sheets["Hoja3"] = sheets.pop("Recurso")
    submission = read_submission(workbook(tmp_path, sheets))
    missing = next(f for f in submission.findings if f.code == "hoja-faltante")
    assert missing.is_error and missing.sheet == "Recurso"
    assert "Hoja3" in missing.suggestion


def test_missing_required_column_is_an_error(tmp_path):
    rows = [HEADERS_BY_SHEET["Diccionario de Datos"][:2], [1, "mercado"]]
    submission = read_submission(workbook(tmp_path, minimal(**{"Diccionario de Datos": rows})))
    [finding] = submission.findings
    assert finding.code == "columna-faltante" and finding.location == "Diccionario de Datos!1"
    assert "Descripción" in finding.message


def test_sheet_without_recognisable_headers(tmp_path):
    submission = read_submission(workbook(tmp_path, minimal(Dependencia=[["a", "b"], [1, 2]])))
    assert codes(submission) == ["encabezados-no-encontrados"]


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("form.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "formato-no-admitido"),
        ("form.xlsm", b"PK\x03\x04", "formato-no-admitido"),
        ("form.csv", b"a,b\n1,2\n", "formato-no-admitido"),
        ("form.pdf", b"%PDF-1.4", "formato-no-admitido"),
        ("form.xlsx", b"esto no es un libro", "formulario-ilegible"),
        ("form.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "formato-no-admitido"),
        ("form.ods", b"tampoco", "formulario-ilegible"),
    ],
)
def test_unusable_inputs_raise_a_spanish_explanation(tmp_path, name, content, code):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UnusableInput) as raised:
        read_submission(path)
    assert raised.value.code == code
    assert name in raised.value.message
    assert raised.value.suggestion


def test_missing_workbook_and_folder_are_unusable(tmp_path):
    with pytest.raises(UnusableInput, match="No se encontró"):
        read_submission(tmp_path / "nada.xlsx")
    with pytest.raises(UnusableInput, match="es una carpeta"):
        read_submission(tmp_path)


def test_repeated_column_is_a_warning_naming_the_one_read(tmp_path):
    rows = [HEADERS_BY_SHEET["Diccionario de Datos"][:3] + ["Término"], [1, "mercado", "Nombre.", "otro"]]
    submission = read_submission(workbook(tmp_path, minimal(**{"Diccionario de Datos": rows})))
    [finding] = submission.findings
    assert (finding.code, finding.location, finding.is_error) == ("columna-duplicada", "Diccionario de Datos!D1", False)
    assert "columna B" in finding.message
    assert submission.diccionario[0].termino == "mercado"


def test_ids_written_as_text_or_number_are_the_same_id(tmp_path):
    sheets = minimal()
    sheets["Dataset"][1][4] = "012"
    sheets["Recurso"][1][5] = "1.0"
    submission = read_submission(workbook(tmp_path, sheets))
    assert submission.datasets[0].id_dependencia == "12"
    assert submission.recursos[0].id_dataset == "1"
