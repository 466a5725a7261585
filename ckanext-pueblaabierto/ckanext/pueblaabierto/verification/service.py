"""Ask for the server's validation of a dataset and read where it stands.

``request`` is called by the hooks (hooks.py) whenever data enters a dataset under the
workflow, and by ``dataset_validation_run`` («Reintentar»). ``status`` is what the Flujo tab,
``dataset_validation_show``, ``publicar`` and the gate of ``enviar_revision`` read.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk

from ..translate import _
from . import fingerprint
from . import model as v_model

log = logging.getLogger(__name__)

JOB_QUEUE = "default"
# A row in these states already answers for its fingerprint: asking again would only
# validate the same bytes again (and the job's own writes must never loop).
_SETTLED = (v_model.PENDIENTE, v_model.VALIDANDO, v_model.VALIDO, v_model.CON_ERRORES)


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def status_label(status: str | None, personal_findings: int = 0) -> str:
    if status == v_model.VALIDO and personal_findings:
        return _("Validado: con datos personales que revisará el Enlace de Seguridad")
    return {
        None: _("Sin validar"),
        v_model.PENDIENTE: _("En espera de validación"),
        v_model.VALIDANDO: _("Validando"),
        v_model.VALIDO: _("Validado sin errores"),
        v_model.CON_ERRORES: _("Con errores"),
        v_model.FALLO: _("La validación no pudo terminar"),
    }.get(status, status or "")


def request(package_id: str, *, force: bool = False) -> dict[str, Any] | None:
    """Mark the dataset's validation pending with its current fingerprint and queue the job.

    Does nothing (returns None) when a row already answers for the same fingerprint, unless
    ``force`` («Reintentar»). Commits the session (the job must see the row and the data).
    """
    pkg = model.Package.get(package_id)
    if pkg is None or pkg.state != "active":
        return None
    current = fingerprint.compute(pkg)
    row: Any = v_model.get(pkg.id)
    if not force and row is not None and row.fingerprint == current and row.status in _SETTLED:
        return None
    if row is None:
        row = v_model.DatasetValidation(package_id=pkg.id, attempts=0)
        model.Session.add(row)
    row.status = v_model.PENDIENTE
    row.fingerprint = current
    row.report = None
    row.files = None
    row.progress = None
    row.error = None
    row.requested_at = _now()
    row.started_at = None
    row.finished_at = None
    model.Session.commit()
    enqueue(pkg.id, pkg.name)
    return status(pkg.id)


def enqueue(package_id: str, name: str) -> None:
    """Put the validation job on CKAN's jobs queue (``ckan jobs worker`` runs it)."""
    from .job import validate_dataset

    timeout = tk.config.get("pueblaabierto.validation.job_timeout")
    try:
        job = tk.enqueue_job(
            validate_dataset,
            [package_id],
            title=_("Validación de los datos de «{name}»").format(name=name),
            queue=JOB_QUEUE,
            rq_kwargs={"timeout": int(timeout or 3600)},
        )
    except Exception as error:  # noqa: BLE001 - Redis down: the row says so; «Reintentar» fixes it
        log.exception("No se pudo encolar la validación de %s", package_id)
        mark_failed(package_id, _("No se pudo poner la validación en la cola de tareas ({error}).").format(
            error=type(error).__name__))
        return
    row: Any = v_model.get(package_id)
    if row is not None:
        row.job_id = job.id
        model.Session.commit()


def mark_failed(package_id: str, message: str) -> None:
    row: Any = v_model.get(package_id)
    if row is None:
        return
    row.status = v_model.FALLO
    row.error = message
    row.finished_at = _now()
    model.Session.commit()


def _iso(value: datetime.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def counts(report: dict[str, Any] | None) -> dict[str, int]:
    """Errors that block sending to review, personal-data findings (for the enlace de seguridad)."""
    from . import verdict

    return verdict.counts(report)


def status(package_id: str) -> dict[str, Any]:
    """Where the server's validation of the dataset stands (``dataset_validation_show``).

    ``stale`` is True when the dataset changed (a file, a URL, the dictionary) since the
    fingerprint the row answers for.
    """
    pkg = model.Package.get(package_id)
    if pkg is None:
        raise tk.ObjectNotFound(_("No existe el conjunto de datos {id}.").format(id=package_id))
    row: Any = v_model.get(pkg.id)
    current = fingerprint.compute(pkg)
    if row is None:
        return {
            "package_id": pkg.id,
            "status": None,
            "status_label": status_label(None),
            "stale": True,
            "fingerprint": None,
            "current_fingerprint": current,
            "report": None,
            "files": [],
            "progress": None,
            "error": None,
            "errors": 0,
            "blocking_errors": 0,
            "personal_findings": 0,
            "warnings": 0,
            "attempts": 0,
            "requested_at": None,
            "started_at": None,
            "finished_at": None,
        }
    found = counts(row.report)
    return {
        "package_id": pkg.id,
        "status": row.status,
        "status_label": status_label(row.status, found["personal_findings"]),
        "stale": row.fingerprint != current,
        "fingerprint": row.fingerprint,
        "current_fingerprint": current,
        "report": row.report,
        "files": list(row.files or []),
        "progress": row.progress,
        "error": row.error,
        **found,
        "attempts": row.attempts or 0,
        "requested_at": _iso(row.requested_at),
        "started_at": _iso(row.started_at),
        "finished_at": _iso(row.finished_at),
    }
