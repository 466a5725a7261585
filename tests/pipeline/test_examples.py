"""The committed examples: valid ones validate clean, broken ones say what the manifest expects."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from pueblaabierto.cli import main
from pueblaabierto.data.limits import Limits
from pueblaabierto.errors import UnusableInput
from pueblaabierto.validation import validate_submission

from tests.pipeline.conftest import EJEMPLOS

ROTOS = EJEMPLOS / "rotos"
MANIFEST = yaml.safe_load((ROTOS / "esperado.yaml").read_text(encoding="utf-8"))
VALID = sorted(p.name for p in EJEMPLOS.iterdir() if p.is_dir() and p.name != "rotos")


def test_there_are_at_least_five_valid_examples():
    assert len(VALID) >= 5


@pytest.mark.parametrize("name", VALID)
def test_valid_example_has_no_findings(name):
    report = validate_submission(EJEMPLOS / name / "FORM.317.xlsx")
    assert [f.to_dict() for f in report.findings] == []


def test_every_broken_folder_is_in_the_manifest():
    folders = {p.name for p in ROTOS.iterdir() if p.is_dir()}
    assert folders == set(MANIFEST)


def _matches(finding: dict, expected: dict) -> bool:
    if finding["code"] != expected["code"]:
        return False
    if finding["severity"] != expected.get("severity", "error"):
        return False
    if "sheet" in expected and finding["sheet"] != expected["sheet"]:
        return False
    if "cell" in expected and f"{finding['column']}{finding['row']}" != expected["cell"]:
        return False
    for key in ("file", "column", "row"):
        if key in expected and "cell" not in expected and finding[key] != expected[key]:
            return False
    return True


def _limits(entry: dict) -> Limits:
    """The example's own limits (``limites`` in the manifest, Limits field names), else the defaults:
    a file over the real row limit would be millions of rows to commit."""
    return Limits.from_mapping(entry.get("limites") or {})


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_broken_example_gives_its_expected_findings(name):
    entry = MANIFEST[name]
    workbook = ROTOS / name / entry.get("formulario", "FORM.317.xlsx")
    if entry["salida"] == 2:
        with pytest.raises(UnusableInput) as raised:
            validate_submission(workbook, limits=_limits(entry))
        findings = [raised.value.to_finding().to_dict()]
    else:
        report = validate_submission(workbook, limits=_limits(entry))
        assert report.valid == (entry["salida"] == 0)
        findings = [f.to_dict() for f in report.findings]
    for expected in entry["esperado"]:
        assert any(_matches(f, expected) for f in findings), (expected, findings)
    for finding in findings:
        assert finding["message"] and finding["suggestion"], finding


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_broken_example_exit_code(name):
    entry = MANIFEST[name]
    workbook: Path = ROTOS / name / entry.get("formulario", "FORM.317.xlsx")
    if "limites" in entry:
        # The CLI runs with the declared limits only, under which the file is otherwise clean.
        result = CliRunner().invoke(main, ["validar", str(workbook), "--json"])
        assert result.exit_code == 0, result.output
        return
    result = CliRunner().invoke(main, ["validar", str(workbook), "--json"])
    assert result.exit_code == entry["salida"], result.output


@pytest.mark.parametrize(
    ("name", "codes"),
    [
        # No cascade: the title block, page-break header and notes are one finding each.
        ("datos-reporte-con-titulo", {"titulo-sobre-la-tabla", "encabezado-repetido", "notas-bajo-la-tabla"}),
        ("datos-ods-dos-filas-encabezado", {"varias-filas-encabezado"}),
        ("datos-pdf-renombrado", {"contenido-no-coincide"}),
        ("datos-coordenadas", {"coordenada-cero", "coordenadas-invertidas"}),
        # Terms scoped by the Diccionario's «Recurso»: a name no resource has is one finding per
        # term, not a cascade of undescribed columns in both files.
        ("datos-diccionario-por-recurso", set()),
        ("datos-diccionario-recurso-inexistente", {"recurso-inexistente"}),
        ("datos-utf16", {"codificacion-no-utf8"}),
        ("datos-mac-cr", {"fin-de-linea-mac"}),
        ("datos-demasiadas-columnas", {"demasiadas-columnas"}),
    ],
)
def test_real_world_examples_say_only_what_is_wrong(name, codes):
    report = validate_submission(ROTOS / name / "FORM.317.xlsx")
    assert {f.code for f in report.findings} == codes, [f.message for f in report.findings]


def test_curp_shaped_folios_are_not_personal_data():
    report = validate_submission(ROTOS / "datos-personales-solicitudes" / "FORM.317.xlsx")
    assert not [f for f in report.findings if f.column == "folio"]
