"""A page about a dataset the visitor may not see answers 404, never 403 with its name.

CKAN answers "Unauthorized to edit/read dataset <name>" (403) on several dataset pages
(edit, activity, resources, downloads...): that confirms the dataset exists and can name it.
For anyone who cannot read the dataset, those become the ordinary 404 page.
"""

from __future__ import annotations

from typing import Any

import ckan.authz as authz
import ckan.model as model
import ckan.plugins.toolkit as tk
from flask import request
from werkzeug.exceptions import NotFound

from ..translate import _

# /dataset/<verb>/<id>: CKAN's dataset pages whose id comes second.
VERBS = {"edit", "activity", "changes", "changes_multiple", "resources", "new_resource", "delete", "groups",
         "collaborators", "followers", "follow", "unfollow"}


def hidden_dataset() -> bool:
    """Whether the request is about an existing dataset the current user may not read."""
    parts = [p for p in request.path.split("/") if p]
    if len(parts) < 2 or parts[0] != "dataset":
        return False
    candidate = parts[2] if parts[1] in VERBS and len(parts) > 2 else parts[1]
    pkg = model.Package.get(candidate)
    if pkg is None:
        return False
    user = tk.current_user.name if tk.current_user.is_authenticated else ""
    context = {"user": user, "model": model, "session": model.Session,
               "auth_user_obj": model.User.get(user) if user else None}
    return not authz.is_authorized_boolean("package_show", context, {"id": pkg.id})


def install(app: Any) -> Any:
    handlers = app.error_handler_spec.get(None, {}).get(403, {})
    ckan_handler = next(iter(handlers.values()), None)

    def forbidden(error: Any) -> Any:
        if hidden_dataset():
            error = NotFound(_("Conjunto de datos no encontrado"))
        return ckan_handler(error) if ckan_handler is not None else error

    app.register_error_handler(403, forbidden)
    return app
