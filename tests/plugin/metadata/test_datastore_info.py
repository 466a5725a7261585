"""Dictionary -> DataStore: terms become field info (label/notes) that CKAN itself shows."""

from __future__ import annotations

import re

import pytest
from ckan.tests.helpers import call_action
from ckanext.pueblaabierto import datastore_info

from .conftest import PLUGINS, dataset_dict

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS + " datastore"),
    pytest.mark.usefixtures("with_plugins", "clean_db"),
]


def load_into_datastore(resource_id: str) -> None:
    call_action("datastore_create", resource_id=resource_id, force=True,
                fields=[{"id": "colonia", "type": "text"}, {"id": "latitud", "type": "numeric"},
                        {"id": "sin_describir", "type": "text"}],
                records=[{"colonia": "Centro", "latitud": 19.04, "sin_describir": "x"}])


def ckan_dictionary_shows(html: str, notes: str) -> bool:
    return re.search(r'<dd class="col-sm-9">\s*<p>' + re.escape(notes) + "</p>", html) is not None


def info_by_field(resource_id: str) -> dict:
    fields = call_action("datastore_info", id=resource_id)["fields"]
    return {f["id"]: f.get("info") or {} for f in fields}


def test_dictionary_round_trip_to_datastore_info_and_pages(app, sysadmin, org):
    pkg = call_action("package_create", {"user": sysadmin["name"]}, **dataset_dict(org["id"]))
    resource_id = pkg["resources"][0]["id"]
    load_into_datastore(resource_id)

    assert datastore_info.write_dictionary(resource_id) is True
    info = info_by_field(resource_id)
    assert info["colonia"] == {"label": "colonia", "notes": "Colonia donde está el punto de acceso."}
    assert info["latitud"]["notes"] == "Latitud en grados decimales (WGS84)."
    assert "notes" not in info["sin_describir"]
    assert datastore_info.write_dictionary(resource_id) is False  # nothing changed, nothing rewritten

    # datastore_search carries the info too, and the data survived the field update.
    search = call_action("datastore_search", resource_id=resource_id)
    by_id = {f["id"]: f for f in search["fields"]}
    assert by_id["colonia"]["info"]["notes"] == "Colonia donde está el punto de acceso."
    assert search["records"][0]["colonia"] == "Centro"

    # Editing the dictionary on the dataset refreshes the DataStore without another load.
    diccionario = pkg["diccionario"] + [{"termino": "sin_describir", "descripcion": "Ahora descrita."}]
    call_action("package_patch", id=pkg["id"], diccionario=diccionario)
    assert info_by_field(resource_id)["sin_describir"]["notes"] == "Ahora descrita."

    # CKAN's own data-dictionary display on the resource page (datastore/snippets/dictionary_view.html)
    # renders the notes as Markdown in a <dd>; our FORM.317 table renders them in a <td>.
    html = app.get(f"/dataset/{pkg['name']}/resource/{resource_id}").body
    assert ckan_dictionary_shows(html, "Ahora descrita.")
    assert ckan_dictionary_shows(html, "Colonia donde está el punto de acceso.")


def test_resource_not_in_datastore_is_left_alone(sysadmin, org):
    pkg = call_action("package_create", {"user": sysadmin["name"]}, **dataset_dict(org["id"]))
    assert datastore_info.write_dictionary(pkg["resources"][0]["id"]) is False
