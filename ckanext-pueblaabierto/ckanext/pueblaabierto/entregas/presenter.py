"""An entrega as the actions return it (and the pages show it). Never the server's paths."""

from __future__ import annotations

from typing import Any

import ckan.model as model

from ..people import full_name
from ..verification.verdict import counts
from ..workflow import machine
from ..workflow.state import current_state
from . import records
from .limits import current as current_limits
from .model import APLICADA, APLICANDO, CON_ERRORES, FALLO, VALIDA
from .records import EntregaRow, VersionRow
from .verdict import ready


def _user_name(user_id: str | None) -> str:
    # People by their full name (the user name when they have none).
    return full_name(user_id)


def _org(org_id: str) -> dict[str, Any]:
    org = model.Group.get(org_id)
    return {"id": org_id, "name": org.name if org else "", "title": org.title if org else ""}


def _version(version: VersionRow, status: str) -> dict[str, Any]:
    datasets = version.datasets or {}
    return {
        "id": version.id,
        "number": version.number,
        "status": status,
        "status_label": records.status_label(status),
        "oficio_numero": version.oficio_numero,
        "oficio_fecha": version.oficio_fecha.isoformat() if version.oficio_fecha else None,
        "uploaded_by": _user_name(version.uploaded_by),
        "uploaded_at": version.uploaded_at.isoformat() if version.uploaded_at else None,
        "files": [{k: f.get(k) for k in ("name", "size", "sha256", "workbook") if k in f} for f in version.files or []],
        "progress": {k: v for k, v in (version.progress or {}).items()},
        "report": version.report,
        "error": version.error or (_interrupted_message(version) if status == records.INTERRUMPIDA else None),
        "applied_by": _user_name(version.applied_by),
        "applied_at": version.applied_at.isoformat() if version.applied_at else None,
        "result": datasets.get("result"),
    }


def _interrupted_message(version: VersionRow) -> str:
    from ..translate import _

    if (version.progress or {}).get("phase") == "aplicacion":
        return _("La creación de los borradores se interrumpió (el portal reinició su trabajador de tareas). Lo que se "
                 "alcanzó a crear quedó privado. Pulse «Reintentar» para completarla.")
    return _("La validación se interrumpió (el portal reinició su trabajador de tareas). Pulse «Reintentar»: se "
             "vuelve a validar con los mismos archivos.")


def _datasets(entrega: EntregaRow, version: VersionRow | None) -> list[dict[str, Any]]:
    """What the latest version touches: from the drafts created, else from the workbook."""
    if version is None:
        return []
    stored = version.datasets or {}
    result = stored.get("result") or {}
    applied = {d.get("id_dataset"): d for d in result.get("datasets") or []}
    items = []
    for entry in stored.get("workbook") or []:
        item = {"id_dataset": entry.get("id_dataset"), "title": entry.get("title"), "id": None, "name": None,
                "state": None, "state_label": None, "private": None, "update_of": None}
        done = applied.get(entry.get("id_dataset"))
        pkg = None
        if done:
            item["apply_status"] = done.get("estado")
            item["apply_error"] = done.get("error")
            name = (done.get("actualizacion") or "").rsplit("/", 1)[-1] or done.get("nombre")
            pkg = model.Package.get(name) if name else None
        if pkg is not None and pkg.state == "active" and pkg.owner_org == entrega.organization_id:
            state = current_state(pkg)
            item.update(id=pkg.id, name=pkg.name, state=state, state_label=machine.state_label(state),
                        private=bool(pkg.private))
            if done and done.get("actualizacion"):
                item["update_of"] = done.get("nombre")
        items.append(item)
    return items


def describe(entrega: EntregaRow, user: Any = None) -> dict[str, Any]:
    stale = current_limits().stale_minutes
    rows = records.versions(entrega.id)
    versions = [_version(v, records.effective_status(v, stale)) for v in rows]
    latest = versions[0] if versions else None
    status = latest["status"] if latest else ""
    datasets = _datasets(entrega, rows[0] if rows else None)
    report = latest["report"] if latest else None
    valid = ready(report)
    return {
        "id": entrega.id,
        "title": entrega.title or "",
        "organization": _org(entrega.organization_id),
        "owner_org": entrega.organization_id,
        "created_by": _user_name(entrega.created_by),
        "created_at": entrega.created_at.isoformat() if entrega.created_at else None,
        "updated_at": entrega.updated_at.isoformat() if entrega.updated_at else None,
        "state": status,
        "state_label": records.status_label(status) if status else "",
        "running": status in records.RUNNING,
        "version": latest["number"] if latest else None,
        "progress": latest["progress"] if latest else None,
        "error": latest["error"] if latest else None,
        "report": report,
        "result": latest["result"] if latest else None,
        "datasets": datasets,
        "versions": versions,
        "can_retry": status in (FALLO, records.INTERRUMPIDA),
        "can_apply": status in (VALIDA, APLICADA) and valid,
        "personal_findings": counts(report)["personal_findings"] if report else 0,
        "can_send_review": status == APLICADA and any(d.get("state") == machine.BORRADOR for d in datasets),
        "can_upload": status not in records.RUNNING,
        "has_errors": status == CON_ERRORES,
        "applying": status == APLICANDO,
    }


def summary(entrega: EntregaRow) -> dict[str, Any]:
    version = records.latest(entrega.id)
    status = records.effective_status(version, current_limits().stale_minutes) if version else ""
    report = (version.report if version else None) or {}
    return {
        "id": entrega.id,
        "title": entrega.title or "",
        "organization": _org(entrega.organization_id),
        "updated_at": entrega.updated_at.isoformat() if entrega.updated_at else None,
        "version": version.number if version else None,
        "oficio_numero": version.oficio_numero if version else None,
        "state": status,
        "state_label": records.status_label(status) if status else "",
        # Errors to fix, apart from possible personal data (for the enlace de seguridad), as the
        # report page counts them: a personal-data-only entrega is «Sin errores».
        "errors": counts(report)["blocking_errors"],
        "personal_findings": counts(report)["personal_findings"],
        "warnings": len(report.get("warnings") or []),
    }
