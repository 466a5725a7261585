"""Web pages of the workflow (IBlueprint): Mis pendientes, a dataset's flujo, the CSV record."""

from __future__ import annotations

import json
from typing import Any

import ckan.plugins.toolkit as tk
from flask import Blueprint, Response

from ..translate import _
from . import machine
from . import model as wf_model
from . import report as wf_report

blueprint = Blueprint("pueblaabierto_workflow", __name__)


def _context() -> dict[str, Any]:
    return {"user": tk.current_user.name if tk.current_user.is_authenticated else ""}


def pending() -> Any:
    if not tk.current_user.is_authenticated:
        return tk.redirect_to("user.login")
    items = tk.get_action("workflow_pending")(_context(), {})
    for item in items:
        # What the reviewer will face: how many findings, personal data first.
        row = wf_model.get_state(item["id"])
        item["counts"] = wf_report.counts(row.report if row is not None else None)
    return tk.render("workflow/pending.html", {"items": items})


# Views a reviewer's page embeds (iframed by CKAN); others are linked.
EMBEDDED_VIEWS = ("datatables_view", "geojson_view")


def _file_name(resource: dict[str, Any]) -> str:
    """The name the validation report uses for a resource's file."""
    if resource.get("nombre_archivo"):
        return str(resource["nombre_archivo"])
    url = str(resource.get("url") or "").split("?", 1)[0].rstrip("/")
    return url.rsplit("/", 1)[-1]


def previews(context: dict[str, Any], pkg_dict: dict[str, Any], review: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Each file of the dataset with its views (as the user asking may see them) and findings."""
    personal = (review or {}).get("personal_findings") or []
    result = []
    for resource in pkg_dict.get("resources") or []:
        try:
            views = tk.get_action("resource_view_list")(dict(context), {"id": resource["id"]})
        except (tk.ObjectNotFound, tk.NotAuthorized):
            views = []
        file_name = _file_name(resource)
        result.append(
            {
                "id": resource["id"],
                "name": resource.get("name") or file_name or resource["id"],
                "format": resource.get("format") or "",
                "file": file_name,
                "datastore_active": bool(resource.get("datastore_active")),
                "personal": sum(1 for f in personal if f.get("file") and f.get("file") == file_name),
                "views": [
                    {"id": v["id"], "title": v.get("title") or v["view_type"], "view_type": v["view_type"],
                     "embedded": v["view_type"] in EMBEDDED_VIEWS}
                    for v in views
                ],
            }
        )
    return result


def dataset_flow(id: str) -> Any:
    context = _context()
    try:
        flow = tk.get_action("workflow_show")(context, {"id": id})
        pkg_dict = tk.get_action("package_show")(context, {"id": id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return tk.abort(404, _("Conjunto de datos no encontrado"))
    row = wf_model.get_state(pkg_dict["id"])
    review = wf_report.review(row.report if row is not None else None)
    return tk.render(
        "workflow/dataset_flow.html",
        {"flow": flow, "pkg_dict": pkg_dict, "pkg": pkg_dict, "review": review,
         "previews": previews(context, pkg_dict, review)},
    )


def _acknowledged(context: dict[str, Any], id: str, values: list[str]) -> list[str]:
    """The acknowledgements the form sent that name a personal-data finding the workflow knows
    (``workflow_show``'s ``personal_findings``, the list the approval is checked against).

    Anything else (a forged value) would only add noise to the audit record.
    """
    try:
        known = set(tk.get_action("workflow_show")(dict(context), {"id": id})["personal_findings"])
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return []  # the transition itself is refused, with its own message
    return [value for value in dict.fromkeys(values) if value in known]


def dataset_transition(id: str) -> Any:
    context = _context()
    form = tk.request.form
    data = {
        "id": id,
        "transition": form.get("transition", ""),
        "comment": form.get("comment", ""),
        "oficio_numero": form.get("oficio_numero", ""),
        "oficio_fecha": form.get("oficio_fecha", ""),
        "as_role": form.get("as_role", "") or None,
        "acknowledged_findings": _acknowledged(context, id, form.getlist("acknowledged_findings")),
    }
    try:
        tk.get_action("workflow_transition")(context, data)
        label = machine.transition_label(data["transition"])
        tk.h.flash_success(_("Se registró «{transition}».").format(transition=label))
    except tk.NotAuthorized as error:
        tk.h.flash_error(str(error) or _("No tiene permiso para esta transición."))
    except tk.ValidationError as error:
        values = error.error_dict.values()
        messages = [m for v in values for m in (v if isinstance(v, list) else [v])]
        tk.h.flash_error(" ".join(str(m) for m in messages))
    except tk.ObjectNotFound:
        return tk.abort(404, _("Conjunto de datos no encontrado"))
    # After publishing an update the shadow is gone: go to the public dataset's flujo.
    try:
        flow = tk.get_action("workflow_show")(context, {"id": id})
        return tk.redirect_to("pueblaabierto_workflow.dataset_flow", id=flow["name"])
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return tk.redirect_to("pueblaabierto_workflow.pending")


def dataset_update_start(id: str) -> Any:
    try:
        shadow = tk.get_action("workflow_update_start")(_context(), {"id": id})
    except tk.NotAuthorized as error:
        tk.h.flash_error(str(error))
        return tk.redirect_to("pueblaabierto_workflow.dataset_flow", id=id)
    except tk.ValidationError as error:
        values = error.error_dict.values()
        tk.h.flash_error(" ".join(str(m) for v in values for m in (v if isinstance(v, list) else [v])))
        return tk.redirect_to("pueblaabierto_workflow.dataset_flow", id=id)
    except tk.ObjectNotFound:
        return tk.abort(404, _("Conjunto de datos no encontrado"))
    tk.h.flash_success(_("Se creó la actualización. Edítela y envíela a revisión; la versión publicada no cambia."))
    return tk.redirect_to("pueblaabierto_workflow.dataset_flow", id=shadow["name"])


def _flash_validation(error: tk.ValidationError) -> None:
    values = error.error_dict.values()
    tk.h.flash_error(" ".join(str(m) for v in values for m in (v if isinstance(v, list) else [v])))


def role_admin() -> Any:
    """Sysadmins assign and revoke the liaisons' roles in the portal."""
    if not (tk.current_user.is_authenticated and tk.current_user.sysadmin):
        return tk.abort(403, _("Solo la administración del portal asigna roles del flujo."))
    if tk.request.method == "POST":
        form = tk.request.form
        action = "workflow_role_revoke" if form.get("revocar") else "workflow_role_assign"
        data = {"user": form.get("user", "").strip(), "role": form.get("role", ""),
                "organization": form.get("organization") or None}
        try:
            tk.get_action(action)(_context(), data)
            label = machine.role_label(data["role"])
            tk.h.flash_success(_("Listo: {user}, {role}.").format(user=data["user"], role=label))
        except tk.ValidationError as error:
            _flash_validation(error)
        except (tk.ObjectNotFound, tk.NotAuthorized) as error:
            tk.h.flash_error(str(error))
        return tk.redirect_to("pueblaabierto_workflow.role_admin")
    assignments = tk.get_action("workflow_role_list")(_context(), {})
    organizations = tk.get_action("organization_list")(_context(), {"all_fields": True})
    return tk.render(
        "workflow/roles.html",
        {"assignments": assignments, "organizations": organizations,
         "roles": [(r, machine.role_label(r)) for r in machine.ROLES]},
    )


def history_csv() -> Any:
    data = {key: tk.request.args[key] for key in ("id", "organization") if tk.request.args.get(key)}
    try:
        text = tk.get_action("workflow_history_csv")(_context(), data)
    except tk.NotAuthorized:
        return tk.abort(403, _("Solo los enlaces de transparencia y técnico exportan el registro."))
    except tk.ObjectNotFound:
        return tk.abort(404, _("No encontrado"))
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=registro-flujo-form317.csv"},
    )


def hidden_view_rows() -> Any:
    """The table preview's rows (datatables_view's ajax) of a view the user may not see: 404.

    CKAN's endpoint does not catch the refusal of ``resource_view_show`` and answers 500; the
    previews of a dataset under review are for its reviewers only, refused like its pages.
    """
    if tk.request.endpoint != "datatablesview.ajax":
        return None
    view_id = (tk.request.view_args or {}).get("resource_view_id", "")
    try:
        tk.get_action("resource_view_show")(_context(), {"id": view_id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        body = json.dumps({"error": _("Vista previa no encontrada.")}, ensure_ascii=False)
        return Response(body, status=404, mimetype="application/json")
    return None


blueprint.before_app_request(hidden_view_rows)
blueprint.add_url_rule("/flujo/pendientes", view_func=pending)
blueprint.add_url_rule("/flujo/registro.csv", view_func=history_csv)
blueprint.add_url_rule("/flujo/roles", view_func=role_admin, methods=["GET", "POST"])
blueprint.add_url_rule("/dataset/<id>/flujo", view_func=dataset_flow)
blueprint.add_url_rule("/dataset/<id>/flujo/transicion", view_func=dataset_transition, methods=["POST"])
blueprint.add_url_rule("/dataset/<id>/flujo/actualizar", view_func=dataset_update_start, methods=["POST"])


def get_blueprints() -> list[Blueprint]:
    return [blueprint]


# -- Template helpers ----------------------------------------------------------------


def workflow_summary(package_id: str) -> dict[str, Any] | None:
    """The workflow block for a dataset page, or None when the user may not see it."""
    try:
        return tk.get_action("workflow_show")(_context(), {"id": package_id})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return None


def pending_count() -> int:
    """How many datasets await one of the current user's roles (the «Mis pendientes» badge)."""
    if not tk.current_user or not tk.current_user.is_authenticated:
        return 0
    try:
        return len(tk.get_action("workflow_pending")(_context(), {}))
    except tk.NotAuthorized:
        return 0


def get_helpers() -> dict[str, Any]:
    return {
        "pueblaabierto_workflow_summary": workflow_summary,
        "pueblaabierto_workflow_pending_count": pending_count,
        "pueblaabierto_workflow_transition_label": machine.transition_label,
        "pueblaabierto_workflow_role_label": machine.role_label,
    }
