"""Accounts the portal needs to exist (the demo sysadmin)."""

from __future__ import annotations

import ckan.model as model
import ckan.plugins.toolkit as tk


def ensure_sysadmin(name: str, *, email: str, password: str, token_name: str) -> tuple[str, str]:
    """Create or update the sysadmin ``name`` and return (name, a fresh API token)."""
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    context = {"user": site_user["name"], "ignore_auth": True}
    user = model.User.get(name)
    if user is None:
        tk.get_action("user_create")(
            context,
            {"name": name, "email": email, "password": password, "fullname": "Administración del portal"},
        )
    else:
        user.password = password  # the hashing setter of User
        user.state = model.State.ACTIVE
        model.Session.commit()
    user = model.User.get(name)
    if not user.sysadmin:
        user.sysadmin = True
        model.Session.commit()
    token = tk.get_action("api_token_create")(
        {"user": name, "ignore_auth": True}, {"user": name, "name": token_name}
    )["token"]
    return name, token
