"""What the plugin class exposes for the workflow; plugin.py only forwards to these."""

from __future__ import annotations

from typing import Any

from . import actions, auth, creator, deletion, deletion_page, guard, labels, tecnico, views


def get_actions() -> dict[str, Any]:
    return {
        **actions.get_actions(),
        **guard.get_actions(),
        **creator.get_actions(),
        "workflow_restore": deletion.workflow_restore,
    }


def get_auth_functions() -> dict[str, Any]:
    return {
        **auth.get_auth_functions(),
        **tecnico.get_auth_functions(),
        "workflow_restore": deletion.workflow_restore_auth,
    }


def get_blueprints() -> list[Any]:
    return views.get_blueprints()


def make_middleware(app: Any) -> Any:
    return deletion_page.install(app)


def get_helpers() -> dict[str, Any]:
    return views.get_helpers()


get_dataset_labels = labels.get_dataset_labels
get_user_dataset_labels = labels.get_user_dataset_labels
