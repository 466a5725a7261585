"""What the plugin class exposes for the Entregas; plugin.py only forwards to these."""

from __future__ import annotations

from typing import Any

from . import actions, auth
from .views import blueprint, display


def get_actions() -> dict[str, Any]:
    return actions.get_actions()


def get_auth_functions() -> dict[str, Any]:
    return auth.get_auth_functions()


def get_blueprints() -> list[Any]:
    return blueprint.get_blueprints()


def get_helpers() -> dict[str, Any]:
    return display.get_helpers()
