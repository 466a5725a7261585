"""Publishing an update keeps the public resources: same ids, same download URLs, new content.

Citizens, other portals and the national catalogue link to a resource page and to its
download URL (``/dataset/<id>/resource/<resource id>/download/<file>``). An approved update
(updates.py) must therefore land *inside* the public resources, not replace them: for each
resource of the reviewed copy this module finds the public resource it updates and moves
into it what the copy brings (uploaded file, DataStore table, views), leaving the public
resource's id, position and existing views in place. CKAN's download view finds an upload by
the resource id alone, so the old link answers with the new file even if its name changed.

Pairs are found by where the copy's resource came from (its URL still the public
resource's download URL, as ``workflow_update_start`` copied it), else by resource name (the
FORM.317 identity of a resource inside its dataset, publish/plan.py). A copy resource with no
public counterpart is a new resource and is moved as it is.
"""

from __future__ import annotations

import functools
import logging
import os
import shutil
from dataclasses import dataclass, field
from typing import Any

import ckan.model as model
from ckan.lib import uploader

log = logging.getLogger(__name__)

# Keys that identify the public resource and never come from the copy.
IDENTITY_KEYS = ("id", "package_id", "position", "created", "revision_id", "tracking_summary")
# Keys that describe the stored data (file or link, DataStore): from the copy only when it brings data.
DATA_KEYS = ("url", "url_type", "size", "hash", "mimetype", "last_modified", "datastore_active")


@dataclass
class Pair:
    """A resource of the reviewed copy and the public resource it updates (None: a new one)."""

    copy: dict[str, Any]
    public: dict[str, Any] | None = None

    @property
    def new_upload(self) -> bool:
        return self.copy.get("url_type") == "upload"

    @functools.cached_property
    def copy_table(self) -> bool:
        """The copy has a DataStore table of its own (it replaces the public one)."""
        return bool(self.copy.get("datastore_active")) and _table_exists(self.copy["id"])

    @property
    def same_data(self) -> bool:
        """The copy still points at the public resource's data (the file was not replaced)."""
        return self.public is not None and not self.new_upload and (self.copy.get("url") or "") == (
            self.public.get("url") or ""
        )


@dataclass
class Plan:
    pairs: list[Pair] = field(default_factory=list)
    dropped: list[dict[str, Any]] = field(default_factory=list)  # public resources the update removes


def match(public: list[dict[str, Any]], copy: list[dict[str, Any]]) -> Plan:
    """Pair each resource of the copy with the public resource it updates."""
    left = list(public)
    pairs = [Pair(copy=res) for res in copy]
    for pair in pairs:  # still the public resource's own URL: that is where it came from
        url = pair.copy.get("url") or ""
        found = next((p for p in left if url and p.get("url") == url and pair.copy.get("url_type") != "upload"), None)
        if found is not None:
            pair.public = found
            left.remove(found)
    for pair in pairs:  # a new file for a resource: the same name (FORM.317 identity)
        if pair.public is None:
            found = next((p for p in left if p.get("name") and p.get("name") == pair.copy.get("name")), None)
            if found is not None:
                pair.public = found
                left.remove(found)
    return Plan(pairs=pairs, dropped=left)


def merged(pair: Pair, public_package_id: str) -> dict[str, Any]:
    """The resource dict for the public dataset's ``package_update``."""
    if pair.public is None:
        return dict(pair.copy, package_id=public_package_id)
    result = {k: v for k, v in pair.copy.items() if k not in IDENTITY_KEYS}
    for key in IDENTITY_KEYS:
        if key in pair.public:
            result[key] = pair.public[key]
    if pair.same_data:
        for key in DATA_KEYS:
            if key in pair.public:
                result[key] = pair.public[key]
            else:
                result.pop(key, None)
    if pair.copy_table:
        result["datastore_active"] = True  # its table replaces the public one (move_data)
    else:
        # A table is kept only for unchanged data (replaced below when the copy has its own).
        result["datastore_active"] = bool(pair.same_data and pair.public.get("datastore_active"))
    return result


def move_data(pair: Pair) -> None:
    """Move the copy's uploaded file, DataStore table and views into the public resource."""
    if pair.public is None:
        return
    copy_id, public_id = pair.copy["id"], pair.public["id"]
    if pair.new_upload:
        _move_upload(pair.copy, copy_id, public_id)
    if pair.copy_table:
        _replace_table(copy_id, public_id)
    elif not pair.same_data and pair.public.get("datastore_active"):
        _drop_table(public_id)  # the public table holds data the update replaced
    _move_views(copy_id, public_id)


def drop_table(resource: dict[str, Any]) -> None:
    """Drop the DataStore table of a public resource the update removed."""
    if resource.get("datastore_active"):
        _drop_table(resource["id"])


def _move_upload(resource: dict[str, Any], copy_id: str, public_id: str) -> None:
    upload = uploader.get_resource_uploader(dict(resource))
    if not getattr(upload, "storage_path", None):
        return
    source, target = upload.get_path(copy_id), upload.get_path(public_id)
    if not os.path.exists(source):
        log.warning("La actualización no trae el archivo %s del recurso %s", source, copy_id)
        return
    os.makedirs(os.path.dirname(target), exist_ok=True)
    shutil.move(source, target)


def _engine() -> Any:
    from ckanext.datastore.backend.postgres import get_write_engine

    return get_write_engine()


def _table_exists(resource_id: str) -> bool:
    try:
        from ckanext.datastore.backend import DatastoreBackend

        return bool(DatastoreBackend.get_active_backend().resource_exists(resource_id))
    except Exception:  # noqa: BLE001 - no DataStore configured: nothing to move
        return False


def _quote(name: str) -> str:
    from ckanext.datastore.backend.postgres import identifier

    return identifier(name)


def _replace_table(copy_id: str, public_id: str) -> None:
    """The copy's table becomes the public resource's (rename: rows, types, dictionary, trigger)."""
    import sqlalchemy as sa

    with _engine().begin() as conn:
        conn.execute(sa.text(f"DROP TABLE IF EXISTS {_quote(public_id)} CASCADE"))
        conn.execute(sa.text(f"ALTER TABLE {_quote(copy_id)} RENAME TO {_quote(public_id)}"))


def _drop_table(public_id: str) -> None:
    import sqlalchemy as sa

    if _table_exists(public_id):
        with _engine().begin() as conn:
            conn.execute(sa.text(f"DROP TABLE IF EXISTS {_quote(public_id)} CASCADE"))


def _move_views(copy_id: str, public_id: str) -> None:
    """Views the public resource lacks (e.g. a map after «Tipo de Visualización» changed) move over."""
    present = {
        view.view_type
        for view in model.Session.query(model.ResourceView).filter(model.ResourceView.resource_id == public_id)
    }
    order = len(present)
    for view in model.Session.query(model.ResourceView).filter(model.ResourceView.resource_id == copy_id):
        if view.view_type in present:
            continue
        view.resource_id = public_id
        view.order = order
        order += 1
        present.add(view.view_type)
