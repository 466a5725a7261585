"""Create or update an entrega's datasets as private drafts, with ``publicar``'s own planner.

The planner (pipeline ``publish/plan.py``: identity by FORM.317 IDs, files by SHA-256, metadata
normalized; ``apply.py``: steps, privacy) runs against ``LocalPortal`` as the enlace who pressed
«Crear borradores», so CKAN's auth and the workflow guard apply as for an API call of theirs.
The dependencia is the entrega's: the enlace does not create or edit organizations (that is
the administration's), so the organization steps of ``publicar`` are reported, not run.
Nothing is ever sent to review or made public here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import ckan.model as model

from ..local_portal import LocalPortal
from ..translate import _
from . import records, storage
from .records import VersionRow


def apply(version: VersionRow, progress: Callable[[str, int, int | None], None] | None = None) -> dict[str, Any]:
    """Run the plan for ``version``; return the outcome in ``publicar --json``'s shape."""
    from pueblaabierto.publish import plan as planning
    from pueblaabierto.publish.apply import FAILED, PUBLISHED, Context, DatasetResult
    from pueblaabierto.publish.client import PortalError
    from pueblaabierto.publish.mapping import desired_state
    from pueblaabierto.publish.run import publish_dataset
    from pueblaabierto.workbook.reader import read_submission

    entrega = records.get_entrega(version.entrega_id)
    assert entrega is not None
    user = model.User.get(version.applied_by or "")
    # Duck-typed: the planner's ``Portal`` interface, served in-process (local_portal.py).
    portal: Any = LocalPortal(user.name if user is not None else "")
    data_dir = Path(version.storage_dir) / storage.DATA
    workbook = next(data_dir / f["name"] for f in version.files or [] if f.get("workbook"))
    caps = planning.capabilities(portal)
    options = planning.Options()
    org = portal.call("organization_show", id=entrega.organization_id, include_datasets=False)
    desired = desired_state(read_submission(workbook), data_dir)
    notes: list[str] = []
    for org_spec in desired.organizations:
        if planning.plan_org(org, org_spec):
            notes.append(_("Los datos de la dependencia en el formato (nombre, descripción o logotipo) difieren de "
                           "los del portal; no se cambiaron: esos los actualiza la administración del portal."))
            break
    results: list[DatasetResult] = []
    error: str | None = None
    ctx = Context(portal=portal, caps=caps, org=org, progress=progress)
    for spec in desired.datasets:
        try:
            results.append(publish_dataset(ctx, spec, options))
        except PortalError as exc:
            error = exc.message
            break
    status = "sin_cambios"
    if error or any(r.status == FAILED for r in results):
        status = "fallido"
    elif any(r.status == PUBLISHED for r in results):
        status = "creado"
    failed_names = [f"«{r.title}» — {r.failed_step}: {r.error}" for r in results if r.status == FAILED]
    return {
        "estado": status,
        "motivo": error or ("; ".join(failed_names) if failed_names else None),
        "escrituras": portal.writes,
        "avisos": notes,
        "datasets": [_dataset(r) for r in results],
    }


def _dataset(result: Any) -> dict[str, Any]:
    data = result.to_dict()
    pkg = model.Package.get(data["nombre"]) if data.get("nombre") else None
    data["id"] = pkg.id if pkg is not None else None
    return data
