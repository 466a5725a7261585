"""RDF formats of ckanext-dcat's endpoints: unknown ones get a 409 with a Spanish message.

ckanext-dcat hands ``/catalog.<format>`` and ``/dataset/<id>.<format>`` to rdflib and looks
the answer's Content-Type up afterwards, so ``/catalog.json`` or ``/catalog.foo`` ended in a
500 (no such serializer, or no such Content-Type). The chained actions check the format
first: a 409 with a Spanish message for the URL, a ValidationError for Action API callers.
"""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
import rdflib
from flask import has_request_context, request

from ckanext.dcat.utils import CONTENT_TYPES, url_to_rdflib_format


def check(data_dict: dict[str, Any]) -> None:
    fmt = data_dict.get("format")
    if not fmt:
        return
    in_url = has_request_context() and request.path.endswith(f".{fmt}")
    if fmt in CONTENT_TYPES:
        return
    if not in_url:
        try:  # Action API callers may name any rdflib serializer (turtle, json-ld, nt...)
            rdflib.plugin.get(url_to_rdflib_format(fmt), rdflib.serializer.Serializer)
            return
        except rdflib.plugin.PluginException:
            pass
    message = tk._(
        "Formato «{fmt}» no disponible. Use .ttl (Turtle), .jsonld o .json (JSON-LD), .rdf o .xml (RDF/XML) "
        "o .n3."
    ).format(fmt=fmt)
    if in_url:
        # ckanext-dcat's view would show the ValidationError's repr; people read this page.
        tk.abort(409, message)
    raise tk.ValidationError({"format": [message]})


@tk.chained_action
@tk.side_effect_free
def dcat_catalog_show(original_action: Any, context: dict[str, Any], data_dict: dict[str, Any]) -> Any:
    check(data_dict)
    return original_action(context, data_dict)


@tk.chained_action
def dcat_dataset_show(original_action: Any, context: dict[str, Any], data_dict: dict[str, Any]) -> Any:
    check(data_dict)
    return original_action(context, data_dict)
