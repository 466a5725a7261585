"""Tabular data checks (CSV, XLSX, ODS): encoding, header, dictionary, values, aggregation."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from pueblaabierto.data import build_table_schema, validate_resource_file
from pueblaabierto.findings import Severity

from .conftest import codes, only, terms_for, write_csv

CLEAN = [
    ["folio", "fecha", "colonia", "monto_mxn", "estatus"],
    ["1001", "2024-01-15", "Centro", "1500.50", "cerrada"],
    ["1002", "2024-02-01", "La Paz", "230", "asignada"],
    ["1003", "2024-02-03", "San Manuel", "99.9", "verificada"],
]


def test_clean_file_has_no_findings(check_csv):
    assert check_csv(CLEAN) == []


def test_dictionary_terms_compare_folded(check_csv):
    terms = {"Folio": "", "Fecha": "", "Colonia": "", "Monto MXN": "", "ESTATUS": ""}
    assert check_csv(CLEAN, terms=terms) == []


# --- encoding -------------------------------------------------------------------------


def test_latin1_csv_is_reported_with_row_and_fix_and_still_checked(tmp_path):
    rows = [["colonia", "monto"]] + [["Centro", "1"]] * 5 + [["Jardines de San José", "1,234"]]
    path = write_csv(tmp_path / "latin.csv", rows, encoding="latin-1")
    findings = validate_resource_file(path, formato="CSV", terms=terms_for(rows[0]), display_name="latin.csv")
    enc = only(findings, "codificacion-no-utf8")
    assert enc.row == 7 and "fila 7" in enc.message
    assert "Windows-1252" in enc.message
    assert enc.suggestion == "Guarde el archivo como CSV UTF-8 (en Excel: Guardar como > CSV UTF-8)."
    # The file was read with the detected encoding: the other checks ran.
    assert "numero-como-texto" in codes(findings)


def test_utf8_with_bom_is_fine(tmp_path):
    path = write_csv(tmp_path / "bom.csv", CLEAN, encoding="utf-8-sig")
    assert validate_resource_file(path, formato="CSV", terms=terms_for(CLEAN[0]), display_name="bom.csv") == []


# --- header ---------------------------------------------------------------------------


def test_blank_and_duplicate_headers(check_csv):
    rows = [["folio", "folio", "", "monto"], ["1", "2", "x", "3"]]
    findings = check_csv(rows, terms={"folio": "", "monto": ""})
    dup = only(findings, "encabezado-duplicado")
    assert "columna 2" in dup.message and "igual que la columna 1" in dup.message
    blank = only(findings, "encabezado-vacio")
    assert "columna 3" in blank.message and blank.row == 1


def test_column_without_dictionary_and_term_without_column(check_csv):
    findings = check_csv(CLEAN, terms={"folio": "", "fecha": "", "colonia": "", "monto_mxn": "", "alcaldia": ""})
    missing = only(findings, "columna-sin-diccionario")
    assert missing.column == "estatus" and "columna 5" in missing.message and "Diccionario" in missing.suggestion
    extra = only(findings, "termino-sin-columna")
    assert extra.column == "alcaldia" and "alcaldia" in extra.message


def test_two_header_rows(check_csv):
    rows = [
        ["ubicacion", "", "monto", "obra"],
        ["latitud", "longitud", "monto_mxn", "nombre"],
        ["19.04", "-98.2", "100", "Bacheo"],
        ["19.05", "-98.21", "200", "Poda"],
        ["19.06", "-98.22", "300", "Alumbrado"],
    ]
    findings = check_csv(rows, terms={"latitud": "", "longitud": "", "monto_mxn": "", "nombre": ""})
    second = only(findings, "varias-filas-encabezado")
    assert second.row == 2 and "fila 2" in second.message and "una sola fila" in second.suggestion
    # The second header row is not reported again as bad values.
    assert "tipo-invalido" not in codes(findings)


def test_merged_header_cells_and_extra_sheets_in_xlsx(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Obras"
    sheet.append(["Ubicación", None, "monto"])
    sheet.merge_cells("A1:B1")
    sheet.append([19.04, -98.2, 100])
    sheet.append([19.05, -98.21, 200])
    sheet.merge_cells("C2:C3")
    book.create_sheet("Notas")
    path = tmp_path / "obras.xlsx"
    book.save(path)
    findings = validate_resource_file(
        path, formato="XLSX", terms={"ubicacion": "", "monto": ""}, display_name="obras.xlsx"
    )
    header = only(findings, "celdas-combinadas-encabezado")
    assert "A1:B1" in header.message and "Separe" in header.suggestion
    assert "C2:C3" in only(findings, "celdas-combinadas").message
    assert only(findings, "varias-hojas").severity is Severity.WARNING


def test_clean_xlsx_with_real_dates_and_numbers(tmp_path):
    import datetime as dt

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["folio", "fecha", "monto"])
    for i in range(5):
        sheet.append([i + 1, dt.datetime(2024, 1, i + 1), 10.5 * i])
    path = tmp_path / "ok.xlsx"
    book.save(path)
    terms = {"folio": "", "fecha": "", "monto": ""}
    assert validate_resource_file(path, formato="XLSX", terms=terms, display_name="ok.xlsx") == []


def test_ods_is_read(tmp_path):
    import pandas as pd

    path = tmp_path / "datos.ods"
    pd.DataFrame({"colonia": ["Centro", "La Paz"], "monto": ["1,234", "5"]}).to_excel(path, engine="odf", index=False)
    findings = validate_resource_file(path, formato="ODS", terms={"colonia": "", "monto": ""}, display_name="datos.ods")
    assert only(findings, "numero-como-texto", "monto").rows == (2,)


# --- values ---------------------------------------------------------------------------


def test_type_errors_after_the_inference_sample_are_aggregated_per_column(check_csv):
    # Frictionless infers types from the first rows (1000 here): later rows must match.
    rows = [["folio", "monto"]] + [[str(i), str(i * 10)] for i in range(1500)]
    rows[1200][1] = "N/D"
    rows[1400][1] = "sin dato"
    findings = check_csv(rows)
    err = only(findings, "tipo-invalido", "monto")
    assert err.rows == (1201, 1401) and err.count == 2
    assert "filas 1201 y 1401" in err.message and "«N/D»" in err.message
    assert "vacía" in err.suggestion


def test_text_in_a_numeric_column_within_the_sample_is_mixed_types(check_csv):
    rows = [["folio", "monto"]] + [[str(i), str(i * 10)] for i in range(200)]
    rows[50][1] = "N/D"
    mixed = only(check_csv(rows), "tipos-mezclados", "monto")
    assert mixed.rows == (51,) and "«N/D»" in mixed.message


def test_totals_row(check_csv):
    rows = [["colonia", "monto"], ["Centro", "10"], ["La Paz", "20"], ["TOTAL GENERAL", "30"]]
    total = only(check_csv(rows), "fila-de-totales")
    assert total.row == 4 and "TOTAL GENERAL" in total.message and "Elimine" in total.suggestion


@pytest.mark.parametrize("label", ["Total", "Suma", "Subtotal", "  total de obras"])
def test_totals_row_variants(check_csv, label):
    rows = [["concepto", "monto"], ["Obra A", "1"], ["Obra B", "2"], [label, "3"]]
    assert only(check_csv(rows), "fila-de-totales").row == 4


def test_totals_word_inside_text_is_not_a_totals_row(check_csv):
    rows = [["concepto", "monto"], ["Rehabilitación total de banquetas", "1"], ["Obra B", "2"]]
    assert "fila-de-totales" not in codes(check_csv(rows))


def test_numbers_as_text(check_csv):
    rows = [["monto", "distancia"], ["1,234,567", "12 km"], ["$ 1,234.50", "3.5 km"], ["1500", "7 km"]]
    findings = check_csv(rows)
    monto = only(findings, "numero-como-texto", "monto")
    assert monto.rows == (2, 3) and "1,234,567" in monto.message
    assert "nombre de la columna" in monto.suggestion
    assert only(findings, "numero-como-texto", "distancia").count == 3


def test_non_iso_dates(check_csv):
    rows = [["fecha", "otra"], ["31/01/2024", "2024-01-31"], ["01/02/2024", "2024-02-01"], ["5 de marzo de 2024", "x"]]
    findings = check_csv(rows)
    dates = only(findings, "fecha-no-iso", "fecha")
    assert dates.rows == (2, 3, 4) and "AAAA-MM-DD" in dates.suggestion
    assert not [f for f in findings if f.code == "fecha-no-iso" and f.column == "otra"]


def _dates(count: int) -> list[list[str]]:
    return [["folio", "fecha", "registro"]] + [
        [str(i), f"2024-01-{i % 28 + 1:02d}", f"2024-01-{i % 28 + 1:02d}T10:30:00"] for i in range(count)
    ]


def test_impossible_dates_after_the_inference_sample_are_type_errors(check_csv):
    # The fast path used to accept any day 01-31 of any month without asking Frictionless.
    rows = _dates(1500)
    rows[1100][1], rows[1200][1], rows[1300][1], rows[1400][1] = "2024-02-30", "2024-04-31", "2023-02-29", "2024-02-29"
    rows[1450][2] = "2024-06-31T08:00:00"
    findings = check_csv(rows)
    fecha = only(findings, "tipo-invalido", "fecha")
    assert fecha.rows == (1101, 1201, 1301) and "«2024-02-30»" in fecha.message  # 2024 is a leap year
    assert "2024-02-30" in fecha.suggestion
    assert only(findings, "tipo-invalido", "registro").rows == (1451,)
    assert len(findings) == 2


def test_impossible_date_inside_the_inference_sample_is_still_reported(check_csv):
    # One impossible date among the sampled rows makes Frictionless infer the column as text.
    rows = _dates(300)
    rows[150][1], rows[151][1], rows[152][1] = "2024-02-30", "2024-13-01", "2024-02-29"
    findings = check_csv(rows)
    assert only(findings, "tipo-invalido", "fecha").rows == (151, 152)
    assert len(findings) == 1


def test_impossible_dates_typed_as_text_in_xlsx(tmp_path):
    # Dates typed as text in the spreadsheet: the column is inferred "date" from the text.
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["folio", "fecha"])
    for i in range(1200):
        sheet.append([i + 1, f"2024-03-{i % 28 + 1:02d}"])
    sheet.append([1201, "2024-11-31"])
    path = tmp_path / "fechas.xlsx"
    book.save(path)
    findings = validate_resource_file(path, formato="XLSX", terms={"folio": "", "fecha": ""}, display_name="f.xlsx")
    assert only(findings, "tipo-invalido", "fecha").rows == (1202,)


def test_months_not_iso(check_csv):
    rows = [["periodo", "ok"], ["Enero de 2024", "2024-01"], ["02/2024", "2024-02"], ["marzo 2024", "2024-03"]]
    findings = check_csv(rows)
    assert only(findings, "fecha-no-iso", "periodo").rows == (2, 3, 4)
    assert "AAAA-MM" in findings[0].suggestion
    assert [f.column for f in findings] == ["periodo"]


def test_mixed_types_are_reported_when_most_values_are_numbers(check_csv):
    rows = [["poblacion"]] + [[str(i)] for i in range(8)] + [["no aplica"], ["pendiente"], ["x"]]
    mixed = only(check_csv(rows), "tipos-mezclados", "poblacion")
    assert mixed.rows == (10, 11, 12) and mixed.severity is Severity.WARNING


def test_text_column_with_some_numbers_is_not_mixed(check_csv):
    rows = [["calle"]] + [[f"Calle {c}"] for c in "ABCDEFGH"] + [["16"], ["5"]]
    assert "tipos-mezclados" not in codes(check_csv(rows))


def test_blank_and_duplicate_rows_and_ragged_rows(check_csv):
    rows = [["folio", "colonia"], ["1", "Centro"], ["", ""], ["1", "Centro"], ["2", "La Paz", "extra"], ["3"]]
    findings = check_csv(rows)
    assert only(findings, "fila-vacia").rows == (3,)
    assert only(findings, "fila-duplicada").rows == (4,)
    assert only(findings, "celda-extra").rows == (5,)
    assert only(findings, "celda-faltante", "colonia").rows == (6,)


def test_aggregation_keeps_one_finding_per_column_for_many_rows(check_csv):
    rows = [["monto"]] + [[f"{i * 1000:,}"] for i in range(1000, 6000)]
    findings = check_csv(rows)
    assert codes(findings) == ["numero-como-texto"]
    finding = findings[0]
    assert finding.count == 5000 and len(finding.rows) == 1000 and finding.rows[:3] == (2, 3, 4)
    assert "y 4,990 más" in finding.message


def test_messages_say_where_and_how(check_csv):
    rows = [["monto"], ["1,234"]]
    finding = only(check_csv(rows, name="obras.csv"), "numero-como-texto")
    assert finding.file == "obras.csv" and finding.column == "monto" and finding.row == 2
    assert finding.location == 'obras.csv, columna "monto", fila 2'
    assert 'columna "monto"' in finding.message and "fila 2" in finding.message and finding.suggestion


def test_progress_reports_rows(check_csv):
    seen: list[int] = []
    check_csv([["a"]] + [[str(i)] for i in range(45_000)], progress=seen.append)
    assert seen and seen[-1] == 45_000 and seen == sorted(seen)


def test_unreadable_file(tmp_path):
    path = tmp_path / "roto.xlsx"
    # A zip that claims to be a workbook but whose sheet is missing.
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    findings = validate_resource_file(path, formato="XLSX", terms={}, display_name="roto.xlsx")
    assert codes(findings) == ["archivo-ilegible"]
    assert "roto.xlsx" in findings[0].message and findings[0].suggestion


def test_text_named_xlsx_is_judged_by_its_bytes(tmp_path):
    path = tmp_path / "roto.xlsx"
    path.write_bytes(b"this is not a workbook")
    findings = validate_resource_file(path, formato="XLSX", terms={}, display_name="roto.xlsx")
    assert codes(findings) == ["contenido-no-coincide"]
    assert "archivo de texto" in findings[0].message


def test_build_table_schema_uses_dictionary_titles_and_inferred_types(tmp_path):
    path = write_csv(tmp_path / "d.csv", CLEAN)
    schema = build_table_schema(path, {"Folio": "Número de solicitud", "Monto MXN": "Importe en pesos"})
    by_name = {f.name: f for f in schema.fields}
    assert by_name["folio"].type == "integer" and by_name["folio"].title == "Folio"
    assert by_name["folio"].description == "Número de solicitud"
    assert by_name["fecha"].type == "date"
    assert by_name["monto_mxn"].type == "number" and by_name["monto_mxn"].description == "Importe en pesos"


def test_path_outside_cwd_is_accepted(tmp_path: Path):
    # Frictionless refuses "unsafe" absolute paths unless read relative to a basepath.
    path = write_csv(tmp_path / "sub.csv", CLEAN)
    assert validate_resource_file(path.resolve(), formato="CSV", terms=terms_for(CLEAN[0]), display_name="x") == []


def test_xls_is_read(tmp_path):
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook()
    sheet = book.add_sheet("Datos")
    for r, row in enumerate([["colonia", "monto"], ["Centro", "1,234"], ["La Paz", 12]]):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    path = tmp_path / "datos.xls"
    book.save(str(path))
    findings = validate_resource_file(path, formato="XLS", terms={"colonia": "", "monto": ""}, display_name="datos.xls")
    assert codes(findings) == ["numero-como-texto"] and findings[0].row == 2


def test_semicolon_csv_as_excel_writes_it_in_spanish(check_csv, tmp_path):
    path = tmp_path / "pc.csv"
    path.write_text("colonia;monto\nCentro;100\nLa Paz;12\n", encoding="utf-8")
    assert validate_resource_file(path, formato="CSV", terms={"colonia": "", "monto": ""}, display_name="pc.csv") == []


def test_merged_ranges_match_openpyxl(tmp_path):
    from pueblaabierto.data.headers import check_xlsx_layout

    book = openpyxl.Workbook()
    sheet = book.active
    for row in range(1, 30):
        sheet.append([f"v{row}", row, row * 2])
    for ref in ("A1:C1", "A5:A9", "B20:C21"):
        sheet.merge_cells(ref)
    path = tmp_path / "m.xlsx"
    book.save(path)
    expected = {str(r) for r in openpyxl.load_workbook(path).active.merged_cells.ranges}
    findings = check_xlsx_layout(path, "m.xlsx")
    found = {ref for finding in findings for ref in re.findall(r"\b[A-Z]+\d+:[A-Z]+\d+\b", finding.message)}
    assert found == expected


def test_personal_data_in_typed_spreadsheet_cells(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["nombre", "telefono", "nss"])
    sheet.append(["Ana", 2221234567, 12345678903])
    sheet.append(["Luis", 2227654321, None])
    path = tmp_path / "p.xlsx"
    book.save(path)
    terms = {"nombre": "", "telefono": "", "nss": ""}
    findings = validate_resource_file(path, formato="XLSX", terms=terms, display_name="p.xlsx")
    assert only(findings, "datos-personales-telefono", "telefono").rows == (2, 3)
    assert only(findings, "datos-personales-nss", "nss").rows == (2,)


def test_grouped_two_row_header_without_dictionary_names(check_csv):
    rows = [
        ["Ubicación", "", "Importe"],
        ["lat", "lon", "mxn"],
        *[[f"19.0{i}", f"-98.2{i}", str(100 * i)] for i in range(1, 9)],
    ]
    second = only(check_csv(rows, terms={"ubicacion": "", "importe": ""}), "varias-filas-encabezado")
    assert second.row == 2 and "lat | lon | mxn" in second.message


def test_text_first_data_row_is_not_a_second_header(check_csv):
    rows = [["colonia", "servicio", "monto"], ["Centro", "Bacheo", "100"], ["La Paz", "Poda", "200"]]
    assert check_csv(rows) == []


def test_header_only_file(check_csv):
    assert codes(check_csv([["colonia", "monto"]])) == ["archivo-sin-filas"]


def test_no_dictionary_at_all_is_left_to_the_metadata_checks(check_csv):
    assert check_csv(CLEAN, terms={}) == []


@pytest.mark.parametrize(
    ("first_row", "code", "said"),
    [
        (["", "", ""], "encabezado-no-en-fila-1", "la fila 1 está vacía"),
        (["Reporte de obras 2024", "", ""], "titulo-sobre-la-tabla", "«Reporte de obras 2024»"),
    ],
)
def test_title_or_blank_row_above_the_header_is_one_finding(check_csv, first_row, code, said):
    rows = [first_row, ["colonia", "monto", "fecha"], ["Centro", "1", "2024-01-01"], ["La Paz", "2", "2024-01-02"]]
    findings = check_csv(rows, terms={"colonia": "", "monto": "", "fecha": ""})
    assert codes(findings) == [code]
    assert findings[0].row == 1 and said in findings[0].message and "fila 2" in findings[0].message


def test_blank_header_row_without_names_below_is_one_finding(check_csv):
    rows = [["", ""], ["Centro", "1"], ["La Paz", "2"]]
    findings = check_csv(rows, terms={"colonia": "", "monto": ""})
    assert [f.code for f in findings if f.code == "encabezado-vacio"] == ["encabezado-vacio"]
    assert "La fila 1" in only(findings, "encabezado-vacio").message
