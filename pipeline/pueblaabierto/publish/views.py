"""Resource views that follow the form's «Tipo de Visualización».

tabla -> DataStore table (datatables_view, CKAN core); mapa -> GeoJSON map (geojson_view,
ckanext-geoview); gráfico -> chart (ckanext-charts' charts_view). When the portal does not
run the plugin a type needs, the nearest available view is used and the report says so,
so a missing extension never blocks publication.
"""

from __future__ import annotations

from dataclasses import dataclass

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
