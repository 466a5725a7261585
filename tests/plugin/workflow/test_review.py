"""Reviewers see what they approve (issue 10, deliverable 3).

The enlace de seguridad opens «Mis pendientes» and the dataset's Flujo page and finds the
server's validation report (a real one, produced by the pipeline on a real CSV), personal data
first and labelled for a person, a preview of each file that the reviewers (not organization
members) can load and nobody else can, and one checkbox per personal-data finding that the
approval requires.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import ckan.plugins.toolkit as tk
import pytest
from ckan.tests import factories
from ckanext.pueblaabierto.workflow import report as wf_report
from pueblaabierto.data import validate_resource_file
from pueblaabierto.data.checkdigits import curp_check_digit
from pueblaabierto.findings import Report

from .conftest import PLUGINS, act, new_dataset, store_report

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS + " datatables_view geojson_view"),
    pytest.mark.ckan_config("WTF_CSRF_ENABLED", False),
    pytest.mark.usefixtures("with_plugins"),
]

CURP = "GAPA850101MPLRRN0" + curp_check_digit("GAPA850101MPLRRN0")
ROWS = [
    # folio, nombre, curp, telefono, correo, monto
    ("A1", "Ana", CURP, "2221234567", "ana.garcia@gmail.com", "100"),
    ("A2", "Luis", "", "2229876543", "", "200"),
    ("A3", "Pedro", CURP, "", "pedro.lopez@hotmail.com", "300"),
    ("A4", "Rosa", CURP, "", "", "400"),
    ("A5", "Juan", CURP, "", "", "500"),
    ("A6", "Eva", CURP, "", "", "600"),
]
HEADER = ("folio", "nombre", "curp", "telefono", "correo", "monto")


@pytest.fixture
def real_report(tmp_path: Path) -> dict:
    """What the server's validation stores: the pipeline run on a real CSV with personal data."""
    path = tmp_path / "beneficiarios.csv"
    path.write_text("\n".join(",".join(row) for row in [HEADER, *ROWS]) + "\n", encoding="utf-8")
    terms = {name: f"Descripción de {name}" for name in HEADER}
    findings = validate_resource_file(path, formato="CSV", terms=terms, display_name="beneficiarios.csv")
    result = Report(findings).to_dict()
    # And an ordinary error of the workbook, so the order "personal data first" can be seen.
    result["errors"].insert(0, {
        "code": "celda-obligatoria", "message": "Falta la frecuencia de actualización.", "severity": "error",
        "suggestion": "Elija la frecuencia de la lista.", "sheet": "Dataset", "row": 2, "column": "G",
        "file": None, "rows": [], "sample": None, "count": None, "location": "Dataset!G2"})
    result["valid"] = False
    return result


def _headers(user):
    return {"Authorization": factories.APIToken(user=user["name"])["token"]}


def _under_review(people, real_report, before_review=None) -> tuple[dict, str, str]:
    """A draft with a DataStore table and its table view, sent to review with the real report."""
    dataset = new_dataset(people, name="beneficiarios", title="Beneficiarios de apoyos", resources=[])
    if before_review is not None:
        before_review(dataset)
    # A trusted in-process call (the DataStore refuses rows from the API, loading/guard.py): these
    # tests are about what reviewers see, not about how the table is loaded.
    resource = tk.get_action("datastore_create")(
        {"user": people.datos["name"], "ignore_auth": True},
        dict(force=True,
                   resource={"package_id": dataset["id"], "name": "Beneficiarios", "format": "CSV",
                             "nombre_archivo": "beneficiarios.csv"},
                   fields=[{"id": name, "type": "text"} for name in HEADER],
                   records=[dict(zip(HEADER, row, strict=True)) for row in ROWS]))
    view = act(people.datos, "resource_view_create", resource_id=resource["resource_id"],
               view_type="datatables_view", title="Tabla")
    act(people.datos, "workflow_transition", id=dataset["id"], transition="enviar_revision")
    store_report(dataset["id"], real_report)
    return dataset, resource["resource_id"], view["id"]


def _visible_text(page: str) -> str:
    """What a person reads: the page without tags and attribute values."""
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def test_report_is_read_with_the_pipelines_words(real_report):
    review = wf_report.review(real_report)
    assert review["personal"] == 3 and review["errors"] == 4 and review["warnings"] == 0
    # The pipeline's groups and order: personal data first.
    assert [g["kind"] for g in review["groups"]][:2] == ["personal", "sheet"]
    labels = {f["kind_label"]: f for f in review["personal_findings"]}
    assert set(labels) == {"CURP", "Teléfono", "Correo electrónico personal"}
    curp = labels["CURP"]
    assert (curp["file"], curp["column"]) == ("beneficiarios.csv", "curp")
    assert curp["rows_text"] == "filas 2 y 4–7"
    assert curp["sample"].startswith("GAPA85****")
    assert curp["description"] == "CURP en beneficiarios.csv, columna «curp», filas 2 y 4–7"
    assert wf_report.rows_text([3, 7, 12, 13, 14, 15]) == "filas 3, 7 y 12–15"
    assert wf_report.rows_text([9]) == "fila 9"
    assert wf_report.rows_text(list(range(2, 1002)), 98_512) == "filas 2–1001… (98,512 en total)"
    # The keys the machine checks name the finding for a person.
    assert [k.label for k in wf_report.personal_keys(real_report)] == [
        f["description"] for f in review["personal_findings"]]


def test_flujo_page_shows_the_report_for_a_person(app, people, real_report):
    dataset, resource_id, view_id = _under_review(people, real_report)
    page = app.get(f"/dataset/{dataset['name']}/flujo", headers=_headers(people.seguridad))
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    text = _visible_text(body)
    # Counts, errors vs warnings, personal data first.
    assert "Con errores: 4 errores y 0 advertencias; 3 hallazgos de datos personales." in " ".join(text.split())
    assert text.index("Datos personales") < text.index("Falta la frecuencia de actualización")
    for words in ("CURP", "Teléfono", "Correo electrónico personal", "beneficiarios.csv", "filas 2 y 4–7",
                  "GAPA85****", "a***@gmail.com", "Cómo corregirlo", "Los datos personales no pueden publicarse",
                  "Hoja «Dataset», celda G2", "Error"):
        assert words in text, words
    # Never an internal key or a raw value where people read.
    assert "datos-personales" not in text and "|" not in text
    assert CURP not in body and "ana.garcia@gmail.com" not in body and "2221234567" not in body
    # One labelled checkbox per personal-data finding.
    boxes = re.findall(r'<input class="form-check-input" type="checkbox" name="acknowledged_findings" '
                       r'value="[^"]+" id="(reconocer-\d+)"', body)
    assert len(boxes) == 3
    for box in boxes:
        assert f'<label class="form-check-label" for="{box}">' in body
    # The preview of the file, embedded.
    assert f'src="/dataset/{dataset["name"]}/resource/{resource_id}/view/{view_id}"' in body
    assert "Vista previa de los archivos" in text and "Este archivo tiene 3 hallazgos de datos personales" in text
    # Transparencia sees the report and preview, without checkboxes (not its acknowledgement).
    other = app.get(f"/dataset/{dataset['name']}/flujo", headers=_headers(people.transparencia)).get_data(
        as_text=True)
    assert "Teléfono" in other and f"/view/{view_id}" in other and 'name="acknowledged_findings"' not in other


def test_approval_needs_every_finding_acknowledged(app, people, real_report):
    dataset, _resource_id, _view_id = _under_review(people, real_report)
    keys = wf_report.personal_keys(real_report)
    url = f"/dataset/{dataset['name']}/flujo/transicion"
    refused = app.post(url, headers=_headers(people.seguridad),
                       data={"transition": "aprobar", "acknowledged_findings": [keys[0], "inventado|x"]})
    text = _visible_text(refused.get_data(as_text=True))
    assert "Antes de aprobar, el Enlace de Seguridad debe reconocer cada hallazgo de datos personales" in text
    # The missing ones named for a person, not by key.
    assert keys[1].label in text and keys[2].label in text and keys[0].label not in text.split("Faltan:")[1]
    assert "datos-personales" not in text
    assert act(people.seguridad, "workflow_show", id=dataset["id"])["approvals"] == []
    approved = app.post(url, headers=_headers(people.seguridad),
                        data={"transition": "aprobar", "acknowledged_findings": [str(k) for k in keys]})
    assert "Se registró «Aprobar»" in approved.get_data(as_text=True)
    flow = act(people.seguridad, "workflow_show", id=dataset["id"])
    assert [a["role"] for a in flow["approvals"]] == ["enlace_seguridad"]
    assert flow["history"][-1]["acknowledged_findings"] == [str(k) for k in keys]


def test_previews_load_for_the_reviewers_and_nobody_else(app, people, real_report):
    dataset, resource_id, view_id = _under_review(people, real_report)
    view_url = f"/dataset/{dataset['name']}/resource/{resource_id}/view/{view_id}"
    ajax = {"draw": "1", "search[value]": "", "start": "0", "length": "10", "order[0][column]": "0",
            "order[0][dir]": "asc"}
    # None of the reviewers is a member of the dependency.
    for user in (people.seguridad, people.transparencia, people.tecnico):
        assert not act(people.sysadmin, "organization_list_for_user", id=user["name"], permission="read")
        page = app.get(view_url, headers=_headers(user))
        assert page.status_code == 200, user["name"]
        assert "dtprv" in page.get_data(as_text=True)
        rows = app.post(f"/datatables/ajax/{view_id}", headers=_headers(user), data=ajax)
        assert rows.status_code == 200, user["name"]
        assert json.loads(rows.get_data(as_text=True))["recordsTotal"] == len(ROWS), user["name"]
        found = act(user, "datastore_search", resource_id=resource_id)
        assert found["total"] == len(ROWS)
    # Nobody else: another dependency's editor, anonymous visitors.
    for user in (people.outsider, None):
        headers = _headers(user) if user else {}
        assert app.get(view_url, headers=headers).status_code == 404
        assert app.post(f"/datatables/ajax/{view_id}", headers=headers, data=ajax).status_code in (403, 404)
        with pytest.raises((tk.NotAuthorized, tk.ObjectNotFound)):
            act(user, "datastore_search", resource_id=resource_id)


def test_mis_pendientes_lists_dependencia_state_personal_data_and_link(app, people, real_report):
    dataset, _resource_id, _view_id = _under_review(people, real_report)
    body = app.get("/flujo/pendientes", headers=_headers(people.seguridad)).get_data(as_text=True)
    text = " ".join(_visible_text(body).split())
    assert "Beneficiarios de apoyos" in text
    assert "Dependencia Secretaría de Movilidad" in text
    assert "Estado En revisión" in text
    assert "Datos personales 3 hallazgos por reconocer" in text
    assert "Reporte 4 errores, 0 advertencias" in text
    assert f'href="/dataset/{dataset["name"]}/flujo"' in body
    assert f'href="/dataset/{dataset["name"]}/flujo#reporte"' in body


def test_map_preview_is_embedded_for_the_reviewers_only(app, people, real_report):
    maps = {}

    def add_map(dataset):
        resource = act(people.datos, "resource_create", package_id=dataset["id"], name="Sedes",
                       url=f"{people.data_url}/sedes.geojson", format="GeoJSON")
        maps["resource"] = resource["id"]
        maps["view"] = act(people.datos, "resource_view_create", resource_id=resource["id"],
                           view_type="geojson_view", title="Mapa")["id"]

    dataset, _resource_id, _view_id = _under_review(people, real_report, before_review=add_map)
    view_url = f"/dataset/{dataset['name']}/resource/{maps['resource']}/view/{maps['view']}"
    page = app.get(f"/dataset/{dataset['name']}/flujo", headers=_headers(people.transparencia))
    body = page.get_data(as_text=True)
    assert body.count('<iframe class="pa-vista-previa-marco"') == 2
    assert f'src="{view_url}"' in body and "Vista previa «Mapa» de Sedes" in body
    for user in (people.seguridad, people.transparencia, people.tecnico):
        assert app.get(view_url, headers=_headers(user)).status_code == 200, user["name"]
    assert app.get(view_url, headers=_headers(people.outsider)).status_code == 404
    assert app.get(view_url).status_code == 404
