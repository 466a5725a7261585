"""Wait for the portal's own validation of a dataset before sending it to review.

The portal validates every dataset's data itself, in a background job, whenever a file, a URL
or the dictionary changes (``dataset_validation_show``); ``enviar_revision`` is refused until
that verdict is in and has no errors. ``publicar`` no longer sends a report of its own: it
waits for the server's verdict (with a deadline), shows it, and sends to review only when the
server found no errors.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

from pueblaabierto.publish.client import Portal, PortalError

WAIT_VARIABLE = "PUEBLAABIERTO_ESPERA_VALIDACION"  # seconds; default DEFAULT_WAIT
DEFAULT_WAIT = 900
FINISHED = ("valido", "con_errores", "fallo")
MAX_LISTED = 5


class NotValidated(PortalError):
    """The server's verdict forbids sending, or did not come in time (``message`` in Spanish)."""

    def __init__(self, message: str, state: dict[str, Any] | None = None) -> None:
        super().__init__(message, code="validacion-portal")
        self.state = state


def wait_for_verdict(
    portal: Portal,
    package_id: str,
    *,
    timeout: float | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> dict[str, Any]:
    """Poll ``dataset_validation_show`` until the verdict about the data as they are now is in."""
    timeout = float(os.environ.get(WAIT_VARIABLE, DEFAULT_WAIT)) if timeout is None else timeout
    deadline = clock() + timeout
    asked, pause = False, 0.5
    while True:
        state = portal.call("dataset_validation_show", id=package_id) or {}
        status, stale = state.get("status"), bool(state.get("stale"))
        if status in FINISHED and not stale:
            return state
        if not asked and (status is None or (stale and status in FINISHED)):
            # Nothing queued for the data as they are (a dataset from before the portal validated):
            # ask once, as the Flujo tab's «Reintentar» does.
            portal.call("dataset_validation_run", id=package_id)
            asked = True
        if clock() >= deadline:
            raise NotValidated(
                f"El portal no terminó de validar los datos en {int(timeout)} segundos (estado: "
                f"{state.get('status_label') or 'sin validar'}). No se envió a revisión. Espere a que termine "
                "(pestaña «Flujo» del conjunto) y vuelva a ejecutar publicar; si el portal tiene mucha carga, "
                f"aumente la espera con --espera-validacion o la variable {WAIT_VARIABLE}.",
                state,
            )
        sleep(pause)
        pause = min(pause * 2, 5.0)


def summary(state: dict[str, Any]) -> str:
    """One line for the output: the server's verdict."""
    personal = state.get("personal_findings") or 0
    warnings = state.get("warnings") or 0
    text = "Validación del portal: sin errores"
    if personal:
        text += f"; {personal} hallazgo(s) de datos personales que revisará el Enlace de Seguridad"
    if warnings:
        text += f"; {warnings} aviso(s)"
    return text


def _blocking(state: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in (state.get("report") or {}).get("errors") or []
            if isinstance(f, dict) and not str(f.get("code", "")).startswith("datos-personales")]


def _listed(errors: list[dict[str, Any]]) -> str:
    listed = "; ".join(f"{f.get('message', '')} ({f.get('location', '')})" for f in errors[:MAX_LISTED])
    return listed + (f" y {len(errors) - MAX_LISTED} más" if len(errors) > MAX_LISTED else "")


def verdict_line(state: dict[str, Any] | None) -> str:
    """The server's verdict on a dataset, one line for publicar's table, whatever it is."""
    state = state or {}
    status = state.get("status")
    if status not in FINISHED or state.get("stale"):
        return (f"Validación del portal: aún en curso ({state.get('status_label') or 'sin validar'}); el veredicto "
                "aparecerá en la pestaña «Flujo» del conjunto")
    if status == "fallo":
        return (f"Validación del portal: no pudo terminar. {state.get('error') or ''} Pulse «Reintentar» en la "
                "pestaña «Flujo» del conjunto").replace("  ", " ")
    if status == "con_errores" or state.get("blocking_errors"):
        errors = _blocking(state)
        count = len(errors) or state.get("blocking_errors") or state.get("errors") or 0
        line = f"Validación del portal: {count} error(es): {_listed(errors)}. Corríjalos antes de enviar a revisión"
        personal = state.get("personal_findings") or 0
        if personal:
            line += f"; además, {personal} hallazgo(s) de datos personales"
        return line
    return summary(state)


def require_valid(state: dict[str, Any]) -> str:
    """The summary when the verdict allows sending to review; NotValidated explaining why not."""
    status = state.get("status")
    if status == "fallo":
        raise NotValidated(
            f"La validación del portal no pudo terminar: {state.get('error') or ''} No se envió a revisión; "
            "pulse «Reintentar» en la pestaña «Flujo» del conjunto y vuelva a ejecutar publicar.",
            state,
        )
    if status == "con_errores" or state.get("blocking_errors"):
        errors = _blocking(state)
        raise NotValidated(
            f"La validación del portal encontró {len(errors)} error(es): {_listed(errors)}. No se envió a revisión; "
            "corrija los datos y vuelva a ejecutar publicar.",
            state,
        )
    return summary(state)
