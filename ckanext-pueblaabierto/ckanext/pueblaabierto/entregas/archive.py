"""Unpack a delivery ZIP safely: limits, no paths outside the folder, no links, Spanish messages.

A ZIP made with Windows' «Enviar a → Carpeta comprimida» puts everything inside one folder
(``entrega/FORM.317.xlsx``, ``entrega/obras.csv``): that common folder is dropped. Files are
written flat into the target folder (the workbook names files, not folders); two files with the
same name in different folders are refused. ZIPs inside the ZIP (a zipped shapefile) are kept as
files: the validation reads them as they are.
"""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path, PurePosixPath

from ..translate import _
from .errors import EntregaError
from .limits import EntregaLimits
from .storage import sha256_of

CHUNK = 1 << 20
# What file managers add and nobody delivers.
_IGNORED_PARTS = {"__MACOSX"}
_IGNORED_NAMES = {".ds_store", "thumbs.db", "desktop.ini"}


class Budget:
    """What the whole entrega may still add: files and decompressed bytes."""

    def __init__(self, limits: EntregaLimits, files_used: int = 0) -> None:
        self.limits = limits
        self.files = files_used
        self.bytes = 0

    def add_files(self, count: int, archive: str) -> None:
        self.files += count
        if self.files > self.limits.max_files:
            raise EntregaError(
                _("La entrega tiene más de {max} archivos (el ZIP «{zip}» trae {count}). Entregue solo el formato "
                  "y los archivos de datos que nombra; si de verdad son más, divídala en varias entregas.")
                .format(max=self.limits.max_files, zip=archive, count=count),
                code="demasiados-archivos",
            )

    def add_bytes(self, count: int, archive: str) -> None:
        self.bytes += count
        if self.bytes > self.limits.max_unzipped_bytes:
            raise EntregaError(
                _("El ZIP «{zip}» se descomprime a más de {mb} MB, el máximo de este portal. Revise que no "
                  "incluya archivos de más; si los datos son así de grandes, pida a la administración que "
                  "amplíe el límite.").format(zip=archive, mb=self.limits.max_unzipped_mb),
                code="zip-demasiado-grande",
            )


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as the enlace saw it: Windows writes names in its OEM code page."""
    name = info.filename
    if not info.flag_bits & 0x800:
        try:
            raw = name.encode("cp437")
        except UnicodeEncodeError:
            return name
        for encoding in ("utf-8", "cp850"):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                continue
    return name


def _refuse(archive: str, message: str, code: str) -> EntregaError:
    return EntregaError(message.format(zip=archive), code=code)


def _parts(name: str, archive: str) -> tuple[str, ...]:
    text = name.replace("\\", "/")
    path = PurePosixPath(text)
    if text.startswith("/") or (len(text) > 1 and text[1] == ":") or ".." in path.parts:
        raise _refuse(
            archive,
            _("El ZIP «{zip}» contiene rutas que salen de su carpeta (como «../» o «C:\\»), algo que solo hacen "
              "archivos manipulados. Por seguridad no se abrió: comprima de nuevo la carpeta de la entrega con "
              "«Enviar a → Carpeta comprimida»."),
            "zip-ruta-insegura",
        )
    return tuple(p for p in path.parts if p not in ("", "."))


def extract(zip_path: Path, target: Path, budget: Budget, display: str | None = None) -> list[str]:
    """Write the files of ``zip_path`` into ``target``; return their names."""
    archive = display or zip_path.name
    try:
        bundle = zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _refuse(
            archive,
            _("«{zip}» no es un ZIP válido o está dañado. Comprímalo de nuevo (clic derecho → «Enviar a → Carpeta "
              "comprimida») y súbalo otra vez."),
            "zip-danado",
        ) from None
    with bundle:
        members: list[tuple[zipfile.ZipInfo, tuple[str, ...]]] = []
        for info in bundle.infolist():
            parts = _parts(member_name(info), archive)
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise _refuse(
                    archive,
                    _("El ZIP «{zip}» contiene accesos directos o enlaces simbólicos. Por seguridad no se abrió: "
                      "ponga en la carpeta los archivos mismos, no accesos directos, y comprímala de nuevo."),
                    "zip-enlace",
                )
            if info.is_dir() or not parts:
                continue
            if _IGNORED_PARTS & set(parts) or parts[-1].lower() in _IGNORED_NAMES or parts[-1].startswith("._"):
                continue
            if info.flag_bits & 0x1:
                raise _refuse(
                    archive,
                    _("El ZIP «{zip}» está protegido con contraseña y el portal no puede abrirlo. Comprima la "
                      "carpeta sin contraseña y súbala de nuevo."),
                    "zip-cifrado",
                )
            members.append((info, parts))
        if not members:
            raise _refuse(
                archive,
                _("El ZIP «{zip}» está vacío: no trae ningún archivo. Revise que comprimió la carpeta correcta."),
                "zip-vacio",
            )
        budget.add_files(len(members), archive)
        declared = sum(info.file_size for info, _parts_ in members)
        compressed = sum(info.compress_size for info, _parts_ in members) or 1
        if declared / compressed > 1000:
            raise _refuse(
                archive,
                _("El ZIP «{zip}» se descomprime a un tamaño desproporcionado (más de 1000 veces lo que pesa), "
                  "como las «bombas ZIP». Por seguridad no se abrió: revise su contenido y comprímalo de nuevo."),
                "zip-bomba",
            )
        budget.add_bytes(declared, archive)
        budget.bytes -= declared  # counted for real while writing (declared sizes can lie)
        # Drop the folder(s) every member shares («Enviar a → Carpeta comprimida» adds one).
        while len({p[0] for _i, p in members}) == 1 and all(len(p) > 1 for _i, p in members):
            members = [(info, parts[1:]) for info, parts in members]
        names: list[str] = []
        seen: dict[str, str] = {}
        target.mkdir(parents=True, exist_ok=True)
        for info, parts in members:
            name = parts[-1]
            key = name.lower()
            if key in seen:
                raise EntregaError(
                    _("El ZIP «{zip}» trae dos archivos llamados «{name}» (en «{a}» y en «{b}»). Cada archivo de "
                      "la entrega debe tener un nombre distinto: renombre uno y comprima de nuevo.")
                    .format(zip=archive, name=name, a=seen[key], b="/".join(parts)),
                    code="zip-nombre-repetido",
                )
            seen[key] = "/".join(parts)
            destination = target / name
            if destination.exists():
                # Also selected on its own (often the workbook): the same file is fine, another is not.
                twin = target / f".{name}.zip-tmp"
                _copy(bundle, info, twin, budget, archive)
                same = sha256_of(twin) == sha256_of(destination)
                twin.unlink()
                if not same:
                    raise EntregaError(
                        _("«{name}» viene dentro del ZIP «{zip}» y también se subió por separado, con otro "
                          "contenido. Súbalo una sola vez, en su versión correcta.").format(name=name, zip=archive),
                        code="zip-nombre-repetido",
                    )
                continue
            _copy(bundle, info, destination, budget, archive)
            names.append(name)
        return names


def _copy(bundle: zipfile.ZipFile, info: zipfile.ZipInfo, destination: Path, budget: Budget, archive: str) -> None:
    try:
        with bundle.open(info) as source, destination.open("xb") as out:
            for block in iter(lambda: source.read(CHUNK), b""):
                budget.add_bytes(len(block), archive)
                out.write(block)
    except EntregaError:
        destination.unlink(missing_ok=True)
        raise
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError):
        destination.unlink(missing_ok=True)
        raise _refuse(
            archive,
            _("No se pudo descomprimir un archivo del ZIP «{zip}» (está dañado o usa un método de compresión que "
              "el portal no conoce). Comprima la carpeta de nuevo con «Enviar a → Carpeta comprimida»."),
            "zip-danado",
        ) from None


def looks_like_shapefile(zip_path: Path) -> bool:
    """A ZIP that carries a shapefile (a data file), not a whole entrega."""
    try:
        with zipfile.ZipFile(zip_path) as bundle:
            names = [member_name(i).lower() for i in bundle.infolist()]
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    has_shp = any(n.endswith(".shp") for n in names)
    has_other = any(n.endswith((".xlsx", ".ods", ".csv", ".json", ".geojson", ".kml", ".xls")) for n in names)
    return has_shp and not has_other
