"""Updates of a published dataset: a private shadow copy under review replaces the public one.

See docs/flujo-de-validacion.md ("Actualizaciones"). The shadow is an ordinary private
dataset of the same Dependencia, so every read path (search, package_show, downloads,
DataStore, DCAT, activity) hides it by CKAN's own rules; citizens keep seeing the public
dataset untouched. On ``publicar`` the public resources keep their ids and download URLs and
receive the shadow's files, DataStore tables, views and metadata (resource_move.py); the
shadow's new resources move over as they are, and its dataset metadata is copied.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk

from ..translate import _
from ..versions import UPDATE_OF_CONTEXT_KEY, update_relatives
from . import machine, resource_move
from . import model as wf_model
from .state import WORKFLOW_CONTEXT_FLAG, actor_for, current_state, get_package, open_update, reindex

__all__ = ["UPDATE_OF_CONTEXT_KEY", "apply", "open_update", "update_relatives", "workflow_update_start"]

log = logging.getLogger(__name__)

START = machine.INICIAR_ACTUALIZACION
SUFFIX = "-actualizacion"

# Keys CKAN computes or owns; copying them into a create/update would be wrong or refused.
_DROP_PACKAGE_KEYS = (
    "id", "name", "revision_id", "metadata_created", "metadata_modified", "creator_user_id",
    "num_resources", "num_tags", "state", "organization", "relationships_as_object",
    "relationships_as_subject", "tracking_summary", "private",
)
_DROP_RESOURCE_KEYS = (
    "id", "package_id", "revision_id", "created", "metadata_modified", "datastore_active", "url_type",
    "last_modified", "tracking_summary", "position",
)


def _site_context(flag: bool = True) -> dict[str, Any]:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    context: dict[str, Any] = {"user": site_user["name"], "ignore_auth": True}
    if flag:
        context[WORKFLOW_CONTEXT_FLAG] = True
    return context


def workflow_update_start(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Start an update of a published dataset: a private copy in ``borrador``.

    :param id: id or name of the published dataset
    :returns: the shadow dataset (package_show dict); edit it, then ``enviar_revision`` it.
    """
    if not data_dict.get("id"):
        raise tk.ValidationError({"id": [_("Falta el valor.")]})
    tk.check_access("workflow_update_start", context, data_dict)
    pkg = get_package(data_dict["id"])
    actor = actor_for(context, pkg)
    # The enlace técnico opens updates too: he loads the dependencias' new submissions with
    # ``pueblaabierto publicar`` and his own token (tecnico.py).
    if not actor.sysadmin and machine.DATOS not in actor.roles and machine.TECNICO not in actor.roles:
        raise tk.NotAuthorized(
            _(
                "Solo el Enlace de Datos Abiertos de la dependencia o el Enlace Técnico pueden proponer "
                "una actualización."
            )
        )
    if current_state(pkg) != machine.PUBLICADO:
        raise tk.ValidationError(
            {"id": [_("Solo un conjunto publicado se actualiza así; este aún sigue su flujo de publicación.")]}
        )
    existing = open_update(pkg.id)
    if existing is not None:
        raise tk.ValidationError(
            {"id": [_("Ya hay una actualización abierta de este conjunto: {name}.").format(name=existing.name)]}
        )

    public = tk.get_action("package_show")(_site_context(flag=False), {"id": pkg.id})
    shadow = {k: v for k, v in public.items() if k not in _DROP_PACKAGE_KEYS}
    shadow["name"] = _free_name(pkg.name)
    shadow["private"] = True
    shadow["owner_org"] = pkg.owner_org
    shadow["resources"] = [
        {k: v for k, v in res.items() if k not in _DROP_RESOURCE_KEYS} for res in public.get("resources", [])
    ]
    user = model.User.get(actor.user_id)
    created = tk.get_action("package_create")(
        {"user": user.name, "ignore_auth": True, WORKFLOW_CONTEXT_FLAG: True, UPDATE_OF_CONTEXT_KEY: pkg.id},
        shadow,
    )
    session = wf_model.session()
    session.add(
        wf_model.WorkflowState(
            package_id=created["id"], state=machine.BORRADOR, approvals={}, revision_of=pkg.id, requested_by=user.id
        )
    )
    record = wf_model.Transition.about(
        created["id"], created["name"], created.get("title"), pkg.owner_org, user,
        transition=START,
        from_state=machine.PUBLICADO,
        to_state=machine.BORRADOR,
        role=next((r for r in (machine.DATOS, machine.TECNICO) if r in actor.roles), None),
        as_sysadmin=not ({machine.DATOS, machine.TECNICO} & actor.roles),
        comment=(data_dict.get("comment") or "").strip() or _("Actualización de {name}.").format(name=pkg.name),
    )
    session.add(record)
    session.commit()
    reindex(created["id"])
    try:
        from . import notify

        notify.after_transition(record, created["id"])
    except Exception:  # noqa: BLE001 - the copy exists and is recorded; a mail problem must not undo it
        log.exception("No se pudo enviar la notificación de la transición %s", record.id)
    return tk.get_action("package_show")(_site_context(flag=False), {"id": created["id"]})


def _free_name(name: str) -> str:
    base = (name[: 100 - len(SUFFIX)] + SUFFIX)
    candidate, number = base, 2
    while model.Package.get(candidate) is not None:
        tail = f"{SUFFIX}-{number}"
        candidate, number = name[: 100 - len(tail)] + tail, number + 1
    return candidate


def apply(context: dict[str, Any], shadow: model.Package, row: wf_model.WorkflowState) -> str:
    """Replace the public dataset by the approved shadow; return the public dataset's id."""
    public = model.Package.get(row.revision_of or "")
    if public is None or public.state != "active":
        raise tk.ObjectNotFound(_("El conjunto publicado que esta actualización reemplaza ya no existe."))
    # As the acting liaison (see service.publish): the update shows in the public stream.
    site = {"user": context["user"], "ignore_auth": True, WORKFLOW_CONTEXT_FLAG: True}
    shadow_dict = tk.get_action("package_show")(_site_context(flag=False), {"id": shadow.id})
    public_dict = tk.get_action("package_show")(_site_context(flag=False), {"id": public.id})

    # The public resources stay (ids, download URLs, views): what the copy brings moves into
    # them (resource_move.py); copy resources with no public counterpart move as they are.
    plan = resource_move.match(public_dict.get("resources", []), shadow_dict.get("resources", []))
    resources = [resource_move.merged(pair, public.id) for pair in plan.pairs]
    moved = {pair.copy["id"] for pair in plan.pairs if pair.public is None}
    for pair in plan.pairs:
        resource_move.move_data(pair)
    for resource in shadow.resources_all:
        if resource.id in moved:
            resource.package_id = public.id
    model.Session.commit()
    model.Session.expire_all()

    new_dict = {k: v for k, v in shadow_dict.items() if k not in _DROP_PACKAGE_KEYS}
    new_dict.update({"id": public.id, "name": public.name, "private": False, "owner_org": public.owner_org})
    new_dict["resources"] = resources
    tk.get_action("package_update")(site, new_dict)
    tk.get_action("package_delete")(site, {"id": shadow.id})
    for dropped in plan.dropped:  # resources the update removed take their tables with them
        resource_move.drop_table(dropped)

    # The public dataset's own state row says when it was last updated.
    public_row = wf_model.get_state(public.id)
    if public_row is None:
        public_row = wf_model.WorkflowState(package_id=public.id, state=machine.PUBLICADO, approvals={})
        wf_model.session().add(public_row)
    public_row.state = machine.PUBLICADO
    public_row.updated_at = datetime.datetime.now(datetime.timezone.utc)
    wf_model.session().commit()
    reindex(public.id)
    return public.id

