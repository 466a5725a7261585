"""Creating liaison accounts with the municipality's naming convention (naming.py)."""

from __future__ import annotations

import ckan.model as model
import ckan.plugins.toolkit as tk

from .naming import account_name


def _taken(name: str) -> bool:
    # Deleted accounts keep their name in CKAN: reusing it would be refused anyway.
    return model.Session.query(model.User).filter(model.User.name == name).first() is not None


def create_liaison(first_names: str, first_surname: str, second_surname: str = "", *, email: str, password: str) -> str:
    """Create the account and return its name (``jperez``, ``jperezg`` on collision...)."""
    name = account_name(first_names, first_surname, second_surname, taken=_taken)
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    fullname = " ".join(part for part in (first_names, first_surname, second_surname) if part).strip()
    tk.get_action("user_create")(
        {"user": site_user["name"], "ignore_auth": True},
        {"name": name, "email": email, "password": password, "fullname": fullname},
    )
    return name
