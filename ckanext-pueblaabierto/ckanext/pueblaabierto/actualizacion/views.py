"""The downloads of the pre-filled FORM.317 (IBlueprint) and the helper that shows their buttons.

- ``/dataset/<id>/formato-317.xlsx``: the dataset, with its Dependencia.
- ``/organization/<id>/formato-317.xlsx``: every dataset of the Dependencia the user can read
  (update copies under review are left out: they share their original's FORM.317 IDs).

Everything is read through the actions as the current user. A dataset the user cannot read
answers 404 (as every other page about it, security/notfound.py); a readable one, or a
Dependencia, the user is no enlace of answers 403 with a Spanish explanation.
"""

from __future__ import annotations

from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from flask import Blueprint, Response
from pueblaabierto.workbook.prefill import prefilled_bytes

from ..translate import _
from ..workflow import model as wf_model
from .access import may_download

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# package_search returns at most this many datasets of one Dependencia per workbook.
MAX_DATASETS = 1000

blueprint = Blueprint("pueblaabierto_actualizacion", __name__)


def _user() -> model.User | None:
    if not tk.current_user.is_authenticated:
        return None
    return model.User.get(tk.current_user.name)


def _context() -> dict[str, Any]:
    user = _user()
    return {"user": user.name if user else "", "auth_user_obj": user}


def _refused() -> Any:
    if _user() is None:
        return tk.abort(403, _("Inicie sesión como enlace de la dependencia para descargar el FORM.317 "
                               "de actualización."))
    return tk.abort(403, _("Solo los enlaces de la dependencia (con un rol del flujo de validación) y la "
                           "administración del portal descargan el FORM.317 de actualización. Pida el rol a "
                           "la administración del portal."))


def _send(content: bytes, name: str) -> Response:
    response = Response(content, mimetype=XLSX)
    response.headers["Content-Disposition"] = f'attachment; filename="FORM.317-{name}.xlsx"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _is_update_copy(package_id: str) -> bool:
    state = wf_model.get_state(package_id)
    return bool(state is not None and state.revision_of)


def _sort_key(pkg: dict[str, Any]) -> tuple[int, str]:
    text = str(pkg.get("id_dataset") or "")
    return (int(text), "") if text.isdigit() else (10**9, text or pkg.get("name", ""))


def dataset_form(id: str) -> Any:
    context = _context()
    try:
        pkg = tk.get_action("package_show")(dict(context), {"id": id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return tk.abort(404, _("Conjunto de datos no encontrado"))
    if not may_download(_user(), pkg.get("owner_org")):
        return _refused()
    try:
        org = tk.get_action("organization_show")(dict(context), {"id": pkg["owner_org"], "include_datasets": False})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return tk.abort(404, _("Dependencia no encontrada"))
    return _send(prefilled_bytes(org, [pkg]), pkg["name"])


def organization_form(id: str) -> Any:
    context = _context()
    try:
        org = tk.get_action("organization_show")(dict(context), {"id": id, "include_datasets": False})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return tk.abort(404, _("Dependencia no encontrada"))
    if not may_download(_user(), org["id"]):
        return _refused()
    found = tk.get_action("package_search")(dict(context), {
        "fq": f'owner_org:"{org["id"]}"', "include_private": True, "rows": MAX_DATASETS, "sort": "name asc",
    })
    datasets = []
    for result in found.get("results", []):
        if _is_update_copy(result["id"]):
            continue
        try:
            datasets.append(tk.get_action("package_show")(dict(context), {"id": result["id"]}))
        except (tk.ObjectNotFound, tk.NotAuthorized):
            continue
    datasets.sort(key=_sort_key)
    return _send(prefilled_bytes(org, datasets), org["name"])


def can_download(organization_id: str | None) -> bool:
    """Template helper: show «Descargar FORM.317 para actualizar» to this user?"""
    return may_download(_user(), organization_id)


blueprint.add_url_rule("/dataset/<id>/formato-317.xlsx", view_func=dataset_form)
blueprint.add_url_rule("/organization/<id>/formato-317.xlsx", view_func=organization_form)


def get_blueprint() -> Blueprint:
    return blueprint


def get_helpers() -> dict[str, Any]:
    return {"pueblaabierto_puede_descargar_form317": can_download}
