"""«Reintentar» (POST, CSRF-protected by CKAN) and the template helper of the status block."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from flask import Blueprint

from ..translate import _

blueprint = Blueprint("pueblaabierto_validation", __name__)


def _context() -> dict[str, Any]:
    return {"user": tk.current_user.name if tk.current_user.is_authenticated else ""}


def retry(id: str) -> Any:
    try:
        tk.get_action("dataset_validation_run")(_context(), {"id": id})
        tk.h.flash_success(_("La validación se puso en marcha de nuevo; esta página muestra su avance."))
    except tk.NotAuthorized as error:
        tk.h.flash_error(str(error) or _("No tiene permiso para validar de nuevo este conjunto de datos."))
    except tk.ObjectNotFound:
        return tk.abort(404, _("Conjunto de datos no encontrado"))
    return tk.redirect_to("pueblaabierto_workflow.dataset_flow", id=id)


blueprint.add_url_rule("/dataset/<id>/validacion/reintentar", view_func=retry, methods=["POST"])


def validation_status(package_id: str) -> dict[str, Any] | None:
    """The server's validation of a dataset for the Flujo tab, or None when not visible."""
    try:
        return tk.get_action("dataset_validation_show")(_context(), {"id": package_id})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return None


def get_helpers() -> dict[str, Any]:
    return {"pueblaabierto_validation_status": validation_status}


def get_blueprints() -> list[Blueprint]:
    return [blueprint]
