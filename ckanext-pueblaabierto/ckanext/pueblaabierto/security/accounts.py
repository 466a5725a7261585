"""Accounts are not public, not even to other logged-in accounts (issue 11, point 9).

CKAN's ``user_list`` gives any logged-in user every account with its ``sysadmin`` flag: a map
of whom to phish. Only sysadmins list accounts; ``user_show`` of someone else carries no
``sysadmin`` flag, e-mail or e-mail hash (traces.py scrubs them) unless a sysadmin asks.
Colleagues still see each other in their dependencia's member list (names only).
"""

from __future__ import annotations

from typing import Any

from ..translate import _


def user_list(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    # Sysadmins never reach an auth function (CKAN authorizes them first).
    return {"success": False, "msg": _("Solo la administración del portal consulta la lista de cuentas.")}


def get_auth_functions() -> dict[str, Any]:
    return {"user_list": user_list}
