"""Routes of the exports: /data.json, /catalog.json and /dataset/<name>/datapackage.json."""

from __future__ import annotations

import json
from typing import Any

import ckan.plugins.toolkit as tk
from flask import Blueprint, Response

from . import datapackage, national, published

interop = Blueprint("pueblaabierto_interop", __name__)


def _json(payload: Any, mimetype: str = "application/json") -> Response:
    body = json.dumps(payload, ensure_ascii=False, indent=1)
    return Response(body, mimetype=mimetype, headers={"Access-Control-Allow-Origin": "*"})


def _dcat_action(name: str) -> Any:
    """ckanext-dcat's action, or a 404 where its plugin is not enabled."""
    try:
        return tk.get_action(name)
    except KeyError:
        return tk.abort(404, tk._("Catálogo DCAT no disponible"))


def data_json() -> Response:
    """The national inventory's catalogue (datos.gob.mx), all published datasets."""
    return _json(national.catalog())


def catalog_json() -> Response:
    """The DCAT catalogue as JSON-LD: ckanext-dcat serves ``.jsonld`` but not ``.json``."""
    data_dict = {key: tk.request.args.get(key) for key in ("page", "modified_since", "q", "fq")}
    action = _dcat_action("dcat_catalog_show")
    try:
        body = action({}, {**data_dict, "format": "jsonld"})
    except tk.ValidationError as error:  # params.py already answered web requests in Spanish
        return tk.abort(409, str(error))
    return Response(body, mimetype="application/ld+json", headers={"Access-Control-Allow-Origin": "*"})


def dataset_json(id: str) -> Response:  # noqa: A002 - CKAN's name for the URL part
    """One dataset in DCAT as JSON-LD, like /catalog.json (ckanext-dcat knows only .jsonld)."""
    action = _dcat_action("dcat_dataset_show")
    try:
        body = action({}, {"id": id, "format": "jsonld"})
    except tk.NotAuthorized:
        return tk.abort(403)
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Conjunto de datos no encontrado"))
    return Response(body, mimetype="application/ld+json")


def datapackage_json(id: str) -> Response:  # noqa: A002 - CKAN's name for the URL part
    pkg = published.dataset(id)
    if pkg is None:
        return tk.abort(404, tk._("Conjunto de datos no encontrado"))
    return _json(datapackage.package(pkg))


interop.add_url_rule("/data.json", view_func=data_json)
interop.add_url_rule("/catalog.json", view_func=catalog_json)
interop.add_url_rule("/dataset/<id>/datapackage.json", view_func=datapackage_json)
interop.add_url_rule("/dataset/<id>.json", view_func=dataset_json)


def get_blueprints() -> list[Blueprint]:
    return [interop]


def get_actions() -> dict[str, Any]:
    """Chained on ckanext-dcat's actions, only where its plugins run: /dcat.json, format checks."""
    import ckan.plugins as p

    from . import dcat_json, params

    actions: dict[str, Any] = {}
    if p.plugin_loaded("dcat"):
        actions.update(dcat_catalog_show=params.dcat_catalog_show, dcat_dataset_show=params.dcat_dataset_show)
    if p.plugin_loaded("dcat_json_interface"):
        actions["dcat_datasets_list"] = dcat_json.dcat_datasets_list
    return actions
