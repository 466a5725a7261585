"""Parameters of ckanext-dcat's endpoints, checked first so bad ones get a Spanish 409.

ckanext-dcat hands ``/catalog.<format>`` and ``/dataset/<id>.<format>`` to rdflib and looks
the answer's Content-Type up afterwards, so ``/catalog.foo`` ended in a 500; a bad ``page``
or ``modified_since`` gave a 409 showing an English message inside a Python repr. The
chained actions below check format, page and date first: a web request (``/catalog.ttl``,
``/dcat.json``) gets a 409 page with the message alone, an Action API call a
ValidationError with the message under the parameter's name.
"""

from __future__ import annotations

from typing import Any, NoReturn

import ckan.plugins.toolkit as tk
import rdflib
from dateutil.parser import parse as dateutil_parse
from flask import has_request_context, request

from ckanext.dcat.utils import CONTENT_TYPES, url_to_rdflib_format


def _from_web_page() -> bool:
    return has_request_context() and not request.path.startswith("/api/")


def refuse(parameter: str, message: str) -> NoReturn:
    if _from_web_page():
        tk.abort(409, message)
    raise tk.ValidationError({parameter: [message]})


def check_format(data_dict: dict[str, Any]) -> None:
    fmt = data_dict.get("format")
    if not fmt or fmt in CONTENT_TYPES:
        return
    if not _from_web_page():
        try:  # Action API callers may name any rdflib serializer (turtle, json-ld, nt...)
            rdflib.plugin.get(url_to_rdflib_format(fmt), rdflib.serializer.Serializer)
            return
        except rdflib.plugin.PluginException:
            pass
    refuse("format", tk._(
        "Formato «{fmt}» no disponible. Use .ttl (Turtle), .jsonld o .json (JSON-LD), .rdf o .xml (RDF/XML) "
        "o .n3."
    ).format(fmt=fmt))


def page(data_dict: dict[str, Any]) -> int:
    try:
        number = int(data_dict.get("page") or 1)
    except (TypeError, ValueError):
        number = 0
    if number < 1:
        refuse("page", tk._("El parámetro page debe ser un número entero positivo (1, 2, 3…)."))
    return number


def modified_since(data_dict: dict[str, Any]) -> str | None:
    """The ``modified_since`` date as ckanext-dcat's search filter wants it, or None."""
    value = data_dict.get("modified_since")
    if not value:
        return None
    try:
        return dateutil_parse(value).isoformat() + "Z"
    except (ValueError, OverflowError):
        refuse("modified_since", tk._(
            "Fecha no válida en modified_since: «{value}». Use ISO 8601, p. ej. 2024-05-31."
        ).format(value=value))


@tk.chained_action
@tk.side_effect_free
def dcat_catalog_show(original_action: Any, context: dict[str, Any], data_dict: dict[str, Any]) -> Any:
    check_format(data_dict)
    page(data_dict)
    modified_since(data_dict)
    return original_action(context, data_dict)


@tk.chained_action
def dcat_dataset_show(original_action: Any, context: dict[str, Any], data_dict: dict[str, Any]) -> Any:
    check_format(data_dict)
    return original_action(context, data_dict)
