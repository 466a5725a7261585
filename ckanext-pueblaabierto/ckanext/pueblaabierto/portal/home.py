"""What the home page shows: totals, the FORM.317 temas with counts, recent datasets, dependencias.

Everything goes through package_search as the current user, so private datasets (drafts, datasets
under review) are never counted for a visitor; one search gives totals, tema and dependencia counts
and the recently updated datasets.
"""

from __future__ import annotations

from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from pueblaabierto.schemas import vocabularies

# Font Awesome 6 (shipped with CKAN) icon per FORM.317 tema.
TEMA_ICONS = {
    "infraestructura-y-servicios-publicos": "road",
    "movilidad-y-transporte": "bus",
    "salud-y-bienestar": "heart-pulse",
    "gobierno-abierto": "landmark",
    "finanzas": "coins",
    "economia-y-empleo": "briefcase",
    "seguridad-y-justicia": "scale-balanced",
    "arte-y-cultura": "masks-theater",
    "medio-ambiente": "leaf",
    "turismo": "camera",
}
RECENT = 5


def home_figures() -> dict[str, Any]:
    search = tk.get_action("package_search")(
        {}, {"q": "", "rows": RECENT, "sort": "metadata_modified desc",
             "facet.field": ["tema", "organization"], "facet.limit": -1, "facet.mincount": 1},
    )
    facets = search.get("search_facets", {})
    tema_counts = {item["name"]: item["count"] for item in facets.get("tema", {}).get("items", [])}
    org_counts = {item["name"]: item["count"] for item in facets.get("organization", {}).get("items", [])}
    temas = [
        {"value": term.value, "label": term.label, "ejemplos": term.extra.get("ejemplos", ""),
         "icon": TEMA_ICONS.get(term.value, "folder-open"), "count": tema_counts.get(term.value, 0)}
        for term in vocabularies.load().temas
    ]
    organizations = tk.get_action("organization_list")({}, {"all_fields": True})
    dependencias = sorted(
        ({"name": org["name"], "title": org.get("title") or org["name"], "count": org_counts.get(org["name"], 0)}
         for org in organizations),
        key=lambda org: (-org["count"], org["title"]),
    )
    return {
        "temas": temas,
        "recientes": search["results"],
        "dependencias": dependencias,
        "totales": {
            "conjuntos": search["count"],
            "recursos": public_resource_count(),
            "dependencias": len(dependencias),
        },
    }


def public_resource_count() -> int:
    """Resources of public, active datasets (what anyone can download)."""
    query = (
        sa.select(sa.func.count(model.Resource.id))
        .join(model.Package, model.Package.id == model.Resource.package_id)
        .where(model.Package.state == "active", model.Package.private.is_(False),
               model.Package.type == "dataset", model.Resource.state == "active")
    )
    return int(model.Session.execute(query).scalar() or 0)
