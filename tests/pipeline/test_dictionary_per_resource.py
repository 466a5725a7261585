"""The Diccionario's optional «Recurso» column: a term describes one resource of its dataset.

The column comes from the registry (schemas/dataset.yaml, diccionario.recurso); the reader,
the checks of each file and the publish mapping all honour it, and workbooks written before
the column existed keep working.
"""

from __future__ import annotations

from datetime import date

import openpyxl
from pueblaabierto.publish import mapping
from pueblaabierto.validation import validate_submission
from pueblaabierto.workbook import spec
from pueblaabierto.workbook.reader import read_submission

from tests.pipeline.conftest import MERCADOS_CSV, png_bytes, valid_rows

GEOJSON = (
    b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"punto": "5 de Mayo"},'
    b' "geometry": {"type": "Point", "coordinates": [-98.1989, 19.0452]}}]}'
)


def two_resources() -> dict[str, list[list[object]]]:
    rows = valid_rows()
    rows[spec.RECURSO.name].append(
        ["mapa_mercados.geojson", "Mapa", "Mapa de mercados", date(2024, 1, 1), date(2024, 12, 31), 1, "GEOJSON"]
    )
    rows[spec.DICCIONARIO.name] = [
        [1, "mercado", "Nombre del mercado.", "mercados.csv"],
        [1, "locales", "Número de locales.", "mercados"],  # the file name without its extension
        [1, "punto", "Nombre del punto en el mapa.", "Mapa de mercados"],  # the Nombre del Recurso
    ]
    return rows


FILES = {"logo.png": png_bytes(), "mercados.csv": MERCADOS_CSV, "mapa_mercados.geojson": GEOJSON}


def test_the_template_has_the_optional_recurso_column():
    field = spec.DICCIONARIO.field("recurso")
    assert (field.column, field.header, field.required) == ("D", "Recurso", False)


def test_the_reader_reads_which_resource_a_term_belongs_to(make_submission):
    submission = read_submission(make_submission(two_resources(), files=FILES))
    assert [(e.termino, e.recurso) for e in submission.diccionario] == [
        ("mercado", "mercados.csv"), ("locales", "mercados"), ("punto", "Mapa de mercados")
    ]
    assert submission.findings == []


def test_each_file_is_checked_against_its_own_terms(make_submission):
    report = validate_submission(make_submission(two_resources(), files=FILES))
    assert [f.to_dict() for f in report.findings] == []


def test_a_term_of_one_file_missing_there_is_reported_even_if_the_dataset_has_other_files(make_submission):
    rows = two_resources()
    rows[spec.DICCIONARIO.name].append([1, "alcaldia", "Alcaldía del mercado.", "mercados.csv"])
    findings = validate_submission(make_submission(rows, files=FILES)).findings
    [missing] = [f for f in findings if f.code == "termino-sin-columna"]
    assert (missing.file, missing.column) == ("mercados.csv", "alcaldia")


def test_a_term_naming_a_resource_that_does_not_exist_is_one_clear_finding(make_submission):
    rows = two_resources()
    rows[spec.DICCIONARIO.name][2][3] = "Mapa de los mercados"
    findings = validate_submission(make_submission(rows, files=FILES)).findings
    [finding] = findings  # the term still describes the GeoJSON's column: no cascade
    assert finding.code == "recurso-inexistente" and finding.location == "Diccionario de Datos!D4"
    assert "«Mapa de los mercados»" in finding.message
    assert "«mercados.csv», «mapa_mercados.geojson»" in finding.suggestion


def test_the_same_column_name_in_two_files_is_two_terms(make_submission):
    rows = two_resources()
    rows[spec.DICCIONARIO.name][2][1] = "mercado"  # the map's column has the CSV's name, another meaning
    geojson = GEOJSON.replace(b'"punto"', b'"mercado"')
    findings = validate_submission(make_submission(rows, files={**FILES, "mapa_mercados.geojson": geojson})).findings
    assert [f.code for f in findings] == []


def test_a_workbook_without_the_column_still_reads_and_validates(tmp_path, make_submission):
    path = make_submission(valid_rows(), files={"logo.png": png_bytes(), "mercados.csv": MERCADOS_CSV})
    book = openpyxl.load_workbook(path)
    book[spec.DICCIONARIO.name].delete_cols(4)  # an old template: ID de Dataset, Término, Descripción
    book.save(path)
    submission = read_submission(path)
    assert [e.recurso for e in submission.diccionario] == [None, None] and submission.findings == []
    assert validate_submission(path).findings == []


def test_publish_sends_each_term_with_its_resource_name(make_submission):
    path = make_submission(two_resources(), files=FILES)
    desired = mapping.desired_state(read_submission(path), path.parent)
    [dataset] = desired.datasets
    assert dataset.custom["diccionario"] == [
        {"termino": "mercado", "descripcion": "Nombre del mercado.", "recurso": "Mercados 2024"},
        {"termino": "locales", "descripcion": "Número de locales.", "recurso": "Mercados 2024"},
        {"termino": "punto", "descripcion": "Nombre del punto en el mapa.", "recurso": "Mapa de mercados"},
    ]
    terms = {r.name: set(r.terms or ()) for r in dataset.resources if r.derived_from is None}
    assert terms == {"Mercados 2024": {"mercado", "locales"}, "Mapa de mercados": {"punto"}}
