"""Reading and writing the entregas' rows (model.py), and how a version's state is told.

Progress is written by the job through its own short transaction (``set_progress``), so the page
sees it while the job's session is busy. A version «validando» or «aplicando» whose job is gone
(the worker was stopped or killed) is reported as interrupted (``effective_status``), with
«Reintentar».
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

import ckan.model as model
import sqlalchemy as sa

from ..translate import _
from .model import (
    APLICADA,
    APLICANDO,
    CON_ERRORES,
    FALLO,
    RECIBIDA,
    VALIDA,
    VALIDANDO,
    VERSION_TABLE,
    Entrega,
    EntregaVersion,
)

log = logging.getLogger(__name__)

# Rows of model.py's declarative classes. SQLAlchemy 1.4 types their attributes as ``Column``,
# which mypy cannot use as values; these aliases name what a function takes or returns.
EntregaRow = Any  # an Entrega
VersionRow = Any  # an EntregaVersion

INTERRUMPIDA = "interrumpida"  # shown, never stored: a running status whose job is gone

STATUS_LABELS = {
    RECIBIDA: "En espera de validación",
    VALIDANDO: "Validando",
    CON_ERRORES: "Con errores",
    VALIDA: "Sin errores",
    APLICANDO: "Creando borradores",
    APLICADA: "Borradores creados",
    FALLO: "Falló",
    INTERRUMPIDA: "Interrumpida",
}
RUNNING = (RECIBIDA, VALIDANDO, APLICANDO)


def status_label(status: str) -> str:
    return _(STATUS_LABELS.get(status, status))


def now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def get_entrega(entrega_id: str) -> EntregaRow | None:
    if not entrega_id:
        return None
    return model.Session.query(Entrega).filter(Entrega.id == entrega_id).one_or_none()


def get_version(version_id: str) -> VersionRow | None:
    return model.Session.query(EntregaVersion).filter(EntregaVersion.id == version_id).one_or_none()


def versions(entrega_id: str) -> list[VersionRow]:
    return (
        model.Session.query(EntregaVersion)
        .filter(EntregaVersion.entrega_id == entrega_id)
        .order_by(EntregaVersion.number.desc())
        .all()
    )


def latest(entrega_id: str) -> VersionRow | None:
    rows = versions(entrega_id)
    return rows[0] if rows else None


def set_progress(version_id: str, label: str, done: int, total: int | None, phase: str) -> None:
    """Write a version's progress in its own transaction (seen at once by submission_show)."""
    progress = {"label": label, "done": done, "total": total, "phase": phase, "updated_at": now().isoformat()}
    engine = model.meta.engine
    assert engine is not None
    with engine.begin() as connection:
        connection.execute(
            sa.text(f"UPDATE {VERSION_TABLE} SET progress = CAST(:p AS jsonb) WHERE id = :id"),
            {"p": _json(progress), "id": version_id},
        )


def _json(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


# -- interrupted jobs ---------------------------------------------------------------------
def job_alive(job_id: str | None) -> bool | None:
    """True: queued or running on a live worker; False: gone; None: cannot tell (no Redis)."""
    if not job_id:
        return False
    try:
        import rq
        from ckan.lib import jobs

        try:
            job = jobs.job_from_id(job_id)
        except KeyError:
            return False
        status = job.get_status(refresh=True)
        status = getattr(status, "value", status)
        if status in ("queued", "deferred", "scheduled"):
            return True
        if status != "started":
            return False
        for worker in rq.Worker.all(connection=job.connection):
            if worker.get_current_job_id() == job_id:
                return True
        return False
    except Exception:  # noqa: BLE001 - Redis unreachable: do not declare the job dead
        log.warning("No se pudo consultar el trabajo %s en Redis", job_id, exc_info=True)
        return None


def _progress_age(version: VersionRow) -> float | None:
    stamp = (version.progress or {}).get("updated_at")
    if not stamp:
        return None
    try:
        return (now() - datetime.datetime.fromisoformat(stamp)).total_seconds()
    except ValueError:
        return None


def effective_status(version: VersionRow, stale_minutes: int) -> str:
    """The stored status, or INTERRUMPIDA when it says running but its job is gone."""
    if version.status not in RUNNING:
        return version.status
    alive = job_alive(version.job_id)
    if alive is False:
        # A job that just finished may not have committed its row yet: read it again.
        model.Session.refresh(version)
        if version.status not in RUNNING:
            return version.status
        return INTERRUMPIDA
    age = _progress_age(version)
    if alive is None and age is not None and age > stale_minutes * 60:
        return INTERRUMPIDA
    return version.status
