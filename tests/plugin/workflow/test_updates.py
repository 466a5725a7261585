"""An update of a published dataset stays invisible until approved (issue 7 item 3)."""

from __future__ import annotations

import ckan.plugins.toolkit as tk
import pytest

from tests.plugin.verification.helpers import run_validation

from .conftest import PLUGINS, act, new_dataset, publish_path

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins"),
]


def _records(who, resource_id):
    return [r["folio"] for r in act(who, "datastore_search", resource_id=resource_id)["records"]]


def test_update_is_reviewed_in_a_private_copy_and_replaces_the_public_one(people):
    dataset = new_dataset(people, resources=[{"url": f"{people.data_url}/actualizacion/obras.csv",
                                              "name": "Obras", "format": "CSV"}])
    kept_id = dataset["resources"][0]["id"]
    # The DataStore is loaded by the server's validation job, from the validated file (loading/).
    run_validation(dataset["id"])
    publish_path(people, dataset["id"])
    assert _records(None, kept_id) == ["aprobado-1"]

    shadow = act(people.datos, "workflow_update_start", id=dataset["id"])
    assert shadow["private"] is True and shadow["name"] == "obras-publicas-actualizacion"
    with pytest.raises(tk.ValidationError, match="Ya hay una actualización abierta"):
        act(people.datos, "workflow_update_start", id=dataset["id"])

    # New metadata and a new resource with new (unreviewed) data, in the copy.
    act(people.datos, "package_patch", id=shadow["id"], notes="Incluye 2025.")
    new_res = act(people.datos, "resource_create", package_id=shadow["id"], name="Obras 2025",
                  url=f"{people.data_url}/actualizacion/obras-2025.csv", format="CSV")
    run_validation(shadow["id"])
    assert _records(people.seguridad, new_res["id"]) == ["sin-revisar-2025"]

    def citizens_see_only_the_approved_version():
        public = act(None, "package_show", id=dataset["id"])
        assert public["notes"] == "Obras con ubicación y presupuesto."
        assert [r["id"] for r in public["resources"]] == [kept_id]
        for who in (None, people.outsider):
            # Not found, not "not authorized": nothing says the copy exists (issue 11).
            with pytest.raises(tk.ObjectNotFound):
                act(who, "package_show", id=shadow["id"])
            with pytest.raises(tk.ObjectNotFound):
                act(who, "datastore_search", resource_id=new_res["id"])
            with pytest.raises(tk.NotAuthorized):
                act(who, "datastore_search_sql", sql=f'SELECT * FROM "{new_res["id"]}"')
            found = act(who, "package_search", q="obras", include_private=True)
            assert [d["name"] for d in found["results"]] == ["obras-publicas"]
            assert "Incluye 2025" not in repr(act(who, "recently_changed_packages_activity_list"))
        assert _records(None, kept_id) == ["aprobado-1"]

    citizens_see_only_the_approved_version()
    # Reviewers do see the update.
    assert act(people.seguridad, "package_show", id=shadow["id"])["notes"] == "Incluye 2025."

    act(people.datos, "workflow_transition", id=shadow["id"], transition="enviar_revision")
    assert act(people.transparencia, "package_show", id=shadow["id"])["notes"] == "Incluye 2025."
    act(people.seguridad, "workflow_transition", id=shadow["id"], transition="aprobar")
    act(people.transparencia, "workflow_transition", id=shadow["id"], transition="aprobar")
    act(people.datos, "workflow_transition", id=shadow["id"], transition="solicitar_publicacion")
    citizens_see_only_the_approved_version()
    pending = act(people.tecnico, "workflow_pending")
    assert [(p["name"], p["is_update"]) for p in pending] == [("obras-publicas-actualizacion", True)]

    result = act(people.tecnico, "workflow_transition", id=shadow["id"], transition="publicar")
    assert result["id"] == dataset["id"] and result["name"] == "obras-publicas"

    public = act(None, "package_show", id=dataset["id"])
    assert public["notes"] == "Incluye 2025."
    # The unchanged resource keeps its id and data; the new one arrives with its DataStore table.
    assert [r["id"] for r in public["resources"]] == [kept_id, new_res["id"]]
    assert _records(None, kept_id) == ["aprobado-1"]
    assert _records(None, new_res["id"]) == ["sin-revisar-2025"]
    with pytest.raises((tk.NotAuthorized, tk.ObjectNotFound)):
        act(people.outsider, "package_show", id=shadow["id"])
    history = act(people.tecnico, "workflow_show", id=dataset["id"])["history"]
    assert [h["transition"] for h in history] == [
        "enviar_revision", "aprobar", "aprobar", "solicitar_publicacion", "publicar",
        "iniciar_actualizacion", "enviar_revision", "aprobar", "aprobar", "solicitar_publicacion", "publicar",
    ]
    # A second update can start now.
    assert act(people.datos, "workflow_update_start", id=dataset["id"])["private"] is True


def test_only_the_dependency_open_data_liaison_or_the_enlace_tecnico_starts_an_update(people):
    dataset = new_dataset(people)
    act(people.sysadmin, "workflow_demo_publish", id=dataset["id"])
    for who in (people.seguridad, people.transparencia, people.outsider):
        with pytest.raises(tk.NotAuthorized):
            act(who, "workflow_update_start", id=dataset["id"])
    # The enlace técnico loads submissions with his own token (pueblaabierto publicar).
    shadow = act(people.tecnico, "workflow_update_start", id=dataset["id"])
    assert act(people.tecnico, "workflow_show", id=shadow["id"])["history"][-1]["role"] == "enlace_tecnico"
    draft = new_dataset(people, name="aun-borrador")
    with pytest.raises(tk.ValidationError, match="Solo un conjunto publicado"):
        act(people.datos, "workflow_update_start", id=draft["id"])


def _upload(content: bytes, name: str):
    import io

    from werkzeug.datastructures import FileStorage

    return FileStorage(io.BytesIO(content), filename=name, content_type="text/csv")


def test_published_update_keeps_resource_ids_and_download_urls_with_the_new_content(people, app):
    dataset = new_dataset(people, resources=[])
    resource = act(people.datos, "resource_create", package_id=dataset["id"], name="Obras", format="CSV",
                   upload=_upload(b"folio\naprobado-1\n", "obras.csv"))
    run_validation(dataset["id"])  # loads the DataStore from the validated file
    publish_path(people, dataset["id"])
    public = act(None, "package_show", id=dataset["id"])
    [old] = public["resources"]
    assert old["id"] == resource["id"] and old["url"].endswith("/download/obras.csv")
    assert app.get(old["url"]).get_data() == b"folio\naprobado-1\n"

    shadow = act(people.datos, "workflow_update_start", id=dataset["id"])
    [copy] = shadow["resources"]
    assert copy["id"] != old["id"]
    # A new file under a new name, and its table, in the private copy.
    act(people.datos, "resource_patch", id=copy["id"], upload=_upload(b"folio\nnuevo-1\nnuevo-2\n", "obras_v2.csv"))
    run_validation(shadow["id"])
    assert _records(people.seguridad, copy["id"]) == ["nuevo-1", "nuevo-2"]
    # Citizens keep the approved file and table while the update is reviewed.
    assert app.get(old["url"]).get_data() == b"folio\naprobado-1\n"
    assert _records(None, old["id"]) == ["aprobado-1"]

    for step, who in (("enviar_revision", people.datos), ("aprobar", people.seguridad),
                      ("aprobar", people.transparencia), ("solicitar_publicacion", people.datos),
                      ("publicar", people.tecnico)):
        act(who, "workflow_transition", id=shadow["id"], transition=step)

    after = act(None, "package_show", id=dataset["id"])
    [new] = after["resources"]
    assert new["id"] == old["id"], "the resource keeps its id (old links keep working)"
    assert new["url_type"] == "upload" and new["url"].endswith("/download/obras_v2.csv")
    assert new["datastore_active"] is True
    assert _records(None, old["id"]) == ["nuevo-1", "nuevo-2"]
    for url in (old["url"], new["url"]):  # the old link (old file name) and the new one
        response = app.get(url)
        assert response.status_code == 200 and response.get_data() == b"folio\nnuevo-1\nnuevo-2\n"
    with pytest.raises(tk.ObjectNotFound):
        act(people.datos, "datastore_search", resource_id=copy["id"])
    # Publishing again the same metadata through an update writes into the same resource.
    assert act(people.datos, "workflow_update_start", id=dataset["id"])["resources"][0]["url"] == new["url"]
