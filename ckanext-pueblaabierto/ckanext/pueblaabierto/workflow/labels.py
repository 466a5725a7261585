"""IPermissionLabels: who may see an unpublished dataset, in search and in package_show.

CKAN 2.11 decides both ``package_show`` (and through it resource pages, downloads,
DataStore, DCAT and activity) and ``package_search`` (stored labels in the index) with these
labels, so this module is the single place where workflow visibility is defined.

- A published (public, active) dataset keeps CKAN's ``public`` label.
- An unpublished one keeps CKAN's labels (members of its organization), its creator's, and adds
  the labels of the liaisons that work on it: the dependency's enlace de datos abiertos and
  enlace de seguridad always; the enlace de transparencia and enlace técnico once it has been
  sent to review (they do not see drafts the dependency has not submitted).

Dataset labels depend on the workflow state, so every transition re-indexes the dataset.
"""

from __future__ import annotations

from typing import Any

from ckan.lib.plugins import DefaultPermissionLabels

from . import machine
from . import model as wf_model

_default = DefaultPermissionLabels()

REVIEW_STATES = (machine.EN_REVISION, machine.REVISION_APROBADA, machine.EN_VALIDACION_TECNICA)
TRANSPARENCIA_LABEL = "pa-transparencia"
TECNICO_LABEL = "pa-tecnico"


def _org_label(role: str, organization_id: str) -> str:
    return f"pa-{role}-{organization_id}"


def get_dataset_labels(dataset_obj: Any) -> list[str]:
    labels = list(_default.get_dataset_labels(dataset_obj))
    if "public" in labels:
        return labels
    if dataset_obj.creator_user_id and f"creator-{dataset_obj.creator_user_id}" not in labels:
        # CKAN gives the creator label only to datasets without organization; the enlace
        # técnico creates drafts in every dependency with ``pueblaabierto publicar`` and must
        # read what he loads (tecnico.py), without being a member who sees all drafts.
        labels.append(f"creator-{dataset_obj.creator_user_id}")
    if dataset_obj.owner_org:
        labels += [
            _org_label(machine.DATOS, dataset_obj.owner_org),
            _org_label(machine.SEGURIDAD, dataset_obj.owner_org),
        ]
    state = wf_model.get_state(dataset_obj.id)
    if state is not None and state.state in REVIEW_STATES:
        labels += [TRANSPARENCIA_LABEL, TECNICO_LABEL]
    return labels


def get_user_dataset_labels(user_obj: Any) -> list[str]:
    labels = list(_default.get_user_dataset_labels(user_obj))
    if not user_obj:
        return labels
    for row in wf_model.active_roles(user_id=user_obj.id):
        if row.role == machine.TRANSPARENCIA:
            labels.append(TRANSPARENCIA_LABEL)
        elif row.role == machine.TECNICO:
            labels.append(TECNICO_LABEL)
        elif row.organization_id:
            labels.append(_org_label(row.role, row.organization_id))
    return labels
