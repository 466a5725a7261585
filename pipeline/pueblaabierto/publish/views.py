"""Resource views that follow the form's «Tipo de Visualización».

tabla -> DataStore table (datatables_view, CKAN core); mapa -> GeoJSON map (geojson_view,
ckanext-geoview); gráfico -> chart (ckanext-charts' charts_view). When the portal does not
run the plugin a type needs, the nearest available view is used and the report says so,
so a missing extension never blocks publication.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_CODE = re.compile(r"(^id|_id$|clave|capitulo|folio|codigo|^cp$|anio|año|numero)")
NUMERIC = {"int", "int4", "int8", "numeric", "float8", "float4", "bigint", "integer"}

# tipo_visualizacion -> (view_type, plugin that provides it), in order of preference.
PREFERRED: dict[str, list[tuple[str, str]]] = {
    "tabla": [("datatables_view", "datatables_view")],
    "mapa": [("geojson_view", "geojson_view"), ("datatables_view", "datatables_view")],
    "grafico": [("charts_view", "charts_view"), ("datatables_view", "datatables_view")],
}
TITLES = {
    "datatables_view": "Tabla",
    "geojson_view": "Mapa",
    "charts_view": "Gráfico",
}


@dataclass(frozen=True)
class ViewChoice:
    view_type: str
    title: str
    fallback: bool  # not the view the form asked for


def choose(tipo: str, *, extensions: list[str], tabular: bool, geojson: bool) -> ViewChoice | None:
    """The view to create for a resource, or None when none applies."""
    for index, (view_type, plugin) in enumerate(PREFERRED.get(tipo, [])):
        if plugin not in extensions:
            continue
        if view_type in ("datatables_view", "charts_view") and not tabular:
            continue
        if view_type == "geojson_view" and not geojson:
            continue
        return ViewChoice(view_type, TITLES[view_type], fallback=index > 0)
    return None


def chart_settings(portal: Any, resource_id: str) -> dict[str, Any] | None:
    """A bar chart of the first numeric column by the first text column (ckanext-charts, Plotly).

    The liaison can refine it in the portal; a first chart that works beats an empty view.
    """
    fields = portal.call("datastore_search", resource_id=resource_id, limit=0)["fields"]
    fields = [f for f in fields if f["id"] != "_id"]
    labels = [f["id"] for f in fields if f["type"] not in NUMERIC]
    # Amounts (decimals) before counts, and codes/ids last: "aprobado", not "capitulo".
    values = sorted(
        (f for f in fields if f["type"] in NUMERIC),
        key=lambda f: (f["type"] != "numeric", bool(_CODE.search(f["id"].lower()))),
    )
    values = [f["id"] for f in values]
    if not labels or not values:
        return None
    return {"engine": "plotly", "type": "Bar", "x": labels[0], "y": values[0], "limit": 1000}


def ensure(portal: Any, resource_id: str, tipo: str, *, extensions: list[str], tabular: bool, geojson: bool,
           resource_name: str = "") -> str | None:
    """Create the resource's view from «Tipo de Visualización» unless it exists; return a warning or None.

    ``portal`` is anything with ``call(action, **data)``: ckanapi over HTTP (``publicar``) or the
    portal's own actions in process (the server's loader, ckanext.pueblaabierto.loading.views).
    """
    choice = choose(tipo, extensions=extensions, tabular=tabular, geojson=geojson)
    if choice is None:
        return None
    present = [v.get("view_type") for v in portal.call("resource_view_list", id=resource_id)]
    if choice.view_type in present:
        return None  # CKAN's default views may already have made it
    settings = chart_settings(portal, resource_id) if choice.view_type == "charts_view" else {}
    if settings is None:  # no column pair to plot: a table shows the same data
        choice = ViewChoice("datatables_view", TITLES["datatables_view"], fallback=True)
        settings = {}
        if choice.view_type in present:
            return None
    portal.call("resource_view_create", resource_id=resource_id, view_type=choice.view_type,
                title=choice.title, **settings)
    if choice.fallback:
        return (
            f"El portal no tiene la vista de «{tipo}» para «{resource_name}»; "
            f"se creó la vista «{choice.title}»."
        )
    return None
