"""The portal as the pipeline sees it: ckanapi over HTTP, with retries and write counting.

Why a wrapper and not RemoteCKAN directly: ckanapi turns a 502 from a restarting CKAN into
an opaque ``CKANAPIError(repr([...]))`` and a closed port into a raw ``requests`` error.
Here transient failures (connection refused/reset, timeouts, 502/503/504) are retried with
exponential back-off, and what remains becomes a ``PortalError`` with a Spanish message.
Every call that may change the portal is counted, so tests (and the report) can prove an
identical re-publish wrote nothing. The API token is only ever put in the request header:
it never appears in messages, logs or reports.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

import ckanapi
import requests
import urllib3
from ckanapi.common import prepare_action, reverse_apicontroller_action

log = logging.getLogger(__name__)


class Upload(Protocol):
    """A file to upload (an open binary file or a wrapper that renames it): requests sends
    ``name`` as the filename, and each attempt reads it again from the start."""

    @property
    def name(self) -> str: ...

    def read(self, size: int = -1, /) -> bytes: ...

    def seek(self, offset: int, whence: int = 0, /) -> int: ...

TRANSIENT_STATUS = {502, 503, 504}
# Writes that are not safe to repeat once CKAN may have received them (a second
# resource_create makes a duplicate, a second insert duplicates rows). They are retried
# only when the request surely never arrived (connection refused, 503); otherwise the
# step fails and the next run, which re-reads the portal, completes it.
NOT_REPEATABLE = {
    "package_create", "resource_create", "organization_create", "resource_view_create",
    "datastore_upsert", "workflow_transition", "workflow_update_start", "workflow_demo_publish",
}
# Read-only actions; anything else counts as a write.
_READ_SUFFIXES = ("_show", "_list", "_search", "_autocomplete", "_info")
_READ_ACTIONS = {"status_show", "datastore_search", "datastore_info", "workflow_show", "dashboard_new_activities_count"}
# Attempts and first wait in seconds (doubling); the environment can change them
# (tests shorten them, a flaky link may want more).
ATTEMPTS_VARIABLE, BACKOFF_VARIABLE = "PUEBLAABIERTO_REINTENTOS", "PUEBLAABIERTO_ESPERA"
REQUEST_TIMEOUT = 300
# With CKAN importable, ckanapi re-uses ckan.logic's NotFound/ValidationError/NotAuthorized,
# which do not derive from CKANAPIError: catch them all explicitly.
API_ERRORS: tuple[type[Exception], ...] = (
    ckanapi.CKANAPIError, ckanapi.NotFound, ckanapi.NotAuthorized, ckanapi.ValidationError,
)


class PortalError(Exception):
    """A permanent problem talking to the portal, explained in Spanish for the liaison."""

    def __init__(self, message: str, *, code: str = "error-portal", fatal: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        # fatal: nothing else can work either (portal down, token refused) -> stop the batch.
        self.fatal = fatal


class Portal:
    """A CKAN 2.11 reached at ``url`` with ``token``."""

    def __init__(
        self,
        url: str,
        token: str,
        *,
        attempts: int | None = None,
        backoff: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.url = url.rstrip("/")
        self._token = token
        self._api = ckanapi.RemoteCKAN(self.url, apikey=token, user_agent="pueblaabierto-publicar/0.1")
        # One HTTP session per thread: DataStore chunks are sent in parallel.
        self._local = threading.local()
        self._lock = threading.Lock()
        self.attempts = max(1, attempts if attempts is not None else int(os.environ.get(ATTEMPTS_VARIABLE, "5")))
        self.backoff = backoff if backoff is not None else float(os.environ.get(BACKOFF_VARIABLE, "1.0"))
        self._sleep = sleep
        self.writes = 0
        self.write_log: list[str] = []
        self._extensions: list[str] | None = None

    def __repr__(self) -> str:  # never show the token
        return f"Portal({self.url!r})"

    # -- calls ------------------------------------------------------------------------
    def call(self, action: str, files: dict[str, Upload] | None = None, **data: Any) -> Any:
        """Call ``action``; retry transient failures; raise ckanapi errors or PortalError."""
        if is_write(action):
            with self._lock:
                self.writes += 1
                self.write_log.append(action)
        delay = self.backoff
        for attempt in range(1, self.attempts + 1):
            for stream in (files or {}).values():
                stream.seek(0)
            try:
                return self._post(action, data, files)
            except _Transient as exc:
                if not exc.not_sent and action in NOT_REPEATABLE:
                    raise self._interrupted(action, exc.reason) from None
                if attempt == self.attempts:
                    raise self._unreachable(exc.reason) from None
                log.info("Reintento %s de %s (%s): %s", attempt, action, exc.reason, delay)
                self._sleep(delay)
                delay *= 2
        raise AssertionError("unreachable")

    def _post(self, action: str, data: dict[str, Any], files: dict[str, Upload] | None) -> Any:
        url, body, headers = prepare_action(action, data, self._token, files)
        headers["User-Agent"] = self._api.user_agent
        try:
            session = getattr(self._local, "session", None)
            if session is None:
                session = self._local.session = requests.Session()
            response = session.post(
                f"{self.url}/{url}", data=body, headers=headers, files=files,
                allow_redirects=False, timeout=REQUEST_TIMEOUT,
            )
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise _Transient(type(exc).__name__, not_sent=_never_arrived(exc)) from None
        except requests.RequestException as exc:  # malformed address and the like: not transient
            raise PortalError(
                f"No se pudo conectar con el portal en {self.url} ({type(exc).__name__}). "
                "Revise la dirección: debe empezar con http:// o https://, p. ej. https://datos.pueblacapital.gob.mx",
                code="portal-direccion", fatal=True,
            ) from None
        if response.status_code in TRANSIENT_STATUS:
            raise _Transient(f"HTTP {response.status_code}", not_sent=response.status_code == 503)
        try:
            return reverse_apicontroller_action(url, response.status_code, response.text)
        except (ckanapi.NotAuthorized, ckanapi.ValidationError, ckanapi.NotFound, ckanapi.SearchError):
            raise
        except ckanapi.CKANAPIError:
            raise PortalError(_describe(action, response)) from None

    def _interrupted(self, action: str, reason: str) -> PortalError:
        return PortalError(
            f"No se pudo conectar con el portal en {self.url}: se cortó la comunicación durante «{action}» ({reason}). "
            "No se repite a ciegas para no duplicar nada; vuelva a ejecutar el comando y se completa lo que falte.",
            code="portal-interrumpido",
        )

    def _unreachable(self, reason: str) -> PortalError:
        return PortalError(
            f"No se pudo conectar con el portal en {self.url} ({reason}) después de {self.attempts} intentos. "
            "Revise que la dirección sea correcta, que CKAN esté en marcha y que haya red; "
            "después vuelva a ejecutar el comando: lo ya cargado se conserva y se completa lo que falte.",
            code="portal-inaccesible",
            fatal=True,
        )

    # -- what the portal offers ---------------------------------------------------------
    def check(self) -> dict[str, Any]:
        """Fail early, in Spanish, if the portal is not reachable or the token cannot write."""
        status = self.call("status_show")
        self._extensions = list(status.get("extensions") or [])
        if not self._token:
            raise token_refused(self.url)
        try:
            # Needs a logged-in user: anonymous (which is what CKAN makes of an unknown
            # token) is refused, any valid token is accepted.
            self.call("dashboard_new_activities_count")
        except ckanapi.NotAuthorized:
            raise token_refused(self.url) from None
        except API_ERRORS + (PortalError,):
            pass  # portal without the activity plugin: the first write will tell
        return status

    @property
    def extensions(self) -> list[str]:
        if self._extensions is None:
            self.check()
        return self._extensions or []

    def has_action(self, action: str, **probe: Any) -> bool:
        """Whether the portal knows ``action`` (CKAN answers 400 for unknown actions)."""
        try:
            self.call(action, **probe)
        except PortalError as exc:
            return "not known" not in exc.message and "desconocida" not in exc.message
        except API_ERRORS:
            return True
        return True


class _Transient(Exception):
    def __init__(self, reason: str, *, not_sent: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.not_sent = not_sent  # CKAN surely never received the request


def _never_arrived(exc: Exception) -> bool:
    """Connection refused or not established: the request was not sent."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(reason, urllib3.exceptions.NewConnectionError) or "NewConnectionError" in repr(exc)


def is_write(action: str) -> bool:
    return action not in _READ_ACTIONS and not action.endswith(_READ_SUFFIXES)


def token_refused(url: str) -> PortalError:
    return PortalError(
        f"El token de API no es válido o no tiene permisos para publicar en {url}. "
        "Genere un token nuevo en el portal (Perfil → Tokens de API) con una cuenta de enlace técnico "
        "y páselo con --token o en la variable CKAN_API_TOKEN.",
        code="token-invalido",
        fatal=True,
    )


def _describe(action: str, response: requests.Response) -> str:
    try:
        body = response.json()
        # CKAN answers an unknown action with a bare JSON string, not {"error": {...}}.
        error = body.get("error", {}) if isinstance(body, dict) else body
        message = (error.get("message") or str(error)) if isinstance(error, dict) else str(error)
    except ValueError:
        message = f"respuesta HTTP {response.status_code} no reconocida"
    if "not known" in str(message):
        return f"El portal no conoce la acción «{action}» ({message})."
    return f"El portal rechazó «{action}» (HTTP {response.status_code}): {message}"


def explain(exc: BaseException) -> str:
    """A Spanish sentence for any error a portal call may raise."""
    if isinstance(exc, PortalError):
        return exc.message
    if isinstance(exc, ckanapi.NotAuthorized):
        return "El portal negó el permiso para esta operación: la cuenta del token no puede modificar este elemento."
    if isinstance(exc, ckanapi.ValidationError):
        detail = exc.error_dict if isinstance(exc.error_dict, dict) else exc.args
        if isinstance(detail, dict):
            detail = {k: v for k, v in detail.items() if k != "__type"}
        return f"El portal rechazó los datos: {detail}"
    if isinstance(exc, ckanapi.NotFound):
        return f"El portal no encontró el elemento: {exc}"
    if isinstance(exc, OSError):
        return f"No se pudo leer un archivo: {exc.strerror or exc}"
    return f"{type(exc).__name__}: {exc}"
