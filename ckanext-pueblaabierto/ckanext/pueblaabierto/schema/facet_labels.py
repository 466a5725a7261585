"""Search facets show FORM.317 labels ("Infraestructura y Servicios Públicos"), not stored values.

CKAN only labels organization, group and licence facets; every other facet item's
display_name is the raw value, so citizens would read "infraestructura-y-servicios-publicos".
"""

from __future__ import annotations

from typing import Any

from pueblaabierto.schemas import vocabularies

# facet field -> vocabulary in vocabularios.yaml
VOCABULARY_OF = {
    "tema": "temas",
    "frecuencia": "frecuencias",
    "res_extras_tipo_visualizacion": "tipos_visualizacion",
}


def label_facets(search_results: dict[str, Any]) -> dict[str, Any]:
    """IPackageController.after_dataset_search: set display_name of vocabulary facet items."""
    vocab = vocabularies.load()
    for field, name in VOCABULARY_OF.items():
        facet = (search_results.get("search_facets") or {}).get(field)
        if not facet:
            continue
        for item in facet.get("items") or []:
            item["display_name"] = vocab.label(name, item.get("name") or "")
    return search_results
