"""``package_show`` for a batch of datasets with one query per table (the rebuild's reads).

``package_show`` dictizes a dataset with 7 queries (``package_dictize``: resources,
tags, extras, groups, organization, relationships both ways) plus one per group
(its member count). A rebuild calls it for every dataset, so those round trips were
most of its time. ``package_shows`` reads a batch with one query per table and hands
each dataset's rows to the same CKAN functions ``package_dictize`` uses
(``resource_list_dictize``, ``obj_list_dictize``, ``extras_list_dictize``,
``group_list_dictize``, ``table_dictize``), in the same order and with the same
context, then runs the rest of ``package_show`` (``check_access``, ``read``,
``before_resource_show``, ``after_dataset_show``). The dicts are the ones
``package_show`` returns (tests/plugin/search/test_rebuild.py compares the index rows
byte for byte); where that cannot be guaranteed the dataset goes through
``package_show`` itself (``None`` in the answer):

- the rows of a dataset the per-dataset queries would return in an unspecified order
  that decides the output (two active resources at one position, two tags with one
  name, two extras with one key, two groups with one title): CKAN's sorts keep the
  database's order on ties;
- datasets with relationships (rare; not worth their own reading);
- a ``package_show`` changed by a plugin (``IActions``), unless the wrapper is known to
  leave a sysadmin's (``ignore_auth``) answer alone (``TRANSPARENT_WRAPPERS``).
"""

from __future__ import annotations

import copy
import functools
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import ckan.lib.dictization as d
import ckan.lib.dictization.model_dictize as model_dictize
import ckan.lib.helpers as h
import ckan.logic as logic
import ckan.model as model
import ckan.plugins as plugins
from ckan.lib import signals
from sqlalchemy import or_, select

log = logging.getLogger(__name__)

# ``package_show`` wrappers (chained actions) that answer exactly what they wrap when
# ``ignore_auth`` is set, by ``module:qualname``. The portal's only turns a refusal into
# "not found" (security/traces.py).
TRANSPARENT_WRAPPERS = frozenset({
    "ckanext.pueblaabierto.security.traces:_not_found_instead.<locals>.guarded",
})


def _name(func: Any) -> str:
    return f"{getattr(func, '__module__', '')}:{getattr(func, '__qualname__', '')}"


def _action_chain(action: Any) -> list[Any] | None:
    """The functions behind a ``get_action`` result, outermost first (None if unreadable)."""
    inner = None
    for cell in getattr(action, "__closure__", None) or ():
        value = cell.cell_contents
        if callable(value):
            inner = value
    if inner is None:
        return None
    chain = []
    while isinstance(inner, functools.partial):
        chain.append(inner.func)
        if not inner.args:
            return None
        inner = inner.args[0]
    chain.append(inner)
    return chain


def usable() -> bool:
    """Whether ``package_show`` is CKAN's own, or wrapped only by TRANSPARENT_WRAPPERS."""
    from ckan.logic.action.get import package_show

    chain = _action_chain(logic.get_action("package_show"))
    if not chain or chain[-1] is not package_show:
        return False
    return all(_name(func) in TRANSPARENT_WRAPPERS for func in chain[:-1])


def _grouped(rows: Iterable[Any], key: Callable[[Any], Any]) -> dict[Any, list[Any]]:
    grouped: dict[Any, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[key(row)].append(row)
    return grouped


def _distinct(values: Sequence[Any]) -> bool:
    return len(set(values)) == len(values)


class _BatchRows:
    """The rows ``package_dictize`` reads, for a batch of datasets, by dataset id."""

    def __init__(self, packages: Sequence[model.Package]) -> None:
        ids = [pkg.id for pkg in packages]
        execute = model.Session.execute
        res = model.resource_table
        self.resources = _grouped(execute(select(res).where(res.c["package_id"].in_(ids))),
                                  lambda r: r.package_id)

        tag, pkg_tag = model.tag_table, model.package_tag_table
        # The rows package_dictize gets (tag columns + the link's state), by (tag id, state);
        # which dataset each link belongs to from the link table itself.
        tag_rows = execute(select(tag, pkg_tag.c["state"]).join(pkg_tag, tag.c["id"] == pkg_tag.c["tag_id"])
                           .where(pkg_tag.c["package_id"].in_(ids)))
        self.tag_rows = {(r.id, r.state): r for r in tag_rows}
        links = execute(select(pkg_tag.c["package_id"], pkg_tag.c["tag_id"], pkg_tag.c["state"])
                        .where(pkg_tag.c["package_id"].in_(ids)))
        self.tags = _grouped(links, lambda r: r.package_id)

        extra = model.package_extra_table
        self.extras = _grouped(execute(select(extra).where(extra.c["package_id"].in_(ids))),
                               lambda r: r.package_id)

        member, group = model.member_table, model.group_table
        conditions = (member.c["table_id"].in_(ids), member.c["state"] == "active",
                      group.c["is_organization"] == False)  # noqa: E712 (SQL, as package_dictize)
        group_rows = execute(select(group, member.c["capacity"])
                             .join(member, group.c["id"] == member.c["group_id"]).where(*conditions))
        self.group_rows = {(r.id, r.capacity): r for r in group_rows}
        memberships = execute(select(member.c["table_id"], member.c["group_id"], member.c["capacity"])
                              .join(group, group.c["id"] == member.c["group_id"]).where(*conditions))
        self.groups = _grouped(memberships, lambda r: r.table_id)

        owners = {pkg.owner_org for pkg in packages if pkg.owner_org}
        self.organizations = {r.id: r for r in execute(
            select(group).where(group.c["id"].in_(owners)).where(group.c["state"] == "active"))}

        rel = model.package_relationship_table
        self.related = {pid for r in execute(
            select(rel.c["subject_package_id"], rel.c["object_package_id"])
            .where(or_(rel.c["subject_package_id"].in_(ids), rel.c["object_package_id"].in_(ids))))
            for pid in (r.subject_package_id, r.object_package_id)}


def _dictize(pkg: model.Package, rows: _BatchRows, context: dict[str, Any],
             group_dicts: dict[tuple[str, str], dict[str, Any]]) -> dict[str, Any] | None:
    """``package_dictize(pkg, context)`` from the batch's rows, or None where it could differ."""
    if pkg.id in rows.related:
        return None
    result_dict = d.table_dictize(pkg, context)  # type: ignore[arg-type]
    if result_dict.get("title"):
        result_dict["title"] = result_dict["title"].strip()
    result_dict.pop("plugin_data", None)

    resources = model_dictize.resource_list_dictize(rows.resources.get(pkg.id, []), context)  # type: ignore[arg-type]
    if not _distinct([r["position"] for r in resources]):
        return None
    result_dict["resources"] = resources
    result_dict["num_resources"] = len(resources)

    try:
        tag_rows = [rows.tag_rows[(link.tag_id, link.state)] for link in rows.tags.get(pkg.id, [])]
    except KeyError:  # changed between the two reads
        return None
    tags = d.obj_list_dictize(tag_rows, context, lambda x: x["name"])  # type: ignore[arg-type]
    if not _distinct([t["name"] for t in tags]):
        return None
    result_dict["tags"] = tags
    result_dict["num_tags"] = len(tags)
    for tag_dict in tags:
        tag_dict["display_name"] = tag_dict["name"]

    extras = model_dictize.extras_list_dictize(rows.extras.get(pkg.id, []), context)  # type: ignore[arg-type]
    if not _distinct([e["key"] for e in extras]):
        return None
    result_dict["extras"] = extras

    context["with_capacity"] = False
    try:
        keys = [(m.group_id, m.capacity) for m in rows.groups.get(pkg.id, [])]
        group_rows = [rows.group_rows[key] for key in keys]
    except KeyError:
        return None
    # group_list_dictize dictizes each group alone (its member count is a query), then
    # sorts: the same group gives the same dict for every dataset of the batch.
    for key, row in zip(keys, group_rows, strict=True):
        if key not in group_dicts:
            group_dicts[key] = model_dictize.group_list_dictize(
                [row], context, with_package_counts=False)[0]  # type: ignore[arg-type]
    groups = [copy.deepcopy(group_dicts[key]) for key in keys]
    sort_keys = [h.strxfrm(g["display_name"]) for g in groups]
    if not _distinct(sort_keys):
        return None
    result_dict["groups"] = [g for _, g in sorted(zip(sort_keys, groups, strict=True), key=lambda pair: pair[0])]

    org_row = rows.organizations.get(pkg.owner_org) if pkg.owner_org else None
    organizations = d.obj_list_dictize([org_row] if org_row is not None else [], context)  # type: ignore[arg-type]
    result_dict["organization"] = organizations[0] if organizations else None

    result_dict["relationships_as_subject"] = []
    result_dict["relationships_as_object"] = []

    result_dict["isopen"] = pkg.isopen if isinstance(pkg.isopen, bool) else pkg.isopen()
    result_dict["type"] = pkg.type or "dataset"
    if pkg.license and pkg.license.url:
        result_dict["license_url"] = pkg.license.url
        result_dict["license_title"] = pkg.license.title.split("::")[-1]
    elif pkg.license:
        result_dict["license_title"] = pkg.license.title
    else:
        result_dict["license_title"] = pkg.license_id
    result_dict["metadata_modified"] = pkg.metadata_modified.isoformat()
    result_dict["metadata_created"] = pkg.metadata_created.isoformat() if pkg.metadata_created else None
    return result_dict


def package_shows(packages: Sequence[model.Package], context: dict[str, Any]) -> list[dict[str, Any] | None]:
    """``package_show(dict(context), {"id": pkg.id})`` for each package, in order.

    ``context`` as the rebuild gives ``package_show`` (``ignore_auth``, ``validate``
    False, ``use_cache`` False). None where the caller must call ``package_show``
    itself (see the module's docstring).
    """
    if context.get("validate", True):
        return [None] * len(packages)
    rows = _BatchRows(packages)
    group_dicts: dict[tuple[str, str], dict[str, Any]] = {}
    answers: list[dict[str, Any] | None] = []
    for pkg in packages:
        ctx: dict[str, Any] = logic._prepopulate_context(dict(context))  # type: ignore[arg-type]
        ctx.setdefault("__auth_audit", [])  # left empty by check_access, as get_action's wrapper leaves it
        ctx["session"] = model.Session
        ctx["package"] = pkg
        data_dict = {"id": pkg.id}
        logic.check_access("package_show", ctx, data_dict)  # type: ignore[arg-type]
        package_dict = _dictize(pkg, rows, ctx, group_dicts)
        if package_dict is None:
            answers.append(None)
            continue
        for item in plugins.PluginImplementations(plugins.IPackageController):
            item.read(pkg)
        for resource_item in plugins.PluginImplementations(plugins.IResourceController):
            for resource_dict in package_dict["resources"]:
                resource_item.before_resource_show(resource_dict)
        # No validation: the rebuild's context says ``validate: False`` (the index validates).
        for item in plugins.PluginImplementations(plugins.IPackageController):
            item.after_dataset_show(ctx, package_dict)
        # As get_action's wrapper does after every action.
        signals.action_succeeded.send("package_show", context=ctx, data_dict=data_dict, result=package_dict)
        answers.append(package_dict)
    return answers
