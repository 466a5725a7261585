"""Values read the way a person reads them: quantities with words, percentages, Excel serial dates."""

from __future__ import annotations

import pytest
from openpyxl import Workbook
from pueblaabierto.data import validate_resource_file

from tests.pipeline.data.conftest import codes, only, terms_for


def test_quantities_with_any_word_after_them_are_one_finding(check_csv):
    rows = [
        ["evento", "asistencia"],
        ["Feria del mole", "1,022 asistentes al evento"],
        ["Concierto", "2,598 participantes"],
        ["Taller", "35 niñas y niños"],
        ["Expo", "1500"],
    ]
    finding = only(check_csv(rows), "numero-con-texto", "asistencia")
    assert finding.count == 3 and finding.rows == (2, 3, 4)
    assert "«1,022 asistentes al evento»" in finding.message and "1022" in finding.suggestion


def test_a_text_column_that_sometimes_starts_with_a_number_is_fine(check_csv):
    rows = [["mercado", "referencia"]] + [[f"M{i}", f"Frente al parque {i}"] for i in range(8)]
    rows += [["M9", "3 cuadras al norte de la iglesia"], ["M10", "5 de Mayo y 16 de Septiembre"]]
    assert check_csv(rows) == []


def test_percentages_are_numbers_as_text_but_not_in_a_date_column(check_csv):
    rows = [
        ["obra", "fecha_inicio", "avance"],
        ["Bacheo", "2024-01-15", "45%"],
        ["Alumbrado", "45%", "12.5 %"],  # a percentage typed in the date column by mistake
        ["Banquetas", "2024-03-01", "100%"],
    ]
    findings = check_csv(rows)
    assert only(findings, "numero-como-texto", "avance").count == 3
    wrong = only(findings, "valor-no-es-fecha", "fecha_inicio")
    assert wrong.rows == (3,) and "45%" in wrong.message
    assert not [f for f in findings if f.column == "fecha_inicio" and f.code == "numero-como-texto"]


def test_excel_serial_dates_are_explained(check_csv, tmp_path):
    rows = [["tramite", "fecha_recepcion"], ["A", "45292"], ["B", "45323"], ["C", "45352"]]
    finding = only(check_csv(rows), "fecha-numero-de-serie", "fecha_recepcion")
    assert finding.count == 3 and "45292 (= 2024-01-01)" in finding.message and "aaaa-mm-dd" in finding.suggestion
    book = Workbook()
    book.active.append(["tramite", "fecha_recepcion"])
    for name, serial in (("A", 45292), ("B", 45323)):
        book.active.append([name, serial])
    path = tmp_path / "serial.xlsx"
    book.save(path)
    findings = validate_resource_file(
        path, formato="XLSX", terms=terms_for(["tramite", "fecha_recepcion"]), display_name="serial.xlsx"
    )
    assert codes(findings) == ["fecha-numero-de-serie"]


def test_plain_counts_in_a_date_named_column_outside_serial_range_are_left_alone(check_csv):
    rows = [["dias_atencion", "folio"], ["3", "1"], ["15", "2"]]
    assert check_csv(rows) == []


def test_percentage_cell_in_an_xlsx_date_column_is_not_a_date(tmp_path):
    import datetime as dt

    book = Workbook()
    sheet = book.active
    sheet.append(["obra", "fecha_inicio"])
    for day in range(1, 6):
        sheet.append([f"Obra {day}", dt.date(2024, 1, day)])
    sheet.append(["Obra 6", 0.45])
    sheet["B7"].number_format = "0%"  # shown as 45% in Excel
    path = tmp_path / "obras.xlsx"
    book.save(path)
    findings = validate_resource_file(
        path, formato="XLSX", terms=terms_for(["obra", "fecha_inicio"]), display_name="obras.xlsx"
    )
    wrong = only(findings, "valor-no-es-fecha", "fecha_inicio")
    assert wrong.rows == (7,) and "45%" in wrong.message
    assert "fecha-numero-de-serie" not in codes(findings)


@pytest.mark.parametrize(
    ("written", "column", "code", "reading"),
    [
        ("15-ene-2024", "fecha_registro", "fecha-no-iso", "2024-01-15"),
        ("31/01/24", "fecha_registro", "fecha-no-iso", "2024-01-31"),
        ("2024/01/15", "fecha_registro", "fecha-no-iso", "2024-01-15"),
        ("15.01.2024", "fecha_registro", "fecha-no-iso", "2024-01-15"),
        ("15 de enero de 2024", "fecha_registro", "fecha-no-iso", "2024-01-15"),
        ("10:30 a.m.", "hora_atencion", "hora-no-iso", "10:30"),
        ("4:15 p. m.", "hora_atencion", "hora-no-iso", "16:15"),
    ],
)
def test_dates_and_times_in_common_mexican_formats_are_one_finding_with_their_reading(
    check_csv, written, column, code, reading
):
    rows = [["tramite", column]] + [[f"T-{i}", written] for i in range(3)]
    findings = check_csv(rows)
    finding = only(findings, code, column)
    assert finding.count == 3 and finding.rows == (2, 3, 4)
    # The enlace sees what the value means, so the fix is a copy, not a guess.
    assert f"«{written} (= {reading})»" in finding.message
    assert codes(findings) == [code]


@pytest.mark.parametrize("written", ["31/02/2024", "15-xyz-2024"])
def test_a_date_shape_that_is_no_real_date_is_shown_without_a_reading(written):
    from pueblaabierto.data.cells import iso_reading

    assert iso_reading(written) is None
