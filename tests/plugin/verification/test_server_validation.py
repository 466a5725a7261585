"""The server's own validation in-process: the real job function, real files, real PostgreSQL.

What an enlace or a reviewer notices: the finding about a CURP names its column, rows and a
masked sample whatever the path the file came by; sending to review waits for the server's
verdict on the data as they are now; a changed file needs a new verdict; «Reintentar» works.
"""

from __future__ import annotations

import io

import ckan.model as model
import ckan.plugins.toolkit as tk
import pytest
from ckanext.pueblaabierto.verification import fingerprint
from werkzeug.datastructures import FileStorage

from tests.plugin.workflow.conftest import PLUGINS, act, new_dataset

from .helpers import CLEAN_CSV, CURP, CURP_KEY, OBRAS_CSV, run_validation

pytestmark = [pytest.mark.ckan_config("ckan.plugins", PLUGINS), pytest.mark.usefixtures("with_plugins")]

CLIENT_REPORT = {"valid": True, "errors": [], "warnings": []}


def _upload(text: str, name: str = "obras.csv") -> FileStorage:
    return FileStorage(io.BytesIO(text.encode("utf-8")), filename=name, content_type="text/csv")


def _send(people, dataset_id: str, **extra):
    """enviar_revision *without* running the job first (act() would run it)."""
    context = {"user": people.datos["name"], "ignore_auth": False}
    return tk.get_action("workflow_transition")(context, {"id": dataset_id, "transition": "enviar_revision", **extra})


def _show(who, dataset_id: str) -> dict:
    return act(who, "dataset_validation_show", id=dataset_id)


def test_a_link_with_a_curp_is_reported_by_column_rows_and_masked_sample_and_needs_acknowledgement(people):
    dataset = new_dataset(people, personal=True)
    # Not validated yet (no worker in-process): a client's {"valid": true} changes nothing.
    assert _show(people.datos, dataset["id"])["status"] == "pendiente"
    with pytest.raises(tk.ValidationError, match="aún no termina"):
        _send(people, dataset["id"], validation_report=CLIENT_REPORT)

    state = run_validation(dataset["id"])
    assert state["status"] == "valido" and state["stale"] is False
    assert state["blocking_errors"] == 0 and state["personal_findings"] == 1
    [finding] = state["report"]["errors"]
    assert finding["code"] == "datos-personales-curp"
    assert finding["column"] == "responsable" and finding["rows"] == [4]
    assert finding["sample"] == "BOXW31****HNE***09" and CURP not in str(state["report"])
    [file] = state["files"]
    assert file["resource_id"] == dataset["resources"][0]["id"] and file["size"] == len(OBRAS_CSV)
    assert len(file["sha256"]) == 64

    _send(people, dataset["id"], validation_report=CLIENT_REPORT)
    flow = act(people.seguridad, "workflow_show", id=dataset["id"])
    assert flow["personal_findings"] == [CURP_KEY]  # the server's, not the client's empty report
    act(people.transparencia, "workflow_transition", id=dataset["id"], transition="aprobar")
    with pytest.raises(tk.ValidationError, match="reconocer"):
        act(people.seguridad, "workflow_transition", id=dataset["id"], transition="aprobar")
    act(people.seguridad, "workflow_transition", id=dataset["id"], transition="aprobar",
        acknowledged_findings=[CURP_KEY])
    act(people.datos, "workflow_transition", id=dataset["id"], transition="solicitar_publicacion")
    result = act(people.tecnico, "workflow_transition", id=dataset["id"], transition="publicar")
    assert result["state"] == "publicado"


def test_a_file_changed_after_validation_blocks_sending_until_validated_again(people):
    dataset = new_dataset(people, resources=[])
    resource = act(people.datos, "resource_create", package_id=dataset["id"], name="Obras", format="CSV",
                   upload=_upload(CLEAN_CSV))
    assert resource["url_type"] == "upload"
    first = run_validation(dataset["id"])
    assert first["status"] == "valido" and first["personal_findings"] == 0

    # A new file through resource_patch (as the API does): the verdict no longer applies.
    act(people.datos, "resource_patch", id=resource["id"], upload=_upload(OBRAS_CSV))
    state = _show(people.datos, dataset["id"])
    assert state["status"] == "pendiente" and state["fingerprint"] != first["fingerprint"]
    with pytest.raises(tk.ValidationError, match="aún no termina"):
        _send(people, dataset["id"])

    again = run_validation(dataset["id"])
    assert again["personal_findings"] == 1 and again["files"][0]["sha256"] != first["files"][0]["sha256"]
    _send(people, dataset["id"])
    assert act(people.seguridad, "workflow_show", id=dataset["id"])["personal_findings"] == [CURP_KEY]


def test_a_stale_verdict_is_refused_even_when_the_row_says_valid(people):
    dataset = new_dataset(people)
    run_validation(dataset["id"])
    # The dictionary changes what the columns are checked against: a new verdict is needed.
    pkg = model.Package.get(dataset["id"])
    before = fingerprint.compute(pkg)
    pkg.extras["diccionario"] = '[{"termino": "folio", "descripcion": "Folio de la obra."}]'
    model.Session.commit()
    assert fingerprint.compute(pkg) != before
    state = _show(people.datos, dataset["id"])
    assert state["status"] == "valido" and state["stale"] is True
    with pytest.raises(tk.ValidationError, match="cambiaron después de la última validación"):
        _send(people, dataset["id"])
    # The refusal asked for the new validation itself: waiting is enough.
    assert _show(people.datos, dataset["id"])["status"] == "pendiente"


def test_data_changed_during_review_block_approval(people):
    dataset = new_dataset(people)
    act(people.datos, "workflow_transition", id=dataset["id"], transition="enviar_revision")
    # In-process trusted code (the API refuses edits under review) changes the file's URL.
    tk.get_action("resource_patch")(
        {"ignore_auth": True, "user": people.sysadmin["name"]},
        {"id": dataset["resources"][0]["id"], "url": f"{people.data_url}/curp/obras.csv"},
    )
    with pytest.raises(tk.ValidationError, match="cambiaron después de enviarse a revisión"):
        act(people.transparencia, "workflow_transition", id=dataset["id"], transition="aprobar")
    act(people.transparencia, "workflow_transition", id=dataset["id"], transition="rechazar",
        comment="Los datos cambiaron; valídelos y envíelos de nuevo.")
    assert act(people.datos, "workflow_show", id=dataset["id"])["state"] == "borrador"


def test_a_failed_job_says_why_in_spanish_and_reintentar_works(people, data_server):
    dataset = new_dataset(people, resources=[
        {"url": f"{people.data_url}/tarde/obras.csv", "name": "Obras", "format": "CSV"},
    ])
    state = run_validation(dataset["id"])  # the server answers 404
    assert state["status"] == "fallo" and state["status_label"] == "La validación no pudo terminar"
    assert "respondió con el código 404" in state["error"] and "Reintentar" in state["error"]
    with pytest.raises(tk.ValidationError, match="no pudo terminar"):
        _send(people, dataset["id"])
    with pytest.raises(tk.NotAuthorized):
        act(people.outsider, "dataset_validation_run", id=dataset["id"])

    data_server.files["/tarde/obras.csv"] = CLEAN_CSV.encode("utf-8")
    try:
        assert act(people.datos, "dataset_validation_run", id=dataset["id"])["status"] == "pendiente"
        state = run_validation(dataset["id"])
        assert state["status"] == "valido" and state["attempts"] == 2 and state["error"] is None
        _send(people, dataset["id"])  # while the URL still serves what was validated (links.py)
    finally:
        del data_server.files["/tarde/obras.csv"]


def test_internal_addresses_are_not_downloaded(people, ckan_config, monkeypatch):
    dataset = new_dataset(people)
    monkeypatch.setitem(ckan_config, "pueblaabierto.validation.allow_private_urls", False)
    state = run_validation(dataset["id"])
    assert state["status"] == "con_errores"
    [finding] = state["report"]["errors"]
    assert finding["code"] == "url-no-permitida" and "dirección interna" in finding["message"]
    with pytest.raises(tk.ValidationError, match="encontró 1 error"):
        _send(people, dataset["id"])


def test_only_people_of_the_procedure_read_the_validation(people):
    dataset = new_dataset(people)
    assert _show(people.seguridad, dataset["id"])["status"] == "pendiente"
    for who in (people.outsider, None):
        with pytest.raises((tk.NotAuthorized, tk.ObjectNotFound)):
            _show(who, dataset["id"])


def test_the_jobs_own_writes_do_not_ask_again(people):
    # «Nombre del archivo» given, as the forms fill it: resource_patch would fill it otherwise
    # (forms/defaults.py), a real change of what the validation reads.
    dataset = new_dataset(people, resources=[{"url": f"{people.data_url}/obras.csv", "name": "Obras",
                                              "format": "CSV", "nombre_archivo": "obras.csv"}])
    state = run_validation(dataset["id"])
    resource_id = dataset["resources"][0]["id"]
    # What the DataStore loading writes after a validation: not data, no new validation.
    tk.get_action("resource_patch")({"ignore_auth": True, "user": people.sysadmin["name"]},
                                    {"id": resource_id, "datastore_active": True, "hash": "x"})
    after = _show(people.datos, dataset["id"])
    assert after["status"] == "valido" and after["fingerprint"] == state["fingerprint"]
    assert after["finished_at"] == state["finished_at"]


def test_a_link_whose_content_changes_after_validation_blocks_sending_until_validated_again(people, data_server):
    data_server.files["/cambia/obras.csv"] = CLEAN_CSV.encode("utf-8")
    try:
        dataset = new_dataset(people, resources=[
            {"url": f"{people.data_url}/cambia/obras.csv", "name": "Obras", "format": "CSV"},
        ])
        first = run_validation(dataset["id"])
        assert first["status"] == "valido" and first["personal_findings"] == 0
        # Same URL, new bytes (a CURP now): the URL text, and so the fingerprint, did not change.
        data_server.files["/cambia/obras.csv"] = OBRAS_CSV.encode("utf-8")
        assert _show(people.datos, dataset["id"])["stale"] is False
        with pytest.raises(tk.ValidationError, match="«Obras» .*cambió después de la última validación") as refused:
            _send(people, dataset["id"])
        assert "validando de nuevo" in str(refused.value.error_dict)
        assert act(people.datos, "workflow_show", id=dataset["id"])["state"] == "borrador"
        # The refusal queued the new validation: it finds the CURP, which then goes to review.
        assert _show(people.datos, dataset["id"])["status"] == "pendiente"
        again = run_validation(dataset["id"])
        assert again["personal_findings"] == 1
        _send(people, dataset["id"])
        assert act(people.seguridad, "workflow_show", id=dataset["id"])["personal_findings"] == [CURP_KEY]
    finally:
        data_server.files.pop("/cambia/obras.csv", None)


def test_a_link_whose_content_changes_during_review_is_not_published(people, data_server):
    data_server.files["/cambia/obras.csv"] = CLEAN_CSV.encode("utf-8")
    try:
        dataset = new_dataset(people, resources=[
            {"url": f"{people.data_url}/cambia/obras.csv", "name": "Obras", "format": "CSV"},
        ])
        act(people.datos, "workflow_transition", id=dataset["id"], transition="enviar_revision")
        act(people.transparencia, "workflow_transition", id=dataset["id"], transition="aprobar")
        act(people.seguridad, "workflow_transition", id=dataset["id"], transition="aprobar")
        act(people.datos, "workflow_transition", id=dataset["id"], transition="solicitar_publicacion")
        data_server.files["/cambia/obras.csv"] = OBRAS_CSV.encode("utf-8")
        with pytest.raises(tk.ValidationError, match="cambió después de enviarse a revisión"):
            act(people.tecnico, "workflow_transition", id=dataset["id"], transition="publicar")
        assert model.Package.get(dataset["id"]).private is True
        assert _show(people.datos, dataset["id"])["status"] == "pendiente"  # validating again
        act(people.tecnico, "workflow_transition", id=dataset["id"], transition="rechazar",
            comment="El archivo de la URL cambió; revise el reporte nuevo.")
        assert act(people.datos, "workflow_show", id=dataset["id"])["state"] == "borrador"
    finally:
        data_server.files.pop("/cambia/obras.csv", None)


def test_a_link_that_no_longer_answers_is_not_published_unchecked(people, data_server):
    data_server.files["/se-va/obras.csv"] = CLEAN_CSV.encode("utf-8")
    dataset = new_dataset(people, resources=[
        {"url": f"{people.data_url}/se-va/obras.csv", "name": "Obras", "format": "CSV"},
    ])
    run_validation(dataset["id"])
    del data_server.files["/se-va/obras.csv"]
    with pytest.raises(tk.ValidationError, match="No se pudo comprobar .*código 404"):
        _send(people, dataset["id"])


def test_resource_update_with_a_curp_cannot_reach_publicado_without_its_acknowledgement(people):
    dataset = new_dataset(people, resources=[])
    resource = act(people.datos, "resource_create", package_id=dataset["id"], name="Obras", format="CSV",
                   upload=_upload(CLEAN_CSV))
    assert run_validation(dataset["id"])["personal_findings"] == 0
    # The whole resource replaced through the API (resource_update), with a file holding a CURP.
    updated = act(people.datos, "resource_update", id=resource["id"], name="Obras", format="CSV",
                  upload=_upload(OBRAS_CSV))
    assert updated["url_type"] == "upload"
    assert _show(people.datos, dataset["id"])["status"] == "pendiente"
    with pytest.raises(tk.ValidationError, match="aún no termina"):
        _send(people, dataset["id"], validation_report=CLIENT_REPORT)
    assert run_validation(dataset["id"])["personal_findings"] == 1
    _send(people, dataset["id"], validation_report=CLIENT_REPORT)
    [key] = act(people.seguridad, "workflow_show", id=dataset["id"])["personal_findings"]
    assert key.startswith("datos-personales-curp|") and 'columna "responsable", fila 4' in key
    act(people.transparencia, "workflow_transition", id=dataset["id"], transition="aprobar")
    with pytest.raises(tk.ValidationError, match="reconocer"):
        act(people.seguridad, "workflow_transition", id=dataset["id"], transition="aprobar")
    # Not even the later steps get past it: nobody but seguridad approved.
    with pytest.raises((tk.ValidationError, tk.NotAuthorized)):
        act(people.datos, "workflow_transition", id=dataset["id"], transition="solicitar_publicacion")
    with pytest.raises((tk.ValidationError, tk.NotAuthorized)):
        act(people.tecnico, "workflow_transition", id=dataset["id"], transition="publicar")
    assert act(people.datos, "workflow_show", id=dataset["id"])["state"] == "en_revision"
    assert model.Package.get(dataset["id"]).private is True
    act(people.seguridad, "workflow_transition", id=dataset["id"], transition="aprobar", acknowledged_findings=[key])
    act(people.datos, "workflow_transition", id=dataset["id"], transition="solicitar_publicacion")
    assert act(people.tecnico, "workflow_transition", id=dataset["id"], transition="publicar")["state"] == "publicado"
