"""The validar command: exit codes, JSON shape, terminal and HTML reports, the real console script."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from pueblaabierto.cli import main

from tests.pipeline.conftest import EJEMPLOS, png_bytes, valid_rows

FINDING_KEYS = {"code", "message", "sheet", "row", "column", "file", "suggestion", "severity"}


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_valid_submission_exits_0_with_a_spanish_summary(make_submission):
    result = run("validar", str(make_submission()))
    assert result.exit_code == 0, result.output
    assert "El formato es válido." in result.output


def test_warnings_do_not_make_a_submission_invalid(make_submission):
    long_title = " ".join(["palabra"] * 16)
    result = run("validar", str(make_submission(changes={"Dataset!B2": long_title})), "--json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["valid"] is True and data["errors"] == []
    assert [w["code"] for w in data["warnings"]] == ["titulo-largo"]


def test_json_shape_of_an_invalid_submission(make_submission):
    result = run("validar", str(make_submission(changes={"Recurso!G2": "Excel", "Dataset!B2": None})), "--json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert set(data) == {"valid", "errors", "warnings"}
    assert data["valid"] is False
    assert {(e["code"], e["sheet"], e["row"], e["column"]) for e in data["errors"]} == {
        ("vocabulario-invalido", "Recurso", 2, "G"),
        ("celda-requerida", "Dataset", 2, "B"),
    }
    for finding in data["errors"]:
        assert FINDING_KEYS <= set(finding)


def test_terminal_report_groups_by_sheet_with_cells(make_submission):
    result = run("validar", str(make_submission(changes={"Recurso!G2": "Excel", "Dataset!B2": None})))
    assert result.exit_code == 1
    out = result.output
    assert "Pestaña «Dataset»" in out and "Pestaña «Recurso»" in out
    assert out.index("Pestaña «Dataset»") < out.index("Pestaña «Recurso»")
    assert "G2" in out and "B2" in out
    assert "2 errores y 0 advertencias" in out


def test_unusable_input_exits_2_without_traceback(tmp_path):
    xls = tmp_path / "FORM.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    for args in (["validar", str(xls)], ["validar", str(tmp_path / "no-existe.xlsx")], ["validar", str(tmp_path)]):
        result = run(*args)
        assert result.exit_code == 2, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert "Traceback" not in result.output
    data = json.loads(run("validar", str(xls), "--json").output)
    assert data["valid"] is False and data["errors"][0]["code"] == "formato-no-admitido"


def test_missing_data_folder_exits_2(make_submission, tmp_path):
    result = run("validar", str(make_submission()), "--datos", str(tmp_path / "nada"))
    assert result.exit_code == 2
    assert "carpeta de datos" in result.output


def test_usage_errors_exit_2():
    assert run("validar").exit_code == 2
    assert run("validar", "x.xlsx", "--no-existe").exit_code == 2


def test_html_report_is_self_contained_spanish(make_submission, tmp_path):
    out = tmp_path / "reporte.html"
    result = run("validar", str(make_submission(changes={"Dataset!G2": "<b>Mensualmente</b>"})), "--html", str(out))
    assert result.exit_code == 1
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and '<html lang="es">' in html
    assert "<style>" in html and "<link" not in html and "<script" not in html
    assert "Pestaña «Dataset»" in html and "G2" in html
    assert "&lt;b&gt;Mensualmente&lt;/b&gt;" in html  # user text is escaped
    assert "¿Quiso decir «mensual»?" in html


def test_html_into_missing_folder_exits_2(make_submission, tmp_path):
    result = run("validar", str(make_submission()), "--html", str(tmp_path / "no" / "r.html"))
    assert result.exit_code == 2
    assert "No se pudo escribir el reporte HTML" in result.output


def test_console_script_runs_for_real(tmp_path):
    script = Path(sys.executable).parent / "pueblaabierto"
    command = [str(script)] if script.exists() else [shutil.which("pueblaabierto") or "pueblaabierto"]
    example = EJEMPLOS / "rotos" / "fechas-invertidas" / "FORM.317.xlsx"
    result = subprocess.run([*command, "validar", str(example), "--json"], capture_output=True, text=True,
                            check=False, timeout=120)
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    assert [(e["code"], e["location"]) for e in data["errors"]] == [("fechas-invertidas", "Recurso!E2")]
    usage = subprocess.run([*command, "validar"], capture_output=True, text=True, check=False, timeout=60)
    assert usage.returncode == 2 and "Traceback" not in usage.stderr


def test_allowed_values_reach_the_personal_data_checks(make_submission, tmp_path):
    csv = b"mercado,locales,telefono\nMercado 5 de Mayo,412,Tel. 222 309 4300\n"
    rows = {
        "Diccionario de Datos": [[1, "mercado", "Nombre del mercado."], [1, "locales", "Número de locales."],
                                 [1, "telefono", "Teléfono de la administración del mercado."]],
    }
    all_rows = {**valid_rows(), **rows}
    path = make_submission(all_rows, files={"logo.png": png_bytes(), "mercados.csv": csv})
    flagged = json.loads(run("validar", str(path), "--json").output)
    assert any(e["code"].startswith("datos-personales") for e in flagged["errors"]), flagged
    allowed = run("validar", str(path), "--json", "--permitir", "222 309 4300")
    assert allowed.exit_code == 0, allowed.output
    (tmp_path / "permitidos.txt").write_text("# oficina del mercado\n2223094300\n", encoding="utf-8")
    assert run("validar", str(path), "--json").exit_code == 0


# --- gaps found in the audit (pipeline/README.md) ----------------------------------------


def write_ods_submission(folder: Path, *, changes: dict[str, object] | None = None) -> Path:
    """The valid submission of conftest as a LibreOffice workbook, its resource an .ods table too."""
    import pandas as pd
    from pueblaabierto.workbook import spec

    from tests.pipeline.conftest import HEADERS_BY_SHEET

    rows = valid_rows()
    rows[spec.RECURSO.name][0][0], rows[spec.RECURSO.name][0][6] = "mercados.ods", "ODS"
    for ref, value in (changes or {}).items():
        sheet, cell = ref.split("!")
        rows[sheet][int(cell[1:]) - 2][ord(cell[0]) - ord("A")] = value
    path = folder / "FORM.317.ods"
    with pd.ExcelWriter(path, engine="odf") as writer:
        for title, sheet_rows in rows.items():
            pd.DataFrame([HEADERS_BY_SHEET[title], *sheet_rows]).to_excel(
                writer, sheet_name=title, header=False, index=False
            )
    pd.DataFrame({"mercado": ["Mercado 5 de Mayo", "Mercado Zaragoza"], "locales": [412, 238]}).to_excel(
        folder / "mercados.ods", engine="odf", index=False
    )
    (folder / "logo.png").write_bytes(png_bytes())
    return path


def test_ods_workbook_and_ods_data_end_to_end(tmp_path):
    result = run("validar", str(write_ods_submission(tmp_path)))
    assert result.exit_code == 0, result.output
    assert "El formato es válido." in result.output


def test_ods_workbook_findings_point_at_the_cell(tmp_path):
    path = write_ods_submission(tmp_path, changes={"Recurso!G2": "Excel"})
    result = run("validar", str(path), "--json")
    assert result.exit_code == 1, result.output
    errors = json.loads(result.output)["errors"]
    assert [(e["code"], e["sheet"], e["row"], e["column"]) for e in errors] == [
        ("vocabulario-invalido", "Recurso", 2, "G")
    ]


def test_xlsm_is_refused_with_a_spanish_way_out(tmp_path):
    path = tmp_path / "FORM.317.xlsm"
    path.write_bytes(b"PK\x03\x04" + b"\0" * 100)
    result = run("validar", str(path))
    assert result.exit_code == 2
    text = " ".join(result.output.split())  # rich wraps lines at the terminal width
    assert "«FORM.317.xlsm» es un libro de Excel con macros (.xlsm)" in text
    assert "solo se aceptan libros .xlsx u .ods" in text and "Guardar como" in text
    assert "Traceback" not in result.output
    data = json.loads(run("validar", str(path), "--json").output)
    assert data["valid"] is False and data["errors"][0]["code"] == "formato-no-admitido"
    assert data["errors"][0]["file"] == "FORM.317.xlsm"


def test_html_report_loads_nothing_from_outside(make_submission, tmp_path):
    out = tmp_path / "reporte.html"
    run("validar", str(make_submission(changes={"Dataset!B2": None})), "--html", str(out))
    html = out.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=|url\(|@import|https?://""", html), "the report must open offline"


def test_progress_bar_for_a_large_file(make_submission):
    import io

    from pueblaabierto.report.terminal import progress_bar
    from pueblaabierto.validation import validate_submission
    from rich.console import Console

    big = b"mercado,locales\n" + b"".join(b"Mercado %d,%d\n" % (i, i % 500) for i in range(45_000))
    path = make_submission(files={"logo.png": png_bytes(), "mercados.csv": big})
    screen = Console(file=io.StringIO(), force_terminal=True, width=100)
    calls: list[tuple[str, int, int | None]] = []
    with progress_bar(screen) as progress:
        assert progress is not None

        def spy(label: str, done: int, total: int | None) -> None:
            calls.append((label, done, total))
            progress(label, done, total)

        report = validate_submission(path, progress=spy)
    assert report.valid, report.findings
    assert calls[0] == ("mercados.csv", 0, 45_000) and calls[-1] == ("mercados.csv", 45_000, 45_000)
    assert len(calls) >= 3  # the bar moves while the file is read, not only at the end
    assert "Revisando mercados.csv" in screen.file.getvalue()
    with progress_bar(Console(file=io.StringIO())) as progress:  # not a terminal (--json, a pipe): no bar
        assert progress is None


def test_terminal_report_groups_data_findings_by_file_with_counts(make_submission):
    csv = b'mercado,locales\nMercado 5 de Mayo,"1,412"\nMercado Zaragoza,238\n'
    result = run("validar", str(make_submission(files={"logo.png": png_bytes(), "mercados.csv": csv})))
    assert result.exit_code == 1, result.output
    assert "Archivo «mercados.csv» — 1 error y 0 advertencias" in result.output
    assert "columna «locales», filas 2" in result.output
    assert "1 error y 0 advertencias" in result.output.splitlines()[-1]
