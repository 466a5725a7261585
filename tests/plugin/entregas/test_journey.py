"""An enlace's entrega in-process: upload, report, correction, drafts, re-apply, review."""

from __future__ import annotations

import ckan.model as model
import ckan.plugins.toolkit as tk
import pytest

from .conftest import PLUGINS, act, bytes_upload, example_files, run_jobs, zipped

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "with_request_context"),
]

OFICIO = {"oficio_numero": "SISP/DA/0123/2024", "oficio_fecha": "2024-05-02"}


def test_missing_file_then_correction_then_drafts_and_idempotent_reapply(people):
    workbook, data = example_files("obra-publica", skip=("obras_publicas_2024.csv",))
    created = act(people.datos, "submission_create", owner_org=people.org["id"], formato=workbook,
                  archivos=data, **OFICIO)
    assert created["state"] == "recibida" and created["running"] is True
    assert run_jobs() == 1
    shown = act(people.datos, "submission_show", id=created["id"])
    assert shown["state"] == "con_errores"
    codes = [f["code"] for f in shown["report"]["errors"]]
    assert "archivo-no-encontrado" in codes
    # The server's folders never reach the enlace.
    assert "/storage" not in str(shown["report"]) and "storage_dir" not in shown["versions"][0]
    assert shown["can_apply"] is False
    assert [d["title"] for d in shown["datasets"]] == ["Obra pública contratada 2024"]

    workbook, data = example_files("obra-publica")
    act(people.datos, "submission_create", id=created["id"], formato=workbook, archivos=data,
        oficio_numero="SISP/DA/0130/2024", oficio_fecha="2024-05-09")
    run_jobs()
    shown = act(people.datos, "submission_show", id=created["id"])
    assert shown["state"] == "valida" and shown["version"] == 2, shown["report"]
    # The first version and its report are kept.
    old = shown["versions"][1]
    assert old["number"] == 1 and old["status"] == "con_errores"
    assert any(f["code"] == "archivo-no-encontrado" for f in old["report"]["errors"])
    files = {f["name"]: f for f in shown["versions"][0]["files"]}
    assert len(files["obras_publicas_2024.csv"]["sha256"]) == 64

    act(people.datos, "submission_apply", id=created["id"])
    run_jobs()
    shown = act(people.datos, "submission_show", id=created["id"])
    assert shown["state"] == "aplicada", shown["error"]
    assert shown["result"]["escrituras"] > 0
    (dataset,) = shown["datasets"]
    assert dataset["state"] == "borrador" and dataset["private"] is True
    pkg = model.Package.get(dataset["id"])
    assert pkg.private is True and pkg.owner_org == people.org["id"]
    # Nobody outside the dependencia sees the draft.
    for outsider in (None, people.otro):
        with pytest.raises((tk.ObjectNotFound, tk.NotAuthorized)):
            act(outsider, "package_show", id=dataset["id"])
    assert shown["can_send_review"] is True

    act(people.datos, "submission_apply", id=created["id"])
    run_jobs()
    again = act(people.datos, "submission_show", id=created["id"])
    assert again["state"] == "aplicada"
    assert again["result"]["escrituras"] == 0
    assert again["result"]["estado"] == "sin_cambios"


def test_personal_data_example_gives_its_finding(people):
    workbook, data = example_files("rotos/datos-personales-curp")
    created = act(people.datos, "submission_create", owner_org=people.org["id"], formato=workbook, archivos=data,
                  **OFICIO)
    run_jobs()
    shown = act(people.datos, "submission_show", id=created["id"])
    # Only personal data: nothing to fix before the drafts (entregas/verdict.py); the finding
    # travels to review, where the enlace de seguridad acknowledges it.
    assert shown["state"] == "valida"
    assert [f["code"] for f in shown["report"]["errors"]] == ["datos-personales-curp"]
    (finding,) = [f for f in shown["report"]["errors"] if f["code"] == "datos-personales-curp"]
    assert finding["location"] == 'mercados.csv, columna "administrador_curp", fila 2'
    assert "*" in finding["sample"] and finding["suggestion"]


def test_whole_entrega_as_zip_inside_a_folder(people):
    archive = bytes_upload(zipped("obra-publica"), "entrega.zip")
    created = act(people.datos, "submission_create", owner_org=people.org["id"], archivos=[archive], **OFICIO)
    run_jobs()
    shown = act(people.datos, "submission_show", id=created["id"])
    assert shown["state"] == "valida", shown["report"]
    names = {f["name"] for f in shown["versions"][0]["files"]}
    assert {"FORM.317.xlsx", "obras_publicas_2024.csv"} <= names


def test_zipped_shapefile_in_a_folder_is_a_data_file(people):
    workbook, data = example_files("rotos/datos-shp-en-carpeta")
    created = act(people.otro, "submission_create", owner_org=people.other_org["id"], formato=workbook,
                  archivos=data, **OFICIO)
    run_jobs()
    shown = act(people.otro, "submission_show", id=created["id"])
    assert shown["state"] == "valida", shown["report"]
    assert [f["code"] for f in shown["report"]["warnings"]] == ["nombre-recortado-dbf"]


def test_workbook_selected_and_also_inside_the_zip_is_accepted(people):
    workbook, _data = example_files("obra-publica")
    archive = bytes_upload(zipped("obra-publica"), "Entrega SISP.zip")
    created = act(people.datos, "submission_create", owner_org=people.org["id"], formato=workbook,
                  archivos=[archive], **OFICIO)
    run_jobs()
    shown = act(people.datos, "submission_show", id=created["id"])
    assert shown["state"] == "valida", shown["report"]
