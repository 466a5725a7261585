"""The delete page of a dataset answers a refused deletion with the form and its error.

CKAN's ``DeleteView.post`` catches NotFound and NotAuthorized from ``package_delete`` but not
ValidationError, which deletion.py raises when a sysadmin deletes a published dataset without
a reason. The page asks for the reason with a required field, but a crafted POST (or an old
browser) skips it and got a 500. Each dataset type's delete view is wrapped (the Flask app is
the one IMiddleware receives, after the core blueprints are registered) to render the
confirmation page again with the Spanish error; nothing is deleted.
"""

from __future__ import annotations

import functools
from typing import Any

import ckan.plugins.toolkit as tk
from flask import request


def install(app: Any) -> Any:
    # By class name: CKAN's blueprints import ckan/views/dataset.py through a relative path
    # (ckan/config/middleware/../../views), so its DeleteView is not the one we could import.
    for endpoint, view in list(app.view_functions.items()):
        view_class = getattr(view, "view_class", None)
        if endpoint.endswith(".delete") and getattr(view_class, "__name__", "") == "DeleteView" and getattr(
            view_class, "__module__", ""
        ).endswith("views.dataset"):
            app.view_functions[endpoint] = _form_on_validation_error(view)
    return app


def _form_on_validation_error(view: Any) -> Any:
    @functools.wraps(view)
    def wrapped(package_type: str, id: str) -> Any:
        try:
            return view(package_type=package_type, id=id)
        except tk.ValidationError as error:
            return _form_again(package_type, id, error)

    return wrapped


def _form_again(package_type: str, id: str, error: tk.ValidationError) -> Any:
    context = {"user": tk.current_user.name, "auth_user_obj": tk.current_user}
    pkg_dict = tk.get_action("package_show")(context, {"id": id})
    errors = error.error_dict if isinstance(error.error_dict, dict) else {}
    return tk.render(
        "package/confirm_delete.html",
        {
            "pkg_dict": pkg_dict,
            "dataset_type": pkg_dict.get("type") or package_type,
            "errors": errors,
            "motivo": request.form.get("motivo", ""),
        },
    ), 400
