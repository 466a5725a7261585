"""The published catalogue, read as anonymous: what every export may show.

The workflow keeps every unpublished dataset (drafts, datasets under review, update copies)
private, and CKAN never returns private datasets to an anonymous search. Reading as
anonymous, whoever asks, keeps the exports identical for everyone and leaves no trace of
unpublished work, even when a sysadmin or a liaison downloads them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import ckan.plugins.toolkit as tk

PAGE = 1000


def anonymous_context() -> dict[str, Any]:
    return {"user": "", "ignore_auth": False}


def datasets(**search: Any) -> Iterator[dict[str, Any]]:
    """Every published dataset, complete (package_search results carry the whole dict)."""
    start = 0
    while True:
        result = tk.get_action("package_search")(
            anonymous_context(),
            {"q": "*:*", "rows": PAGE, "start": start, "sort": "name asc", "include_private": False,
             **search},
        )
        yield from (pkg for pkg in result["results"] if pkg.get("type", "dataset") == "dataset")
        start += PAGE
        if start >= result["count"]:
            return


def search(**search: Any) -> list[dict[str, Any]]:
    """One page of published datasets (``rows``, ``start``, ``sort``, ``fq``)."""
    result = tk.get_action("package_search")(anonymous_context(), {"q": "*:*", "include_private": False, **search})
    return [pkg for pkg in result["results"] if pkg.get("type", "dataset") == "dataset" and not pkg.get("private")]


def dataset(id_or_name: str) -> dict[str, Any] | None:
    """The published dataset ``id_or_name``, or None (unknown, deleted or unpublished alike)."""
    try:
        pkg = tk.get_action("package_show")(anonymous_context(), {"id": id_or_name})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return None
    if pkg.get("private") or pkg.get("state") != "active" or pkg.get("type") != "dataset":
        return None
    return pkg


def organization(org_id: str) -> dict[str, Any]:
    try:
        return tk.get_action("organization_show")(anonymous_context(), {"id": org_id, "include_datasets": False})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return {}
