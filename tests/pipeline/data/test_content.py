"""Files judged by their bytes: real type, macros, formulas, zip bombs, limits."""

from __future__ import annotations

import zipfile

import pytest
from openpyxl import Workbook
from pueblaabierto.data import Limits, validate_resource_file
from pueblaabierto.data.content import sniff

from tests.pipeline.data.conftest import codes, only, write_csv


def _xlsx(path, rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


@pytest.mark.parametrize(
    ("content", "label"),
    [
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "PDF"),
        (b"<!DOCTYPE html><html><head><title>Error 404</title></head></html>", "HTML"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG"),
    ],
)
def test_renamed_files_are_named_by_their_content(tmp_path, content, label):
    path = tmp_path / "datos.csv"
    path.write_bytes(content)
    findings = validate_resource_file(path, formato="CSV", terms={}, display_name="datos.csv")
    assert codes(findings) == ["contenido-no-coincide"]
    assert label in findings[0].message and "«datos.csv»" in findings[0].message


def test_xlsx_named_csv_and_ods_named_xlsx(tmp_path):
    path = _xlsx(tmp_path / "datos.csv", [["a", "b"], [1, 2]])
    assert sniff(path).kind == "xlsx"
    findings = validate_resource_file(path, formato="CSV", terms={}, display_name="datos.csv")
    assert codes(findings) == ["contenido-no-coincide"] and "Excel" in findings[0].message


def test_macros_are_refused_whatever_the_name(tmp_path):
    path = _xlsx(tmp_path / "datos.xlsx", [["a", "b"], [1, 2]])
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 fake vba")
    findings = validate_resource_file(path, formato="XLSX", terms={}, display_name="datos.xlsx")
    assert codes(findings) == ["archivo-con-macros"]
    assert "macros" in findings[0].message and ".xlsx" in findings[0].suggestion


def test_xls_with_vba_stream_is_refused(tmp_path):
    path = tmp_path / "viejo.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600 + "_VBA_PROJECT".encode("utf-16-le"))
    findings = validate_resource_file(path, formato="XLS", terms={}, display_name="viejo.xls")
    assert codes(findings) == ["archivo-con-macros"]


def test_formula_cells_are_reported(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.title = "Datos"
    sheet.append(["nombre", "liga", "calculo"])
    sheet.append(["A", '=HYPERLINK("http://example.com","ver")', "=1+1"])
    sheet.append(["B", "=cmd|' /C calc'!A0", "#REF!"])
    path = tmp_path / "f.xlsx"
    book.save(path)
    findings = validate_resource_file(path, formato="XLSX", terms={}, display_name="f.xlsx")
    dde = only(findings, "formula-peligrosa")
    assert "Datos!B3" in dde.message and dde.is_error
    assert "Datos!C3" in only(findings, "celda-con-error").message
    assert "Datos!B2" in only(findings, "formula-hipervinculo").message
    assert "Datos!C2" in only(findings, "formula-en-celda").message


def test_zip_bomb_is_refused_before_parsing(tmp_path):
    path = _xlsx(tmp_path / "bomba.xlsx", [["a"], [1]])
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/relleno.bin", b"\x00" * (20 * 1024 * 1024))
    findings = validate_resource_file(path, formato="XLSX", terms={}, display_name="bomba.xlsx")
    assert codes(findings) == ["archivo-demasiado-comprimido"]
    assert "bomba zip" in findings[0].message
    small = Limits(max_uncompressed_mb=5, max_compression_ratio=100_000)
    findings = validate_resource_file(path, formato="XLSX", terms={}, display_name="bomba.xlsx", limits=small)
    assert codes(findings) == ["archivo-demasiado-comprimido"] and "5 MB" in findings[0].message


def test_size_rows_and_columns_limits(tmp_path):
    path = write_csv(tmp_path / "d.csv", [["a", "b", "c"], *[[i, i, i] for i in range(30)]])
    tiny = Limits(max_file_mb=0)
    assert codes(validate_resource_file(path, formato="CSV", terms={}, display_name="d.csv", limits=tiny)) == [
        "archivo-demasiado-grande"
    ]
    findings = validate_resource_file(path, formato="CSV", terms={}, display_name="d.csv", limits=Limits(max_rows=10))
    assert codes(findings) == ["demasiadas-filas"] and "10" in findings[0].message
    findings = validate_resource_file(path, formato="CSV", terms={}, display_name="d.csv", limits=Limits(max_columns=2))
    assert codes(findings) == ["demasiadas-columnas"]


def test_limits_from_a_config_mapping():
    limits = Limits.from_mapping({"max_rows": "1000", "memory_budget_mb": 300, "desconocida": 1, "max_file_mb": ""})
    assert limits.max_rows == 1000 and limits.memory_budget_mb == 300 and limits.max_file_mb == Limits().max_file_mb


def test_formats_read_whole_are_held_to_the_in_memory_limit(tmp_path):
    path = tmp_path / "capa.geojson"
    feature = (
        '{"type": "Feature", "properties": {"n": "%s"}, "geometry": {"type": "Point", "coordinates": [-98.2, 19]}}'
    )
    path.write_text(
        '{"type": "FeatureCollection", "features": [' + ",".join(feature % ("x" * 900) for _ in range(1300)) + "]}"
    )
    findings = validate_resource_file(
        path, formato="GEOJSON", terms={}, display_name="capa.geojson", limits=Limits(max_in_memory_mb=1)
    )
    assert codes(findings) == ["archivo-demasiado-grande"] and "GEOJSON" in findings[0].message


def test_a_hundred_thousand_columns_are_refused_before_type_inference(tmp_path):
    path = tmp_path / "ancho.csv"
    path.write_bytes(b"a," * 100_000 + b"\n" + b"1," * 100_000 + b"\n")
    findings = validate_resource_file(path, formato="CSV", terms={}, display_name="ancho.csv")
    assert codes(findings) == ["demasiadas-columnas"]
