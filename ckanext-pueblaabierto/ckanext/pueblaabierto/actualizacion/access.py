"""Who may download a dependencia's pre-filled FORM.317: its enlaces and the administration.

The enlaces are the users holding a workflow role for that dependencia (its enlace de datos
abiertos and enlace de seguridad, and the enlaces de transparencia and técnico, whose roles
cover every dependencia; workflow/roles.py) and sysadmins. The workbook is only ever built
from what ``package_show``/``package_search`` return *as that user*, so it never holds
metadata the user could not read anyway.
"""

from __future__ import annotations

import ckan.model as model

from ..workflow import roles


def may_download(user: model.User | None, organization_id: str | None) -> bool:
    if user is None or user.state != "active" or not organization_id:
        return False
    if user.sysadmin:
        return True
    return bool(roles.roles_for(user.id, organization_id))
