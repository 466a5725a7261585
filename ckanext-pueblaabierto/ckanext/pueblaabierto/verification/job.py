"""The background job: validate a dataset's files exactly as ``pueblaabierto validar`` does.

Runs on CKAN's jobs queue (``ckan jobs worker``). Each resource's data is copied to a
temporary folder (uploads from storage, links downloaded with download.py's limits,
DataStore-only tables dumped to CSV) and checked by the pipeline's
``pueblaabierto.data.validate_resource_file`` with the dataset's own dictionary and allow
list: personal data, geo, layout and limits included. The verdict is stored only if the
dataset did not change meanwhile; otherwise the job validates again.
"""

from __future__ import annotations

import csv
import datetime
import logging
import re
import shutil
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from pueblaabierto.publish.mapping import sha256_file

from ..translate import _
from . import download, fingerprint, reuse, service, verdict
from . import model as v_model

log = logging.getLogger(__name__)

PROGRESS_EVERY = 1.0  # seconds between progress writes
MAX_ROUNDS = 3  # re-validations in one job when the data keeps changing under it
FINISHED = (v_model.VALIDO, v_model.CON_ERRORES, v_model.FALLO)


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


class _Progress:
    """(label, done, total) into the row, at most once a second."""

    def __init__(self, package_id: str, files: int) -> None:
        self.package_id, self.files, self.index, self.last = package_id, files, 0, 0.0

    def __call__(self, label: str, done: int, total: int | None, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last < PROGRESS_EVERY:
            return
        self.last = now
        row: Any = v_model.get(self.package_id)
        if row is None:
            return
        row.progress = {"label": label, "done": done, "total": total, "file": self.index, "files": self.files}
        model.Session.commit()


def _safe_name(resource: dict[str, Any]) -> str:
    """A local file name for the resource: its «Nombre del archivo», else the URL's last part."""
    candidates = [resource.get("nombre_archivo") or "", (resource.get("url") or "").split("?")[0].rsplit("/", 1)[-1]]
    for candidate in candidates:
        name = re.sub(r"[^\w.\-]+", "_", Path(candidate).name).strip("._")
        if name and Path(name).suffix:
            return name[-120:]
    fmt = re.sub(r"\W+", "", (resource.get("format") or "dat").lower()) or "dat"
    return f"{resource['id']}.{fmt}"


def _display_name(resource: dict[str, Any], path: Path) -> str:
    return resource.get("nombre_archivo") or path.name


def _dump_datastore(resource_id: str, target: Path) -> None:
    """A DataStore-only resource's table as UTF-8 CSV (what a citizen would download)."""
    search = tk.get_action("datastore_search")
    offset, page = 0, 10_000
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        header: list[str] | None = None
        while True:
            result = search({"ignore_auth": True}, {"resource_id": resource_id, "limit": page, "offset": offset,
                                                     "sort": "_id"})
            if header is None:
                header = [f["id"] for f in result.get("fields", []) if f["id"] != "_id"]
                writer.writerow(header)
            records = result.get("records") or []
            for record in records:
                writer.writerow(["" if record.get(key) is None else record.get(key) for key in header])
            if len(records) < page:
                return
            offset += page


_OWN_DOWNLOAD = re.compile(r"/dataset/[^/]+/resource/([0-9a-f-]{36})/download(/|$)")


def _own_upload(url: str, owners: set[str]) -> dict[str, Any] | None:
    """An upload of this portal the URL downloads, when it belongs to ``owners`` (the dataset, or
    the published dataset an update copies: its resources keep pointing at the public files)."""
    site = (tk.config.get("ckan.site_url") or "").rstrip("/")
    if not site or not url.startswith(site + "/"):
        return None
    match = _OWN_DOWNLOAD.match(url[len(site):])
    source = model.Resource.get(match.group(1)) if match else None
    if source is None or source.state != "active" or source.url_type != "upload" or source.package_id not in owners:
        return None
    return {"id": source.id, "url": source.url, "url_type": "upload", "package_id": source.package_id}


def resource_owners(pkg: model.Package) -> set[str]:
    from ..workflow import model as wf_model

    row: Any = wf_model.get_state(pkg.id)
    return {str(pkg.id)} | ({str(row.revision_of)} if row is not None and row.revision_of else set())


def copy_resource(resource: dict[str, Any], folder: Path, owners: set[str]) -> Path:
    """The resource's data in ``folder``; raises download.Refused when it cannot be had."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / _safe_name(resource)
    kind = resource.get("url_type") or ""
    own = _own_upload(resource.get("url") or "", owners) if kind not in ("upload", "datastore") else None
    if own is not None:
        resource, kind = own, "upload"
    if kind == "upload":
        stored = fingerprint.stored_path(resource)
        if not stored or not Path(stored).is_file():
            raise download.Refused(
                "archivo-no-encontrado",
                _("El archivo del recurso «{name}» no está en el almacenamiento del portal.").format(
                    name=_display_name(resource, target)),
                _("Vuelva a cargar el archivo en el recurso."),
            )
        shutil.copyfile(stored, target)
    elif kind == "datastore":
        target = target.with_suffix(".csv")
        _dump_datastore(resource["id"], target)
    else:
        download.fetch(resource.get("url") or "", target)
    return target


def _terms(pkg: model.Package, resource: dict[str, Any], formato: str) -> dict[str, str]:
    """The dictionary terms of this resource, by the pipeline's own rule (terms_for_resource)."""
    from pueblaabierto.validation import terms_for_resource
    from pueblaabierto.workbook.model import DictionaryEntry, Recurso, Submission

    recurso = Recurso(sheet="Recurso", row=0, nombre_archivo=resource.get("nombre_archivo"),
                      name=resource.get("name"), id_dataset=pkg.id, format=formato)
    entries = [
        DictionaryEntry(sheet="Diccionario", row=0, id_dataset=pkg.id, termino=entry["termino"],
                        descripcion=entry["descripcion"], raw={"recurso": entry["recurso"] or None})
        for entry in fingerprint.dictionary(pkg)
    ]
    submission = Submission(path=Path("."), diccionario=entries)
    return terms_for_resource(submission, recurso)


def _rows(progress: _Progress, label: str) -> Callable[[int], None]:
    return lambda done: progress(label, done, None)


def _validate(pkg: model.Package, progress: _Progress, tmp: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Report.to_dict() and the files read; raises download.Refused(retry=True) on transient faults."""
    from pueblaabierto.errors import UnusableInput
    from pueblaabierto.findings import Finding, Report
    from pueblaabierto.validation import _terms_missing_everywhere
    from pueblaabierto.validation.allowlist import build_allow_list
    from pueblaabierto.workbook.model import Recurso

    from ..entregas.limits import pipeline_limits

    # The same checks and limits as an entrega's: findings of a file it already judged are reused.
    checks, limits = reuse.remembered_checks(), pipeline_limits()
    fields = fingerprint.package_fields(pkg)
    allow = build_allow_list([], addresses=[str(fields.get("responsable_correo") or "")])
    resources = fingerprint.resources(pkg)
    progress.files = len(resources)
    owners = resource_owners(pkg)
    report = Report()
    files: list[dict[str, Any]] = []
    found_per_file: list[tuple[Recurso, list[Finding]]] = []
    for index, resource in enumerate(resources):
        progress.index = index + 1
        formato = (resource.get("format") or "").strip().upper()
        progress(resource.get("nombre_archivo") or resource.get("name") or resource["id"], 0, None, force=True)
        try:
            path = copy_resource(resource, tmp / resource["id"], owners)
        except download.Refused as refused:
            if refused.retry:
                raise
            report.add(Finding(code=refused.code, message=refused.message, suggestion=refused.suggestion,
                               file=resource.get("nombre_archivo") or resource.get("name") or resource["id"]))
            continue
        name = _display_name(resource, path)
        entry = {"resource_id": resource["id"], "name": name, "path": str(path), "sha256": sha256_file(path),
                 "size": path.stat().st_size, "formato": formato, "terms": _terms(pkg, resource, formato)}
        files.append(entry)
        try:
            found = checks(
                path,
                formato=formato,
                terms=entry["terms"],
                display_name=name,
                allow=allow,
                progress=_rows(progress, name),
                limits=limits,
                sha256=entry["sha256"],
            )
        except UnusableInput as exc:
            found = [replace(exc.to_finding(), file=name)]
        recurso = Recurso(sheet="Recurso", row=0, nombre_archivo=name, id_dataset=pkg.id, format=formato)
        found_per_file.append((recurso, found))
    for _recurso, found in _terms_missing_everywhere(found_per_file):
        report.extend(found)
    return report.to_dict(), files


def _current(package_id: str) -> model.Package | None:
    """The dataset as committed now (what this job read is forgotten), or None once deleted."""
    model.Session.rollback()
    model.Session.expire_all()
    pkg = model.Package.get(package_id)
    return pkg if pkg is not None and pkg.state == "active" else None


def validate_dataset(package_id: str) -> None:
    """Validate the dataset as it is now and store the verdict (the job's entry point)."""
    for _round in range(MAX_ROUNDS):
        pkg = _current(package_id)
        if pkg is None:
            return
        start = fingerprint.compute(pkg)
        row: Any = v_model.get(pkg.id)
        if row is not None and row.fingerprint == start and row.status in FINISHED:
            # An earlier job already judged these very data (several writes, one verdict); a new
            # request (a write, «Reintentar») marks the row pendiente first.
            return
        if row is None:
            row = v_model.DatasetValidation(package_id=pkg.id, attempts=0)
            model.Session.add(row)
        row.status, row.fingerprint, row.error = v_model.VALIDANDO, start, None
        row.report, row.files, row.progress = None, None, None
        row.started_at, row.finished_at = _now(), None
        row.attempts = (row.attempts or 0) + 1
        model.Session.commit()
        progress = _Progress(pkg.id, len(pkg.resources))
        with tempfile.TemporaryDirectory(prefix="pueblaabierto-validacion-") as folder:
            failure = None
            try:
                report, files = _validate(pkg, progress, Path(folder))
            except download.Refused as refused:
                failure = f"{refused.message} {refused.suggestion}"
            except Exception as error:  # noqa: BLE001 - the enlace gets «Reintentar», the log the traceback
                log.error("Falló la validación de %s:\n%s", package_id, traceback.format_exc())
                failure = _(
                    "Ocurrió un error inesperado al validar ({error}). Pulse «Reintentar»; si se repite, "
                    "avise a la administración del portal."
                ).format(error=type(error).__name__)
            pkg = _current(package_id)
            if pkg is None:
                return
            if fingerprint.compute(pkg) != start:
                continue  # the data changed while we read them: judge the new ones
            if failure is not None:
                service.mark_failed(package_id, failure)
                return
            status = verdict.status_of(report)
            if status == v_model.VALIDO:
                # Load before the verdict is final: enviar_revision (and a demo walk that
                # publishes at once) must never run ahead of the DataStore and the views.
                _set_progress(package_id, _("Cargando los datos al DataStore y creando las vistas"))
                _after_validation(package_id, files)
                pkg = _current(package_id)
                if pkg is None:
                    return
                if fingerprint.compute(pkg) != start:
                    continue  # the load added derived resources (GeoJSON): judge them too
            row = v_model.get(package_id)
            assert row is not None
            row.status = status
            row.report = report
            row.files = [{k: f[k] for k in ("resource_id", "name", "sha256", "size")} for f in files]
            row.progress = None
            row.finished_at = _now()
            row.fingerprint = start
            model.Session.commit()
        return
    # Still changing after MAX_ROUNDS: leave it pending for the next request.
    service.request(package_id)


def _after_validation(package_id: str, files: list[dict[str, Any]]) -> None:
    """Hand the validated copies to the server-side loading (DataStore, views)."""
    from .. import loading

    try:
        loading.after_validation(
            package_id,
            [{k: f[k] for k in ("resource_id", "path", "sha256", "formato", "terms")} for f in files],
        )
    except Exception:  # noqa: BLE001 - the verdict stands; the loading reports its own problems
        log.exception("La carga posterior a la validación de %s falló", package_id)


def _set_progress(package_id: str, label: str) -> None:
    row = v_model.get(package_id)
    if row is not None:
        row.progress = {**(row.progress or {}), "label": label}
        model.Session.commit()
