"""Response headers: uploads never run in the portal's origin; pages cannot be framed.

Every response: ``X-Content-Type-Options: nosniff`` (a file declared as JSON is never
sniffed into HTML), ``X-Frame-Options``/``frame-ancestors`` (no clickjacking of the
workflow's buttons), a referrer policy. HTML pages: the Content-Security-Policy of
``pueblaabierto.security.content_security_policy``. Uploaded files (resource downloads,
``/uploads/`` logos) of an active or unknown type: ``Content-Disposition: attachment`` plus a
sandboxing CSP, so even opened directly an HTML, SVG, XML or JavaScript file cannot run
script with the portal's cookies.
"""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from flask import request

# Types a browser may execute or render as a document with script.
ACTIVE_TYPES = (
    "text/html", "application/xhtml+xml", "image/svg+xml", "text/xml", "application/xml",
    "text/javascript", "application/javascript", "application/x-javascript", "application/ecmascript",
    "text/ecmascript", "application/octet-stream", "text/x-python", "application/pdf",
    "multipart/x-mixed-replace", "application/rdf+xml", "application/vnd.google-earth.kml+xml",
)
# Types that are data to display inline (previews, images) and never execute.
INERT_TYPES = ("text/plain", "text/csv", "application/json", "application/geo+json", "image/png", "image/jpeg",
               "image/gif", "image/webp")
SANDBOX = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'"


def _serves_upload() -> bool:
    endpoint = request.endpoint or ""
    return endpoint.endswith("resource.download") or request.path.startswith("/uploads/")


def _active(mimetype: str) -> bool:
    if not mimetype:
        return True
    return mimetype not in INERT_TYPES


def add_headers(response: Any) -> Any:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    if _serves_upload() and response.status_code < 300:
        if _active(response.mimetype or ""):
            disposition = headers.get("Content-Disposition", "")
            if not disposition.startswith("attachment"):
                filename = request.path.rstrip("/").rsplit("/", 1)[-1]
                headers["Content-Disposition"] = f'attachment; filename="{filename}"'
        headers["Content-Security-Policy"] = SANDBOX
    elif (response.mimetype or "") == "text/html" and "Content-Security-Policy" not in headers:
        headers["Content-Security-Policy"] = tk.config.get("pueblaabierto.security.content_security_policy")
    return response


def install(app: Any) -> Any:
    app.after_request(add_headers)
    return app
