"""The Entregas pages: list, new entrega, an entrega's status/report/versions, its buttons.

Every page calls the actions (same auth as the API); forms are CSRF-protected (csrf_input() in
the templates, CKAN's CSRFProtect on POST). An entrega the user may not see answers 404.
"""

from __future__ import annotations

from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from flask import Blueprint, send_file

from ...translate import _
from ...workflow import machine
from .. import auth, template_file

blueprint = Blueprint("pueblaabierto_entregas", __name__)


def _context() -> dict[str, Any]:
    return {"user": tk.current_user.name if tk.current_user.is_authenticated else ""}


def _user() -> model.User | None:
    return auth.user_of(_context())


def _messages(error: tk.ValidationError) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for key, value in (error.error_dict or {}).items():
        items = value if isinstance(value, list) else [value]
        result[key] = [str(m) for m in items]
    return result


def _require_role() -> Any:
    if not tk.current_user.is_authenticated:
        return tk.redirect_to("user.login", came_from=tk.request.path)
    if not auth.holds_role(_user()):
        return tk.abort(403, _("Las entregas del FORM.317 son para los enlaces de datos abiertos de las dependencias. "
                               "Si usted es el enlace, pida a la administración del portal que le asigne el rol."))
    return None


def index() -> Any:
    refused = _require_role()
    if refused is not None:
        return refused
    entregas = tk.get_action("submission_list")(_context(), {})
    return tk.render("entregas/index.html", {"entregas": entregas})


def template_download() -> Any:
    return send_file(
        template_file.path(),
        as_attachment=True,
        download_name=template_file.FILENAME,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _form(entrega: dict[str, Any] | None) -> Any:
    refused = _require_role()
    if refused is not None:
        return refused
    organizations = auth.organizations_for(_user())
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    if tk.request.method == "POST":
        form = tk.request.form
        values = {key: form.get(key, "") for key in ("oficio_numero", "oficio_fecha", "owner_org")}
        data: dict[str, Any] = dict(values)
        if entrega is not None:
            data["id"] = entrega["id"]
        data["formato"] = tk.request.files.get("formato")
        data["archivos"] = [f for f in tk.request.files.getlist("archivos") if f and f.filename]
        try:
            result = tk.get_action("submission_create")(_context(), data)
        except tk.ValidationError as error:
            errors = _messages(error)
        except tk.NotAuthorized as error:
            errors = {"owner_org": [str(error)]}
        except tk.ObjectNotFound:
            return tk.abort(404, _("No se encontró la entrega."))
        else:
            tk.h.flash_success(_("Se recibió la entrega (versión {n}). El portal la está validando; esta página "
                                 "muestra el avance.").format(n=result["version"]))
            return tk.redirect_to("pueblaabierto_entregas.read", id=result["id"])
    status = 400 if errors else 200
    return tk.render(
        "entregas/nueva.html",
        {"entrega": entrega, "organizations": organizations, "values": values, "errors": errors},
    ), status


def new() -> Any:
    return _form(None)


def _show(id: str) -> dict[str, Any]:
    try:
        return tk.get_action("submission_show")(_context(), {"id": id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return tk.abort(404, _("No se encontró la entrega."))


def correction(id: str) -> Any:
    refused = _require_role()
    if refused is not None:
        return refused
    return _form(_show(id))


def read(id: str) -> Any:
    refused = _require_role()
    if refused is not None:
        return refused
    return tk.render("entregas/read.html", {"entrega": _show(id)})


def _post(id: str, action: str, done: str) -> Any:
    refused = _require_role()
    if refused is not None:
        return refused
    try:
        tk.get_action(action)(_context(), {"id": id})
        tk.h.flash_success(done)
    except tk.ValidationError as error:
        tk.h.flash_error(" ".join(m for ms in _messages(error).values() for m in ms))
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return tk.abort(404, _("No se encontró la entrega."))
    return tk.redirect_to("pueblaabierto_entregas.read", id=id)


def apply(id: str) -> Any:
    return _post(id, "submission_apply",
                 _("Se están creando los borradores (privados). Esta página muestra el avance."))


def retry(id: str) -> Any:
    return _post(id, "submission_retry", _("Se reintenta. Esta página muestra el avance."))


def send_review(id: str) -> Any:
    """«Enviar a revisión»: the workflow's enviar_revision, dataset by dataset, with the oficio."""
    refused = _require_role()
    if refused is not None:
        return refused
    entrega = _show(id)
    latest = entrega["versions"][0] if entrega["versions"] else {}
    sent, refusals = [], []
    for dataset in entrega["datasets"]:
        if not dataset.get("id") or dataset.get("state") != machine.BORRADOR:
            continue
        try:
            tk.get_action("workflow_transition")(_context(), {
                "id": dataset["id"], "transition": machine.ENVIAR_REVISION,
                "oficio_numero": latest.get("oficio_numero") or "", "oficio_fecha": latest.get("oficio_fecha") or "",
            })
            sent.append(dataset["title"] or dataset["name"])
        except tk.ValidationError as error:
            refusals.append(f"«{dataset['title']}»: " + " ".join(m for ms in _messages(error).values() for m in ms))
        except (tk.NotAuthorized, tk.ObjectNotFound) as error:
            refusals.append(f"«{dataset['title']}»: {error}")
    if sent:
        tk.h.flash_success(_("Se envió a revisión: {names}.").format(names=", ".join(f"«{n}»" for n in sent)))
    for refusal in refusals:
        tk.h.flash_error(_("No se envió {refusal}").format(refusal=refusal))
    if not sent and not refusals:
        tk.h.flash_notice(_("No hay borradores de esta entrega por enviar a revisión."))
    return tk.redirect_to("pueblaabierto_entregas.read", id=id)


blueprint.add_url_rule("/entregas", view_func=index)
blueprint.add_url_rule("/entregas/plantilla", view_func=template_download)
blueprint.add_url_rule("/entregas/nueva", view_func=new, methods=["GET", "POST"])
blueprint.add_url_rule("/entregas/<id>", view_func=read)
blueprint.add_url_rule("/entregas/<id>/correccion", view_func=correction, methods=["GET", "POST"])
blueprint.add_url_rule("/entregas/<id>/borradores", view_func=apply, methods=["POST"])
blueprint.add_url_rule("/entregas/<id>/reintentar", view_func=retry, methods=["POST"])
blueprint.add_url_rule("/entregas/<id>/enviar-revision", view_func=send_review, methods=["POST"])


def get_blueprints() -> list[Blueprint]:
    return [blueprint]
