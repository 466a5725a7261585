"""Hold the workflow's gate for link (URL) resources: is the content behind each URL still the one validated?

The fingerprint (fingerprint.py) covers a link by its URL text only: reading every URL on every
status read would be slow and would let any page view make the server download. But whoever runs
the site behind a URL can change the file after the validation, or after the reviews. So at the
two moments that matter, sending to review and publishing, the server downloads each link again
(download.py's rules: no internal addresses, size and time limits; this portal's own uploads
are read from storage) and compares its SHA-256 with the one the validation read. A change
refuses the step, in Spanish, and queues a new validation.

What remains (docs/validacion-servidor.md «Lo que falta»): after publication the site behind a
URL can still change what citizens download from it; the DataStore table and the previews stay
the validated copy.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk

from ..translate import _
from . import download, fingerprint

# Resources whose bytes the fingerprint already covers (stored uploads, DataStore tables).
COVERED = ("upload", "datastore")


@dataclass
class LinkCheck:
    changed: list[str] = field(default_factory=list)  # «name» (url) of each changed link
    unreachable: list[str] = field(default_factory=list)  # why a link could not be read again

    @property
    def ok(self) -> bool:
        return not self.changed and not self.unreachable


def _label(resource: dict[str, Any]) -> str:
    name = resource.get("name") or resource.get("nombre_archivo") or resource["id"]
    return f"«{name}» ({resource.get('url') or ''})"


def check(pkg: model.Package, validated_files: list[dict[str, Any]]) -> LinkCheck:
    """Download each link resource of ``pkg`` again and compare it with ``validated_files``' SHA-256."""
    from pueblaabierto.publish.mapping import sha256_file

    from . import job

    validated = {f.get("resource_id"): f.get("sha256") for f in validated_files if isinstance(f, dict)}
    result = LinkCheck()
    links = [r for r in fingerprint.resources(pkg) if (r.get("url_type") or "") not in COVERED]
    if not links:
        return result
    owners = job.resource_owners(pkg)
    with tempfile.TemporaryDirectory(prefix="pueblaabierto-enlaces-") as tmp:
        for resource in links:
            try:
                path = job.copy_resource(resource, Path(tmp) / resource["id"], owners)
            except download.Refused as refused:
                result.unreachable.append(f"{_label(resource)}: {refused.message}")
                continue
            if validated.get(resource["id"]) != sha256_file(path):
                result.changed.append(_label(resource))
            path.unlink(missing_ok=True)
    return result


def hold(pkg: model.Package, validated_files: list[dict[str, Any]], *, publishing: bool) -> None:
    """Raise tk.ValidationError (Spanish) unless every link still serves the validated content.

    On a change a new validation is queued (the enlace sees its progress in the Flujo tab).
    """
    from . import service

    found = check(pkg, validated_files)
    if found.ok:
        return
    flow = _("la pestaña «Flujo» del conjunto")
    if found.changed:
        service.request(pkg.id, force=True)
        names = ", ".join(found.changed)
        if publishing:
            message = _(
                "El contenido de {names} cambió después de enviarse a revisión: el archivo que hay en esa dirección "
                "ya no es el que validó el portal y revisaron los enlaces. El portal lo está validando de nuevo "
                "(vea {flow}). Recháselo con observaciones para que el Enlace de Datos Abiertos lo envíe otra vez "
                "a revisión con el reporte nuevo."
            )
        else:
            message = _(
                "El contenido de {names} cambió después de la última validación: el archivo que hay en esa dirección "
                "ya no es el que validó el portal. El portal lo está validando de nuevo: espere a que termine "
                "(vea {flow}) y vuelva a enviarlo a revisión."
            )
        raise tk.ValidationError({"transition": [message.format(names=names, flow=flow)]})
    raise tk.ValidationError({"transition": [_(
        "No se pudo comprobar que el contenido de estos recursos con URL siga siendo el que validó el portal: "
        "{problems} Inténtelo de nuevo cuando la dirección responda, o cargue el archivo directamente en el recurso."
    ).format(problems=" ".join(found.unreachable))]})
