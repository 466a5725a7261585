"""Actions of the Entregas (IActions), in CKAN's style: check access, then act.

- ``submission_create``: a new entrega (``owner_org``) or a new version of one (``id``), from a
  multipart request: ``formato`` (the workbook), the data files (any other file fields, or a
  ZIP), ``oficio_numero``, ``oficio_fecha``. Queues the validation job.
- ``submission_show``: state, progress, the datasets it touches, the report (``validar --json``'s
  shape), the versions with their reports.
- ``submission_list``: the entregas of the dependencias the user delivers for.
- ``submission_apply``: queues the creation/update of the datasets as private drafts.
- ``submission_retry``: runs again a validation or an application that failed or was interrupted.

Sending the drafts to review is the workflow's ``workflow_transition`` (enviar_revision).
"""

from __future__ import annotations

import datetime
import uuid
from pathlib import Path
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from pueblaabierto.schemas.rules import parse_day
from werkzeug.datastructures import FileStorage

from ..translate import _
from ..workflow.service import oficio_date_help
from . import auth, job, presenter, records, storage
from .errors import EntregaError
from .limits import current as current_limits
from .model import APLICADA, APLICANDO, FALLO, RECIBIDA, VALIDA, Entrega, EntregaVersion
from .records import EntregaRow
from .verdict import ready

WORKBOOK_FIELD = "formato"
WORKBOOK_EXTENSIONS = (".xlsx", ".xlsm", ".ods")
DATA_EXTENSIONS = (
    ".csv", ".txt", ".tsv", ".xlsx", ".xls", ".ods", ".json", ".geojson", ".kml", ".kmz", ".zip", ".xml",
    ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".pdf",
)


def _refused(field: str, message: str) -> tk.ValidationError:
    return tk.ValidationError({field: [message]})


def _not_found() -> tk.ObjectNotFound:
    return tk.ObjectNotFound(_("No se encontró la entrega."))


def _check(action: str, context: dict[str, Any], data_dict: dict[str, Any]) -> None:
    """Access check where «not yours» and «does not exist» look the same (404)."""
    try:
        tk.check_access(action, context, data_dict)
    except tk.NotAuthorized as error:
        if auth.user_of(context) is None or not data_dict.get("id"):
            raise
        raise _not_found() from error


def _entrega(data_dict: dict[str, Any]) -> EntregaRow:
    entrega = records.get_entrega(str(data_dict.get("id") or ""))
    if entrega is None:
        raise _not_found()
    return entrega


def _uploads(data_dict: dict[str, Any]) -> tuple[FileStorage | None, list[FileStorage]]:
    workbook = data_dict.get(WORKBOOK_FIELD)
    if isinstance(workbook, list):
        workbook = next((w for w in workbook if isinstance(w, FileStorage) and w.filename), None)
    if not (isinstance(workbook, FileStorage) and workbook.filename):
        workbook = None
    files: list[FileStorage] = []
    for key, value in data_dict.items():
        if key == WORKBOOK_FIELD:
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, FileStorage) and item.filename:
                files.append(item)
    return workbook, files


def _oficio(data_dict: dict[str, Any]) -> tuple[str, datetime.date]:
    errors: dict[str, list[str]] = {}
    numero = str(data_dict.get("oficio_numero") or "").strip()
    if not numero:
        errors["oficio_numero"] = [_("Escriba el número del oficio con que la dependencia entrega el formato "
                                     "(p. ej. SMT/DA/0123/2024).")]
    elif len(numero) > 100:
        errors["oficio_numero"] = [_("El número de oficio es demasiado largo (máximo 100 caracteres).")]
    fecha = parse_day(data_dict.get("oficio_fecha"))
    if fecha is None:
        errors["oficio_fecha"] = [oficio_date_help()]
    if fecha is not None and fecha > datetime.date.today() + datetime.timedelta(days=1):
        errors["oficio_fecha"] = [_("La fecha del oficio ({fecha}) es posterior a hoy: revise el año y el mes.")
                                  .format(fecha=fecha.isoformat())]
    if errors:
        raise tk.ValidationError(errors)
    assert fecha is not None
    return numero, fecha


def _check_types(workbook: FileStorage | None, files: list[FileStorage]) -> None:
    limits = current_limits()
    if workbook is None and not any(storage.safe_name(f.filename).lower().endswith(".zip") for f in files):
        raise _refused(WORKBOOK_FIELD, _("Falta el formato FORM.317: seleccione el libro de Excel lleno (.xlsx) "
                                         "en el campo «Formato FORM.317 (Excel)»."))
    if workbook is not None:
        name = storage.safe_name(workbook.filename)
        if not name.lower().endswith(WORKBOOK_EXTENSIONS):
            raise _refused(WORKBOOK_FIELD, _(
                "«{name}» no es un libro de Excel. El formato FORM.317 se entrega como .xlsx (el archivo que "
                "descargó con «Descargar plantilla», ya lleno). Si lo tiene como .xls, ábralo en Excel y guárdelo "
                "como «Libro de Excel (.xlsx)».").format(name=name))
    if len(files) + (1 if workbook is not None else 0) > limits.max_files:
        raise _refused("archivos", _("Subió {count} archivos; el máximo por entrega es {max}. Entregue solo los "
                                     "archivos que nombra el formato.").format(count=len(files), max=limits.max_files))
    for upload in files:
        name = storage.safe_name(upload.filename)
        if not name.lower().endswith(DATA_EXTENSIONS):
            raise _refused("archivos", _(
                "El archivo «{name}» no es de un tipo que se publique en el portal. Se aceptan datos en CSV, "
                "Excel (.xlsx, .xls), ODS, JSON, GeoJSON, KML/KMZ, shapefile en .zip, o toda la entrega en un "
                "ZIP (y los logotipos como imagen).").format(name=name))


def submission_create(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Upload a FORM.317 entrega, or a new version of one (``id``); the server validates it (a job).

    :param owner_org: the dependencia (id or name), for a new entrega
    :param id: an existing entrega: the upload becomes its next version
    :param formato: the FORM.317 workbook (multipart file)
    :param oficio_numero: the oficio's number
    :param oficio_fecha: the oficio's date (DD/MM/AAAA or AAAA-MM-DD)
    Any other file field is a data file (several, or one ZIP with the whole entrega).
    """
    _check("submission_create", context, data_dict)
    user = auth.user_of(context)
    assert user is not None
    entrega = _entrega(data_dict) if data_dict.get("id") else None
    if entrega is not None:
        previous = records.latest(entrega.id)
        if previous is not None and records.effective_status(previous, current_limits().stale_minutes) in (
            records.RUNNING
        ):
            raise _refused("archivos", _(
                "La versión {n} todavía se está procesando. Espere a que termine (la página se actualiza sola) y "
                "después suba la corrección.").format(n=previous.number))
        org_id = entrega.organization_id
    else:
        org = model.Group.get(str(data_dict.get("owner_org") or ""))
        if org is None:
            raise _refused("owner_org", _("Elija la dependencia de la entrega."))
        org_id = org.id
    numero, fecha = _oficio(data_dict)
    workbook, files = _uploads(data_dict)
    try:
        _check_types(workbook, files)
    except EntregaError as error:
        raise _refused(error.field, error.message) from None

    entrega_id = entrega.id if entrega is not None else str(uuid.uuid4())
    number = 1 + max((v.number for v in records.versions(entrega_id)), default=0)
    folder = storage.version_dir(entrega_id, number)
    if folder.exists():  # left by an upload that failed half-way: not a version
        storage.remove(folder)
    limits = current_limits()
    try:
        uploaded = []
        if workbook is not None:
            name = storage.safe_name(workbook.filename)
            uploaded.append(storage.save_stream(workbook.stream, folder / storage.UPLOADED / "formato" / name,
                                                limits, name))
        for upload in files:
            name = storage.safe_name(upload.filename)
            uploaded.append(storage.save_stream(upload.stream, folder / storage.UPLOADED / "archivos" / name,
                                                limits, name))
    except EntregaError as error:
        storage.remove(folder)
        raise _refused(error.field, error.message) from None
    except OSError:
        storage.remove(folder)
        raise _refused("archivos", _("El portal no pudo guardar los archivos (espacio o permisos del servidor). "
                                     "Intente más tarde; si persiste, avise a la administración del portal.")) from None

    try:
        if entrega is None:
            entrega = Entrega(id=entrega_id, organization_id=org_id, created_by=user.id, title=None)
            model.Session.add(entrega)
        entrega.updated_at = records.now()
        version = EntregaVersion(
            entrega_id=entrega_id, number=number, status=RECIBIDA, oficio_numero=numero, oficio_fecha=fecha,
            uploaded_by=user.id, storage_dir=str(folder), files=uploaded,
            progress={"label": _("En espera de validación"), "done": 0, "total": None, "phase": "validacion",
                      "updated_at": records.now().isoformat()},
        )
        model.Session.add(version)
        model.Session.commit()
    except sa.exc.IntegrityError:
        model.Session.rollback()
        storage.remove(folder)
        raise _refused("archivos", _("Se recibió otra versión de esta entrega al mismo tiempo. Recargue la página y "
                                     "vea si ya está; si no, súbala de nuevo.")) from None
    job.enqueue(version, job.validate_version, title=f"Entrega {entrega_id} v{number}: validación")
    return presenter.describe(entrega, user)


@tk.side_effect_free
def submission_show(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """An entrega: state, progress, report (as ``validar --json``), datasets, versions.

    :param id: the entrega's id
    """
    _check("submission_show", context, data_dict)
    return presenter.describe(_entrega(data_dict), auth.user_of(context))


@tk.side_effect_free
def submission_list(context: dict[str, Any], data_dict: dict[str, Any]) -> list[dict[str, Any]]:
    """The entregas of the dependencias the user delivers for, newest first.

    :param owner_org: only this dependencia (optional)
    """
    tk.check_access("submission_list", context, data_dict)
    user = auth.user_of(context)
    org_ids = [org.id for org in auth.organizations_for(user)]
    wanted = data_dict.get("owner_org")
    if wanted:
        org = model.Group.get(str(wanted))
        org_ids = [org.id] if org is not None and org.id in org_ids else []
    if not org_ids:
        return []
    rows = (
        model.Session.query(Entrega)
        .filter(Entrega.organization_id.in_(org_ids))
        .order_by(Entrega.updated_at.desc())
        .limit(500)
    )
    return [presenter.summary(row) for row in rows]


def submission_apply(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Create or update the entrega's datasets as private drafts (a job), as ``publicar`` would.

    :param id: the entrega's id (its latest version is applied; it must have no errors)
    """
    _check("submission_apply", context, data_dict)
    entrega = _entrega(data_dict)
    user = auth.user_of(context)
    assert user is not None
    version = records.latest(entrega.id)
    status = records.effective_status(version, current_limits().stale_minutes) if version else None
    if version is None or status not in (VALIDA, APLICADA) or not ready(version.report):
        raise _refused("id", _(
            "Esta entrega todavía tiene errores o no ha terminado de validarse: corrija lo que dice el reporte y "
            "suba una corrección; los borradores se crean cuando no quedan errores."))
    version.status, version.error, version.applied_by = APLICANDO, None, user.id
    version.progress = {"label": _("En espera"), "done": 0, "total": None, "phase": "aplicacion",
                        "updated_at": records.now().isoformat()}
    model.Session.commit()
    job.enqueue(version, job.apply_version, title=f"Entrega {entrega.id} v{version.number}: borradores")
    return presenter.describe(entrega, user)


def submission_retry(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Run again the validation or the drafts' creation that failed or was interrupted.

    :param id: the entrega's id
    """
    _check("submission_retry", context, data_dict)
    entrega = _entrega(data_dict)
    user = auth.user_of(context)
    version = records.latest(entrega.id)
    status = records.effective_status(version, current_limits().stale_minutes) if version else None
    if version is None or status not in (FALLO, records.INTERRUMPIDA):
        raise _refused("id", _("No hay nada que reintentar: la entrega no falló ni se interrumpió."))
    if not Path(version.storage_dir, storage.UPLOADED).is_dir():
        raise _refused("id", _("Los archivos de esta versión ya no están en el servidor: suba la entrega de nuevo "
                               "con «Subir corrección»."))
    phase = (version.progress or {}).get("phase")
    version.error = None
    version.progress = {"label": _("En espera"), "done": 0, "total": None, "phase": phase or "validacion",
                        "updated_at": records.now().isoformat()}
    if phase == "aplicacion":
        version.status = APLICANDO
        version.applied_by = user.id if user is not None else version.applied_by
        model.Session.commit()
        job.enqueue(version, job.apply_version, title=f"Entrega {entrega.id} v{version.number}: borradores")
    else:
        version.status = RECIBIDA
        model.Session.commit()
        job.enqueue(version, job.validate_version, title=f"Entrega {entrega.id} v{version.number}: validación")
    return presenter.describe(entrega, user)


def get_actions() -> dict[str, Any]:
    return {
        "submission_create": submission_create,
        "submission_show": submission_show,
        "submission_list": submission_list,
        "submission_apply": submission_apply,
        "submission_retry": submission_retry,
    }
