"""The validar command: exit codes, JSON shape, terminal and HTML reports, the real console script."""

from __future__ import annotations

import json
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
    result = run("validar", str(make_submission(changes={"Dataset!I2": "pedro@gmail.com"})), "--json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["valid"] is True and data["errors"] == []
    assert [w["code"] for w in data["warnings"]] == ["correo-no-institucional"]


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
