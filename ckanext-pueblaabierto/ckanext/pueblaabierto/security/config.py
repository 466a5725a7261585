"""Cookie flags every deployment gets, whatever its ini or environment spells.

Docker's ``envvars`` cannot set Flask's upper-case keys, and CKAN's default leaves the
"remember me" cookie without SameSite: a cross-site POST would carry it. Under https both
cookies are marked Secure.
"""

from __future__ import annotations

from typing import Any


def configure(config: Any) -> None:
    for key in ("SESSION_COOKIE_SAMESITE", "REMEMBER_COOKIE_SAMESITE"):
        if config.get(key) in (None, "", "None"):
            config[key] = "Lax"
    if str(config.get("ckan.site_url") or "").startswith("https://"):
        config["SESSION_COOKIE_SECURE"] = True
        config["REMEMBER_COOKIE_SECURE"] = True
