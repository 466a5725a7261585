"""The background jobs of an entrega (CKAN's jobs queue): validate a version, apply it.

``validate_version``: put the workbook and data files in ``datos/`` (ZIPs unpacked safely,
archive.py), run the pipeline's ``validate_submission`` (the same checks as ``pueblaabierto
validar``) with its progress written to the version row, store the report and the files'
SHA-256. Status: ``valida`` (no errors), ``con_errores`` (the report says what to fix; a ZIP or
file problem is a finding too) or ``fallo`` (the job itself broke: «Reintentar»).

``apply_version``: creates or updates the datasets as private drafts (applying.py).

Both are also called directly (synchronously) by the tests: they are plain functions of ids.
"""

from __future__ import annotations

import logging
import shutil
import time
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk

from ..translate import _
from . import archive, records, storage
from .errors import EntregaError
from .limits import current as current_limits
from .model import APLICADA, APLICANDO, CON_ERRORES, FALLO, VALIDA, VALIDANDO
from .records import VersionRow
from .verdict import ready

log = logging.getLogger(__name__)

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".ods", ".xls")
PROGRESS_EVERY = 0.5  # seconds between progress writes


def enqueue(version: VersionRow, function: Any, title: str) -> None:
    """Queue ``function(version.id)``; the job id is stored first, so it is never missing."""
    version.job_id = str(uuid.uuid4())
    model.Session.commit()
    try:
        tk.enqueue_job(function, [version.id], title=title, rq_kwargs={"job_id": version.job_id, "timeout": 3600})
    except Exception:  # noqa: BLE001 - Redis down: a clear state instead of a traceback
        log.exception("No se pudo encolar %s", title)
        version.status = FALLO
        version.error = _("No se pudo iniciar la tarea en el portal (la cola de tareas no responde). Use "
                          "«Reintentar» en unos minutos; si persiste, avise a la administración del portal.")
        model.Session.commit()


class _Progress:
    def __init__(self, version_id: str, phase: str) -> None:
        self.version_id, self.phase = version_id, phase
        self._last = 0.0

    def labelled(self, template: str) -> Any:
        """The same callback, for the pipeline: its label (a file name) said as ``template``."""
        return lambda label, done, total: self(template.format(name=label), done, total)

    def __call__(self, label: str, done: int, total: int | None) -> None:
        moment = time.monotonic()
        if moment - self._last < PROGRESS_EVERY and not (total and done >= total):
            return
        self._last = moment
        try:
            records.set_progress(self.version_id, label, done, total, self.phase)
        except Exception:  # noqa: BLE001 - progress is a courtesy; the work goes on
            log.warning("No se pudo guardar el avance", exc_info=True)


# -- validation -----------------------------------------------------------------------------
def validate_version(version_id: str) -> None:
    version = records.get_version(version_id)
    if version is None:
        log.warning("La versión %s ya no existe", version_id)
        return
    version.status, version.error, version.report = VALIDANDO, None, None
    model.Session.commit()
    progress = _Progress(version.id, "validacion")
    progress(_("Preparando los archivos"), 0, None)
    folder = Path(version.storage_dir)
    try:
        report, files, datasets = _validate(version, folder, progress)
    except Exception:  # noqa: BLE001 - the job must leave a clear state, never a traceback
        log.exception("Falló la validación de la versión %s", version_id)
        _leave(version_id, FALLO, _(
            "La validación no pudo terminar por un error del portal. Use «Reintentar»; si vuelve "
            "a fallar, avise a la administración del portal (la entrega y sus archivos se conservan)."))
        return
    version.report = report
    version.files = files
    version.datasets = datasets
    version.status = VALIDA if ready(report) else CON_ERRORES
    version.progress = {**(version.progress or {}), "label": _("Validación terminada"),
                        "updated_at": records.now().isoformat()}
    entrega = records.get_entrega(version.entrega_id)
    if entrega is not None:
        entrega.updated_at = records.now()
        if datasets.get("workbook"):
            entrega.title = "; ".join(d["title"] or d["id_dataset"] for d in datasets["workbook"])[:300]
    model.Session.commit()


def _finding(code: str, message: str, suggestion: str = "", file: str | None = None) -> dict[str, Any]:
    from pueblaabierto.findings import Finding

    return Finding(code=code, message=message, suggestion=suggestion, file=file).to_dict()


def _validate(version: VersionRow, folder: Path, progress: _Progress) -> tuple[dict, list, dict]:
    from pueblaabierto.errors import UnusableInput
    from pueblaabierto.validation import validate_submission

    from ..verification import reuse
    from . import limits as entrega_limits

    limits = current_limits()
    data_dir = folder / storage.DATA
    try:
        workbook = prepare(folder, limits)
    except EntregaError as error:
        refused = {"valid": False, "errors": [_finding(error.code, error.message)], "warnings": []}
        return refused, _uploaded(folder), {"workbook": []}
    report: dict[str, Any]
    try:
        result = validate_submission(workbook, data_dir, progress.labelled(_("Revisando «{name}»")),
                                     limits=entrega_limits.pipeline_limits(),
                                     validate_file=reuse.remembered_checks())
        report = result.to_dict()
    except UnusableInput as error:
        finding = error.to_finding()
        if not finding.file:
            finding = replace(finding, file=workbook.name)
        report = {"valid": False, "errors": [finding.to_dict()], "warnings": []}
    datasets = _touched(workbook)
    organization_finding = _organization_mismatch(version, workbook)
    if organization_finding:
        report["errors"].insert(0, organization_finding)
        report["valid"] = False
    report = _scrub(report, data_dir)
    files = [
        {"name": path.name, "size": path.stat().st_size, "sha256": storage.sha256_of(path),
         "workbook": path == workbook}
        for path in sorted(data_dir.iterdir()) if path.is_file()
    ]
    return report, files, datasets


def _uploaded(folder: Path) -> list[dict[str, Any]]:
    up = folder / storage.UPLOADED
    return [{"name": p.name, "size": p.stat().st_size, "sha256": storage.sha256_of(p)}
            for p in sorted(up.rglob("*")) if p.is_file()]


def prepare(folder: Path, limits: Any) -> Path:
    """Fill ``datos/`` from ``subidos/`` (ZIPs of the whole entrega unpacked); return the workbook."""
    uploaded, data_dir = folder / storage.UPLOADED, folder / storage.DATA
    if data_dir.exists():
        shutil.rmtree(data_dir)  # a retry starts from what was uploaded
    data_dir.mkdir(parents=True)
    workbooks = sorted((uploaded / "formato").glob("*"))
    data_files = sorted((uploaded / "archivos").glob("*"))
    referenced = set()
    workbook: Path | None = None
    if workbooks:
        workbook = data_dir / workbooks[0].name
        shutil.copyfile(workbooks[0], workbook)
        referenced = _referenced_names(workbook)
    budget = archive.Budget(limits, files_used=len(workbooks) + len(data_files))
    for path in data_files:
        is_zip = path.suffix.lower() == ".zip"
        if is_zip and path.name.lower() not in referenced and not archive.looks_like_shapefile(path):
            budget.files -= 1  # the ZIP itself is not delivered, its content is
            names = archive.extract(path, data_dir, budget, display=path.name)
            if workbook is None:
                found = [n for n in names if n.lower().endswith(WORKBOOK_SUFFIXES)]
                if len(found) == 1:
                    workbook = data_dir / found[0]
                    referenced = _referenced_names(workbook)
            continue
        target = data_dir / path.name
        if target.exists():
            raise EntregaError(_("«{name}» se subió dos veces. Súbalo una sola vez.").format(name=path.name),
                               code="archivo-repetido")
        shutil.copyfile(path, target)
    if workbook is None:
        raise EntregaError(
            _("No se recibió el formato FORM.317 (el libro de Excel). Súbalo en el campo «Formato FORM.317 "
              "(Excel)»."),
            field="formato", code="sin-formato",
        )
    return workbook


def _referenced_names(workbook: Path) -> set[str]:
    try:
        from pueblaabierto.workbook.reader import read_submission

        submission = read_submission(workbook)
    except Exception:  # noqa: BLE001 - an unreadable workbook is reported by the validation
        return set()
    return {str(r.nombre_archivo).strip().lower() for r in submission.recursos if r.nombre_archivo}


def _touched(workbook: Path) -> dict[str, Any]:
    try:
        from pueblaabierto.workbook.reader import read_submission

        submission = read_submission(workbook)
    except Exception:  # noqa: BLE001
        return {"workbook": []}
    return {
        "workbook": [
            {"id_dataset": str(d.id_dataset or ""), "title": str(d.title or ""),
             "id_dependencia": str(d.id_dependencia or "")}
            for d in submission.datasets
        ],
        "dependencias": [
            {"id_dependencia": str(d.id_dependencia or ""), "title": str(d.title or "")}
            for d in submission.dependencias
        ],
    }


def _organization_mismatch(version: VersionRow, workbook: Path) -> dict[str, Any] | None:
    """The workbook must describe the dependencia the entrega is for (chosen in the form)."""
    entrega = records.get_entrega(version.entrega_id)
    org = model.Group.get(entrega.organization_id) if entrega is not None else None
    if org is None:
        return None
    own = organization_id_dependencia(org.id)
    touched = _touched(workbook)
    described = {d["id_dependencia"] for d in touched.get("dependencias", []) if d["id_dependencia"]}
    described |= {d["id_dependencia"] for d in touched.get("workbook", []) if d["id_dependencia"]}
    if not own or not described or described == {own}:
        return None
    from pueblaabierto.findings import Finding

    return Finding(
        code="dependencia-distinta",
        message=_("El formato describe la Dependencia con ID {ids}, pero esta entrega es de «{org}» (ID de "
                  "Dependencia {own}).").format(ids=", ".join(sorted(described)), org=org.title, own=own),
        suggestion=_("Escriba en la pestaña Dependencia el ID {own} de su dependencia, o haga la entrega desde la "
                     "cuenta del enlace de la dependencia que describe el formato.").format(own=own),
        sheet="Dependencia",
    ).to_dict()


def organization_id_dependencia(org_id: str) -> str:
    try:
        org = tk.get_action("organization_show")({"ignore_auth": True}, {"id": org_id, "include_datasets": False})
    except tk.ObjectNotFound:
        return ""
    return str(org.get("id_dependencia") or "")


def _scrub(report: dict[str, Any], data_dir: Path) -> dict[str, Any]:
    """The server's folders are nobody's business: messages say «la entrega» instead."""
    import json

    text = json.dumps(report, ensure_ascii=False)
    for folder in {str(data_dir), str(data_dir.resolve())}:
        text = text.replace(json.dumps(folder, ensure_ascii=False)[1:-1], _("la entrega"))
    return json.loads(text)


# -- applying (drafts) ------------------------------------------------------------------------
def apply_version(version_id: str) -> None:
    from . import applying

    version = records.get_version(version_id)
    if version is None:
        return
    progress = _Progress(version.id, "aplicacion")
    progress(_("Creando los borradores"), 0, None)
    try:
        outcome = applying.apply(version, progress.labelled(_("Cargando «{name}» al DataStore")))
    except Exception:  # noqa: BLE001
        log.exception("Falló la creación de borradores de la versión %s", version_id)
        _leave(version_id, VALIDA, _(
            "No se pudieron crear los borradores por un error del portal. Lo que se alcanzó a crear "
            "quedó privado; vuelva a pulsar «Crear borradores» y se completa lo que falta."))
        return
    version = records.get_version(version_id)
    assert version is not None
    datasets = dict(version.datasets or {})
    datasets["result"] = outcome
    version.datasets = datasets
    failed = outcome.get("estado") == "fallido"
    version.status = VALIDA if failed else APLICADA
    version.error = outcome.get("motivo") if failed else None
    version.applied_at = records.now()
    version.progress = {**(version.progress or {}), "label": _("Terminado"), "updated_at": records.now().isoformat()}
    model.Session.commit()


__all__ = ["APLICANDO", "apply_version", "enqueue", "prepare", "validate_version"]


def _leave(version_id: str, status: str, message: str) -> None:
    """After a job's unexpected failure: a clear state and a Spanish message, never a traceback."""
    model.Session.rollback()
    version = records.get_version(version_id)
    assert version is not None
    version.status, version.error = status, message
    model.Session.commit()
