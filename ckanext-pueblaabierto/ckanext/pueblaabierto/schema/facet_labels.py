"""Search facets show FORM.317 labels ("Infraestructura y Servicios Públicos"), not stored values.

CKAN only labels organization, group and licence facets; every other facet item's
display_name is the raw value, so citizens would read "infraestructura-y-servicios-publicos".
"""

from __future__ import annotations

from typing import Any

from pueblaabierto.schemas import form317, vocabularies

# Facet field -> (CKAN level, field key) in the registry (schemas/dataset.yaml).
# ``res_extras_<key>`` is CKAN's name for a resource field in the index.
FACET_FIELDS = {
    "tema": (form317.DATASET, "tema"),
    "frecuencia": (form317.DATASET, "frecuencia"),
    "res_extras_tipo_visualizacion": (form317.RESOURCE, "tipo_visualizacion"),
}
# facet field -> vocabulary in vocabularios.yaml, as the registry ties each field to its list
VOCABULARY_OF = {
    facet: vocabulary
    for facet, (level, key) in FACET_FIELDS.items()
    if (vocabulary := form317.vocabulary_of(level, key))
}


def facet_title(facet: str) -> str:
    """The facet's title: its field's label in the registry (the form's own words)."""
    level, key = FACET_FIELDS[facet]
    return form317.label(level, key)


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
