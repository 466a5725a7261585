"""The CLI and the portal give the same verdict on the same value, in the same words.

Each case puts one value in one FORM.317 field twice: in its cell of a real workbook checked
by ``pueblaabierto validar --json`` (the command enlaces run), and in the same field of
``organization_create`` / ``package_create`` / ``resource_create`` on CKAN with the portal's
plugins. Both must accept it or both must refuse it, and a refusal must carry the same
message. The cell and the CKAN key come from the registry (schemas/dataset.yaml), so the
test follows the registry: every rule it lists for a field is exercised below.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from ckan.logic import ValidationError
from ckan.tests.helpers import call_action
from click.testing import CliRunner
from pueblaabierto.cli import main
from pueblaabierto.schemas import form317, messages
from pueblaabierto.workbook.template import build_template

from tests.pipeline.conftest import MERCADOS_CSV, png_bytes, valid_rows

from .conftest import PLUGINS, dataset_dict, organization_dict, resource_dict

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db"),
]

FUTURE = (date.today() + timedelta(days=400)).isoformat()

# (level, CKAN key, value, refused?) — at least one accepted and one refused value per rule.
CASES = [
    # pa_obligatorio
    (form317.ORGANIZATION, "title", "  ", True),
    (form317.DATASET, "title", "", True),
    (form317.DATASET, "responsable_correo", "", True),
    (form317.RESOURCE, "name", "", True),
    # pa_numerico — «²» made validar crash with a traceback (issue 15)
    (form317.ORGANIZATION, "id_dependencia", "²", True),
    (form317.ORGANIZATION, "id_dependencia", "12a", True),
    (form317.DATASET, "id_dataset", "²", True),
    (form317.DATASET, "id_dataset", "-3", True),
    (form317.DATASET, "id_dataset", "1", False),
    # pa_vocabulario — «.csv» was accepted by the portal and refused by validar (issue 15)
    (form317.RESOURCE, "format", ".csv", False),
    (form317.RESOURCE, "format", "csv", False),
    (form317.RESOURCE, "format", "pdf", True),
    (form317.DATASET, "tema", "Infraestructura", True),
    (form317.DATASET, "tema", "economía y empleo", False),
    (form317.DATASET, "frecuencia", "mensualmente", True),
    (form317.DATASET, "frecuencia", "Anual", False),
    (form317.RESOURCE, "tipo_visualizacion", "tablas", True),
    # pa_nombre_persona — «Pedro» passed validar and was refused by the portal (issue 15)
    (form317.DATASET, "responsable_nombre", "Pedro", True),
    (form317.DATASET, "responsable_nombre", "Pedro 23 Soto", True),
    (form317.DATASET, "responsable_nombre", "Pedro Juárez", False),
    # pa_correo_institucional
    (form317.DATASET, "responsable_correo", "pedro@gmail.com", True),
    (form317.DATASET, "responsable_correo", "pedro.juarez", True),
    (form317.DATASET, "responsable_correo", "Pedro.Juarez@PueblaCapital.gob.mx", False),
    # pa_fecha (text dates: a typed date cell is what an enlace writes when Excel does not help)
    (form317.RESOURCE, "fecha_fin", FUTURE, True),
    (form317.RESOURCE, "fecha_inicio", "no sé", True),
    (form317.RESOURCE, "fecha_inicio", "2024-02-01", False),
    # validar read these as dates and the portal refused them (one parser since: rules.parse_date)
    (form317.RESOURCE, "fecha_inicio", "31/01/2024", False),
    (form317.RESOURCE, "fecha_inicio", "1 de febrero de 2024", False),
    (form317.RESOURCE, "fecha_fin", "enero 2024", False),
    (form317.RESOURCE, "fecha_fin", "2024", False),
    (form317.RESOURCE, "fecha_fin", "31/02/2024", True),
    (form317.RESOURCE, "fecha_inicio", "13/13/2024", True),
    # pa_fecha_fin_posterior (the valid start is 2024-01-01)
    (form317.RESOURCE, "fecha_fin", "2023-12-31", True),
    # pa_recurso_del_conjunto: the Diccionario's «Recurso» names a resource of the dataset
    (form317.DICTIONARY, "recurso", "Mercados 2023", True),
    (form317.DICTIONARY, "recurso", "mercados 2024", False),
]


def _cell(level: str, key: str) -> tuple[str, str]:
    spec = form317.field(level, key)
    return form317.sheet(spec.sheet).name, f"{spec.column}2"


def cli_verdict(tmp_path: Path, level: str, key: str, value: str) -> tuple[int, list[dict]]:
    """Exit code of ``validar`` and its error findings on the field's cell."""
    workbook = build_template()
    for sheet, rows in valid_rows().items():
        for row_number, values in enumerate(rows, start=2):
            for column, cell_value in enumerate(values, start=1):
                workbook[sheet].cell(row=row_number, column=column, value=cell_value)
    sheet, cell = _cell(level, key)
    workbook[sheet][cell] = value
    path = tmp_path / "FORM.317.xlsx"
    workbook.save(path)
    (tmp_path / "logo.png").write_bytes(png_bytes())
    (tmp_path / "mercados.csv").write_bytes(MERCADOS_CSV)

    result = CliRunner().invoke(main, ["validar", str(path), "--json"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    report = json.loads(result.output)
    # Only the rules' own verdicts: an ID changed in one sheet also breaks references elsewhere.
    own = [f for f in report["errors"] if f["location"] == f"{sheet}!{cell}" and f["code"] in messages.CATALOGUE]
    return result.exit_code, own


def portal_verdict(sysadmin: dict, level: str, key: str, value: str) -> list[str]:
    """The portal's error messages for the field (empty when it accepted the value)."""
    context = {"user": sysadmin["name"]}
    try:
        if level == form317.ORGANIZATION:
            call_action("organization_create", context, **organization_dict(**{key: value}))
            return []
        org = call_action("organization_create", context, **organization_dict())
        if level == form317.DICTIONARY:
            # The workbook's first term («mercado») of its one resource («Mercados 2024»).
            entry = {"termino": "mercado", "descripcion": "Nombre del mercado.", key: value}
            call_action("package_create", context, **dataset_dict(
                org["id"], resources=[resource_dict(name="Mercados 2024")], diccionario=[entry]))
            return []
        if level == form317.DATASET:
            call_action("package_create", context, **dataset_dict(org["id"], **{key: value}))
            return []
        dataset = call_action("package_create", context, **dataset_dict(org["id"], resources=[]))
        # The workbook's valid resource covers 2024; the same dates here keep one change per case.
        resource = resource_dict(fecha_inicio="2024-01-01", fecha_fin="2024-12-31")
        call_action("resource_create", context, package_id=dataset["id"], **{**resource, key: value})
        return []
    except ValidationError as error:
        if level == form317.DICTIONARY:
            entries = error.error_dict.get("diccionario") or [{}]
            return [str(m) for m in entries[0].get(key, [])]
        return [str(m) for m in error.error_dict.get(key, [])]


@pytest.mark.parametrize(("level", "key", "value", "refused"), CASES,
                         ids=[f"{level}.{key}={value!r}" for level, key, value, _ in CASES])
def test_validar_and_the_portal_agree(tmp_path, sysadmin, level, key, value, refused):
    exit_code, findings = cli_verdict(tmp_path, level, key, value)
    portal = portal_verdict(sysadmin, level, key, value)

    assert bool(findings) is refused, findings
    assert bool(portal) is refused, portal
    if refused:
        assert exit_code == 1
        # The same catalogue entry: the portal's error starts with the CLI finding's message.
        assert len(portal) == 1 and portal[0].startswith(findings[0]["message"]), (portal, findings)


def test_every_field_rule_of_the_registry_is_exercised():
    """A new rule in the registry (a pa_* validator checked by both halves) needs a case here."""
    shared = {"pa_obligatorio", "pa_numerico", "pa_vocabulario", "pa_nombre_persona", "pa_correo_institucional",
              "pa_fecha", "pa_fecha_fin_posterior", "pa_recurso_del_conjunto"}
    in_registry = {rule for f in form317.fields() if f.sheet and f.level != form317.RELATION for rule in f.rules}
    exercised = {rule for level, key, _, _ in CASES for rule in form317.field(level, key).rules}
    assert in_registry - {"pa_id_dataset_unico", "pa_id_dependencia_unico"} <= shared
    assert shared <= exercised


@pytest.mark.parametrize(("value", "key", "stored"), [
    ("31/01/2024", "fecha_inicio", "2024-01-31"),
    ("enero 2024", "fecha_fin", "2024-01-31"),
    ("2024-06-30T00:00:00", "fecha_fin", "2024-06-30"),
])
def test_the_portal_stores_the_date_validar_reads_as_iso(sysadmin, value, key, stored):
    """A date typed as in the workbook is kept as the date ``validar`` reads from that cell."""
    context = {"user": sysadmin["name"]}
    org = call_action("organization_create", context, **organization_dict())
    dataset = call_action("package_create", context, **dataset_dict(org["id"], resources=[]))
    resource = {**resource_dict(fecha_inicio="2024-01-01", fecha_fin="2024-12-31"), key: value}
    created = call_action("resource_create", context, package_id=dataset["id"], **resource)
    assert created[key] == stored
