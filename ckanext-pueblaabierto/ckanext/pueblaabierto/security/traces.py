"""No trace of unpublished datasets or of officials' accounts for those who may not see them.

CKAN's permission labels already hide unpublished datasets from search, package_show and
the activity streams it filters; these read paths answer from other tables and would still
name them: a group's ``member_list`` (dataset ids), ``tag_list``/``tag_autocomplete`` and
``format_autocomplete`` (every tag and format in the database), and activity lists whose
stored labels predate a change of visibility. Accounts: dictized users carry the MD5 of the
e-mail address (``email_hash``, a gravatar key that identifies the official) and the
``sysadmin`` flag; only sysadmins and the user themself get them (accounts.py keeps
``user_list`` to sysadmins).
"""

from __future__ import annotations

from typing import Any

import ckan.authz as authz
import ckan.model as model
import ckan.plugins.toolkit as tk
import sqlalchemy as sa

from ..translate import _

PACKAGE_ACTIVITIES = ("new package", "changed package", "deleted package")


def _viewer_context(context: dict[str, Any]) -> dict[str, Any]:
    user = context.get("user") or ""
    return {"user": user, "model": model, "session": model.Session,
            "auth_user_obj": context.get("auth_user_obj") or (model.User.get(user) if user else None)}


def _sees_everything(context: dict[str, Any]) -> bool:
    return bool(context.get("ignore_auth")) or authz.is_sysadmin(context.get("user"))


def _can_read(context: dict[str, Any], package_id: str, cache: dict[str, bool]) -> bool:
    if package_id not in cache:
        cache[package_id] = authz.is_authorized_boolean("package_show", _viewer_context(context), {"id": package_id})
    return cache[package_id]


def _public_packages() -> Any:
    return model.Session.query(model.Package.id).filter(
        model.Package.private.is_(False), model.Package.state == "active"
    )


def _public_tag_names() -> set[str]:
    rows = (
        model.Session.query(model.Tag.name)
        .join(model.PackageTag, model.PackageTag.tag_id == model.Tag.id)
        .filter(model.PackageTag.state == "active", model.PackageTag.package_id.in_(_public_packages()))
        .distinct()
    )
    return {row[0] for row in rows}


@tk.chained_action
@tk.side_effect_free
def member_list(up_func: Any, context: dict[str, Any], data_dict: dict[str, Any]) -> Any:
    members = up_func(context, data_dict)
    if _sees_everything(context):
        return members
    cache: dict[str, bool] = {}
    return [m for m in members if m[1] != "package" or _can_read(context, m[0], cache)]


@tk.chained_action
@tk.side_effect_free
def tag_list(up_func: Any, context: dict[str, Any], data_dict: dict[str, Any]) -> Any:
    tags = up_func(context, data_dict)
    if _sees_everything(context) or data_dict.get("vocabulary_id"):
        return tags
    public = _public_tag_names()
    return [t for t in tags if (t.get("name") if isinstance(t, dict) else t) in public]


@tk.chained_action
@tk.side_effect_free
def tag_show(up_func: Any, context: dict[str, Any], data_dict: dict[str, Any]) -> Any:
    tag = up_func(context, data_dict)
    if _sees_everything(context) or data_dict.get("vocabulary_id") or tag.get("name") in _public_tag_names():
        return tag
    raise tk.ObjectNotFound(_("No encontrado."))


@tk.chained_action
@tk.side_effect_free
def tag_autocomplete(up_func: Any, context: dict[str, Any], data_dict: dict[str, Any]) -> Any:
    if _sees_everything(context) or data_dict.get("vocabulary_id"):
        return up_func(context, data_dict)
    limit = int(data_dict.get("limit") or 10)
    names = up_func(context, dict(data_dict, limit=limit * 20))
    public = _public_tag_names()
    return [name for name in names if name in public][:limit]


@tk.chained_action
@tk.side_effect_free
def format_autocomplete(up_func: Any, context: dict[str, Any], data_dict: dict[str, Any]) -> Any:
    if _sees_everything(context):
        return up_func(context, data_dict)
    tk.check_access("format_autocomplete", context, data_dict)
    limit = int(data_dict.get("limit") or 5)
    like = "%" + str(data_dict.get("q") or "") + "%"
    query = (
        model.Session.query(model.Resource.format, sa.func.count(model.Resource.format).label("total"))
        .filter(model.Resource.state == "active", model.Resource.format.ilike(like),
                model.Resource.package_id.in_(_public_packages()))
        .group_by(model.Resource.format)
        .order_by(sa.text("total DESC"))
        .limit(limit)
    )
    return [row.format.lower() for row in query]


def _activity_filter(name: str) -> Any:
    @tk.chained_action
    @tk.side_effect_free
    def filtered(up_func: Any, context: dict[str, Any], data_dict: dict[str, Any]) -> Any:
        activities = up_func(context, data_dict)
        if _sees_everything(context):
            return activities
        cache: dict[str, bool] = {}
        return [
            a for a in activities
            if a.get("activity_type") not in PACKAGE_ACTIVITIES or _can_read(context, a.get("object_id") or "", cache)
        ]

    filtered.__name__ = name
    return filtered


# -- 404, not 403 --------------------------------------------------------------------


def _package_of(name: str, data_dict: dict[str, Any]) -> model.Package | None:
    """The dataset a read action is about, from its id, resource id or view id."""
    if name.startswith("package_"):
        return model.Package.get(data_dict.get("id") or data_dict.get("name_or_id") or "")
    resource_id = data_dict.get("resource_id") or ""
    if name == "resource_view_show":
        view = model.ResourceView.get(data_dict.get("id") or "")
        resource_id = view.resource_id if view is not None else ""
    elif not resource_id:
        resource_id = data_dict.get("id") or ""
    resource = model.Resource.get(resource_id)
    return model.Package.get(resource.package_id) if resource is not None else None


def _not_found_instead(name: str) -> Any:
    """A refusal about a dataset the user may not read becomes "not found".

    403 confirms that the dataset (or resource) exists; for an unpublished one that is
    already a trace. Refusals about datasets the user can read (e.g. a private DataStore
    function) stay refusals.
    """

    @tk.chained_action
    @tk.side_effect_free
    def guarded(up_func: Any, context: dict[str, Any], data_dict: dict[str, Any]) -> Any:
        try:
            return up_func(context, data_dict)
        except tk.NotAuthorized:
            pkg = _package_of(name, data_dict)
            if pkg is not None and not _can_read(context, pkg.id, {}):
                raise tk.ObjectNotFound(_("No encontrado.")) from None
            raise

    guarded.__name__ = name
    return guarded


def _as_if_missing(name: str, keys: tuple[str, ...]) -> Any:
    """Actions that name an unpublished dataset by id answer as for one that does not exist.

    ``dataset_follower_count`` would count its followers (0) where a missing dataset gets
    "Not found", ``follow_dataset`` and ``am_following_dataset`` validate it as existing,
    ``package_relationships_list`` answers 403: each confirms it exists. For those who cannot
    read it, the id is swapped for one no dataset has, so CKAN's own "not found" answers.
    """

    def guarded(up_func: Any, context: dict[str, Any], data_dict: dict[str, Any]) -> Any:
        if not _sees_everything(context):
            for key in keys:
                value = data_dict.get(key)
                pkg = model.Package.get(value) if isinstance(value, str) and value else None
                if pkg is not None and not _can_read(context, pkg.id, {}):
                    data_dict = dict(data_dict, **{key: MISSING_ID})
        return up_func(context, data_dict)

    guarded.__name__ = name
    chained = tk.chained_action(guarded)
    return chained if name == "follow_dataset" else tk.side_effect_free(chained)


# A dataset id nothing has (CKAN's ids are uuid4; this one is not a valid v4 uuid).
MISSING_ID = "00000000-0000-0000-0000-000000000000"
# Action -> the keys that name a dataset.
EXISTENCE_ACTIONS = {
    "dataset_follower_count": ("id",),
    "am_following_dataset": ("id",),
    "follow_dataset": ("id",),
    "unfollow_dataset": ("id",),
    "package_relationships_list": ("id", "id2"),
}

READ_ACTIONS = ("package_show", "resource_show", "resource_view_list", "resource_view_show")
PLUGIN_READ_ACTIONS = {"activity": ("package_activity_list",), "datastore": ("datastore_search", "datastore_info")}


# -- accounts -------------------------------------------------------------------------


PRIVATE_USER_KEYS = ("email_hash", "email", "sysadmin")


def _scrub_user(user: Any, context: dict[str, Any]) -> Any:
    """Another account's e-mail (or its hash) and sysadmin flag: for sysadmins and the user only."""
    if isinstance(user, dict) and any(k in user for k in PRIVATE_USER_KEYS) and user.get("name") != context.get("user"):
        for key in PRIVATE_USER_KEYS:
            user.pop(key, None)
    return user


def _scrub(result: Any, context: dict[str, Any]) -> Any:
    if _sees_everything(context):
        return result
    if isinstance(result, list):
        for item in result:
            _scrub(item, context)
    elif isinstance(result, dict):
        _scrub_user(result, context)
        for key in ("users", "user", "creator"):
            if key in result:
                _scrub(result[key], context)
    return result


def _scrubbed(name: str) -> Any:
    @tk.chained_action
    @tk.side_effect_free
    def scrubbed(up_func: Any, context: dict[str, Any], data_dict: dict[str, Any]) -> Any:
        return _scrub(up_func(context, data_dict), context)

    scrubbed.__name__ = name
    return scrubbed


def get_actions() -> dict[str, Any]:
    import ckan.plugins as p

    actions = {
        "member_list": member_list,
        "tag_list": tag_list,
        "tag_show": tag_show,
        "tag_autocomplete": tag_autocomplete,
        "format_autocomplete": format_autocomplete,
    }
    for name in ("organization_show", "group_show", "organization_list", "group_list", "user_show", "user_list",
                 "organization_list_for_user", "group_list_authz"):
        actions[name] = _scrubbed(name)
    for name in READ_ACTIONS:
        actions[name] = _not_found_instead(name)
    for name, keys in EXISTENCE_ACTIONS.items():
        actions[name] = _as_if_missing(name, keys)
    for plugin, names in PLUGIN_READ_ACTIONS.items():
        if p.plugin_loaded(plugin):
            actions.update({name: _not_found_instead(name) for name in names})
    if p.plugin_loaded("activity"):
        for name in ("user_activity_list", "group_activity_list", "organization_activity_list",
                     "recently_changed_packages_activity_list", "dashboard_activity_list"):
            actions[name] = _activity_filter(name)
    return actions
