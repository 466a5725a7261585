"""A short-lived cache of what anonymous visitors see, shared by the web server's processes.

Most of the portal's traffic is citizens reading the same search pages, dataset pages and
API answers; on a two-core server each one costs tens of milliseconds of CKAN's time. Like
the micro-cache of nginx or Varnish in front of large CKAN portals, this middleware keeps
those answers in Redis for ``pueblaabierto.cache.segundos`` (60 by default; 0 turns it off)
and serves them again without calling CKAN.

What is cached is exactly what anyone could see: only ``GET`` requests with no cookie and no
API token, and only complete ``200`` answers in HTML or JSON that set no cookie (a page that
starts a session, a CSRF token or a flash message is never stored). Downloads are never
buffered. A logged-in user, an enlace or a reviewer always goes to CKAN.

Nothing stale after a change: the key carries a generation number, read when the request
starts; every committed change of a dataset (``notify`` of CKAN's domain-object hook, in the
web server or the jobs worker) and every DataStore load increments it *after* the commit, so
an answer rendered from the old data is stored under the old number and never served again.
Responses say ``X-Cache: HIT`` or ``MISS`` so the operator can see it work.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

import ckan.plugins.toolkit as tk

log = logging.getLogger(__name__)

MAX_BODY = 2 * 1024 * 1024
STORED_TYPES = ("text/html", "application/json", "application/ld+json", "text/turtle", "application/rdf+xml")
# Streams and files: never buffered to decide whether to store them.
SKIPPED_PATHS = ("/download", "/datastore/dump", "/uploads/", "/webassets/", "/base/", "/api/i18n")
DIRTY_FLAG = "pueblaabierto_page_cache_dirty"


def seconds() -> int:
    return tk.asint(tk.config.get("pueblaabierto.cache.segundos") or 0)


def _redis() -> Any:
    from ckan.lib.redis import connect_to_redis

    return connect_to_redis()


def _prefix() -> str:
    return f"{tk.config.get('ckan.site_id') or 'default'}:pueblaabierto:paginas:"


def _generation_key() -> str:
    return _prefix() + "generacion"


def invalidate() -> None:
    """Make every stored answer obsolete (call after the change is committed)."""
    if seconds() <= 0:
        return
    try:
        _redis().incr(_generation_key())
    except Exception:  # noqa: BLE001 - without Redis nothing is served from the cache either
        log.warning("No se pudo invalidar la caché de páginas en Redis", exc_info=True)


def mark_dirty(session: Any) -> None:
    """A change of a dataset is being written in ``session``: invalidate once it is committed."""
    session.info[DIRTY_FLAG] = True


def after_commit(session: Any) -> None:
    if session.info.pop(DIRTY_FLAG, False):
        invalidate()


def listen_for_commits() -> None:
    """Register ``after_commit`` on every SQLAlchemy session (once per process)."""
    import sqlalchemy as sa
    import sqlalchemy.orm

    if not sa.event.contains(sqlalchemy.orm.Session, "after_commit", after_commit):
        sa.event.listen(sqlalchemy.orm.Session, "after_commit", after_commit)


def _token_headers() -> frozenset[str]:
    """The WSGI names of the headers that carry an API token (CKAN's own and the configured one)."""
    configured = str(tk.config.get("apitoken_header_name") or "Authorization")
    return frozenset({"HTTP_AUTHORIZATION", "HTTP_X_CKAN_API_KEY", "HTTP_" + configured.upper().replace("-", "_")})


def _cacheable(environ: dict[str, Any], token_headers: frozenset[str]) -> bool:
    if environ.get("REQUEST_METHOD") != "GET" or environ.get("HTTP_COOKIE"):
        return False
    if any(environ.get(header) for header in token_headers):
        return False
    path = environ.get("PATH_INFO") or "/"
    if any(part in path for part in SKIPPED_PATHS):
        return False
    return "__no_cache__" not in (environ.get("QUERY_STRING") or "")


def _storable(status: str, headers: list[tuple[str, str]], body: bytes) -> bool:
    if not status.startswith("200") or len(body) > MAX_BODY:
        return False
    names = {name.lower(): value for name, value in headers}
    if "set-cookie" in names or "no-store" in names.get("cache-control", ""):
        return False
    return names.get("content-type", "").split(";")[0].strip() in STORED_TYPES


class PageCache:
    """WSGI middleware; see the module's docstring.

    An entry is the status and headers as JSON, a NUL byte (never in JSON), then the body's
    bytes as they were sent."""

    def __init__(self, app: Callable[..., Iterable[bytes]], ttl: int) -> None:
        self.app = app
        self.ttl = ttl
        self.token_headers = _token_headers()
        self.prefix = _prefix()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if not _cacheable(environ, self.token_headers):
            return self.app(environ, start_response)
        try:
            redis = _redis()
            generation = int(redis.get(self.prefix + "generacion") or 0)
            key = self._key(environ, generation)
            stored = redis.get(key)
        except Exception:  # noqa: BLE001 - Redis down: serve from CKAN
            log.warning("Caché de páginas no disponible", exc_info=True)
            return self.app(environ, start_response)
        if stored is not None:
            head, _nul, body = stored.partition(b"\0")
            status, headers = json.loads(head)
            start_response(status, [*map(tuple, headers), ("X-Cache", "HIT")])
            return [body]
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
            captured["status"], captured["headers"] = status, list(headers)
            chunks = captured.setdefault("written", [])
            return chunks.append

        result = self.app(environ, capture)
        try:
            body = b"".join([*captured.get("written", []), *result])
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        status, headers = captured["status"], captured["headers"]
        if _storable(status, headers, body):
            try:
                redis.set(key, json.dumps([status, headers]).encode() + b"\0" + body, ex=self.ttl)
            except Exception:  # noqa: BLE001
                log.warning("No se pudo guardar una página en la caché", exc_info=True)
        start_response(status, [*headers, ("X-Cache", "MISS")])
        return [body]

    def _key(self, environ: dict[str, Any], generation: int) -> str:
        where = "{}|{}|{}|{}".format(environ.get("HTTP_HOST", ""), environ.get("SCRIPT_NAME", ""),
                                     environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""))
        digest = hashlib.sha256(where.encode("utf-8", "surrogateescape")).hexdigest()
        return f"{self.prefix}{generation}:{digest}"


def make_middleware(app: Any) -> Any:
    """The cache around ``app`` (commits are watched from the plugin's ``configure``)."""
    ttl = seconds()
    return PageCache(app, ttl) if ttl > 0 else app
