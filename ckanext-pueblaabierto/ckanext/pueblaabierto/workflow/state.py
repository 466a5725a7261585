"""Where a dataset stands in the workflow: its state, its open update, who is acting.

The read side shared by service.py (transitions) and updates.py (update copies), so neither
imports the other's internals (the two used to import each other).
"""

from __future__ import annotations

from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk

from ..translate import _
from . import machine, roles
from . import model as wf_model

# Context flag our own code sets so the guard (guard.py) lets the workflow change a dataset.
WORKFLOW_CONTEXT_FLAG = "pueblaabierto_workflow"


def current_state(pkg: model.Package) -> str:
    """The state of ``pkg``; datasets never touched by the workflow derive it from ``private``.

    (Datasets created by trusted in-process code before or outside the workflow exist: a
    public one is ``publicado``, a private one ``borrador``.)
    """
    row = wf_model.get_state(pkg.id)
    if row is not None:
        return str(row.state)
    return machine.BORRADOR if pkg.private else machine.PUBLICADO


def get_package(id_or_name: str) -> model.Package:
    pkg = model.Package.get(id_or_name)
    if pkg is None or pkg.state == "deleted":
        raise tk.ObjectNotFound(_("No existe el conjunto de datos {id}.").format(id=id_or_name))
    return pkg


def actor_for(context: dict[str, Any], pkg: model.Package) -> machine.Actor:
    user = model.User.get(context.get("user") or "")
    if user is None:
        raise tk.NotAuthorized(_("Inicie sesión para participar en el flujo de validación."))
    return machine.Actor(user_id=user.id, roles=roles.roles_for(user.id, pkg.owner_org), sysadmin=bool(user.sysadmin))


def open_update(package_id: str) -> model.Package | None:
    """The update copy of ``package_id`` still under review, if any."""
    for row in wf_model.session().query(wf_model.WorkflowState).filter(
        wf_model.WorkflowState.revision_of == package_id, wf_model.WorkflowState.state != machine.PUBLICADO
    ):
        pkg = model.Package.get(row.package_id)
        if pkg is not None and pkg.state == "active":
            return pkg
    return None


def reindex(package_id: str) -> None:
    # Dataset labels depend on the state (labels.py): the index must learn the new ones.
    from ckan.lib.search import rebuild

    rebuild(package_id)
