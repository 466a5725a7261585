"""FORM.317 data dictionary -> DataStore field info (label/notes).

CKAN's own data-dictionary display on the resource page and ``datastore_search`` read the
DataStore's field ``info``; the dataset's ``diccionario`` is where enlaces write the terms.
This module copies one into the other. The publisher calls ``write_dictionary`` right after
loading a resource; the plugin calls it after every dataset update so edits in the form reach
the DataStore too.
"""

from __future__ import annotations

import logging
from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from pueblaabierto.schemas import vocabularies

from .helpers import pa_diccionario

log = logging.getLogger(__name__)


def _context() -> dict[str, Any]:
    # Called from hooks and background jobs as well as requests: act as the site user.
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"ignore_auth": True, "user": site_user["name"]}


def merged_fields(fields: list[dict[str, Any]], entries: list[dict[str, str]]) -> tuple[list[dict[str, Any]], bool]:
    """DataStore fields with label/notes taken from matching terms (by column name, without case or accents).

    Returns the fields to send to ``datastore_create`` and whether anything changed; info keys
    that the dictionary does not own (e.g. type_override) are kept.
    """
    terms = {vocabularies.fold(entry["termino"]): entry for entry in entries}
    changed = False
    merged = []
    for field in fields:
        if field["id"] == "_id":
            continue
        info = dict(field.get("info") or {})
        entry = terms.get(vocabularies.fold(field["id"]))
        if entry is not None:
            wanted = {"label": entry["termino"], "notes": entry.get("descripcion") or ""}
            if any(info.get(k) != v for k, v in wanted.items()):
                info.update(wanted)
                changed = True
        merged.append({"id": field["id"], "type": field["type"], "info": info})
    return merged, changed


def in_datastore(resource_id: str) -> bool:
    """Whether the resource has a DataStore table.

    Asks the DataStore itself, not the resource's ``datastore_active`` flag: the flag is set
    behind package_update's back and a package_show served from the search index can still
    carry the old value.
    """
    if not p.plugin_loaded("datastore"):
        return False
    from ckanext.datastore.backend import DatastoreBackend

    return bool(DatastoreBackend.get_active_backend().resource_exists(resource_id))


def write_dictionary(resource_id: str) -> bool:
    """Write the dataset's dictionary terms as DataStore field info of one resource.

    Returns True if the DataStore was updated; False if the resource is not in the DataStore,
    the DataStore plugin is off, or nothing changed.
    """
    if not in_datastore(resource_id):
        return False
    resource = tk.get_action("resource_show")(_context(), {"id": resource_id})
    pkg = tk.get_action("package_show")(_context(), {"id": resource["package_id"]})
    entries = pa_diccionario(pkg, resource)
    if not entries:
        return False
    info = tk.get_action("datastore_info")(_context(), {"id": resource_id})
    fields, changed = merged_fields(info["fields"], entries)
    if not changed:
        return False
    tk.get_action("datastore_create")(_context(), {"resource_id": resource_id, "fields": fields, "force": True})
    return True


def after_dataset_update(pkg_dict: dict[str, Any]) -> None:
    """Refresh field info of the dataset's DataStore resources; never breaks the dataset update.

    Read the resources from the database: a form edit of the dataset does not resend them.
    """
    if not p.plugin_loaded("datastore") or not pkg_dict.get("id"):
        return
    from ckan import model

    package = model.Package.get(pkg_dict["id"])
    if package is None:
        return
    for resource in package.resources:
        if resource.state != "active":
            continue
        try:
            write_dictionary(resource.id)
        except Exception:  # the dictionary is documentation: a DataStore hiccup must not undo the edit
            log.exception("No se pudo escribir el diccionario en el DataStore del recurso %s", resource.id)
