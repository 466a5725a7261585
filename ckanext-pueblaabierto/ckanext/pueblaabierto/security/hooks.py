"""What the plugin class exposes for security; plugin.py only forwards to these."""

from __future__ import annotations

import functools
from typing import Any

import ckan.plugins.toolkit as tk

from . import accounts, config, datastore_dump, datastore_sql, headers, notfound, traces, upload_size, uploads


def get_actions() -> dict[str, Any]:
    return merge_actions(
        upload_size.get_actions(), uploads.get_actions(), traces.get_actions(), datastore_sql.get_actions(),
        datastore_dump.get_actions(),
    )


def get_auth_functions() -> dict[str, Any]:
    return accounts.get_auth_functions()


def merge_actions(*groups: dict[str, Any]) -> dict[str, Any]:
    """One dict of actions; two chained actions for the same name are composed (first outermost).

    A plugin registers one function per action name, and several of our modules chain the same
    core action (e.g. organization_create: the enlace técnico's membership and the logo check).
    """
    merged: dict[str, Any] = {}
    for group in groups:
        for name, func in group.items():
            if name in merged and getattr(merged[name], "chained_action", False) and getattr(
                func, "chained_action", False
            ):
                merged[name] = _compose(merged[name], func)
            else:
                merged[name] = func
    return merged


def _compose(outer: Any, inner: Any) -> Any:
    @tk.chained_action
    def composed(up_func: Any, context: dict[str, Any], data_dict: dict[str, Any]) -> Any:
        return outer(functools.partial(inner, up_func), context, data_dict)

    for attribute in ("side_effect_free", "auth_audit_exempt"):
        if getattr(outer, attribute, False) or getattr(inner, attribute, False):
            setattr(composed, attribute, True)
    composed.__name__ = getattr(outer, "__name__", "composed")
    return composed


def update_config(ckan_config: Any) -> None:
    config.configure(ckan_config)


def make_middleware(app: Any, ckan_config: Any) -> Any:
    return notfound.install(headers.install(app))
