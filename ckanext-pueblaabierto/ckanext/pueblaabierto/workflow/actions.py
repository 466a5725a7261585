"""Actions of the workflow (IActions). Each checks its auth function, then delegates."""

from __future__ import annotations

import io
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk

from ..security import csv_safe
from ..translate import _
from . import machine, roles, service
from . import model as wf_model
from . import report as wf_report


def _require(data_dict: dict[str, Any], *keys: str) -> None:
    missing = {key: [_("Falta el valor.")] for key in keys if not data_dict.get(key)}
    if missing:
        raise tk.ValidationError(missing)


def _actor_name(context: dict[str, Any]) -> str:
    user = model.User.get(context.get("user") or "")
    return user.id if user else (context.get("user") or "")


@tk.side_effect_free
def workflow_show(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """State, pending approvals, validation report and full history of a dataset.

    :param id: id or name of the dataset
    """
    _require(data_dict, "id")
    tk.check_access("workflow_show", context, data_dict)
    return service.summary(service.get_package(data_dict["id"]), context)


def workflow_transition(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Move a dataset along FORM.317.

    :param id: id or name of the dataset
    :param transition: enviar_revision, aprobar, rechazar, solicitar_publicacion or publicar
    :param comment: observations (required for rechazar)
    :param oficio_numero: number of the oficio that supports the step (optional)
    :param oficio_fecha: its date, YYYY-MM-DD (optional)
    :param as_role: the role to act in (sysadmins, or users holding both reviewer roles)
    :param acknowledged_findings: keys of the personal-data findings the enlace de seguridad
        acknowledges (all are required for its approval)

    ``validation_report`` is not a parameter: the report reviewers judge is the server's own
    (``dataset_validation_show``); one sent by the client is ignored. enviar_revision is refused
    until the server's validation of the data as they are now has finished without errors.
    """
    _require(data_dict, "id", "transition")
    tk.check_access("workflow_transition", context, data_dict)
    acknowledged = data_dict.get("acknowledged_findings") or []
    if isinstance(acknowledged, str):
        acknowledged = [acknowledged]
    return service.transition(
        context,
        data_dict["id"],
        data_dict["transition"],
        comment=data_dict.get("comment") or "",
        oficio_numero=data_dict.get("oficio_numero") or "",
        oficio_fecha=data_dict.get("oficio_fecha"),
        as_role=data_dict.get("as_role") or None,
        acknowledged_findings=list(acknowledged),
    )


def workflow_role_assign(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Give a workflow role to a user (sysadmins only).

    :param user: user name or id
    :param role: enlace_datos_abiertos, enlace_seguridad, enlace_transparencia or enlace_tecnico
    :param organization: the Dependencia, for enlace_datos_abiertos and enlace_seguridad
    """
    _require(data_dict, "user", "role")
    tk.check_access("workflow_role_assign", context, data_dict)
    return roles.assign(data_dict["user"], data_dict["role"], data_dict.get("organization"), by=_actor_name(context))


def workflow_role_revoke(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Take a workflow role away from a user (sysadmins only); the assignment stays on record."""
    _require(data_dict, "user", "role")
    tk.check_access("workflow_role_revoke", context, data_dict)
    count = roles.revoke(data_dict["user"], data_dict["role"], data_dict.get("organization"), by=_actor_name(context))
    return {"revoked": count}


@tk.side_effect_free
def workflow_role_list(context: dict[str, Any], data_dict: dict[str, Any]) -> list[dict[str, Any]]:
    """Active role assignments, optionally of one ``user`` or one ``organization``."""
    tk.check_access("workflow_role_list", context, data_dict)
    rows = roles.list_assignments(data_dict.get("user"), data_dict.get("organization"))
    user = model.User.get(context.get("user") or "")
    if not context.get("ignore_auth") and not (user is not None and user.sysadmin):
        # Who the liaisons are is public inside the portal; their e-mail addresses are not.
        for row in rows:
            row.pop("email", None)
    return rows


@tk.side_effect_free
def workflow_pending(context: dict[str, Any], data_dict: dict[str, Any]) -> list[dict[str, Any]]:
    """What awaits the current user ("Mis pendientes"): datasets where one of their roles must act."""
    tk.check_access("workflow_pending", context, data_dict)
    user = model.User.get(context.get("user") or "")
    if user is None:
        return []
    result = []
    rows = (
        wf_model.session()
        .query(wf_model.WorkflowState)
        .filter(wf_model.WorkflowState.state != machine.PUBLICADO)
        .order_by(wf_model.WorkflowState.updated_at)
    )
    items = [(model.Package.get(row.package_id), row.state, row.approvals or {}, row) for row in rows]
    # Drafts no transition has touched yet have no state row (it is created lazily): they
    # still await the enlace de datos abiertos of their dependency.
    datos_orgs = [r.organization_id for r in wf_model.active_roles(user_id=user.id) if r.role == machine.DATOS]
    if datos_orgs:
        known = wf_model.session().query(wf_model.WorkflowState.package_id)
        drafts = model.Session.query(model.Package).filter(
            model.Package.owner_org.in_(datos_orgs),
            model.Package.private.is_(True),
            model.Package.state == "active",
            model.Package.id.notin_(known),
        )
        items += [(pkg, machine.BORRADOR, {}, None) for pkg in drafts.order_by(model.Package.metadata_modified)]
    for pkg, state, approvals, row in items:
        if pkg is None or pkg.state != "active":
            continue
        held = roles.roles_for(user.id, pkg.owner_org)
        waiting = [r for r in machine.pending_roles(state, approvals) if r in held]
        if not waiting:
            continue
        org = model.Group.get(pkg.owner_org) if pkg.owner_org else None
        result.append(
            {
                "id": pkg.id,
                "name": pkg.name,
                "title": pkg.title,
                "organization": org.title if org else "",
                "state": state,
                "state_label": machine.state_label(state),
                "roles": waiting,
                "role_labels": [machine.role_label(r) for r in waiting],
                "since": (row.updated_at if row is not None else pkg.metadata_modified).isoformat(),
                "is_update": bool(row is not None and row.revision_of),
            }
        )
    return result


CSV_COLUMNS = (
    "id", "created_at", "package_id", "package_name", "package_title", "organization_name", "transition",
    "from_state", "to_state", "user_name", "role", "as_sysadmin", "comment", "oficio_numero", "oficio_fecha",
    "acknowledged_findings", "notice_failed",
)


@tk.side_effect_free
def workflow_history_csv(context: dict[str, Any], data_dict: dict[str, Any]) -> str:
    """The transition record as CSV (for audits): every dataset, or one ``id``, or one ``organization``."""
    tk.check_access("workflow_history_csv", context, data_dict)
    query = wf_model.session().query(wf_model.Transition)
    if data_dict.get("id"):
        # Deleted datasets too: their record (and why they were deleted) is what an audit asks for.
        pkg = model.Package.get(data_dict["id"]) or service.get_package(data_dict["id"])
        ids = [pkg.id] + [
            r.package_id
            for r in wf_model.session()
            .query(wf_model.WorkflowState)
            .filter(wf_model.WorkflowState.revision_of == pkg.id)
        ]
        query = query.filter(wf_model.Transition.package_id.in_(ids))
    if data_dict.get("organization"):
        org = model.Group.get(data_dict["organization"])
        if org is None:
            raise tk.ObjectNotFound(_("No existe la dependencia {org}.").format(org=data_dict["organization"]))
        query = query.filter(wf_model.Transition.organization_id == org.id)
    # Failed e-mails are rare: read their transition ids once rather than join per row.
    failed = {row.transition_id for row in wf_model.session().query(wf_model.NoticeFailure.transition_id)}
    out = io.StringIO()
    # Observations and titles are typed by people: no cell may become a spreadsheet formula.
    writer = csv_safe.SafeWriter(out)
    writer.writerow(CSV_COLUMNS)
    for record in query.order_by(wf_model.Transition.id):
        row = record.as_dict()
        row["acknowledged_findings"] = "; ".join(row["acknowledged_findings"])
        row["as_sysadmin"] = "si" if row["as_sysadmin"] else "no"
        row["notice_failed"] = "si" if record.id in failed else "no"
        writer.writerow([row[column] for column in CSV_COLUMNS])
    return out.getvalue()


def workflow_demo_publish(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Walk a dataset through the whole procedure as the sysadmin acting in each role.

    For the demo portal (``make portal``) only: refused unless ``pueblaabierto.workflow.demo``
    is on (embedded/settings.DEMO_OPTIONS), and for any dataset whose server report has
    personal-data findings (only the enlace de seguridad may acknowledge those). Each step is
    recorded as done by the sysadmin in role (``as_sysadmin``), with ``comment`` saying so.
    Sysadmins only.
    """
    _require(data_dict, "id")
    tk.check_access("workflow_demo_publish", context, data_dict)
    if not tk.asbool(tk.config.get("pueblaabierto.workflow.demo")):
        raise tk.NotAuthorized(_(
            "La publicación de demostración está desactivada en este portal (opción pueblaabierto.workflow.demo). "
            "Envíe el conjunto a revisión: cada enlace revisa y aprueba en la pestaña «Flujo»."
        ))
    pkg = service.get_package(data_dict["id"])
    _refuse_personal_data(pkg, _demo_personal_count(pkg))
    comment = data_dict.get("comment") or _("Demostración: paso realizado por la administración del portal en el rol.")
    steps: dict[str, list[tuple[str, str | None]]] = {
        machine.BORRADOR: [(machine.ENVIAR_REVISION, None)],
        machine.EN_REVISION: [(machine.APROBAR, machine.SEGURIDAD), (machine.APROBAR, machine.TRANSPARENCIA)],
        machine.REVISION_APROBADA: [(machine.SOLICITAR_PUBLICACION, None)],
        machine.EN_VALIDACION_TECNICA: [(machine.PUBLICAR, None)],
    }
    result = service.summary(pkg, context)
    for _round in range(6):
        state = service.current_state(pkg)
        if state == machine.PUBLICADO:
            break
        row = wf_model.get_state(pkg.id)
        approvals = dict(row.approvals or {}) if row is not None else {}
        for name, role in steps[state]:
            if role is not None and role in approvals:
                continue
            if role == machine.SEGURIDAD and row is not None:
                # Never acknowledge personal data on the enlace de seguridad's behalf (the report
                # may have come in after the check above: the validation finished meanwhile).
                _refuse_personal_data(pkg, len(wf_report.personal_keys(row.report)))
            result = service.transition(context, pkg.id, name, comment=comment, as_role=role, demo=True)
            break
        pkg = service.get_package(result["id"])
    return result


def _demo_personal_count(pkg: model.Package) -> int:
    """Personal-data findings of the server's report: the one sent to review, else the latest."""
    from ..verification import service as validation

    row = wf_model.get_state(pkg.id)
    sent = len(wf_report.personal_keys(row.report)) if row is not None else 0
    return max(sent, int(validation.status(pkg.id).get("personal_findings") or 0))


def _refuse_personal_data(pkg: model.Package, count: int) -> None:
    if count:
        raise tk.ValidationError({"transition": [_(
            "«{title}» no se puede publicar como demostración: la validación del portal encontró {count} "
            "hallazgo(s) de datos personales. Solo el Enlace de Seguridad de la dependencia puede revisarlos y "
            "reconocerlos: quite esos datos o envíe el conjunto a revisión por el flujo normal."
        ).format(title=pkg.title or pkg.name, count=count)]})


def get_actions() -> dict[str, Any]:
    from . import updates

    return {
        "workflow_show": workflow_show,
        "workflow_transition": workflow_transition,
        "workflow_role_assign": workflow_role_assign,
        "workflow_role_revoke": workflow_role_revoke,
        "workflow_role_list": workflow_role_list,
        "workflow_pending": workflow_pending,
        "workflow_history_csv": workflow_history_csv,
        "workflow_demo_publish": workflow_demo_publish,
        "workflow_update_start": updates.workflow_update_start,
    }
