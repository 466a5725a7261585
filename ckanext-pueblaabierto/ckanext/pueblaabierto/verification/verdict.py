"""What the server's verdict means for the workflow: which findings block, the gate's refusals.

Every error of the report blocks ``enviar_revision`` except personal-data findings: those
are the enlace de seguridad's to judge (a public official's phone looks like a private one),
so they travel to review and must each be acknowledged there (machine.decide). Nothing
leaves ``borrador`` on a report the server did not produce for the data as it is now.
"""

from __future__ import annotations

from typing import Any

from ..translate import _
from ..workflow.report import is_personal
from . import model as v_model

# Where the workflow row keeps the server's validation that went to review (row.report).
SERVER_KEY = "server_validation"


def counts(report: dict[str, Any] | None) -> dict[str, int]:
    errors = [f for f in (report or {}).get("errors") or [] if isinstance(f, dict)]
    warnings = [f for f in (report or {}).get("warnings") or [] if isinstance(f, dict)]
    personal = [f for f in errors + warnings if is_personal(f)]
    return {
        "errors": len(errors),
        "blocking_errors": len([f for f in errors if not is_personal(f)]),
        "personal_findings": len(personal),
        "warnings": len(warnings),
    }


def status_of(report: dict[str, Any]) -> str:
    """valido when nothing but personal-data findings (for review) was found, else con_errores."""
    return v_model.CON_ERRORES if counts(report)["blocking_errors"] else v_model.VALIDO


def refusal(state: dict[str, Any]) -> str | None:
    """Why ``enviar_revision`` cannot go ahead on this validation state (service.status), or None."""
    flow = _("la pestaña «Flujo» del conjunto")
    status = state.get("status")
    if status is None:
        return _(
            "El portal aún no ha validado los datos de este conjunto. La validación se puso en marcha; "
            "espere a que termine (el avance se ve en {flow}) y vuelva a enviarlo a revisión."
        ).format(flow=flow)
    if state.get("stale"):
        return _(
            "Los datos cambiaron después de la última validación (un archivo, una URL o el diccionario de datos). "
            "El portal los está validando de nuevo: espere a que termine (vea {flow}) y vuelva a enviarlo a revisión."
        ).format(flow=flow)
    if status in (v_model.PENDIENTE, v_model.VALIDANDO):
        return _(
            "La validación de los datos en el portal aún no termina ({label}). Espere a que termine "
            "(el avance se ve en {flow}) y vuelva a enviarlo a revisión."
        ).format(label=state.get("status_label"), flow=flow)
    if status == v_model.FALLO:
        return _(
            "La validación de los datos en el portal no pudo terminar: {error} Pulse «Reintentar» en {flow} "
            "y, cuando termine sin errores, vuelva a enviarlo a revisión."
        ).format(error=state.get("error") or "", flow=flow)
    if status == v_model.CON_ERRORES:
        return _(
            "La validación de los datos en el portal encontró {count} error(es). Corríjalos (el reporte está en "
            "{flow}), vuelva a cargar los archivos o el diccionario y envíe de nuevo a revisión."
        ).format(count=state.get("blocking_errors") or state.get("errors"), flow=flow)
    return None


def with_server_key(report: dict[str, Any], state: dict[str, Any]) -> dict[str, Any]:
    """The report a submission carries to review, marked with what it is about."""
    return {
        **report,
        SERVER_KEY: {
            "fingerprint": state.get("fingerprint"),
            "files": state.get("files") or [],
            "finished_at": state.get("finished_at"),
        },
    }


def sent_fingerprint(report: dict[str, Any] | None) -> str | None:
    server = (report or {}).get(SERVER_KEY)
    return server.get("fingerprint") if isinstance(server, dict) else None


def sent_files(report: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The files (resource_id, sha256) of the validation that went to review."""
    server = (report or {}).get(SERVER_KEY)
    files = server.get("files") if isinstance(server, dict) else None
    return [f for f in files or [] if isinstance(f, dict)]
