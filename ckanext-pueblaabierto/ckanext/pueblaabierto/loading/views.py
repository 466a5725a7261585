"""A resource's views (tabla / mapa / gráfico) and its GeoJSON copy, made by the server.

The decisions are ``publicar``'s own (``pueblaabierto.publish.views.ensure`` and
``pueblaabierto.publish.geo.to_geojson``); here they run against the portal's actions in
process, as the site user in the workflow's trusted context, instead of over HTTP.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from pueblaabierto.publish import geo, mapping
from pueblaabierto.publish import views as shared

from .copy import site_context

log = logging.getLogger(__name__)

VIEW_PLUGINS = ("datatables_view", "geojson_view", "charts_view")
GEO_SOURCES = ("SHP", "KML")


class LocalPortal:
    """``call(action, **data)`` on this CKAN's own actions: what the shared view code expects."""

    def call(self, action: str, **data: Any) -> Any:
        return tk.get_action(action)(site_context(), data)


def extensions() -> list[str]:
    return [name for name in VIEW_PLUGINS if p.plugin_loaded(name)]


def ensure_view(resource: dict[str, Any], *, tabular: bool) -> str | None:
    """The view «Tipo de Visualización» asks for; a Spanish warning when a nearer one was used."""
    return shared.ensure(
        LocalPortal(),
        resource["id"],
        str(resource.get("tipo_visualizacion") or ""),
        extensions=extensions(),
        tabular=tabular,
        geojson=str(resource.get("format") or "").upper() == "GEOJSON",
        resource_name=str(resource.get("name") or ""),
    )


def ensure_geojson(pkg: dict[str, Any], source: dict[str, Any], path: Path, sha256: str) -> dict[str, Any] | None:
    """The GeoJSON resource next to a SHP/KML (as ``publicar`` offers it); None for other formats.

    Re-created only when its source changed (same SHA-256 as the source, like ``publicar``).
    """
    if str(source.get("format") or "").upper() not in GEO_SOURCES:
        return None
    name = f"{source['name']} (GeoJSON)"
    current = next((r for r in pkg.get("resources", []) if r.get(mapping.DERIVED_KEY) == source["name"]
                    or r.get("name") == name), None)
    if current is not None and current.get(mapping.HASH_KEY) == sha256:
        return current
    stem = Path(str(source.get("nombre_archivo") or path.name)).stem
    fields = {key: source[key] for key in mapping.RESOURCE_KEYS if source.get(key)}
    fields.update({"name": name, "nombre_archivo": f"{stem}.geojson", "format": "GEOJSON",
                   "tipo_visualizacion": "mapa", mapping.HASH_KEY: sha256, mapping.DERIVED_KEY: source["name"]})
    fields.pop("url", None)
    from werkzeug.datastructures import FileStorage

    with tempfile.TemporaryDirectory(prefix="pueblaabierto-geo-") as tmp:
        target = geo.to_geojson(path, Path(tmp), fields["nombre_archivo"])
        with target.open("rb") as stream:
            upload = FileStorage(stream=stream, filename=target.name, content_type="application/geo+json")
            if current is None:
                return tk.get_action("resource_create")(site_context(), {"package_id": pkg["id"], "upload": upload,
                                                                         "url": target.name, **fields})
            return tk.get_action("resource_patch")(site_context(), {"id": current["id"], "upload": upload,
                                                                    "url": target.name, **fields})
