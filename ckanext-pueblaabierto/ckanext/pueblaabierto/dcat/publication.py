"""When each dataset was first published, from the workflow's append-only transition record.

``metadata_created`` is when the portal (or the pipeline) created the record, days or weeks
before the liaisons approved it; DCAT's ``dct:issued`` and the national guide's "fecha de
publicación" mean the day citizens could first see it: the first ``publicar`` transition.
An update is published through a shadow copy whose transitions carry the copy's id, so the
public dataset keeps its first date. Datasets that never went through the workflow (older
portals, plugins without it) fall back to ``metadata_created``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from ..workflow import machine
from ..workflow import model as wf_model


def first_published(package_ids: Iterable[str]) -> dict[str, datetime.datetime]:
    """package id -> moment of its first publication (only for those the workflow published)."""
    ids = [i for i in set(package_ids) if i]
    if not ids:
        return {}
    transition = wf_model.Transition
    rows = (
        wf_model.session()
        .query(transition.package_id, sa.func.min(transition.created_at))
        .filter(transition.package_id.in_(ids), transition.to_state == machine.PUBLICADO)
        .group_by(transition.package_id)
        .all()
    )
    return {package_id: moment for package_id, moment in rows}


def issued(dataset_dict: dict[str, Any]) -> str | None:
    """ISO 8601 date-time of the first publication, else ``metadata_created``."""
    moment = first_published([dataset_dict.get("id") or ""]).get(dataset_dict.get("id") or "")
    if moment is not None:
        return moment.astimezone(datetime.timezone.utc).isoformat(timespec="seconds")
    return dataset_dict.get("metadata_created")
