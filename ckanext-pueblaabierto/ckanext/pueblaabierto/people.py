"""People as the pages and e-mails name them: by their full name, not their user name.

CKAN's ``User.display_name`` is the full name when there is one and the user name otherwise.
A user purged since (the workflow's record keeps no foreign key to ``user``) reads as the name
the caller kept, usually the user name copied into the record at the time.
"""

from __future__ import annotations

from collections.abc import Iterable

import ckan.model as model


def full_name(user_id: str | None, fallback: str = "") -> str:
    """The full name of ``user_id`` (an id or a user name); ``fallback`` if there is no such user."""
    user = model.User.get(user_id) if user_id else None
    return user.display_name if user is not None else fallback


def full_names(user_ids: Iterable[str]) -> dict[str, str]:
    """id -> full name for the users that exist, in one query (a history of many steps)."""
    ids = {i for i in user_ids if i}
    if not ids:
        return {}
    users = model.Session.query(model.User).filter(model.User.id.in_(ids))
    return {user.id: user.display_name for user in users}
