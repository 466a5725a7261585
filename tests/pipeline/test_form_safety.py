"""The FORM.317 workbook judged by its bytes: macros, renamed files, bombs, pasted sheets."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from pueblaabierto.cli import main
from pueblaabierto.data.limits import Limits
from pueblaabierto.errors import UnusableInput
from pueblaabierto.validation import validate_submission
from pueblaabierto.workbook.grid import load_grids

from tests.pipeline.conftest import REPO


def test_form_with_macros_is_refused_even_named_xlsx(make_submission):
    path = make_submission()
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 vba")
    with pytest.raises(UnusableInput) as raised:
        validate_submission(path)
    assert raised.value.code == "archivo-con-macros"
    assert "El formulario «FORM.317.xlsx» contiene macros" in raised.value.message
    result = CliRunner().invoke(main, ["validar", str(path)])
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_pdf_renamed_xlsx_is_named(tmp_path):
    path = tmp_path / "FORM.317.xlsx"
    path.write_bytes(b"%PDF-1.7\n1 0 obj\n")
    with pytest.raises(UnusableInput) as raised:
        validate_submission(path)
    assert raised.value.code == "formato-no-admitido" and "documento PDF" in raised.value.message


def test_form_zip_bomb_is_refused(make_submission):
    path = make_submission()
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/relleno.bin", b"\x00" * (8 * 1024 * 1024))
    with pytest.raises(UnusableInput) as raised:
        validate_submission(path, limits=Limits(max_uncompressed_mb=4))
    assert raised.value.code == "archivo-demasiado-comprimido"


def test_dde_formula_in_the_form_is_an_error(make_submission):
    path = make_submission(changes={"Dataset!J2": "=cmd|' /C calc'!A0"})
    report = validate_submission(path)
    dde = [f for f in report.findings if f.code == "formula-peligrosa"]
    assert dde and "Dataset!J2" in dde[0].message and not report.valid


def _paste_sheet(path, rows):
    book = load_workbook(path)
    sheet = book.create_sheet("Hoja pegada")
    for i in range(rows):
        sheet.append([f"OP-{i:07d}", i, f"Colonia {i % 400}", i * 1.5, "Sin observaciones", i % 7, "x", i])
    book.save(path)


def test_a_pasted_sheet_is_read_only_up_to_the_limit(make_submission):
    path = make_submission()
    _paste_sheet(path, 6_000)
    grids = load_grids(path, max_rows=5_000)
    assert len(grids["Hoja pegada"]) == 5_000 and grids.truncated == {"Hoja pegada": 5_000}
    report = validate_submission(path)
    assert report.valid and [f.code for f in report.findings] == ["hoja-extra"]


def test_the_form_sheet_row_limit_is_the_one_the_caller_passes(make_submission):
    """Limits.max_form_sheet_rows reaches the reader: an official sheet longer than it is cut there."""
    from tests.pipeline.conftest import valid_rows

    rows = valid_rows()
    rows["Diccionario de Datos"] += [[1, f"columna_{i}", "Columna pegada."] for i in range(30)]
    path = make_submission(rows)
    report = validate_submission(path, limits=Limits(max_form_sheet_rows=20))
    [cut] = [f for f in report.findings if f.code == "hoja-demasiado-larga"]
    assert cut.sheet == "Diccionario de Datos" and "más de 20 filas" in cut.message
    assert "hoja-demasiado-larga" not in {f.code for f in validate_submission(path).findings}


_PEAK = """
import sys, pathlib
from pueblaabierto.validation import validate_submission
validate_submission(pathlib.Path(sys.argv[1]))
print([l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1])
"""


def _peak_kb(path):
    env = {**os.environ, "PYTHONPATH": str(REPO / "pipeline")}
    out = subprocess.run([sys.executable, "-c", _PEAK, str(path)], check=True, capture_output=True, text=True, env=env)
    return int(out.stdout.split()[-1])


def test_extra_sheet_rows_cost_no_memory(make_submission, tmp_path):
    """Validating a form with 40,000 pasted rows costs about what the bare form costs
    (openpyxl's normal mode needed ~100 MB more for these rows)."""
    bare = make_submission()
    pasted = tmp_path / "pegada" / "FORM.317.xlsx"
    pasted.parent.mkdir()
    for file in tmp_path.iterdir():
        if file.is_file():
            (pasted.parent / file.name).write_bytes(file.read_bytes())
    _paste_sheet(pasted, 40_000)
    assert _peak_kb(pasted) - _peak_kb(bare) < 30 * 1024


def _ods_with_macro(source_sheets: dict, path, part: str):
    """An ODS as LibreOffice saves it with a macro: the Basic or Scripts part inside the zip."""
    import pandas as pd

    with pd.ExcelWriter(path, engine="odf") as writer:
        for name, frame in source_sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False, header=False)
    with zipfile.ZipFile(path, "a") as archive:
        macro = '<script:module script:name="Module1">Sub Main\n  Shell("calc")\nEnd Sub</script:module>'
        archive.writestr(part, macro)
    return path


@pytest.mark.parametrize("part", ["Basic/Standard/Module1.xml", "Scripts/python/inicio.py"])
def test_odf_macros_are_refused_in_the_ods_workbook(make_submission, part):
    import pandas as pd

    xlsx = make_submission()
    sheets = pd.read_excel(xlsx, sheet_name=None, header=None)
    path = _ods_with_macro(sheets, xlsx.with_name("FORM.317.ods"), part)
    with pytest.raises(UnusableInput) as raised:
        validate_submission(path)
    assert raised.value.code == "archivo-con-macros"
    assert "El formulario «FORM.317.ods» contiene macros" in raised.value.message
    result = CliRunner().invoke(main, ["validar", str(path)])
    assert result.exit_code == 2 and "macros" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("part", ["Basic/Standard/Module1.xml", "Scripts/python/inicio.py"])
def test_odf_macros_are_refused_in_an_ods_data_file(tmp_path, part):
    import pandas as pd
    from pueblaabierto.data import validate_resource_file

    frame = pd.DataFrame([["mercado", "locales"], ["5 de Mayo", 412], ["Zaragoza", 238]])
    path = _ods_with_macro({"Hoja1": frame}, tmp_path / "mercados.ods", part)
    clean = _ods_with_macro({"Hoja1": frame}, tmp_path / "limpio.ods", "Configurations2/accelerator/current.xml")
    terms = {"mercado": "Nombre.", "locales": "Locales."}
    [finding] = validate_resource_file(path, formato="ODS", terms=terms, display_name="mercados.ods")
    assert finding.code == "archivo-con-macros" and finding.file == "mercados.ods"
    assert "«mercados.ods» contiene macros" in finding.message
    # The same file without the macro part is read and accepted: the refusal is about the macro.
    assert validate_resource_file(clean, formato="ODS", terms=terms, display_name="limpio.ods") == []
