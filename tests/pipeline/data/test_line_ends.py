"""Text files as other systems write them: UTF-16 with BOM, classic Mac line ends (CR only)."""

from __future__ import annotations

from pueblaabierto.data import validate_resource_file

TEXT = (
    "mercado,colonia,locales\nMercado 5 de Mayo,Centro Histórico,412\nMercado Zaragoza,Zaragoza,N/D\n"
    "Mercado La Acocota,Analco,150\n"
)
TERMS = {"mercado": "Nombre.", "colonia": "Colonia.", "locales": "Locales."}


def check(tmp_path, data: bytes):
    path = tmp_path / "mercados.csv"
    path.write_bytes(data)
    return [(f.code, f.row) for f in validate_resource_file(path, formato="CSV", terms=TERMS,
                                                              display_name="mercados.csv")]


def test_cr_line_ends_are_read_with_the_same_rows_and_one_warning(tmp_path):
    unix = check(tmp_path, TEXT.encode("utf-8"))
    mac = check(tmp_path, TEXT.replace("\n", "\r").encode("utf-8"))
    assert mac == [("fin-de-linea-mac", None), *unix] and ("tipos-mezclados", 3) in unix


def test_the_first_bad_byte_of_a_cr_file_is_on_its_real_row(tmp_path):
    # «Histórico» in Windows-1252 is on row 2; counting "\n" alone said row 1.
    assert ("codificacion-no-utf8", 2) in check(tmp_path, TEXT.replace("\n", "\r").encode("cp1252"))


def test_utf16_with_bom_is_one_finding_for_the_whole_file(tmp_path):
    path = tmp_path / "mercados.csv"
    path.write_bytes(TEXT.replace("\n", "\r\n").encode("utf-16"))
    [finding] = [f for f in validate_resource_file(path, formato="CSV", terms=TERMS, display_name="mercados.csv")
                 if f.code == "codificacion-no-utf8"]
    assert "está guardado en UTF-16" in finding.message and "CSV UTF-8" in finding.suggestion
