"""Every metadata finding, at the right sheet, row and column, with a Spanish message."""

from __future__ import annotations

from datetime import date

import pytest
from pueblaabierto.validation import validate_submission
from pueblaabierto.validation.allowlist import allowed_values
from pueblaabierto.validation.metadata import check_metadata
from pueblaabierto.workbook.reader import read_submission

from tests.pipeline.conftest import MERCADOS_CSV, png_bytes, valid_rows


def found(report, code):
    return [f for f in report.findings if f.code == code]


def only(report, code):
    matches = found(report, code)
    assert len(matches) == 1, [f.to_dict() for f in report.findings]
    return matches[0]


def test_the_valid_submission_has_no_findings(make_submission):
    report = validate_submission(make_submission())
    assert report.findings == []
    assert report.valid


@pytest.mark.parametrize(
    ("cell", "field"),
    [
        ("Dataset!H2", "Nombre de la persona responsable de la información"),
        ("Dependencia!C2", "Breve descripción de las funciones y atribuciones de la Dependencia"),
        ("Recurso!C2", "Nombre del Recurso"),
        ("Diccionario de Datos!C3", "Descripción"),
    ],
)
def test_required_cells(make_submission, cell, field):
    report = validate_submission(make_submission(changes={cell: None}))
    finding = only(report, "celda-requerida")
    assert finding.location == cell
    assert f"Falta «{field}»" in finding.message
    assert finding.suggestion.startswith("Escriba el dato")
    assert not report.valid


def test_ids_must_be_numbers(make_submission):
    report = validate_submission(make_submission(changes={"Dependencia!A2": "SISP", "Dataset!E2": "SISP"}))
    locations = {f.location for f in found(report, "id-no-numerico")}
    assert locations == {"Dependencia!A2", "Dataset!E2"}
    assert "no es un número válido" in found(report, "id-no-numerico")[0].message


def test_duplicate_dependencia_id(make_submission):
    rows = valid_rows()
    rows["Dependencia"].append([12, "Otra", "Otra dependencia.", "logo.png"])
    finding = only(validate_submission(make_submission(rows)), "id-duplicado")
    assert finding.location == "Dependencia!A3"
    assert "fila 2" in finding.message


def test_dataset_id_unique_within_its_dependencia(make_submission):
    rows = valid_rows()
    rows["Dataset"].append([1, "Tianguis", "Tianguis.", "", 12, "Finanzas", "anual", "Ana", "ana@pueblacapital.gob.mx"])
    finding = only(validate_submission(make_submission(rows)), "id-duplicado")
    assert finding.location == "Dataset!A3"


def test_resource_name_unique_within_its_dataset(make_submission):
    rows = valid_rows()
    rows["Recurso"].append(["mercados.csv", "Tabla", "mercados 2024", date(2024, 1, 1), date(2024, 6, 30), 1, "CSV"])
    finding = only(validate_submission(make_submission(rows)), "recurso-duplicado")
    assert finding.location == "Recurso!C3"


def test_cross_references(make_submission):
    rows = valid_rows()
    rows["Diccionario de Datos"].append([5, "colonia", "Colonia."])
    report = validate_submission(make_submission(rows, changes={"Dataset!E2": 99, "Recurso!F2": 7}))
    dependencia = only(report, "dependencia-inexistente")
    assert dependencia.location == "Dataset!E2"
    assert "99" in dependencia.message and "12" in dependencia.suggestion
    assert {f.location for f in found(report, "dataset-inexistente")} == {"Recurso!F2", "Diccionario de Datos!A4"}
    # Dataset 1 lost its only resource to the wrong ID.
    assert only(report, "dataset-sin-recursos").location == "Dataset!A2"


def test_dataset_without_resources_or_dictionary(make_submission):
    rows = valid_rows()
    rows["Dataset"].append([2, "Tianguis", "Tianguis.", "", 12, "Finanzas", "anual", "Ana", "ana@pueblacapital.gob.mx"])
    report = validate_submission(make_submission(rows))
    assert only(report, "dataset-sin-recursos").location == "Dataset!A3"
    assert only(report, "dataset-sin-diccionario").location == "Dataset!A3"


@pytest.mark.parametrize(
    ("cell", "written", "suggested"),
    [
        ("Dataset!G2", "Mensualmente", "mensual"),
        ("Dataset!G2", "irregular", "irregularmente"),
        ("Dataset!F2", "Infraestructura", "Infraestructura y Servicios Públicos"),
        ("Recurso!B2", "grafica", "Gráfico"),
        ("Recurso!G2", "csv delimitado", "CSV"),
    ],
)
def test_vocabulary_near_misses(make_submission, cell, written, suggested):
    report = validate_submission(make_submission(changes={cell: written}))
    finding = only(report, "vocabulario-invalido")
    assert finding.location == cell
    assert f"«{written}» no es un valor válido" in finding.message
    assert f"¿Quiso decir «{suggested}»?" in finding.suggestion


def test_vocabulary_without_a_close_value_lists_the_choices(make_submission):
    finding = only(validate_submission(make_submission(changes={"Dataset!G2": "cuando se pueda"})),
                   "vocabulario-invalido")
    assert "¿Quiso decir" not in finding.suggestion
    assert "diario, semanal" in finding.suggestion


def test_vocabulary_labels_in_any_case_are_accepted(make_submission):
    report = validate_submission(make_submission(changes={"Dataset!G2": "Anual", "Dataset!F2": "economia y empleo",
                                                          "Recurso!B2": "TABLA", "Recurso!G2": "csv"}))
    assert report.findings == []


def test_email_format_and_institutional_domain(make_submission):
    bad = validate_submission(make_submission(changes={"Dataset!I2": "pedro.juarez@pueblacapital"}))
    assert only(bad, "correo-invalido").location == "Dataset!I2"
    personal = validate_submission(make_submission(changes={"Dataset!I2": "pedro.juarez@gmail.com"}))
    error = only(personal, "correo-no-institucional")
    assert error.location == "Dataset!I2" and error.is_error
    assert not personal.valid  # the portal refuses it too: publishing would fail half-way


def test_long_title_is_a_warning(make_submission):
    fifteen = " ".join(["palabra"] * 15)
    assert found(validate_submission(make_submission(changes={"Dataset!B2": fifteen})), "titulo-largo") == []
    report = validate_submission(make_submission(changes={"Dataset!B2": fifteen + " más"}))
    warning = only(report, "titulo-largo")
    assert warning.location == "Dataset!B2" and not warning.is_error and report.valid
    assert "16 palabras" in warning.message


def test_inverted_dates(make_submission):
    report = validate_submission(make_submission(changes={"Recurso!D2": "31/12/2024", "Recurso!E2": "2024-01-01"}))
    finding = only(report, "fechas-invertidas")
    assert finding.location == "Recurso!E2"
    assert "es anterior a la «Fecha inicial del periodo que cubre»" in finding.message


def test_future_cut_off(make_submission):
    submission = read_submission(make_submission(changes={"Recurso!E2": date(2024, 12, 31)}))
    findings = check_metadata(submission, today=date(2024, 6, 30))
    [finding] = [f for f in findings if f.code == "fecha-futura"]
    assert finding.location == "Recurso!E2"
    assert "posterior a hoy" in finding.message


def test_missing_file_with_near_miss_name(make_submission):
    path = make_submission(files={"logo.png": png_bytes(), "mercado.csv": MERCADOS_CSV})
    finding = only(validate_submission(path), "archivo-no-encontrado")
    assert finding.location == "Recurso!A2"
    assert "mercados.csv" in finding.message
    assert "¿Quiso decir «mercado.csv»?" in finding.suggestion


def test_file_name_differing_only_in_case_is_used_with_a_warning(make_submission):
    path = make_submission(files={"logo.png": png_bytes(), "Mercados.CSV": MERCADOS_CSV})
    report = validate_submission(path)
    warning = only(report, "archivo-nombre-distinto")
    assert warning.location == "Recurso!A2" and "Mercados.CSV" in warning.message
    assert report.valid


def test_file_outside_the_delivery_folder_is_not_followed(make_submission):
    finding = only(validate_submission(make_submission(changes={"Recurso!A2": "../../etc/passwd"})),
                   "archivo-no-encontrado")
    assert "fuera de la carpeta" in finding.message


def test_extension_must_match_formato(make_submission):
    finding = only(validate_submission(make_submission(changes={"Recurso!G2": "XLSX"})), "extension-no-coincide")
    assert finding.location == "Recurso!G2"
    assert ".csv" in finding.message and ".xlsx" in finding.message


def test_logo_must_be_a_real_image(make_submission):
    path = make_submission(files={"logo.png": b"no soy una imagen", "mercados.csv": MERCADOS_CSV})
    finding = only(validate_submission(path), "logo-no-imagen")
    assert finding.location == "Dependencia!D2"


def test_truncated_png_is_not_an_image(make_submission):
    path = make_submission(files={"logo.png": png_bytes()[:30], "mercados.csv": MERCADOS_CSV})
    assert only(validate_submission(path), "logo-no-imagen")


def test_svg_logo_is_accepted(make_submission):
    svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"></svg>'
    files = {"logo.svg": svg, "mercados.csv": MERCADOS_CSV}
    path = make_submission(changes={"Dependencia!D2": "logo.svg"}, files=files)
    assert validate_submission(path).findings == []


def test_missing_logo(make_submission):
    path = make_submission(files={"mercados.csv": MERCADOS_CSV})
    assert only(validate_submission(path), "archivo-no-encontrado").location == "Dependencia!D2"


def test_data_folder_can_be_elsewhere(make_submission, tmp_path):
    path = make_submission(files={})
    data = tmp_path / "datos"
    data.mkdir()
    (data / "logo.png").write_bytes(png_bytes())
    (data / "mercados.csv").write_bytes(MERCADOS_CSV)
    assert len(found(validate_submission(path), "archivo-no-encontrado")) == 2
    assert validate_submission(path, data).findings == []


def test_allowed_values_come_from_a_file_and_the_command_line(tmp_path):
    (tmp_path / "permitidos.txt").write_text("# teléfono de la oficina\n2223094300\n\nSISP850101AB1  # RFC\n",
                                             encoding="utf-8")
    assert allowed_values([tmp_path, tmp_path], ["otro", "2223094300"]) == ["2223094300", "SISP850101AB1", "otro"]


def test_empty_sheets_are_errors(make_submission):
    rows = valid_rows()
    rows["Diccionario de Datos"] = []
    report = validate_submission(make_submission(rows))
    finding = only(report, "hoja-vacia")
    assert finding.location == "Diccionario de Datos!A2"
    assert only(report, "dataset-sin-diccionario").location == "Dataset!A2"


def test_dependencia_without_datasets_is_a_warning(make_submission):
    rows = valid_rows()
    rows["Dependencia"].append([15, "Secretaría de Movilidad", "Movilidad.", "logo.png"])
    report = validate_submission(make_submission(rows))
    warning = only(report, "dependencia-sin-datasets")
    assert warning.location == "Dependencia!A3" and not warning.is_error and report.valid


def test_same_dataset_id_in_two_dependencias_is_ambiguous(make_submission):
    rows = valid_rows()
    rows["Dependencia"].append([15, "Secretaría de Movilidad", "Movilidad.", "logo.png"])
    rows["Dataset"].append([1, "Ciclovías", "Ciclovías.", "", 15, "Movilidad y Transporte", "anual", "Ana",
                            "ana@pueblacapital.gob.mx"])
    report = validate_submission(make_submission(rows))
    assert {f.location for f in found(report, "id-ambiguo")} == {"Dataset!A2", "Dataset!A3"}
    assert found(report, "id-duplicado") == []


def test_repeated_dictionary_term_is_a_warning(make_submission):
    rows = valid_rows()
    rows["Diccionario de Datos"].append([1, "Mercado", "Otra vez."])
    warning = only(validate_submission(make_submission(rows)), "termino-duplicado")
    assert warning.location == "Diccionario de Datos!B4" and not warning.is_error


def test_description_that_repeats_the_title_is_a_warning(make_submission):
    report = validate_submission(make_submission(changes={"Dataset!C2": "mercados municipales"}))
    assert only(report, "descripcion-repite-titulo").location == "Dataset!C2"
    assert report.valid


def test_resource_of_unknown_dataset_is_reported_once_not_per_column(make_submission):
    report = validate_submission(make_submission(changes={"Recurso!F2": 7}))
    assert {f.code for f in report.errors} == {"dataset-inexistente", "dataset-sin-recursos"}
    assert "se revisará cuando el ID sea correcto" in only(report, "dataset-inexistente").suggestion
