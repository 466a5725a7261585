"""Apply a workflow transition to a dataset: decide, record, change visibility, notify.

The only writer of the workflow tables besides ``roles``. Everything the transition changes
(state row, the appended record, ``private``) is committed together; e-mail goes out after
the commit so a mail failure never loses a recorded step (notify.py records the failure).
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from pueblaabierto.schemas.rules import parse_day

from ..people import full_name, full_names
from ..translate import _
from . import machine, roles, updates
from . import model as wf_model
from . import report as wf_report
from .state import WORKFLOW_CONTEXT_FLAG, actor_for, current_state, get_package, open_update, reindex

__all__ = ["WORKFLOW_CONTEXT_FLAG", "actor_for", "current_state", "get_package", "publish", "summary", "transition"]

log = logging.getLogger(__name__)


def oficio_date_help() -> str:
    return _("Escriba la fecha del oficio, un día del calendario, como DD/MM/AAAA o AAAA-MM-DD "
             "(p. ej. 02/05/2024).")


def _parse_date(value: Any) -> datetime.date | None:
    if value in (None, ""):
        return None
    day = parse_day(value)
    if day is None:
        raise tk.ValidationError({"oficio_fecha": [oficio_date_help()]})
    return day


def transition(
    context: dict[str, Any],
    package_id: str,
    name: str,
    *,
    comment: str = "",
    oficio_numero: str = "",
    oficio_fecha: Any = None,
    as_role: str | None = None,
    acknowledged_findings: list[str] | None = None,
    demo: bool = False,
) -> dict[str, Any]:
    """Run transition ``name`` on the dataset; return the new workflow summary.

    ``demo``: the sysadmin's demo walk (workflow_demo_publish), the only path where one
    person may send and approve (separation of duties, machine.decide).

    The validation report reviewers judge is the server's own (verification/): enviar_revision
    goes ahead only on a finished validation of the data as they are now, and copies its report
    here; the later steps refuse if the data changed since they were sent.
    """
    pkg = get_package(package_id)
    actor = actor_for(context, pkg)
    row = wf_model.get_state(pkg.id)
    state = current_state(pkg)
    approvals = dict(row.approvals or {}) if row is not None else {}
    stored_report = row.report if row is not None else None
    fecha = _parse_date(oficio_fecha)
    # The record keeps only what the server's report found: a client may not write made-up
    # acknowledgements into the audit trail (the web form filters them too).
    personal = wf_report.personal_keys(stored_report)
    acknowledged_findings = [key for key in dict.fromkeys(acknowledged_findings or []) if key in personal]
    try:
        decision = machine.decide(
            state,
            name,
            actor,
            approvals=approvals,
            as_role=as_role or None,
            comment=comment or "",
            personal_findings=personal,
            acknowledged_findings=acknowledged_findings or [],
            sender=row.requested_by if row is not None else None,
            demo=demo,
        )
    except machine.Refused as refused:
        if refused.kind == "role":
            raise tk.NotAuthorized(refused.message) from refused
        raise tk.ValidationError({"transition": [refused.message]}) from refused
    server_report = server_validation_gate(pkg, name, stored_report)

    user = model.User.get(actor.user_id)
    session = wf_model.session()
    if row is None:
        row = wf_model.WorkflowState(package_id=pkg.id, state=state, approvals={})
        session.add(row)
    row.state = decision.to_state
    row.approvals = dict(decision.approvals)
    row.updated_at = datetime.datetime.now(datetime.timezone.utc)
    if name == machine.ENVIAR_REVISION:
        row.requested_by = actor.user_id
        # The server's report of the data as sent (never one from the client): what the
        # reviewers judge and the enlace de seguridad acknowledges.
        row.report = server_report
    record = wf_model.Transition.about(
        pkg.id, pkg.name, pkg.title, pkg.owner_org, user,
        transition=name,
        from_state=decision.from_state,
        to_state=decision.to_state,
        role=decision.role,
        as_sysadmin=decision.as_sysadmin,
        comment=(comment or "").strip() or None,
        oficio_numero=(oficio_numero or "").strip() or None,
        oficio_fecha=fecha,
        acknowledged_findings=list(acknowledged_findings or []) or None,
    )
    session.add(record)
    session.commit()

    public_id = pkg.id
    if decision.to_state == machine.PUBLICADO:
        public_id = publish(context, pkg, row)
    else:
        reindex(pkg.id)

    try:
        from . import notify

        notify.after_transition(record, public_id)
    except Exception:  # noqa: BLE001 - the step is recorded; a mail problem must not undo it
        log.exception("No se pudo enviar la notificación de la transición %s", record.id)
    return summary(get_package(public_id) if public_id != pkg.id else pkg, context)


def server_validation_gate(
    pkg: model.Package, name: str, stored_report: dict[str, Any] | None
) -> dict[str, Any] | None:
    """Refuse ``name`` unless the server's validation allows it; for enviar_revision, the report to keep.

    The fingerprint covers a link resource by its URL only: at enviar_revision and at publicar the
    content behind each URL is downloaded again and must be the validated one (verification/links.py).
    """
    from ..verification import fingerprint, links, verdict
    from ..verification import service as validation

    if name == machine.ENVIAR_REVISION:
        state = validation.status(pkg.id)
        message = verdict.refusal(state)
        if message is not None:
            if state.get("status") is None or state.get("stale"):
                validation.request(pkg.id)  # so waiting is enough; the message says so
            raise tk.ValidationError({"transition": [message]})
        links.hold(pkg, state.get("files") or [], publishing=False)
        return verdict.with_server_key(state.get("report") or {}, state)
    if name in (machine.APROBAR, machine.SOLICITAR_PUBLICACION, machine.PUBLICAR):
        sent = verdict.sent_fingerprint(stored_report)
        if sent is None or sent != fingerprint.compute(pkg):
            raise tk.ValidationError({"transition": [_(
                "Los datos de este conjunto cambiaron después de enviarse a revisión (un archivo, una URL o el "
                "diccionario de datos), o se enviaron sin la validación del portal: lo revisado ya no es lo que se "
                "publicaría. Recháselo con observaciones para que el Enlace de Datos Abiertos lo valide y lo envíe "
                "de nuevo."
            )]})
        if name == machine.PUBLICAR:
            links.hold(pkg, verdict.sent_files(stored_report), publishing=True)
    return stored_report


def publish(context: dict[str, Any], pkg: model.Package, row: wf_model.WorkflowState) -> str:
    """Make the dataset public (first publication) or apply an approved update; return public id."""
    if row.revision_of:
        return updates.apply(context, pkg, row)
    # As the acting liaison, not the site user: CKAN hides the site user's activity, and the
    # publication must appear in the public activity stream under who published it.
    tk.get_action("package_patch")(
        {"user": context["user"], "ignore_auth": True, WORKFLOW_CONTEXT_FLAG: True},
        {"id": pkg.id, "private": False},
    )
    return pkg.id


def summary(pkg: model.Package, context: dict[str, Any] | None = None) -> dict[str, Any]:
    """State, pending approvals and full history (the dataset's and its updates')."""
    row = wf_model.get_state(pkg.id)
    state = current_state(pkg)
    approvals = dict(row.approvals or {}) if row is not None else {}
    pending = machine.pending_roles(state, approvals)
    ids = [pkg.id] + [
        r.package_id
        for r in wf_model.session().query(wf_model.WorkflowState).filter(wf_model.WorkflowState.revision_of == pkg.id)
    ]
    history = (
        wf_model.session()
        .query(wf_model.Transition)
        .filter(wf_model.Transition.package_id.in_(ids))
        .order_by(wf_model.Transition.id)
        .all()
    )
    # Only whether an e-mail failed, not to whom: the addresses of officials are for sysadmins.
    failures = wf_model.notice_failures([t.id for t in history])
    # The record keeps the user name of the time (audits, CSV); pages show the person's full name.
    names = full_names(t.user_id for t in history)
    result: dict[str, Any] = {
        "id": pkg.id,
        "name": pkg.name,
        "title": pkg.title,
        "state": state,
        "state_label": machine.state_label(state),
        "private": pkg.private,
        "approvals": [
            {"role": role, "role_label": machine.role_label(role), "user": _user_name(uid)}
            for role, uid in approvals.items()
        ],
        "pending": [{"role": role, "role_label": machine.role_label(role)} for role in pending],
        "history": [dict(t.as_dict(), transition_label=machine.transition_label(t.transition),
                         role_label=machine.role_label(t.role or ""),
                         to_state_label=machine.state_label(t.to_state),
                         notice_failed=t.id in failures,
                         user_display_name=names.get(t.user_id, t.user_name)) for t in history],
        "report": wf_report.ordered(row.report if row is not None else None),
        "personal_findings": wf_report.personal_keys(row.report if row is not None else None),
        "revision_of": row.revision_of if row is not None else None,
        "open_update": _open_update_name(pkg.id),
    }
    if context is not None and context.get("user"):
        user = model.User.get(context["user"])
        if user is not None:
            actor = machine.Actor(user.id, roles.roles_for(user.id, pkg.owner_org), bool(user.sysadmin))
            result["allowed_transitions"] = machine.allowed_transitions(state, actor, approvals)
            result["my_roles"] = sorted(actor.roles)
    return result


def _user_name(user_id: str) -> str:
    # People by their full name (CKAN's display_name falls back to the user name).
    return full_name(user_id, user_id)


def _open_update_name(package_id: str) -> str | None:
    update = open_update(package_id)
    return update.name if update is not None else None
