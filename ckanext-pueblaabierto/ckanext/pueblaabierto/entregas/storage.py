"""Where an entrega's files live on the server, and how an upload gets there safely.

``<ckan.storage_path>/entregas/<entrega id>/v<number>/``: ``subidos/`` holds the files as
uploaded (kept, so a job can be retried and an operator can see what arrived), ``datos/`` the
workbook and the data files the validation and the planner read (the ZIPs unpacked). Names
are reduced to their last component; nothing an enlace sends can point outside the folder.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import unicodedata
from pathlib import Path
from typing import IO, Any

import ckan.plugins.toolkit as tk

from ..translate import _
from .errors import EntregaError
from .limits import EntregaLimits

CHUNK = 1 << 20
UPLOADED, DATA = "subidos", "datos"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_RESERVED = re.compile(r'[<>:"|?*]')


def root() -> Path:
    storage = tk.config.get("ckan.storage_path")
    if not storage:
        raise EntregaError(
            _("El portal no tiene configurado dónde guardar archivos (ckan.storage_path). "
              "Avise a la administración del portal."),
            code="sin-almacenamiento",
        )
    return Path(storage) / "entregas"


def version_dir(entrega_id: str, number: int) -> Path:
    # Ids are generated server side (uuid4); the check keeps a tampered row from escaping.
    if not re.fullmatch(r"[0-9a-f-]{36}", entrega_id):
        raise EntregaError(_("Identificador de entrega inválido."), code="id-invalido")
    return root() / entrega_id / f"v{int(number)}"


def safe_name(filename: str | None) -> str:
    """The last component of ``filename``, without control or reserved characters.

    Accents are kept: the workbook names its files as the enlace wrote them («obras_públicas.csv»).
    """
    text = unicodedata.normalize("NFC", str(filename or ""))
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = _RESERVED.sub("_", _CONTROL.sub("", text)).strip().strip(".")
    if not text or text in (".", ".."):
        raise EntregaError(
            _("Un archivo llegó sin nombre. Vuelva a seleccionarlo en su computadora y súbalo de nuevo."),
            code="archivo-sin-nombre",
        )
    if len(text.encode("utf-8")) > 200:
        stem, dot, ext = text.rpartition(".")
        text = (stem[:150] + dot + ext) if dot else text[:180]
    return text


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def save_stream(stream: IO[bytes], target: Path, limits: EntregaLimits, display: str) -> dict[str, Any]:
    """Copy ``stream`` to ``target`` stopping at the size limit; return {name, size, sha256}."""
    digest, size = hashlib.sha256(), 0
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with target.open("xb") as out:
            for block in iter(lambda: stream.read(CHUNK), b""):
                size += len(block)
                if size > limits.max_file_bytes:
                    raise EntregaError(
                        _("El archivo «{name}» pesa más de {mb} MB, el máximo por archivo en este portal. "
                          "Divida los datos en archivos más pequeños o comprímalos en un ZIP; si de verdad "
                          "necesita subirlo completo, pida a la administración del portal que amplíe el límite.")
                        .format(name=display, mb=limits.max_file_mb),
                        code="archivo-demasiado-grande",
                    )
                digest.update(block)
                out.write(block)
    except FileExistsError:
        raise EntregaError(
            _("Subió dos archivos con el mismo nombre, «{name}». Cada archivo de la entrega debe tener un "
              "nombre distinto.").format(name=display),
            code="archivo-repetido",
        ) from None
    except EntregaError:
        target.unlink(missing_ok=True)
        raise
    if size == 0:
        target.unlink(missing_ok=True)
        raise EntregaError(
            _("El archivo «{name}» está vacío (0 bytes). Revise que sea el archivo correcto y súbalo de nuevo.")
            .format(name=display),
            code="archivo-vacio",
        )
    return {"name": target.name, "size": size, "sha256": digest.hexdigest()}


def remove(path: Path) -> None:
    """Delete a version folder that will not be used (a refused upload): nothing half-created."""
    shutil.rmtree(path, ignore_errors=True)
